#include "cli_util.h"

#include <cstdio>

namespace delta::cli {

std::vector<std::string> SplitCommaList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    size_t b = start, e = comma;
    while (b < e && s[b] == ' ') ++b;
    while (e > b && s[e - 1] == ' ') --e;
    if (e > b) out.push_back(s.substr(b, e - b));
    start = comma + 1;
  }
  return out;
}

Status WriteStdout(const std::string& s) {
  if (s.empty()) return Status::OK();
  if (std::fwrite(s.data(), 1, s.size(), stdout) != s.size()) return Status::IOError("cannot write to standard output");
  return Status::OK();
}

}  // namespace delta::cli
