// encoding_bench: Google Benchmark micro benchmarks of the Parquet hot loops, to guide profiling
// of the reader and writer: RLE/bit-packed unpacking at several bit widths, dictionary index
// decoding + gather (fixed width and strings), PLAIN decode of INT64/DOUBLE/BYTE_ARRAY,
// snappy/zstd (de)compression of page-sized buffers, and the writer's dictionary and PLAIN
// encoders. Throughput is reported per value (items/s) and per decoded byte (bytes/s).
//
//   encoding_bench [--benchmark_filter=REGEX] [--benchmark_min_time=0.2]
//
// Thread-safety: single-threaded; each benchmark owns its data.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "delta/parquet/compression/codec.h"
#include "delta/parquet/encoding/encoding.h"

namespace delta::parquet {
namespace {

constexpr int64_t kValues = 1 << 20;       // values per iteration
constexpr int64_t kPageValues = 20000;     // values per data page (our writer's default limit)

void CheckOk(const Status& st, benchmark::State& state) {
  if (!st.ok()) state.SkipWithError(st.ToString().c_str());
}

// Random values below 2^bit_width (mostly bit-packed runs, like dictionary indices of a
// high-cardinality column).
std::vector<uint32_t> RandomValues(int64_t n, int bit_width, uint32_t seed) {
  std::mt19937 rng(seed);
  const uint64_t mask = bit_width == 32 ? 0xffffffffull : ((uint64_t{1} << bit_width) - 1);
  std::vector<uint32_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<uint32_t>(rng() & mask);
  return v;
}

std::string EncodeHybrid(const std::vector<uint32_t>& values, int bit_width) {
  RleBitPackedEncoder enc(bit_width);
  enc.PutBatch(values.data(), static_cast<int64_t>(values.size()));
  return enc.Finish();
}

// ---------------------------------------------------------------- bit unpacking
void BM_RleBitPackedDecode(benchmark::State& state) {
  const int bit_width = static_cast<int>(state.range(0));
  auto values = RandomValues(kValues, bit_width, 1);
  std::string encoded = EncodeHybrid(values, bit_width);
  std::vector<uint32_t> out(kValues);
  RleBitPackedDecoder dec;
  for (auto _ : state) {
    dec.Reset(reinterpret_cast<const uint8_t*>(encoded.data()), static_cast<int64_t>(encoded.size()), bit_width);
    auto n = dec.GetBatch(out.data(), kValues);
    if (!n.ok() || *n != kValues) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kValues);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(encoded.size()));
}
BENCHMARK(BM_RleBitPackedDecode)->Arg(1)->Arg(3)->Arg(7)->Arg(8)->Arg(12)->Arg(17)->Arg(20)->Arg(32);

// Definition levels of a nullable column without nulls: one long RLE run.
void BM_RleRunDecodeLevels(benchmark::State& state) {
  std::vector<uint32_t> ones(kValues, 1);
  std::string encoded = EncodeHybrid(ones, 1);
  std::vector<int16_t> out(kValues);
  RleBitPackedDecoder dec;
  for (auto _ : state) {
    dec.Reset(reinterpret_cast<const uint8_t*>(encoded.data()), static_cast<int64_t>(encoded.size()), 1);
    auto n = dec.GetBatch(out.data(), kValues);
    if (!n.ok() || *n != kValues) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kValues);
}
BENCHMARK(BM_RleRunDecodeLevels);

// ---------------------------------------------------------------- dictionary
// A dictionary page of `dict_size` INT32 values and pages of indices, decoded and gathered
// page by page, as the column reader does for column k.
void BM_DictionaryDecodeInt32(benchmark::State& state) {
  const int64_t dict_size = state.range(0);
  int bit_width = 0;
  while ((int64_t{1} << bit_width) < dict_size) ++bit_width;
  std::vector<int32_t> dict(static_cast<size_t>(dict_size));
  for (int64_t i = 0; i < dict_size; ++i) dict[static_cast<size_t>(i)] = static_cast<int32_t>(i * 7);
  auto idx = RandomValues(kPageValues, bit_width, 2);
  for (auto& x : idx) x %= static_cast<uint32_t>(dict_size);
  std::string page(1, static_cast<char>(bit_width));
  page += EncodeHybrid(idx, bit_width);
  std::vector<uint32_t> indices(kPageValues);
  std::vector<int32_t> out(kValues);
  const int64_t pages = kValues / kPageValues;
  for (auto _ : state) {
    for (int64_t p = 0; p < pages; ++p) {
      DictionaryIndexDecoder dec;
      CheckOk(dec.SetData(kPageValues, reinterpret_cast<const uint8_t*>(page.data()), static_cast<int64_t>(page.size()),
                          dict_size),
              state);
      auto n = dec.GetIndices(indices.data(), kPageValues);
      if (!n.ok()) state.SkipWithError("indices failed");
      CheckOk(GatherFixed(reinterpret_cast<const uint8_t*>(dict.data()), dict_size * 4, 4, indices.data(), kPageValues,
                          reinterpret_cast<uint8_t*>(out.data() + p * kPageValues)),
              state);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * pages * kPageValues);
  state.SetBytesProcessed(state.iterations() * pages * kPageValues * 4);
}
BENCHMARK(BM_DictionaryDecodeInt32)->Arg(100)->Arg(60000);

// The same with only the gather (indices already decoded): separates unpacking from gathering.
void BM_GatherFixed(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const int64_t dict_size = 1000;
  std::vector<uint8_t> dict(static_cast<size_t>(dict_size * width), 1);
  auto idx = RandomValues(kValues, 10, 3);
  for (auto& x : idx) x %= dict_size;
  std::vector<uint8_t> out(static_cast<size_t>(kValues * width));
  for (auto _ : state) {
    CheckOk(GatherFixed(dict.data(), dict_size * width, width, idx.data(), kValues, out.data()), state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kValues);
  state.SetBytesProcessed(state.iterations() * kValues * width);
}
BENCHMARK(BM_GatherFixed)->Arg(4)->Arg(8);

void BM_GatherByteArrays(benchmark::State& state) {
  const int64_t dict_size = state.range(0);
  std::vector<int32_t> offsets(1, 0);
  std::string data;
  for (int64_t i = 0; i < dict_size; ++i) {
    data += "s" + std::to_string(i * 7919 % 1000003) + std::string(static_cast<size_t>(i % 26), 'x');
    offsets.push_back(static_cast<int32_t>(data.size()));
  }
  int bit_width = 0;
  while ((int64_t{1} << bit_width) < dict_size) ++bit_width;
  auto idx = RandomValues(kValues, bit_width, 4);
  for (auto& x : idx) x %= static_cast<uint32_t>(dict_size);
  int64_t bytes = 0;
  for (auto _ : state) {
    ByteArraySink sink;
    CheckOk(GatherByteArrays(offsets.data(), reinterpret_cast<const uint8_t*>(data.data()), dict_size, idx.data(),
                             kValues, &sink),
            state);
    bytes = sink.data_size();
    benchmark::DoNotOptimize(sink.data().data());
  }
  state.SetItemsProcessed(state.iterations() * kValues);
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_GatherByteArrays)->Arg(100)->Arg(100000);

// ---------------------------------------------------------------- PLAIN decode
template <Type kType, int kWidth>
void BM_PlainDecodeFixed(benchmark::State& state) {
  std::vector<uint8_t> page(static_cast<size_t>(kPageValues * kWidth));
  std::mt19937_64 rng(5);
  for (auto& b : page) b = static_cast<uint8_t>(rng());
  std::vector<uint8_t> out(static_cast<size_t>(kValues * kWidth));
  auto dec_r = MakeValueDecoder(Encoding::PLAIN, kType, 0);
  if (!dec_r.ok()) {
    state.SkipWithError(dec_r.status().ToString().c_str());
    return;
  }
  auto dec = std::move(dec_r).ValueOrDie();
  const int64_t pages = kValues / kPageValues;
  for (auto _ : state) {
    for (int64_t p = 0; p < pages; ++p) {
      CheckOk(dec->SetData(kPageValues, page.data(), static_cast<int64_t>(page.size())), state);
      CheckOk(dec->Decode(out.data() + p * kPageValues * kWidth, kPageValues), state);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * pages * kPageValues);
  state.SetBytesProcessed(state.iterations() * pages * kPageValues * kWidth);
}
BENCHMARK(BM_PlainDecodeFixed<Type::INT32, 4>)->Name("BM_PlainDecodeInt32");
BENCHMARK(BM_PlainDecodeFixed<Type::INT64, 8>)->Name("BM_PlainDecodeInt64");
BENCHMARK(BM_PlainDecodeFixed<Type::DOUBLE, 8>)->Name("BM_PlainDecodeDouble");

// PLAIN BYTE_ARRAY pages of strings like the benchmark's column s (2..33 bytes), appended to
// one sink (a row group's worth of pages).
std::string PlainStringPage(int64_t n, int64_t* data_bytes) {
  std::string page;
  *data_bytes = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::string s = "s" + std::to_string(i * 7919 % 1000003) + std::string(static_cast<size_t>(i * 31 % 26), 'x');
    uint32_t len = static_cast<uint32_t>(s.size());
    page.append(reinterpret_cast<const char*>(&len), 4);
    page += s;
    *data_bytes += static_cast<int64_t>(s.size());
  }
  return page;
}

void BM_PlainDecodeByteArray(benchmark::State& state) {
  int64_t data_bytes = 0;
  std::string page = PlainStringPage(kPageValues, &data_bytes);
  auto dec_r = MakeValueDecoder(Encoding::PLAIN, Type::BYTE_ARRAY, 0);
  if (!dec_r.ok()) {
    state.SkipWithError(dec_r.status().ToString().c_str());
    return;
  }
  auto dec = std::move(dec_r).ValueOrDie();
  const int64_t pages = kValues / kPageValues;
  for (auto _ : state) {
    ByteArraySink sink;
    CheckOk(sink.Reserve(pages * kPageValues, pages * data_bytes), state);
    for (int64_t p = 0; p < pages; ++p) {
      CheckOk(dec->SetData(kPageValues, reinterpret_cast<const uint8_t*>(page.data()), static_cast<int64_t>(page.size())),
              state);
      CheckOk(dec->DecodeByteArrays(kPageValues, &sink), state);
    }
    benchmark::DoNotOptimize(sink.data().data());
  }
  state.SetItemsProcessed(state.iterations() * pages * kPageValues);
  state.SetBytesProcessed(state.iterations() * pages * static_cast<int64_t>(page.size()));
}
BENCHMARK(BM_PlainDecodeByteArray);

// ---------------------------------------------------------------- compression
// A page-sized buffer resembling the benchmark's data: half sorted int64 ids (PLAIN), half
// PLAIN strings.
std::string SamplePage() {
  std::string page;
  for (int64_t i = 0; i < 65536; ++i) {
    int64_t v = 1000000 + i;
    page.append(reinterpret_cast<const char*>(&v), 8);
  }
  int64_t unused = 0;
  page += PlainStringPage(30000, &unused);
  return page;
}

void BM_Decompress(benchmark::State& state) {
  const auto codec = static_cast<CompressionCodec>(state.range(0));
  std::string page = SamplePage();
  std::string compressed;
  CheckOk(Compress(codec, reinterpret_cast<const uint8_t*>(page.data()), static_cast<int64_t>(page.size()), &compressed),
          state);
  std::vector<uint8_t> out(page.size());
  for (auto _ : state) {
    CheckOk(Decompress(codec, reinterpret_cast<const uint8_t*>(compressed.data()), static_cast<int64_t>(compressed.size()),
                       out.data(), static_cast<int64_t>(out.size())),
            state);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
  state.counters["ratio"] = static_cast<double>(page.size()) / static_cast<double>(compressed.size());
}
BENCHMARK(BM_Decompress)
    ->Arg(static_cast<int>(CompressionCodec::SNAPPY))
    ->Arg(static_cast<int>(CompressionCodec::ZSTD))
    ->Arg(static_cast<int>(CompressionCodec::LZ4_RAW));

void BM_Compress(benchmark::State& state) {
  const auto codec = static_cast<CompressionCodec>(state.range(0));
  std::string page = SamplePage();
  std::string compressed;
  for (auto _ : state) {
    CheckOk(Compress(codec, reinterpret_cast<const uint8_t*>(page.data()), static_cast<int64_t>(page.size()), &compressed),
            state);
    benchmark::DoNotOptimize(compressed.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(page.size()));
  state.counters["ratio"] = static_cast<double>(page.size()) / static_cast<double>(compressed.size());
}
BENCHMARK(BM_Compress)
    ->Arg(static_cast<int>(CompressionCodec::SNAPPY))
    ->Arg(static_cast<int>(CompressionCodec::ZSTD))
    ->Arg(static_cast<int>(CompressionCodec::LZ4_RAW));

// ---------------------------------------------------------------- writer encoders
void BM_DictionaryEncodeInt32(benchmark::State& state) {
  const int64_t cardinality = state.range(0);
  auto v = RandomValues(kValues, 31, 6);
  for (auto& x : v) x %= static_cast<uint32_t>(cardinality);
  for (auto _ : state) {
    DictionaryEncoder enc(Type::INT32, 0);
    for (int64_t p = 0; p < kValues; p += kPageValues) {
      const int64_t n = std::min(kPageValues, kValues - p);
      enc.Put(reinterpret_cast<const uint8_t*>(v.data() + p), n);
      benchmark::DoNotOptimize(enc.FlushIndices());
    }
  }
  state.SetItemsProcessed(state.iterations() * kValues);
}
BENCHMARK(BM_DictionaryEncodeInt32)->Arg(100)->Arg(100000);

void BM_DictionaryEncodeStrings(benchmark::State& state) {
  const int64_t cardinality = state.range(0);
  std::vector<int32_t> offsets(1, 0);
  std::string data;
  std::mt19937 rng(7);
  for (int64_t i = 0; i < kValues; ++i) {
    int64_t r = static_cast<int64_t>(rng() % static_cast<uint32_t>(cardinality));
    data += "s" + std::to_string(r) + std::string(static_cast<size_t>(r % 26), 'x');
    offsets.push_back(static_cast<int32_t>(data.size()));
  }
  for (auto _ : state) {
    DictionaryEncoder enc(Type::BYTE_ARRAY, 0);
    for (int64_t p = 0; p < kValues; p += kPageValues) {
      const int64_t n = std::min(kPageValues, kValues - p);
      enc.PutByteArrays(offsets.data() + p, false, reinterpret_cast<const uint8_t*>(data.data()), n);
      benchmark::DoNotOptimize(enc.FlushIndices());
    }
  }
  state.SetItemsProcessed(state.iterations() * kValues);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_DictionaryEncodeStrings)->Arg(100)->Arg(1000000);

void BM_PlainEncodeInt64(benchmark::State& state) {
  std::vector<int64_t> v(kPageValues);
  for (int64_t i = 0; i < kPageValues; ++i) v[static_cast<size_t>(i)] = i;
  auto enc_r = MakeValueEncoder(Encoding::PLAIN, Type::INT64, 0);
  if (!enc_r.ok()) {
    state.SkipWithError(enc_r.status().ToString().c_str());
    return;
  }
  auto enc = std::move(enc_r).ValueOrDie();
  const int64_t pages = kValues / kPageValues;
  for (auto _ : state) {
    for (int64_t p = 0; p < pages; ++p) {
      enc->Put(reinterpret_cast<const uint8_t*>(v.data()), kPageValues);
      benchmark::DoNotOptimize(enc->Finish());
    }
  }
  state.SetItemsProcessed(state.iterations() * pages * kPageValues);
  state.SetBytesProcessed(state.iterations() * pages * kPageValues * 8);
}
BENCHMARK(BM_PlainEncodeInt64);

void BM_PlainEncodeByteArray(benchmark::State& state) {
  std::vector<int32_t> offsets(1, 0);
  std::string data;
  for (int64_t i = 0; i < kPageValues; ++i) {
    data += "s" + std::to_string(i * 7919 % 1000003) + std::string(static_cast<size_t>(i % 26), 'x');
    offsets.push_back(static_cast<int32_t>(data.size()));
  }
  auto enc_r = MakeValueEncoder(Encoding::PLAIN, Type::BYTE_ARRAY, 0);
  if (!enc_r.ok()) {
    state.SkipWithError(enc_r.status().ToString().c_str());
    return;
  }
  auto enc = std::move(enc_r).ValueOrDie();
  const int64_t pages = kValues / kPageValues;
  for (auto _ : state) {
    for (int64_t p = 0; p < pages; ++p) {
      enc->PutByteArrays(offsets.data(), false, reinterpret_cast<const uint8_t*>(data.data()), kPageValues);
      benchmark::DoNotOptimize(enc->Finish());
    }
  }
  state.SetItemsProcessed(state.iterations() * pages * kPageValues);
  state.SetBytesProcessed(state.iterations() * pages * static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_PlainEncodeByteArray);

}  // namespace
}  // namespace delta::parquet

BENCHMARK_MAIN();
