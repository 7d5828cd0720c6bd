// Shared test helpers: status assertions and paths to shared fixtures.
#pragma once

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "delta/util/macros.h"

#define ASSERT_OK(expr)                                            \
  do {                                                             \
    ::delta::Status _st = (expr);                                  \
    ASSERT_TRUE(_st.ok()) << #expr << " failed: " << _st.ToString(); \
  } while (false)

#define EXPECT_OK(expr)                                            \
  do {                                                             \
    ::delta::Status _st = (expr);                                  \
    EXPECT_TRUE(_st.ok()) << #expr << " failed: " << _st.ToString(); \
  } while (false)

#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, lhs, rexpr)                             \
  auto tmp = (rexpr);                                                          \
  ASSERT_TRUE(tmp.ok()) << #rexpr << " failed: " << tmp.status().ToString(); \
  lhs = tmp.MoveValueUnsafe();

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) ASSERT_OK_AND_ASSIGN_IMPL(DELTA_CONCAT(_res_, __LINE__), lhs, rexpr)

/// Asserts that a Status/Result failed with the given StatusCode (e.g. kCorruptData).
#define ASSERT_RAISES(code_name, expr)                                                     \
  do {                                                                                     \
    auto _r = (expr);                                                                      \
    ::delta::Status _st = ::delta::testing::ToStatus(_r);                                  \
    ASSERT_EQ(_st.code(), ::delta::StatusCode::k##code_name) << #expr << " gave " << _st.ToString(); \
  } while (false)

namespace delta::testing {

inline Status ToStatus(const Status& st) { return st; }
template <typename T>
Status ToStatus(const Result<T>& r) { return r.status(); }

/// Directory of the shared Delta tables (env DELTA_SHARED_TABLES, else ../shared/delta-tables
/// next to the source tree); empty when absent.
inline std::string SharedTablesDir() {
  if (const char* env = std::getenv("DELTA_SHARED_TABLES")) return env;
  std::string dir = std::string(DELTA_SOURCE_DIR) + "/../shared/delta-tables";
  if (std::system(("test -d '" + dir + "'").c_str()) == 0) return dir;
  return "";
}

}  // namespace delta::testing
