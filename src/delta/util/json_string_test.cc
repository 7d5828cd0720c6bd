#include "delta/util/json_string.h"

#include <gtest/gtest.h>

namespace delta::util {
namespace {

std::string Quote(std::string_view s, InvalidUtf8 invalid = InvalidUtf8::kPassThrough) {
  std::string out = "x";
  AppendJsonString(s, &out, invalid);
  return out;
}

TEST(JsonStringTest, EscapesQuotesBackslashAndControls) {
  EXPECT_EQ(Quote(""), "x\"\"");
  EXPECT_EQ(Quote("plain"), "x\"plain\"");
  EXPECT_EQ(Quote("a\"b\\c"), "x\"a\\\"b\\\\c\"");
  EXPECT_EQ(Quote("\n\r\t\b\f"), "x\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(Quote(std::string_view("\x00\x01\x1f\x7f", 4)), "x\"\\u0000\\u0001\\u001f\x7f\"");
}

TEST(JsonStringTest, Utf8PassThroughOrReplace) {
  EXPECT_EQ(Quote("caf\xc3\xa9"), "x\"caf\xc3\xa9\"");
  EXPECT_EQ(Quote("caf\xc3\xa9", InvalidUtf8::kReplace), "x\"caf\xc3\xa9\"");
  EXPECT_EQ(Quote("a\xffz"), "x\"a\xffz\"");
  EXPECT_EQ(Quote("a\xffz", InvalidUtf8::kReplace), "x\"a\\ufffdz\"");
  // Truncated sequence at the end, overlong and surrogate encodings.
  EXPECT_EQ(Quote("\xe2\x82", InvalidUtf8::kReplace), "x\"\\ufffd\\ufffd\"");
  EXPECT_EQ(Quote("\xc0\xaf", InvalidUtf8::kReplace), "x\"\\ufffd\\ufffd\"");
  EXPECT_EQ(Quote("\xed\xa0\x80", InvalidUtf8::kReplace), "x\"\\ufffd\\ufffd\\ufffd\"");
  EXPECT_EQ(Quote("\xf0\x9f\x98\x80", InvalidUtf8::kReplace), "x\"\xf0\x9f\x98\x80\"");
}

TEST(JsonStringTest, SequenceLengths) {
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9", 0), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac", 0), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xf4\x90\x80\x80", 0), 0u);
  EXPECT_EQ(Utf8SequenceLength("\x80", 0), 0u);
}

}  // namespace
}  // namespace delta::util
