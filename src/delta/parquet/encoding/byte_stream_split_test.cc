// Tests of BYTE_STREAM_SPLIT.
#include <gtest/gtest.h>

#include <random>

#include "delta/parquet/encoding/encoding.h"
#include "delta/parquet/encoding/encoding_test_util.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using testing::U8;

TEST(ByteStreamSplit, SpecExample) {
  // Encodings.md: AA BB CC DD | 00 11 22 33 | A3 B4 C5 D6 -> AA 00 A3 BB 11 B4 CC 22 C5 DD 33 D6.
  const std::string values("\xAA\xBB\xCC\xDD\x00\x11\x22\x33\xA3\xB4\xC5\xD6", 12);
  const std::string split("\xAA\x00\xA3\xBB\x11\xB4\xCC\x22\xC5\xDD\x33\xD6", 12);
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::BYTE_STREAM_SPLIT, Type::FLOAT, 0));
  enc->Put(U8(values), 3);
  EXPECT_EQ(enc->Finish(), split);
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::BYTE_STREAM_SPLIT, Type::FLOAT, 0));
  ASSERT_OK(dec->SetData(3, U8(split), 12));
  std::string out(12, '\0');
  ASSERT_OK(dec->Decode(reinterpret_cast<uint8_t*>(out.data()), 1));
  ASSERT_OK(dec->Decode(reinterpret_cast<uint8_t*>(out.data()) + 4, 2));
  EXPECT_EQ(out, values);
  ASSERT_RAISES(CorruptData, dec->Decode(reinterpret_cast<uint8_t*>(out.data()), 1));
}

TEST(ByteStreamSplit, AllTypesRoundTrip) {
  std::mt19937 rng(21);
  struct Case {
    Type type;
    int32_t type_length;
    int width;
  };
  for (Case c : {Case{Type::FLOAT, 0, 4}, Case{Type::DOUBLE, 0, 8}, Case{Type::INT32, 0, 4}, Case{Type::INT64, 0, 8},
                 Case{Type::FIXED_LEN_BYTE_ARRAY, 3, 3}, Case{Type::FIXED_LEN_BYTE_ARRAY, 16, 16}}) {
    for (int n : {0, 1, 8, 33, 1000}) {
      std::string values(static_cast<size_t>(n * c.width), '\0');
      for (auto& ch : values) ch = static_cast<char>(rng());
      ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::BYTE_STREAM_SPLIT, c.type, c.type_length));
      enc->Put(U8(values), n);
      const std::string bytes = enc->Finish();
      ASSERT_EQ(bytes.size(), values.size());
      ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::BYTE_STREAM_SPLIT, c.type, c.type_length));
      ASSERT_OK(dec->SetData(n, U8(bytes), static_cast<int64_t>(bytes.size())));
      std::string out(values.size(), '\0');
      const int skip = n / 3;
      ASSERT_OK(dec->Skip(skip));
      ASSERT_OK(dec->Decode(reinterpret_cast<uint8_t*>(out.data()), n - skip));
      EXPECT_EQ(out.substr(0, static_cast<size_t>((n - skip) * c.width)), values.substr(static_cast<size_t>(skip * c.width)));
    }
  }
}

TEST(ByteStreamSplit, Hostile) {
  const std::string bytes(10, 'x');
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::BYTE_STREAM_SPLIT, Type::DOUBLE, 0));
  ASSERT_RAISES(CorruptData, dec->SetData(1, U8(bytes), 10));  // not a multiple of 8
  ASSERT_RAISES(CorruptData, dec->SetData(2, U8(bytes), 8));   // 2 values announced, 1 present
}

}  // namespace
}  // namespace delta::parquet
