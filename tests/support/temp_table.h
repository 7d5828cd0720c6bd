// Test helpers for tests that need a writable table on local disk: a self-deleting temporary
// directory, a copy of a shared fixture table into it, and lookup of shared fixture tables.
// Thread-safety: each TempDir is owned by one test; the functions are stateless.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "support/matchers.h"

namespace delta::testing {

/// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "deltacpp_test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// Copies the tree `from` to `to` and makes every copied entry owner-writable (the shared
/// fixtures may be read-only), so tests can add or damage log files in the copy.
inline void CopyTree(const std::filesystem::path& from, const std::filesystem::path& to) {
  namespace fs = std::filesystem;
  fs::copy(from, to, fs::copy_options::recursive);
  fs::permissions(to, fs::perms::owner_all, fs::perm_options::add);
  for (auto& e : fs::recursive_directory_iterator(to)) {
    fs::permissions(e.path(), fs::perms::owner_read | fs::perms::owner_write | fs::perms::owner_exec,
                    fs::perm_options::add);
  }
}

/// Path of the shared fixture table `rel` (relative to SharedTablesDir()), or "" when the
/// fixtures or that table are absent.
inline std::string SharedTable(const std::string& rel) {
  std::string dir = SharedTablesDir();
  if (dir.empty()) return "";
  std::string p = dir + "/" + rel;
  return std::filesystem::exists(p) ? p : "";
}

}  // namespace delta::testing

/// Declares `std::string var` = SharedTable(rel), or skips the current test when it is absent.
#define SHARED_OR_SKIP(var, rel)                             \
  std::string var = ::delta::testing::SharedTable(rel);    \
  if (var.empty()) GTEST_SKIP() << "shared table " << rel << " absent"
