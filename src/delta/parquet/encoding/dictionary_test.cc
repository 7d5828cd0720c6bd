// Tests of the dictionary builder, the index decoder and the gathers.
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

TEST(DictionaryEncoder, Int32RoundTripThroughPages) {
  std::mt19937 rng(17);
  std::vector<int32_t> v(5000);
  for (auto& x : v) x = static_cast<int32_t>(rng() % 300) - 150;
  v[0] = std::numeric_limits<int32_t>::min();
  DictionaryEncoder enc(Type::INT32, 0);
  enc.Put(reinterpret_cast<const uint8_t*>(v.data()), 2000);
  const std::string page1 = enc.FlushIndices();
  enc.Put(reinterpret_cast<const uint8_t*>(v.data() + 2000), 3000);
  EXPECT_EQ(enc.indices().size(), 3000u);
  const std::string page2 = enc.FlushIndices();
  EXPECT_TRUE(enc.indices().empty());
  const int64_t entries = enc.num_entries();
  EXPECT_LE(entries, 301);
  EXPECT_GE(entries, 250);
  EXPECT_EQ(enc.dict_encoded_size(), entries * 4);
  EXPECT_EQ(static_cast<uint8_t>(page1[0]), 9);  // up to 301 entries need 9 bits
  const std::string dict = enc.DictionaryPage();
  ASSERT_EQ(static_cast<int64_t>(dict.size()), enc.dict_encoded_size());
  // Read back: the dictionary page is PLAIN; indices via DictionaryIndexDecoder + GatherFixed.
  std::vector<int32_t> out(5000);
  int64_t pos = 0;
  for (const std::string* page : {&page1, &page2}) {
    const int64_t n = page == &page1 ? 2000 : 3000;
    DictionaryIndexDecoder dec;
    ASSERT_OK(dec.SetData(n, U8(*page), static_cast<int64_t>(page->size()), entries));
    std::vector<uint32_t> idx(n);
    ASSERT_OK_AND_ASSIGN(int64_t got, dec.GetIndices(idx.data(), n));
    ASSERT_EQ(got, n);
    ASSERT_OK(GatherFixed(U8(dict), static_cast<int64_t>(dict.size()), 4, idx.data(), n,
                          reinterpret_cast<uint8_t*>(out.data() + pos)));
    pos += n;
  }
  EXPECT_EQ(out, v);
}

TEST(DictionaryEncoder, FixedWidthsAndGrowth) {
  // Many distinct values force the hash table to grow several times.
  for (int width : {1, 8, 12, 16, 5}) {
    DictionaryEncoder enc(width == 8 ? Type::DOUBLE : (width == 12 ? Type::INT96 : Type::FIXED_LEN_BYTE_ARRAY), width);
    const int distinct = width == 1 ? 256 : 20000;
    std::string values;
    for (int rep = 0; rep < 2; ++rep) {
      for (int i = 0; i < distinct; ++i) {
        std::string v(static_cast<size_t>(width), '\0');
        for (int b = 0; b < width && b < 4; ++b) v[static_cast<size_t>(b)] = static_cast<char>((i * 2654435761u) >> (8 * b));
        values += v;
      }
    }
    enc.Put(U8(values), 2 * distinct);
    EXPECT_EQ(enc.num_entries(), distinct) << width;
    const std::string dict = enc.DictionaryPage();
    std::string out(values.size(), '\0');
    ASSERT_OK(GatherFixed(U8(dict), static_cast<int64_t>(dict.size()), width, enc.indices().data(), 2 * distinct,
                          reinterpret_cast<uint8_t*>(out.data())));
    EXPECT_EQ(out, values) << width;
    EXPECT_EQ(enc.indices()[0], 0u);
    EXPECT_EQ(enc.indices()[distinct], 0u);
  }
}

TEST(DictionaryEncoder, ByteArraysAndGather) {
  const std::vector<std::string> v = {"b", "", "apple", "b", "apple", "", "zz", "b"};
  ByteArrays in(v);
  DictionaryEncoder enc(Type::BYTE_ARRAY, 0);
  enc.PutByteArrays(in.offsets.data(), false, in.bytes(), 6);
  enc.PutByteArray(U8(v[6]), 2);
  enc.PutByteArray(U8(v[7]), 1);
  EXPECT_EQ(enc.num_entries(), 4);
  EXPECT_EQ(enc.indices(), (std::vector<uint32_t>{0, 1, 2, 0, 2, 1, 3, 0}));
  const std::string dict = enc.DictionaryPage();
  EXPECT_EQ(dict, std::string("\1\0\0\0b\0\0\0\0\5\0\0\0apple\2\0\0\0zz", 24));
  EXPECT_EQ(enc.dict_encoded_size(), 24);
  const std::string page = enc.FlushIndices();
  // Dictionary page -> PLAIN decoder -> sink; then gather through the decoded indices.
  ASSERT_OK_AND_ASSIGN(auto plain, MakeValueDecoder(Encoding::PLAIN, Type::BYTE_ARRAY, 0));
  ASSERT_OK(plain->SetData(4, U8(dict), static_cast<int64_t>(dict.size())));
  ByteArraySink dict_sink;
  ASSERT_OK(plain->DecodeByteArrays(4, &dict_sink));
  DictionaryIndexDecoder dec;
  ASSERT_OK(dec.SetData(8, U8(page), static_cast<int64_t>(page.size()), 4));
  uint32_t idx[8];
  ASSERT_OK_AND_ASSIGN(int64_t got, dec.GetIndices(idx, 8));
  ASSERT_EQ(got, 8);
  for (bool large : {false, true}) {
    ByteArraySink out(large);
    ASSERT_OK(out.Append(U8(std::string("pre")), 3));
    ASSERT_OK(GatherByteArrays(reinterpret_cast<const int32_t*>(dict_sink.offsets().data()), dict_sink.data().data(), 4,
                               idx, 8, &out));
    std::vector<std::string> expect = {"pre"};
    expect.insert(expect.end(), v.begin(), v.end());
    EXPECT_EQ(SinkValues(out), expect);
  }
  const std::vector<int64_t> offsets64 = {0, 1, 1, 6, 8};
  ByteArraySink out;
  ASSERT_OK(GatherByteArrays(offsets64.data(), U8(std::string("bapplezz")), 4, idx, 8, &out));
  EXPECT_EQ(SinkValues(out), v);
  uint32_t bad_idx[2] = {1, 4};
  ASSERT_RAISES(CorruptData, GatherByteArrays(offsets64.data(), U8(std::string("bapplezz")), 4, bad_idx, 2, &out));
}

TEST(DictionaryEncoder, BooleanAndSingleEntry) {
  DictionaryEncoder enc(Type::BOOLEAN, 0);
  const uint8_t vals[] = {1, 1, 0, 1};
  enc.Put(vals, 4);
  EXPECT_EQ(enc.num_entries(), 2);
  EXPECT_EQ(enc.DictionaryPage(), std::string("\x01", 1));  // true, false bit-packed
  DictionaryEncoder one(Type::INT64, 0);
  const int64_t x[3] = {7, 7, 7};
  one.Put(reinterpret_cast<const uint8_t*>(x), 3);
  const std::string page = one.FlushIndices();
  EXPECT_EQ(static_cast<uint8_t>(page[0]), 1);  // bit width 1, not 0
  one.Reset();
  EXPECT_EQ(one.num_entries(), 0);
  EXPECT_EQ(one.dict_encoded_size(), 0);
}

TEST(DictionaryIndexDecoder, Hostile) {
  DictionaryIndexDecoder dec;
  uint32_t out[8];
  ASSERT_RAISES(CorruptData, dec.SetData(1, nullptr, 0, 10));
  ASSERT_OK(dec.SetData(0, nullptr, 0, 10));
  const std::string w33("\x21\x02\x00", 3);
  ASSERT_RAISES(CorruptData, dec.SetData(1, U8(w33), 3, 10));
  // RLE run of index 5 with a 3-entry dictionary.
  const std::string oob("\x03\x10\x05", 3);
  ASSERT_OK(dec.SetData(8, U8(oob), 3, 3));
  ASSERT_RAISES(CorruptData, dec.GetIndices(out, 8));
  ASSERT_OK(dec.SetData(8, U8(oob), 3, 6));
  ASSERT_OK_AND_ASSIGN(int64_t got, dec.GetIndices(out, 8));
  EXPECT_EQ(got, 8);
  EXPECT_EQ(out[7], 5u);
  // Empty dictionary: any index is out of range.
  ASSERT_OK(dec.SetData(8, U8(oob), 3, 0));
  ASSERT_RAISES(CorruptData, dec.GetIndices(out, 8));
  // GatherFixed checks too.
  const std::string dict("abcdefgh", 8);
  const uint32_t idx[2] = {1, 2};
  std::string o(8, '\0');
  ASSERT_RAISES(CorruptData, GatherFixed(U8(dict), 8, 4, idx, 2, reinterpret_cast<uint8_t*>(o.data())));
  ASSERT_OK(GatherFixed(U8(dict), 8, 4, idx, 1, reinterpret_cast<uint8_t*>(o.data())));
  EXPECT_EQ(o.substr(0, 4), "efgh");
}

}  // namespace
}  // namespace delta::parquet
