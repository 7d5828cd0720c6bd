// Tests of DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>
#include <string>

#include "delta/parquet/encoding/encoding.h"
#include "delta/parquet/encoding/encoding_test_util.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using testing::ByteArrays;
using testing::SinkValues;
using testing::U8;

template <typename T>
std::string EncodeDelta(const std::vector<T>& v) {
  auto enc = MakeValueEncoder(Encoding::DELTA_BINARY_PACKED, sizeof(T) == 4 ? Type::INT32 : Type::INT64, 0).ValueOrDie();
  enc->Put(reinterpret_cast<const uint8_t*>(v.data()), static_cast<int64_t>(v.size()));
  return enc->Finish();
}

template <typename T>
Status DecodeDelta(const std::string& bytes, int64_t n, std::vector<T>* out, int64_t batch = 1 << 30) {
  auto dec = MakeValueDecoder(Encoding::DELTA_BINARY_PACKED, sizeof(T) == 4 ? Type::INT32 : Type::INT64, 0).ValueOrDie();
  Status st = dec->SetData(n, U8(bytes), static_cast<int64_t>(bytes.size()));
  if (!st.ok()) return st;
  out->assign(static_cast<size_t>(n), 0);
  for (int64_t i = 0; i < n;) {
    const int64_t k = std::min(batch, n - i);
    st = dec->Decode(reinterpret_cast<uint8_t*>(out->data() + i), k);
    if (!st.ok()) return st;
    i += k;
  }
  return Status::OK();
}

TEST(DeltaBinaryPacked, SpecExample2WithValidBlockSize) {
  // Encodings.md example 2 (7, 5, 3, 1, 2, 3, 4, 5) with block size 128 and 1 miniblock (the
  // example's block size 8 is invalid): header 128, 1, 8, zigzag(7) = 14; block: zigzag(-2) = 3,
  // width 2, then 0,0,0,3,3,3,3 packed on 2 bits and padded to 128 values (32 bytes).
  std::string bytes("\x80\x01\x01\x08\x0e\x03\x02\xc0\x3f", 9);
  bytes.append(30, '\0');
  std::vector<int32_t> out;
  ASSERT_OK(DecodeDelta(bytes, 8, &out));
  EXPECT_EQ(out, (std::vector<int32_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  std::vector<int64_t> out64;
  ASSERT_OK(DecodeDelta(bytes, 8, &out64));
  EXPECT_EQ(out64, (std::vector<int64_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  // The spec's literal block size 8 is rejected.
  const std::string small("\x08\x01\x05\x02\x02\x00", 6);
  ASSERT_RAISES(CorruptData, DecodeDelta(small, 5, &out));
}

void AppendUleb(uint64_t v, std::string* out) {
  do {
    const uint8_t b = v & 0x7f;
    v >>= 7;
    out->push_back(static_cast<char>(v ? (b | 0x80) : b));
  } while (v);
}

TEST(DeltaBinaryPacked, Int32WithWideMiniblocks) {
  // Writers computing deltas in 64 bits (DuckDB) store INT32 columns spanning both extremes
  // with 33-bit miniblocks: values INT32_MIN, INT32_MAX, INT32_MIN, 0, 5 have deltas
  // 2^32-1, -(2^32-1), 2^31, 5, so min delta -(2^32-1) and adjusted deltas up to 2^33-2.
  constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
  const std::vector<int64_t> values = {kMin, kMax, kMin, 0, 5};
  const int64_t min_delta = -(kMax - kMin);
  std::string bytes;
  AppendUleb(128, &bytes);
  AppendUleb(4, &bytes);
  AppendUleb(values.size(), &bytes);
  AppendUleb(static_cast<uint64_t>(kMin) * 2 ^ static_cast<uint64_t>(kMin >> 63), &bytes);  // zigzag
  AppendUleb(static_cast<uint64_t>(min_delta) * 2 ^ static_cast<uint64_t>(min_delta >> 63), &bytes);
  const int width = 33;
  bytes.append({static_cast<char>(width), 0, 0, 0});
  std::string packed(4 * width, '\0');  // 32 values of 33 bits, LSB first
  for (size_t i = 1; i < values.size(); ++i) {
    const uint64_t adjusted = static_cast<uint64_t>(values[i] - values[i - 1] - min_delta);
    for (int b = 0; b < width; ++b) {
      const int64_t bit = static_cast<int64_t>(i - 1) * width + b;
      if ((adjusted >> b) & 1) packed[bit / 8] = static_cast<char>(packed[bit / 8] | (1 << (bit % 8)));
    }
  }
  const std::vector<int32_t> expected = {std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                                         std::numeric_limits<int32_t>::min(), 0, 5};
  for (const std::string& b : {bytes + packed, bytes + packed.substr(0, 17)}) {  // full, then unpadded
    for (int64_t batch : {1, 3, 100}) {
      std::vector<int32_t> out;
      ASSERT_OK(DecodeDelta(b, 5, &out, batch));
      EXPECT_EQ(out, expected) << "batch " << batch << " bytes " << b.size();
    }
  }
  // The same stream read as INT64 keeps the 64-bit deltas exactly.
  std::vector<int64_t> out64;
  ASSERT_OK(DecodeDelta(bytes + packed, 5, &out64));
  EXPECT_EQ(out64, values);
}

TEST(DeltaBinaryPacked, SpecExample1Encoding) {
  // 1..5: all deltas 1, so min delta 1 and bit width 0: no miniblock data.
  const std::string bytes = EncodeDelta<int32_t>({1, 2, 3, 4, 5});
  EXPECT_EQ(bytes, std::string("\x80\x01\x04\x05\x02\x02\x00\x00\x00\x00", 10));
  std::vector<int32_t> out;
  ASSERT_OK(DecodeDelta(bytes, 5, &out));
  EXPECT_EQ(out, (std::vector<int32_t>{1, 2, 3, 4, 5}));
}

template <typename T>
void RoundTrip(const std::vector<T>& v) {
  const std::string bytes = EncodeDelta(v);
  for (int64_t batch : {1, 7, 32, 1000000}) {
    std::vector<T> out;
    ASSERT_OK(DecodeDelta(bytes, static_cast<int64_t>(v.size()), &out, batch));
    ASSERT_EQ(out, v) << "batch " << batch << " n " << v.size();
  }
}

TEST(DeltaBinaryPacked, RoundTripEdgeCases) {
  using L = std::numeric_limits<int64_t>;
  using I = std::numeric_limits<int32_t>;
  for (size_t n : {0, 1, 2, 8, 32, 33, 127, 128, 129, 200, 1000}) {
    std::vector<int64_t> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = (i % 3 == 0) ? L::min() : (i % 3 == 1 ? L::max() : 0);
    RoundTrip(v);
    std::vector<int32_t> w(n);
    for (size_t i = 0; i < n; ++i) w[i] = (i % 2) ? I::min() : I::max();
    RoundTrip(w);
    RoundTrip(std::vector<int64_t>(n, -5));
    RoundTrip(std::vector<int32_t>(n, I::min()));
  }
}

TEST(DeltaBinaryPacked, EveryBitWidth) {
  // Deltas spanning exactly `width` bits force that miniblock width (0..64 for INT64).
  std::mt19937_64 rng(11);
  for (int width = 0; width <= 64; ++width) {
    std::vector<int64_t> v(300);
    uint64_t acc = rng();
    for (auto& x : v) {
      const uint64_t d = width == 64 ? rng() : (width == 0 ? 0 : (rng() & ((uint64_t{1} << width) - 1)));
      acc += d;
      x = static_cast<int64_t>(acc);
    }
    RoundTrip(v);
    if (width <= 32) {
      std::vector<int32_t> w(300);
      uint32_t a = static_cast<uint32_t>(rng());
      for (auto& x : w) {
        a += width == 32 ? static_cast<uint32_t>(rng()) : static_cast<uint32_t>(rng() & ((uint64_t{1} << width) - 1));
        x = static_cast<int32_t>(a);
      }
      RoundTrip(w);
    }
  }
}

TEST(DeltaBinaryPacked, Hostile) {
  std::vector<int64_t> v(500);
  std::mt19937_64 rng(1);
  for (auto& x : v) x = static_cast<int64_t>(rng() % 100000);
  const std::string bytes = EncodeDelta(v);
  // Every truncation: either CorruptData or (when only padding is missing) the right values.
  for (size_t len = 0; len < bytes.size(); ++len) {
    std::vector<int64_t> out;
    Status st = DecodeDelta(bytes.substr(0, len), 500, &out);
    if (st.ok()) {
      EXPECT_EQ(out, v) << len;
    } else {
      EXPECT_TRUE(st.IsCorruptData()) << st.ToString();
    }
  }
  // Miniblock bit width 65 in an INT32 and an INT64 stream (33 is valid for INT32: see
  // Int32WithWideMiniblocks).
  std::string w65("\x80\x01\x04\x03\x00\x00\x41\x00\x00\x00", 10);
  w65.append(300, '\0');
  std::vector<int32_t> out32;
  ASSERT_RAISES(CorruptData, DecodeDelta(w65, 3, &out32));
  std::vector<int64_t> out64;
  ASSERT_RAISES(CorruptData, DecodeDelta(w65, 3, &out64));
  w65[6] = 64;
  ASSERT_OK(DecodeDelta(w65, 3, &out64));
  // Header announcing far more values than the bytes can hold.
  const std::string huge("\x80\x01\x04\xff\xff\xff\xff\x0f\x00\x00", 10);
  ASSERT_RAISES(CorruptData, DecodeDelta(huge, 3, &out32));
  // Miniblock count not dividing the block into multiples of 32.
  const std::string bad_mini("\x80\x01\x03\x01\x00", 5);
  ASSERT_RAISES(CorruptData, DecodeDelta(bad_mini, 1, &out32));
  // Asking for more values than announced.
  const std::string two = EncodeDelta<int32_t>({1, 2});
  ASSERT_RAISES(CorruptData, DecodeDelta(two, 3, &out32));
}

TEST(DeltaLengthByteArray, SpecExample) {
  const std::vector<std::string> v = {"Hello", "World", "Foobar", "ABCDEF"};
  ByteArrays in(v);
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::DELTA_LENGTH_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  enc->PutByteArrays(in.offsets.data(), false, in.bytes(), 4);
  const std::string bytes = enc->Finish();
  // DeltaEncoding(5, 5, 6, 6) then the concatenated bytes.
  const std::string lengths = EncodeDelta<int32_t>({5, 5, 6, 6});
  EXPECT_EQ(bytes, lengths + "HelloWorldFoobarABCDEF");
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::DELTA_LENGTH_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  ASSERT_OK(dec->SetData(4, U8(bytes), static_cast<int64_t>(bytes.size())));
  ByteArraySink sink;
  ASSERT_OK(dec->DecodeByteArrays(1, &sink));
  ASSERT_OK(dec->Skip(1));
  ASSERT_OK(dec->DecodeByteArrays(2, &sink));
  EXPECT_EQ(SinkValues(sink), (std::vector<std::string>{"Hello", "Foobar", "ABCDEF"}));
  ASSERT_RAISES(CorruptData, dec->DecodeByteArrays(1, &sink));
}

TEST(DeltaLengthByteArray, RoundTripAndHostile) {
  std::mt19937 rng(9);
  std::vector<std::string> v;
  for (int i = 0; i < 700; ++i) v.push_back(std::string(rng() % 40, static_cast<char>('a' + i % 26)));
  ByteArrays in(v);
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::DELTA_LENGTH_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  enc->PutByteArrays(in.offsets.data(), false, in.bytes(), 700);
  const std::string bytes = enc->Finish();
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::DELTA_LENGTH_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  ByteArraySink sink(true);
  ASSERT_OK(dec->SetData(700, U8(bytes), static_cast<int64_t>(bytes.size())));
  ASSERT_OK(dec->DecodeByteArrays(700, &sink));
  EXPECT_EQ(SinkValues(sink), v);
  for (size_t len = 0; len < bytes.size(); len += 7) {
    ByteArraySink s;
    Status st = dec->SetData(700, U8(bytes), static_cast<int64_t>(len));
    if (st.ok()) st = dec->DecodeByteArrays(700, &s);
    ASSERT_RAISES(CorruptData, st);
  }
  // Negative length: DeltaEncoding(-1).
  const std::string neg = EncodeDelta<int32_t>({-1});
  ASSERT_RAISES(CorruptData, dec->SetData(1, U8(neg), static_cast<int64_t>(neg.size())));
  // More lengths than the page has values.
  ASSERT_RAISES(CorruptData, dec->SetData(600, U8(bytes), static_cast<int64_t>(bytes.size())));
}

TEST(DeltaByteArray, SpecExample) {
  const std::vector<std::string> v = {"axis", "axle", "babble", "babyhood"};
  ByteArrays in(v);
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::DELTA_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  enc->PutByteArrays(in.offsets.data(), false, in.bytes(), 4);
  const std::string bytes = enc->Finish();
  EXPECT_EQ(bytes, EncodeDelta<int32_t>({0, 2, 0, 3}) + EncodeDelta<int32_t>({4, 2, 6, 5}) + "axislebabbleyhood");
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::DELTA_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  ASSERT_OK(dec->SetData(4, U8(bytes), static_cast<int64_t>(bytes.size())));
  ByteArraySink sink;
  ASSERT_OK(dec->Skip(1));
  ASSERT_OK(dec->DecodeByteArrays(3, &sink));
  EXPECT_EQ(SinkValues(sink), (std::vector<std::string>{"axle", "babble", "babyhood"}));
}

TEST(DeltaByteArray, FixedLenAndHostile) {
  const std::vector<std::string> v = {"abcd", "abce", "abce", "zzzz", "zzza"};
  std::string flat;
  for (const auto& s : v) flat += s;
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::DELTA_BYTE_ARRAY, Type::FIXED_LEN_BYTE_ARRAY, 4));
  enc->Put(U8(flat), 5);
  const std::string bytes = enc->Finish();
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::DELTA_BYTE_ARRAY, Type::FIXED_LEN_BYTE_ARRAY, 4));
  ASSERT_OK(dec->SetData(5, U8(bytes), static_cast<int64_t>(bytes.size())));
  std::string out(20, '\0');
  ASSERT_OK(dec->Decode(reinterpret_cast<uint8_t*>(out.data()), 5));
  EXPECT_EQ(out, flat);
  // A value of the wrong length in an FLBA(3) column.
  ASSERT_OK_AND_ASSIGN(auto dec3, MakeValueDecoder(Encoding::DELTA_BYTE_ARRAY, Type::FIXED_LEN_BYTE_ARRAY, 3));
  ASSERT_OK(dec3->SetData(5, U8(bytes), static_cast<int64_t>(bytes.size())));
  ASSERT_RAISES(CorruptData, dec3->Decode(reinterpret_cast<uint8_t*>(out.data()), 1));
  // Prefix longer than the previous value: prefixes (0, 5) after "ab".
  const std::string bad = EncodeDelta<int32_t>({0, 5}) + EncodeDelta<int32_t>({2, 1}) + "abc";
  ASSERT_OK_AND_ASSIGN(auto dba, MakeValueDecoder(Encoding::DELTA_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  ASSERT_OK(dba->SetData(2, U8(bad), static_cast<int64_t>(bad.size())));
  ByteArraySink sink;
  ASSERT_RAISES(CorruptData, dba->DecodeByteArrays(2, &sink));
  // First value with a non-zero prefix.
  const std::string bad0 = EncodeDelta<int32_t>({1}) + EncodeDelta<int32_t>({2}) + "ab";
  ASSERT_OK(dba->SetData(1, U8(bad0), static_cast<int64_t>(bad0.size())));
  ASSERT_RAISES(CorruptData, dba->DecodeByteArrays(1, &sink));
  // Negative prefix / suffix lengths and mismatched counts.
  const std::string negp = EncodeDelta<int32_t>({-1}) + EncodeDelta<int32_t>({2}) + "ab";
  ASSERT_RAISES(CorruptData, dba->SetData(1, U8(negp), static_cast<int64_t>(negp.size())));
  const std::string mism = EncodeDelta<int32_t>({0, 0}) + EncodeDelta<int32_t>({2}) + "ab";
  ASSERT_RAISES(CorruptData, dba->SetData(2, U8(mism), static_cast<int64_t>(mism.size())));
  // Every truncation of a valid page fails cleanly.
  for (size_t len = 0; len < bytes.size(); ++len) {
    Status st = dec->SetData(5, U8(bytes), static_cast<int64_t>(len));
    if (st.ok()) st = dec->Decode(reinterpret_cast<uint8_t*>(out.data()), 5);
    ASSERT_RAISES(CorruptData, st);
  }
}

TEST(DeltaByteArray, ValuesAfterALongValueKeepTheirBytes) {
  // A long value makes the sink's data buffer grow to a size that is not a multiple of the
  // allocation granule; the values appended after it must survive the following growths.
  std::vector<std::string> v;
  for (int i = 0; i < 6; ++i) v.push_back("v80516_" + std::to_string(i));
  v.push_back("v80516_" + std::string(293, 'x'));  // 300 bytes, sharing the prefix
  for (int i = 6; i < 40; ++i) v.push_back("v80516_" + std::to_string(i));
  v.push_back(std::string(1000, 'y'));
  v.push_back("v80516_end");
  ByteArrays in(v);
  const auto n = static_cast<int64_t>(v.size());
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::DELTA_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  enc->PutByteArrays(in.offsets.data(), false, in.bytes(), n);
  const std::string bytes = enc->Finish();
  for (bool large : {false, true}) {
    for (int64_t batch : {int64_t{1}, int64_t{5}, n}) {
      ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::DELTA_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
      ASSERT_OK(dec->SetData(n, U8(bytes), static_cast<int64_t>(bytes.size())));
      ByteArraySink sink(large);
      for (int64_t i = 0; i < n; i += batch) ASSERT_OK(dec->DecodeByteArrays(std::min(batch, n - i), &sink));
      EXPECT_EQ(SinkValues(sink), v) << "large " << large << " batch " << batch;
    }
  }
}

TEST(DeltaByteArray, RandomRoundTrip) {
  std::mt19937 rng(13);
  std::vector<std::string> v;
  std::string prev;
  for (int i = 0; i < 1000; ++i) {
    std::string s = prev.substr(0, rng() % (prev.size() + 1));
    const int extra = rng() % 6;
    for (int j = 0; j < extra; ++j) s.push_back(static_cast<char>('a' + rng() % 3));
    v.push_back(s);
    prev = s;
  }
  ByteArrays in(v);
  ASSERT_OK_AND_ASSIGN(auto enc, MakeValueEncoder(Encoding::DELTA_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  enc->PutByteArrays(in.offsets.data(), false, in.bytes(), 1000);
  const std::string bytes = enc->Finish();
  ASSERT_OK_AND_ASSIGN(auto dec, MakeValueDecoder(Encoding::DELTA_BYTE_ARRAY, Type::BYTE_ARRAY, 0));
  ASSERT_OK(dec->SetData(1000, U8(bytes), static_cast<int64_t>(bytes.size())));
  ByteArraySink sink;
  ASSERT_OK(dec->DecodeByteArrays(1000, &sink));
  EXPECT_EQ(SinkValues(sink), v);
}

}  // namespace
}  // namespace delta::parquet
