// Tests of PLAIN for every physical type and of RLE booleans.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "delta/parquet/encoding/encoding.h"
#include "delta/parquet/encoding/encoding_test_util.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using testing::ByteArrays;
using testing::RawBytes;
using testing::SinkValues;
using testing::U8;

template <typename T>
void RoundTripFixed(Type type, const std::vector<T>& v, int32_t type_length = 0) {
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::PLAIN, type, type_length));
  enc->Put(reinterpret_cast<const uint8_t*>(v.data()), static_cast<int64_t>(v.size()));
  const std::string bytes = enc->Finish();
  // PLAIN fixed-width is the little-endian bytes themselves.
  EXPECT_EQ(bytes, RawBytes(v));
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::PLAIN, type, type_length));
  ASSERT_OK(dec->SetData(static_cast<int64_t>(v.size()), U8(bytes), static_cast<int64_t>(bytes.size())));
  std::vector<T> out(v.size());
  ASSERT_OK(dec->Decode(reinterpret_cast<uint8_t*>(out.data()), static_cast<int64_t>(v.size())));
  EXPECT_EQ(out, v);
  // One more value than present is CorruptData.
  ASSERT_OK(dec->SetData(static_cast<int64_t>(v.size()), U8(bytes), static_cast<int64_t>(bytes.size())));
  ASSERT_RAISES(CorruptData, dec->Decode(reinterpret_cast<uint8_t*>(out.data()), static_cast<int64_t>(v.size()) + 1));
}

TEST(Plain, FixedWidthTypes) {
  RoundTripFixed<int32_t>(Type::INT32, {0, 1, -1, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max()});
  RoundTripFixed<int64_t>(Type::INT64, {0, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 42});
  RoundTripFixed<float>(Type::FLOAT, {0.0f, -0.0f, 1.5f, std::numeric_limits<float>::infinity()});
  RoundTripFixed<double>(Type::DOUBLE, {3.25, -1e300, std::numeric_limits<double>::lowest()});
  RoundTripFixed<int32_t>(Type::INT32, {});
  struct Int96 {
    uint32_t w[3];
    bool operator==(const Int96& o) const { return std::memcmp(w, o.w, 12) == 0; }
  };
  static_assert(sizeof(Int96) == 12);
  RoundTripFixed<Int96>(Type::INT96, {{{1, 2, 3}}, {{0xffffffff, 0, 7}}});
  struct Flba5 {
    char b[5];
    bool operator==(const Flba5& o) const { return std::memcmp(b, o.b, 5) == 0; }
  };
  RoundTripFixed<Flba5>(Type::FIXED_LEN_BYTE_ARRAY, {{{'a', 'b', 'c', 'd', 'e'}}, {{0, 1, 2, 3, 4}}}, 5);
}

TEST(Plain, SkipThenDecode) {
  std::vector<int64_t> v(100);
  for (int i = 0; i < 100; ++i) v[i] = i * 1000;
  const std::string bytes = RawBytes(v);
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::PLAIN, Type::INT64, 0));
  ASSERT_OK(dec->SetData(100, U8(bytes), static_cast<int64_t>(bytes.size())));
  ASSERT_OK(dec->Skip(37));
  int64_t x;
  ASSERT_OK(dec->Decode(reinterpret_cast<uint8_t*>(&x), 1));
  EXPECT_EQ(x, 37000);
  ASSERT_RAISES(CorruptData, dec->Skip(63));
}

TEST(Plain, Boolean) {
  std::mt19937 rng(3);
  for (int n : {0, 1, 7, 8, 9, 64, 1001}) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = rng() & 1;
    ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::PLAIN, Type::BOOLEAN, 0));
    // Put in uneven pieces to exercise unaligned bit positions.
    int64_t i = 0;
    for (int64_t piece = 1; i < n; piece = piece * 3 % 17 + 1) {
      const int64_t k = std::min<int64_t>(piece, n - i);
      enc->Put(v.data() + i, k);
      i += k;
    }
    const std::string bytes = enc->Finish();
    ASSERT_EQ(bytes.size(), static_cast<size_t>((n + 7) / 8));
    ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::PLAIN, Type::BOOLEAN, 0));
    ASSERT_OK(dec->SetData(n, U8(bytes), static_cast<int64_t>(bytes.size())));
    std::vector<uint8_t> out(n);
    i = 0;
    for (int64_t piece = 2; i < n; piece = piece * 5 % 23 + 1) {
      const int64_t k = std::min<int64_t>(piece, n - i);
      ASSERT_OK(dec->Decode(out.data() + i, k));
      i += k;
    }
    EXPECT_EQ(out, v) << n;
  }
  // LSB first: 0b00000101 is true, false, true, false...
  const std::string b("\x05", 1);
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::PLAIN, Type::BOOLEAN, 0));
  ASSERT_OK(dec->SetData(3, U8(b), 1));
  uint8_t out[9];
  ASSERT_OK(dec->Decode(out, 3));
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 0);
  EXPECT_EQ(out[2], 1);
  ASSERT_RAISES(CorruptData, dec->Decode(out, 6));
}

TEST(Plain, ByteArray) {
  const std::vector<std::string> v = {"", "a", "hello", std::string(1000, 'x'), std::string("\0\1\2", 3)};
  ByteArrays in(v);
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::PLAIN, Type::BYTE_ARRAY, 0));
  enc->PutByteArrays(in.offsets.data(), false, in.bytes(), 3);
  enc->PutByteArray(reinterpret_cast<const uint8_t*>(v[3].data()), 1000);
  enc->PutByteArray(reinterpret_cast<const uint8_t*>(v[4].data()), 3);
  const std::string bytes = enc->Finish();
  EXPECT_EQ(bytes.substr(0, 14), std::string("\0\0\0\0\1\0\0\0a\5\0\0\0h", 14));
  for (bool large : {false, true}) {
    ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::PLAIN, Type::BYTE_ARRAY, 0));
    ASSERT_OK(dec->SetData(5, U8(bytes), static_cast<int64_t>(bytes.size())));
    ByteArraySink sink(large);
    ASSERT_OK(dec->DecodeByteArrays(2, &sink));
    ASSERT_OK(dec->Skip(1));
    ASSERT_OK(dec->DecodeByteArrays(2, &sink));
    EXPECT_EQ(SinkValues(sink), (std::vector<std::string>{v[0], v[1], v[3], v[4]}));
    ASSERT_RAISES(CorruptData, dec->DecodeByteArrays(1, &sink));
  }
}

TEST(Plain, ByteArrayHostile) {
  // Negative length.
  const std::string neg("\xff\xff\xff\xff", 4);
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::PLAIN, Type::BYTE_ARRAY, 0));
  ByteArraySink sink;
  ASSERT_OK(dec->SetData(1, U8(neg), 4));
  ASSERT_RAISES(CorruptData, dec->DecodeByteArrays(1, &sink));
  // Length beyond the page, and every truncation of a valid page.
  ByteArrays in({"abc", "defgh", "ij"});
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::PLAIN, Type::BYTE_ARRAY, 0));
  enc->PutByteArrays(in.offsets.data(), false, in.bytes(), 3);
  const std::string bytes = enc->Finish();
  for (size_t len = 0; len < bytes.size(); ++len) {
    ByteArraySink s;
    ASSERT_OK(dec->SetData(3, U8(bytes), static_cast<int64_t>(len)));
    ASSERT_RAISES(CorruptData, dec->DecodeByteArrays(3, &s));
  }
  // Decoding into the wrong kind of call is a caller error.
  uint8_t out[4];
  ASSERT_RAISES(InvalidArgument, dec->Decode(out, 1));
}

TEST(RleBoolean, RoundTripAndPrefix) {
  std::mt19937 rng(5);
  for (int n : {0, 1, 8, 100, 5000}) {
    std::vector<uint8_t> v(n);
    for (int i = 0; i < n; ++i) v[i] = (i / 50) % 2 ? 1 : (rng() & 1);
    ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::RLE, Type::BOOLEAN, 0));
    enc->Put(v.data(), n);
    const std::string bytes = enc->Finish();
    ASSERT_GE(bytes.size(), 4u);
    uint32_t prefix;
    std::memcpy(&prefix, bytes.data(), 4);
    EXPECT_EQ(prefix, bytes.size() - 4);
    ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::RLE, Type::BOOLEAN, 0));
    ASSERT_OK(dec->SetData(n, U8(bytes), static_cast<int64_t>(bytes.size())));
    std::vector<uint8_t> out(n);
    ASSERT_OK(dec->Skip(std::min(n, 3)));
    ASSERT_OK(dec->Decode(out.data() + std::min(n, 3), n - std::min(n, 3)));
    for (int i = std::min(n, 3); i < n; ++i) ASSERT_EQ(out[i], v[i]) << i;
    // At most 7 padding values follow the last one.
    std::vector<uint8_t> extra(8);
    ASSERT_RAISES(CorruptData, dec->Decode(extra.data(), 8));
  }
  // Length prefix larger than the page.
  const std::string bad("\x09\0\0\0\x02\x01", 6);
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::RLE, Type::BOOLEAN, 0));
  ASSERT_RAISES(CorruptData, dec->SetData(1, U8(bad), 6));
  ASSERT_RAISES(CorruptData, dec->SetData(1, U8(bad), 3));
}

TEST(Factory, Applicability) {
  ASSERT_RAISES(Unsupported, MakeValueDecoder(Encoding::RLE, Type::INT32, 0));
  ASSERT_RAISES(Unsupported, MakeValueDecoder(Encoding::DELTA_BINARY_PACKED, Type::DOUBLE, 0));
  ASSERT_RAISES(Unsupported, MakeValueDecoder(Encoding::DELTA_LENGTH_BYTE_ARRAY, Type::INT32, 0));
  ASSERT_RAISES(Unsupported, MakeValueDecoder(Encoding::BYTE_STREAM_SPLIT, Type::BYTE_ARRAY, 0));
  ASSERT_RAISES(Unsupported, MakeValueDecoder(Encoding::RLE_DICTIONARY, Type::INT32, 0));
  ASSERT_RAISES(Unsupported, MakeValueDecoder(static_cast<Encoding>(99), Type::INT32, 0));
  ASSERT_RAISES(InvalidArgument, MakeValueDecoder(Encoding::PLAIN, Type::FIXED_LEN_BYTE_ARRAY, 0));
  ASSERT_RAISES(Unsupported, MakeValueEncoder(Encoding::DELTA_BYTE_ARRAY, Type::INT64, 0));
  ASSERT_OK(MakeValueDecoder(Encoding::DELTA_BYTE_ARRAY, Type::FIXED_LEN_BYTE_ARRAY, 16).status());
  ASSERT_OK(MakeValueEncoder(Encoding::BYTE_STREAM_SPLIT, Type::FIXED_LEN_BYTE_ARRAY, 3).status());
}

}  // namespace
}  // namespace delta::parquet
