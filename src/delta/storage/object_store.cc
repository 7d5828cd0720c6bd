#include "delta/storage/object_store.h"

#include <fmt/format.h>

namespace delta::storage {

Status ValidateKey(std::string_view key, bool allow_empty) {
  if (key.empty()) {
    if (allow_empty) return Status::OK();
    return Status::InvalidArgument("empty object key");
  }
  if (key.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("object key '{}' contains a NUL byte", key));
  }
  size_t i = 0;
  while (i <= key.size()) {
    size_t j = key.find('/', i);
    if (j == std::string_view::npos) j = key.size();
    std::string_view seg = key.substr(i, j - i);
    if (seg.empty() || seg == "." || seg == "..") {
      return Status::InvalidArgument(
          fmt::format("malformed object key '{}' (empty, '.' or '..' segment, or leading/trailing '/')", key));
    }
    i = j + 1;
  }
  return Status::OK();
}

}  // namespace delta::storage
