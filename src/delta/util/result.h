// Result<T>: a value or an error Status (GCC 12 has no std::expected).
// Thread-safety: like the T it holds.
#pragma once

#include <cassert>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <variant>

#include "delta/util/status.h"

namespace delta {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit from a value or from a non-OK Status, so `return value;` and
  // `return Status::CorruptData(...)` both work.
  Result(T value) : v_(std::move(value)) {}  // NOLINT(runtime/explicit)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(runtime/explicit)
    if (std::get<Status>(v_).ok()) v_ = Status::Internal("Result constructed from an OK Status without a value");
  }
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U&&, T> && !std::is_same_v<std::decay_t<U>, T> &&
                                                    !std::is_same_v<std::decay_t<U>, Status>>>
  Result(U&& value) : v_(T(std::forward<U>(value))) {}  // NOLINT(runtime/explicit)

  bool ok() const { return v_.index() == 0; }
  const Status& status() const& {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  Status status() && { return ok() ? Status::OK() : std::move(std::get<Status>(v_)); }

  const T& ValueOrDie() const& {
    if (!ok()) std::abort();
    return std::get<0>(v_);
  }
  T& ValueOrDie() & {
    if (!ok()) std::abort();
    return std::get<0>(v_);
  }
  T ValueOrDie() && {
    if (!ok()) std::abort();
    return std::move(std::get<0>(v_));
  }
  /// Moves the value out; only valid when ok().
  T MoveValueUnsafe() { return std::move(std::get<0>(v_)); }

  const T& operator*() const& { return ValueOrDie(); }
  T& operator*() & { return ValueOrDie(); }
  const T* operator->() const { return &ValueOrDie(); }
  T* operator->() { return &ValueOrDie(); }

  T ValueOr(T alternative) && { return ok() ? std::move(std::get<0>(v_)) : std::move(alternative); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace delta
