// Error-propagation macros. DELTA_RETURN_NOT_OK(status_expr) returns a non-OK Status;
// DELTA_ASSIGN_OR_RAISE(lhs, result_expr) unwraps a Result<T> or returns its Status.
#pragma once

#include "delta/util/result.h"
#include "delta/util/status.h"

#define DELTA_CONCAT_INNER(a, b) a##b
#define DELTA_CONCAT(a, b) DELTA_CONCAT_INNER(a, b)

#define DELTA_RETURN_NOT_OK(expr)                   \
  do {                                              \
    ::delta::Status _delta_st = (expr);             \
    if (__builtin_expect(!_delta_st.ok(), 0)) return _delta_st; \
  } while (false)

/// Like DELTA_RETURN_NOT_OK, adding " (context)" to the error message.
#define DELTA_RETURN_NOT_OK_CTX(expr, context)      \
  do {                                              \
    ::delta::Status _delta_st = (expr);             \
    if (__builtin_expect(!_delta_st.ok(), 0)) return _delta_st.WithContext(context); \
  } while (false)

#define DELTA_ASSIGN_OR_RAISE_IMPL(tmp, lhs, rexpr)  \
  auto tmp = (rexpr);                                \
  if (__builtin_expect(!tmp.ok(), 0)) return std::move(tmp).status(); \
  lhs = tmp.MoveValueUnsafe();

#define DELTA_ASSIGN_OR_RAISE(lhs, rexpr) \
  DELTA_ASSIGN_OR_RAISE_IMPL(DELTA_CONCAT(_delta_res_, __LINE__), lhs, rexpr)

#define DELTA_PREDICT_FALSE(x) (__builtin_expect(!!(x), 0))
#define DELTA_PREDICT_TRUE(x) (__builtin_expect(!!(x), 1))
