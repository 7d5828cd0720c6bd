// JSON string literals: the one escaper used wherever the project writes JSON text (Delta log
// actions, schema strings, file statistics, CLI output).
// Thread-safety: stateless functions, safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

namespace delta::util {

/// What to do with bytes of `s` that are not well-formed UTF-8.
enum class InvalidUtf8 {
  /// Copy every byte as it is (the caller vouches for the text or wants it verbatim).
  kPassThrough,
  /// Write U+FFFD ("\ufffd") for each byte that does not start a well-formed sequence, so the
  /// output is always valid RFC 8259 JSON.
  kReplace,
};

/// Appends `s` to *out as a JSON string literal, quotes included: '"' and '\\' are escaped,
/// \n \r \t \b \f use their short escapes, other control characters become \u00XX (lowercase
/// hex); everything else is copied.
void AppendJsonString(std::string_view s, std::string* out, InvalidUtf8 invalid = InvalidUtf8::kPassThrough);

/// Length (2..4) of the well-formed UTF-8 sequence starting at s[i] (s[i] >= 0x80), or 0 when
/// it is not one (bad lead byte, truncated, overlong, surrogate, or above U+10FFFF).
size_t Utf8SequenceLength(std::string_view s, size_t i);

}  // namespace delta::util
