// A small, strict XML reader for the documents S3 and its look-alikes send back
// (ListObjectsV2, errors, multipart upload results). The input is untrusted: the parser builds a
// bounded element tree (depth, element count and input size are limited), refuses DOCTYPE
// declarations (no entity expansion of any kind beyond the five predefined entities and character
// references), and reports malformed input as CorruptData naming what was being parsed.
// Namespace prefixes are dropped from element names and attributes are ignored: S3 responses
// carry no data in either.
// Thread-safety: pure functions; XmlElement is a plain value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "delta/util/result.h"

namespace delta::s3 {

struct XmlElement {
  /// Local name (prefix removed).
  std::string name;
  /// Concatenated character data directly inside this element (entities decoded).
  std::string text;
  std::vector<XmlElement> children;

  /// The first child named `name`, or nullptr.
  const XmlElement* Child(std::string_view child_name) const;
  /// The text of the first child named `name`, or "" when there is none.
  std::string_view ChildText(std::string_view child_name) const;
};

struct XmlLimits {
  int max_depth = 32;
  int64_t max_elements = 1'000'000;
  int64_t max_bytes = 64LL << 20;
};

/// Parses one document. `what` names it in errors ("ListObjectsV2 response for s3://b/p").
/// Errors: CorruptData for malformed or over-limit input.
Result<XmlElement> ParseXml(std::string_view doc, std::string_view what, const XmlLimits& limits = {});

/// Escapes &, <, >, " and ' for element text.
std::string XmlEscape(std::string_view s);

}  // namespace delta::s3
