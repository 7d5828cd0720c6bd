// Shared helpers of the deltacpp._native extension: the C++ exception that carries a
// delta::Status to the one translator (module.cc), which turns it into the matching
// deltacpp.exceptions class, and Unwrap/Check that raise it.
// Thread-safety: StatusError is a plain value; Unwrap/Check may be called without the GIL (the
// exception is translated later, by pybind11, with the GIL held).
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "delta/util/result.h"
#include "delta/util/status.h"

namespace delta::python {

/// Which Python class a failing Status becomes depends on what was being done: NotFound while
/// loading a table means "no table there", InvalidArgument from a write about columns means a
/// schema mismatch.
enum class ErrorContext { kGeneral, kLoad, kWrite };

class StatusError : public std::exception {
 public:
  StatusError(Status status, ErrorContext context) : status_(std::move(status)), context_(context) {}
  const char* what() const noexcept override { return status_.message().c_str(); }
  const Status& status() const { return status_; }
  ErrorContext context() const { return context_; }

 private:
  Status status_;
  ErrorContext context_;
};

inline void Check(const Status& st, ErrorContext context = ErrorContext::kGeneral) {
  if (!st.ok()) throw StatusError(st, context);
}

template <typename T>
T Unwrap(Result<T> r, ErrorContext context = ErrorContext::kGeneral) {
  if (!r.ok()) throw StatusError(r.status(), context);
  return r.MoveValueUnsafe();
}

}  // namespace delta::python
