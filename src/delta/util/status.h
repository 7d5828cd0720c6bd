// Status: the error value every fallible function in libdelta returns (no exception crosses a
// public API). A Status is either OK (no allocation) or a code plus a message that names what
// failed and where ("cannot read page header: ... (column a.b, file x.parquet)").
// Thread-safety: immutable values; copying is safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace delta {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,
  kNotFound = 2,
  kAlreadyExists = 3,
  kUnsupported = 4,
  kCorruptData = 5,
  kIOError = 6,
  kCommitConflict = 7,
  kInternal = 8,
  kOutOfMemory = 9,
};

/// Short name of a code, e.g. "CorruptData".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);
  Status(const Status& other) : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return Status(StatusCode::kInvalidArgument, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status AlreadyExists(std::string msg) { return Status(StatusCode::kAlreadyExists, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(StatusCode::kUnsupported, std::move(msg)); }
  static Status CorruptData(std::string msg) { return Status(StatusCode::kCorruptData, std::move(msg)); }
  static Status IOError(std::string msg) { return Status(StatusCode::kIOError, std::move(msg)); }
  static Status CommitConflict(std::string msg) { return Status(StatusCode::kCommitConflict, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }
  static Status OutOfMemory(std::string msg) { return Status(StatusCode::kOutOfMemory, std::move(msg)); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const;

  bool IsInvalidArgument() const { return code() == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code() == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code() == StatusCode::kAlreadyExists; }
  bool IsUnsupported() const { return code() == StatusCode::kUnsupported; }
  bool IsCorruptData() const { return code() == StatusCode::kCorruptData; }
  bool IsIOError() const { return code() == StatusCode::kIOError; }

  /// "CorruptData: <message>", or "OK".
  std::string ToString() const;

  /// Returns a copy whose message has `context` appended as " (context)"; OK stays OK.
  /// Used to add the file / column to an error raised deep inside a decoder.
  Status WithContext(std::string_view context) const;
  /// Returns a copy whose message is "prefix: message".
  Status WithPrefix(std::string_view prefix) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::unique_ptr<State> state_;
};

}  // namespace delta
