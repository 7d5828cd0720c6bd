// Compact-protocol corner cases on hand-assembled byte vectors.
#include "delta/parquet/thrift/compact_protocol_internal.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::parquet::thrift {
namespace {

CompactReader ReaderOf(const std::vector<uint8_t>& bytes) { return CompactReader(bytes.data(), static_cast<int64_t>(bytes.size())); }

TEST(CompactProtocol, ZigZagI32) {
  struct Case {
    std::vector<uint8_t> bytes;
    int32_t value;
  };
  std::vector<Case> cases = {
      {{0x00}, 0},
      {{0x01}, -1},
      {{0x02}, 1},
      {{0x03}, -2},
      {{0xFE, 0x01}, 127},
      {{0xFF, 0x01}, -128},
      {{0xFE, 0xFF, 0xFF, 0xFF, 0x0F}, std::numeric_limits<int32_t>::max()},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, std::numeric_limits<int32_t>::min()},
  };
  for (const Case& c : cases) {
    CompactReader r = ReaderOf(c.bytes);
    int32_t v = 0;
    ASSERT_OK(r.ReadI32(&v));
    EXPECT_EQ(v, c.value);
    EXPECT_EQ(r.remaining(), 0);
    std::string out;
    CompactWriter w(&out);
    w.WriteI32(c.value);
    EXPECT_EQ(out, std::string(c.bytes.begin(), c.bytes.end())) << c.value;
  }
}

TEST(CompactProtocol, ZigZagI64Extremes) {
  std::vector<uint8_t> min_bytes(9, 0xFF);
  min_bytes.push_back(0x01);
  CompactReader r = ReaderOf(min_bytes);
  int64_t v = 0;
  ASSERT_OK(r.ReadI64(&v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());

  for (int64_t x : {int64_t{0}, int64_t{-1}, int64_t{1} << 40, -(int64_t{1} << 40), std::numeric_limits<int64_t>::max(),
                    std::numeric_limits<int64_t>::min()}) {
    std::string out;
    CompactWriter w(&out);
    w.WriteI64(x);
    CompactReader rr(reinterpret_cast<const uint8_t*>(out.data()), static_cast<int64_t>(out.size()));
    int64_t y = 0;
    ASSERT_OK(rr.ReadI64(&y));
    EXPECT_EQ(x, y);
  }
}

TEST(CompactProtocol, VarintLimits) {
  // 6 bytes is too long for an i32.
  {
    std::vector<uint8_t> b = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    CompactReader r = ReaderOf(b);
    int32_t v;
    ASSERT_RAISES(CorruptData, r.ReadI32(&v));
  }
  // 5 bytes whose value exceeds 32 bits.
  {
    std::vector<uint8_t> b = {0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
    CompactReader r = ReaderOf(b);
    int32_t v;
    ASSERT_RAISES(CorruptData, r.ReadI32(&v));
  }
  // 11-byte varint.
  {
    std::vector<uint8_t> b(10, 0x80);
    b.push_back(0x01);
    CompactReader r = ReaderOf(b);
    int64_t v;
    ASSERT_RAISES(CorruptData, r.ReadI64(&v));
  }
  // 10th byte carrying bits above 64.
  {
    std::vector<uint8_t> b(9, 0xFF);
    b.push_back(0x02);
    CompactReader r = ReaderOf(b);
    int64_t v;
    ASSERT_RAISES(CorruptData, r.ReadI64(&v));
  }
  // Truncated varint.
  {
    std::vector<uint8_t> b = {0x80, 0x80};
    CompactReader r = ReaderOf(b);
    int64_t v;
    ASSERT_RAISES(CorruptData, r.ReadI64(&v));
  }
  // i16 out of range.
  {
    std::vector<uint8_t> b = {0x80, 0x80, 0x04};  // zigzag 65536 -> 32768
    CompactReader r = ReaderOf(b);
    int16_t v;
    ASSERT_RAISES(CorruptData, r.ReadI16(&v));
  }
}

TEST(CompactProtocol, FieldHeadersShortAndLongForm) {
  // i32 field 1 (short), i32 field 16 (long, zigzag 16 = 0x20), i32 field 17 (short delta 1
  // from 16), i64 field -1 (long), bool true field 2... (delta from -1 is 3), bool false.
  std::vector<uint8_t> b = {0x15, 0x05, 0x20, 0x15, 0x06, 0x01, 0x31, 0x12, 0x00};
  CompactReader r = ReaderOf(b);
  int16_t last = 0;
  FieldHeader f;
  ASSERT_OK(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.type, CType::kI32);
  EXPECT_EQ(f.id, 1);
  ASSERT_OK(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.type, CType::kI32);
  EXPECT_EQ(f.id, 16);
  ASSERT_OK(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 17);
  ASSERT_OK(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.type, CType::kI64);
  EXPECT_EQ(f.id, -1);
  ASSERT_OK(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 2);
  EXPECT_EQ(f.type, CType::kBoolTrue);
  EXPECT_TRUE(f.bool_value);
  ASSERT_OK(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.id, 3);
  EXPECT_EQ(f.type, CType::kBoolFalse);
  EXPECT_FALSE(f.bool_value);
  ASSERT_OK(r.ReadFieldHeader(&last, &f));
  EXPECT_EQ(f.type, CType::kStop);

  // The writer picks the same forms.
  std::string out;
  CompactWriter w(&out);
  int16_t wl = 0;
  w.WriteFieldHeader(CType::kI32, 1, &wl);
  w.WriteFieldHeader(CType::kI32, 16, &wl);  // delta 15 fits the short form
  w.WriteFieldHeader(CType::kI32, 40, &wl);  // delta 24 does not
  w.WriteFieldHeader(CType::kI32, 39, &wl);  // going backwards needs the long form
  EXPECT_EQ(out, std::string("\x15\xF5\x05\x50\x05\x4E", 6));
}

TEST(CompactProtocol, InvalidFieldType) {
  std::vector<uint8_t> b = {0x1D};  // type 13 does not exist
  CompactReader r = ReaderOf(b);
  int16_t last = 0;
  FieldHeader f;
  ASSERT_RAISES(CorruptData, r.ReadFieldHeader(&last, &f));
}

TEST(CompactProtocol, ListHeaders) {
  {
    std::vector<uint8_t> b = {0x35, 0x02, 0x04, 0x06};
    CompactReader r = ReaderOf(b);
    CType t;
    int32_t n;
    ASSERT_OK(r.ReadListHeader(&t, &n));
    EXPECT_EQ(t, CType::kI32);
    EXPECT_EQ(n, 3);
    int32_t v;
    ASSERT_OK(r.ReadI32(&v));
    EXPECT_EQ(v, 1);
  }
  {
    std::vector<uint8_t> b = {0xF8, 0x0F};  // long form: 15 binaries
    b.insert(b.end(), 15, 0x00);            // each empty
    CompactReader r = ReaderOf(b);
    CType t;
    int32_t n;
    ASSERT_OK(r.ReadListHeader(&t, &n));
    EXPECT_EQ(t, CType::kBinary);
    EXPECT_EQ(n, 15);
    std::string out;
    CompactWriter w(&out);
    w.WriteListHeader(CType::kBinary, 15);
    EXPECT_EQ(out, "\xF8\x0F");
  }
  {
    // Declares 2^31-1 elements with 3 bytes left.
    std::vector<uint8_t> b = {0xF5, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00, 0x00};
    CompactReader r = ReaderOf(b);
    CType t;
    int32_t n;
    ASSERT_RAISES(CorruptData, r.ReadListHeader(&t, &n));
  }
  {
    std::vector<uint8_t> b = {0x10};  // element type 0
    CompactReader r = ReaderOf(b);
    CType t;
    int32_t n;
    ASSERT_RAISES(CorruptData, r.ReadListHeader(&t, &n));
  }
}

TEST(CompactProtocol, BinaryLengthChecked) {
  std::vector<uint8_t> ok = {0x03, 'a', 'b', 'c'};
  CompactReader r = ReaderOf(ok);
  std::string s;
  ASSERT_OK(r.ReadBinary(&s));
  EXPECT_EQ(s, "abc");
  std::vector<uint8_t> bad = {0x04, 'a', 'b', 'c'};
  CompactReader r2 = ReaderOf(bad);
  ASSERT_RAISES(CorruptData, r2.ReadBinary(&s));
  std::vector<uint8_t> huge = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 'a'};
  CompactReader r3 = ReaderOf(huge);
  ASSERT_RAISES(CorruptData, r3.ReadBinary(&s));
}

TEST(CompactProtocol, Double) {
  std::string out;
  CompactWriter w(&out);
  w.WriteDouble(-1.5);
  ASSERT_EQ(out.size(), 8u);
  EXPECT_EQ(static_cast<uint8_t>(out[7]), 0xBF);  // little-endian sign/exponent byte last
  CompactReader r(reinterpret_cast<const uint8_t*>(out.data()), 8);
  double d = 0;
  ASSERT_OK(r.ReadDouble(&d));
  EXPECT_EQ(d, -1.5);
  CompactReader r2(reinterpret_cast<const uint8_t*>(out.data()), 7);
  ASSERT_RAISES(CorruptData, r2.ReadDouble(&d));
}

// A struct with one field of every type, then a trailing i32 field 100 = 7 we check after
// skipping everything before it.
std::string StructWithEveryType() {
  std::string out;
  CompactWriter w(&out);
  int16_t last = 0;
  w.WriteBoolField(1, true, &last);
  w.WriteBoolField(2, false, &last);
  w.WriteFieldHeader(CType::kByte, 3, &last);
  w.WriteI8(-5);
  w.WriteFieldHeader(CType::kI16, 4, &last);
  w.WriteI16(-300);
  w.WriteFieldHeader(CType::kI32, 5, &last);
  w.WriteI32(123456);
  w.WriteFieldHeader(CType::kI64, 6, &last);
  w.WriteI64(-(int64_t{1} << 50));
  w.WriteFieldHeader(CType::kDouble, 7, &last);
  w.WriteDouble(3.25);
  w.WriteFieldHeader(CType::kBinary, 8, &last);
  w.WriteBinary("hello");
  w.WriteFieldHeader(CType::kList, 9, &last);  // list<list<i32>>
  w.WriteListHeader(CType::kList, 2);
  w.WriteListHeader(CType::kI32, 2);
  w.WriteI32(1);
  w.WriteI32(2);
  w.WriteListHeader(CType::kI32, 0);
  w.WriteFieldHeader(CType::kSet, 10, &last);  // set<bool>
  w.WriteListHeader(CType::kBoolTrue, 3);
  w.WriteListBool(true);
  w.WriteListBool(false);
  w.WriteListBool(true);
  w.WriteFieldHeader(CType::kMap, 11, &last);  // map<i32, binary>
  w.WriteMapHeader(CType::kI32, CType::kBinary, 2);
  w.WriteI32(1);
  w.WriteBinary("a");
  w.WriteI32(2);
  w.WriteBinary("bb");
  w.WriteFieldHeader(CType::kMap, 12, &last);  // empty map
  w.WriteMapHeader(CType::kI32, CType::kI32, 0);
  w.WriteFieldHeader(CType::kStruct, 13, &last);  // nested struct with a long-form field
  {
    int16_t inner = 0;
    w.WriteFieldHeader(CType::kBinary, 300, &inner);
    w.WriteBinary("x");
    w.WriteStop();
  }
  w.WriteFieldHeader(CType::kList, 14, &last);  // list of 20 structs (long-form list size)
  w.WriteListHeader(CType::kStruct, 20);
  for (int i = 0; i < 20; ++i) {
    int16_t inner = 0;
    w.WriteFieldHeader(CType::kI32, 1, &inner);
    w.WriteI32(i);
    w.WriteStop();
  }
  w.WriteFieldHeader(CType::kI32, 100, &last);
  w.WriteI32(7);
  w.WriteStop();
  return out;
}

TEST(CompactProtocol, SkipEveryType) {
  std::string s = StructWithEveryType();
  CompactReader r(reinterpret_cast<const uint8_t*>(s.data()), static_cast<int64_t>(s.size()));
  int16_t last = 0;
  FieldHeader f;
  int fields = 0;
  int32_t marker = 0;
  while (true) {
    ASSERT_OK(r.ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    ++fields;
    if (f.id == 100) {
      ASSERT_OK(r.ReadI32(&marker));
    } else {
      ASSERT_OK(r.Skip(f.type));
    }
  }
  EXPECT_EQ(fields, 15);
  EXPECT_EQ(marker, 7);
  EXPECT_EQ(r.remaining(), 0);

  // Skipping the whole thing as one struct also lands exactly at the end.
  CompactReader r2(reinterpret_cast<const uint8_t*>(s.data()), static_cast<int64_t>(s.size()));
  ASSERT_OK(r2.Skip(CType::kStruct));
  EXPECT_EQ(r2.remaining(), 0);

  // Every strict prefix fails cleanly.
  for (size_t n = 0; n < s.size(); ++n) {
    CompactReader rp(reinterpret_cast<const uint8_t*>(s.data()), static_cast<int64_t>(n));
    ASSERT_RAISES(CorruptData, rp.Skip(CType::kStruct));
  }
}

TEST(CompactProtocol, DeepNestingRejected) {
  // 100 nested struct fields: 0x1C opens struct field 1 each time.
  std::vector<uint8_t> deep(100, 0x1C);
  deep.insert(deep.end(), 101, 0x00);
  CompactReader r = ReaderOf(deep);
  Status st = r.Skip(CType::kStruct);
  ASSERT_TRUE(st.IsCorruptData()) << st.ToString();
  EXPECT_NE(st.message().find("nesting"), std::string::npos) << st.message();

  // 60 levels are fine.
  std::vector<uint8_t> ok(60, 0x1C);
  ok.insert(ok.end(), 61, 0x00);
  CompactReader r2 = ReaderOf(ok);
  ASSERT_OK(r2.Skip(CType::kStruct));
  EXPECT_EQ(r2.remaining(), 0);

  // Nested lists: list of one list of one list ...
  std::vector<uint8_t> lists(200, 0x19);
  lists.push_back(0x05);  // innermost: an empty list<i32>
  CompactReader r3 = ReaderOf(lists);
  ASSERT_RAISES(CorruptData, r3.Skip(CType::kList));
}

TEST(CompactProtocol, MapSizeChecked) {
  std::vector<uint8_t> b = {0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x55, 0x00};
  CompactReader r = ReaderOf(b);
  ASSERT_RAISES(CorruptData, r.Skip(CType::kMap));
}

}  // namespace
}  // namespace delta::parquet::thrift
