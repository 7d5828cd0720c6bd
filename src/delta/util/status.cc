#include "delta/util/status.h"

namespace delta {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kUnsupported: return "Unsupported";
    case StatusCode::kCorruptData: return "CorruptData";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kCommitConflict: return "CommitConflict";
    case StatusCode::kInternal: return "Internal";
    case StatusCode::kOutOfMemory: return "OutOfMemory";
  }
  return "Unknown";
}

Status::Status(StatusCode code, std::string message) {
  if (code != StatusCode::kOk) state_ = std::make_unique<State>(State{code, std::move(message)});
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = StatusCodeName(state_->code);
  out += ": ";
  out += state_->message;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return Status();
  std::string msg = state_->message;
  msg += " (";
  msg += context;
  msg += ")";
  return Status(state_->code, std::move(msg));
}

Status Status::WithPrefix(std::string_view prefix) const {
  if (ok()) return Status();
  std::string msg(prefix);
  msg += ": ";
  msg += state_->message;
  return Status(state_->code, std::move(msg));
}

}  // namespace delta
