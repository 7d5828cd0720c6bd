// libFuzzer target for the XML reader of S3 responses (s3/xml.h). The input is a response body.
// The store's own response handlers are internal to s3_store.cc and need a live HTTP exchange, so
// this target parses the bytes the way they do (default limits) and then walks the tree the way
// the ListObjectsV2, error, DeleteObjects and multipart handlers read it (child lookups, URL
// decoding of keys). It also checks that:
//   - tight limits (depth, element count, bytes) are enforced, never exceeded;
//   - a parsed tree, written back out with XmlEscape, parses again into an equal tree.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "delta/s3/xml.h"
#include "delta/storage/path.h"

namespace {

using delta::s3::XmlElement;
using delta::s3::XmlLimits;

int Depth(const XmlElement& e) {
  int d = 0;
  for (const auto& c : e.children) d = std::max(d, Depth(c));
  return d + 1;
}

int64_t Count(const XmlElement& e) {
  int64_t n = 1;
  for (const auto& c : e.children) n += Count(c);
  return n;
}

bool HasEmptyName(const XmlElement& e) {
  if (e.name.empty()) return true;
  for (const auto& c : e.children) {
    if (HasEmptyName(c)) return true;
  }
  return false;
}

// The text is written before the children: the reader concatenates all character data of an
// element regardless of where it sits between children, so this order loses nothing.
void Write(const XmlElement& e, std::string* out) {
  *out += '<';
  *out += e.name;
  *out += '>';
  *out += delta::s3::XmlEscape(e.text);
  for (const auto& c : e.children) Write(c, out);
  *out += "</";
  *out += e.name;
  *out += '>';
}

bool Equal(const XmlElement& a, const XmlElement& b) {
  if (a.name != b.name || a.text != b.text || a.children.size() != b.children.size()) return false;
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!Equal(a.children[i], b.children[i])) return false;
  }
  return true;
}

// Reads the fields the S3 store reads from each kind of response.
size_t Walk(const XmlElement& doc) {
  size_t sink = doc.ChildText("Code").size() + doc.ChildText("Message").size() + doc.ChildText("Region").size();
  const bool url_encoded = doc.ChildText("EncodingType") == "url";
  sink += doc.ChildText("NextContinuationToken").size() + doc.ChildText("IsTruncated").size();
  sink += doc.ChildText("UploadId").size() + doc.ChildText("ETag").size();
  for (const XmlElement& c : doc.children) {
    if (c.name == "Contents") {
      std::string_view key = c.ChildText("Key");
      if (url_encoded) {
        auto decoded = delta::storage::PercentDecode(key);
        if (decoded.ok()) sink += decoded->size();
      }
      sink += key.size() + c.ChildText("Size").size() + c.ChildText("LastModified").size();
    } else if (c.name == "Error" || c.name == "Deleted") {
      sink += c.ChildText("Key").size() + c.ChildText("Code").size() + c.ChildText("Message").size();
    }
  }
  return sink;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view doc(reinterpret_cast<const char*>(data), size);

  // Tight limits: whatever parses must respect them.
  XmlLimits tight;
  tight.max_depth = 4;
  tight.max_elements = 16;
  tight.max_bytes = 4096;
  auto small = delta::s3::ParseXml(doc, "fuzz input (tight limits)", tight);
  if (small.ok()) {
    if (static_cast<int64_t>(size) > tight.max_bytes || Depth(*small) > tight.max_depth ||
        Count(*small) > tight.max_elements) {
      std::abort();
    }
  }

  auto parsed = delta::s3::ParseXml(doc, "fuzz input");
  if (!parsed.ok()) {
    if (small.ok()) std::abort();  // accepted under tight limits, so must be under the defaults
    return 0;
  }
  if (small.ok() && !Equal(*small, *parsed)) std::abort();
  volatile size_t sink = Walk(*parsed);
  (void)sink;

  // Round trip. A prefixed name with an empty local part ("<a:>") has no output form.
  if (HasEmptyName(*parsed)) return 0;
  std::string out;
  Write(*parsed, &out);
  auto again = delta::s3::ParseXml(out, "written back");
  if (!again.ok() || !Equal(*again, *parsed)) std::abort();
  return 0;
}
