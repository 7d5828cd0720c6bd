#include "delta/storage/path.h"

#include <vector>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::storage {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsSchemeChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
         c == '.';
}

// Length of the scheme of p (without the ':'), 0 when p has none (RFC 2396 section 3.1).
size_t SchemeLength(std::string_view p) {
  if (p.empty() || !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))) return 0;
  for (size_t i = 1; i < p.size(); ++i) {
    if (p[i] == ':') return i;
    if (!IsSchemeChar(p[i])) return 0;
  }
  return 0;
}

// Splits into segments, resolving "." and ".."; `escaped` is set when a ".." climbs above the top.
std::vector<std::string_view> Segments(std::string_view path, bool* escaped) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    if (seg.empty() || seg == ".") {
      // skip
    } else if (seg == "..") {
      if (out.empty()) {
        if (escaped) *escaped = true;
      } else {
        out.pop_back();
      }
    } else {
      out.push_back(seg);
    }
    i = j + 1;
  }
  return out;
}

std::string JoinSegments(const std::vector<std::string_view>& segs) {
  size_t total = 0;
  for (auto s : segs) total += s.size() + 1;
  std::string out;
  out.reserve(total);
  for (size_t k = 0; k < segs.size(); ++k) {
    if (k) out.push_back('/');
    out.append(segs[k]);
  }
  return out;
}

}  // namespace

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    int hi = i + 1 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument(
          fmt::format("malformed percent escape at position {} in path '{}'", i, s));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool IsAbsoluteUri(std::string_view p) { return (!p.empty() && p[0] == '/') || SchemeLength(p) > 0; }

std::string UriScheme(std::string_view p) {
  size_t n = SchemeLength(p);
  std::string out(p.substr(0, n));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string NormalizeKeyPath(std::string_view path) { return JoinSegments(Segments(path, nullptr)); }

Result<std::string> JoinRelativeKey(std::string_view root_key, std::string_view relative) {
  if (relative.empty()) return Status::InvalidArgument("empty relative path under the table root");
  if (relative.front() == '/') {
    return Status::InvalidArgument(fmt::format("path '{}' is absolute, expected a path relative to the table root",
                                               relative));
  }
  if (relative.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("path '{}' contains a NUL byte", relative));
  }
  bool escaped = false;
  auto segs = Segments(relative, &escaped);
  if (escaped) {
    return Status::InvalidArgument(fmt::format("relative path '{}' escapes the table root", relative));
  }
  if (segs.empty()) {
    return Status::InvalidArgument(fmt::format("relative path '{}' names the table root itself", relative));
  }
  std::string joined = JoinSegments(segs);
  if (root_key.empty()) return joined;
  std::string out;
  out.reserve(root_key.size() + 1 + joined.size());
  out.append(root_key);
  out.push_back('/');
  out.append(joined);
  return out;
}

Result<Location> ResolveDataFile(const Location& table_root, std::string_view action_path,
                                 const StorageOptions& options) {
  // PROTOCOL.md "Add File and Remove File": the path is a URI (RFC 2396) with percent-encoded
  // characters; relative paths are relative to the table root. Decode exactly once: file names
  // may legitimately contain '%' after decoding (e.g. "a%b" is stored as "a%25b").
  if (SchemeLength(action_path) > 0) return ResolveUri(action_path, options);
  DELTA_ASSIGN_OR_RAISE(std::string decoded, PercentDecode(action_path));
  if (!decoded.empty() && decoded.front() == '/') {
    if (decoded.find('\0') != std::string::npos) {
      return Status::InvalidArgument(fmt::format("path '{}' contains a NUL byte", action_path));
    }
    std::string key = NormalizeKeyPath(decoded);
    if (key.empty()) return Status::InvalidArgument(fmt::format("path '{}' names no file", action_path));
    return Location{table_root.store, std::move(key)};
  }
  auto key = JoinRelativeKey(table_root.key, decoded);
  if (!key.ok()) return key.status().WithContext(fmt::format("action path '{}'", action_path));
  return Location{table_root.store, key.MoveValueUnsafe()};
}

}  // namespace delta::storage
