// DELTA_BINARY_PACKED (Encodings.md "Delta Encoding") for INT32 and INT64, plus the length
// stream helper used by DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "delta/parquet/encoding/bit_packing_internal.h"
#include "delta/parquet/encoding/encoding_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet::internal {

namespace {
constexpr int64_t kEncodeBlockSize = 128;
constexpr int64_t kEncodeMiniblocks = 4;
constexpr int64_t kEncodeMiniSize = kEncodeBlockSize / kEncodeMiniblocks;
}  // namespace

template <typename T>
Status DeltaBitPackDecoder<T>::Init(const uint8_t* data, int64_t len) {
  pos_ = data;
  end_ = data + len;
  uint64_t block_size, miniblocks, total, first;
  if (!ReadUleb128(pos_, end_, &block_size) || !ReadUleb128(pos_, end_, &miniblocks) ||
      !ReadUleb128(pos_, end_, &total) || !ReadUleb128(pos_, end_, &first)) {
    return Status::CorruptData("DELTA_BINARY_PACKED: truncated or malformed header");
  }
  // Header rules: block size a positive multiple of 128, miniblock count dividing it into
  // miniblocks of a multiple of 32 values.
  if (block_size == 0 || block_size % 128 != 0 || block_size > (uint64_t{1} << 31)) {
    return Status::CorruptData(fmt::format("DELTA_BINARY_PACKED: invalid block size {}", block_size));
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Status::CorruptData(
        fmt::format("DELTA_BINARY_PACKED: invalid miniblock count {} for block size {}", miniblocks, block_size));
  }
  // Every block carries at least its min delta and one width byte per miniblock, so the bytes
  // present bound how many values the header may announce.
  if (total > 1) {
    const uint64_t deltas = total - 1;
    const uint64_t blocks = deltas / block_size + (deltas % block_size != 0);
    const uint64_t remaining = static_cast<uint64_t>(end_ - pos_);
    if (blocks > remaining / (1 + miniblocks)) {
      return Status::CorruptData(fmt::format(
          "DELTA_BINARY_PACKED: header announces {} values but only {} bytes follow", total, remaining));
    }
  }
  block_size_ = static_cast<int64_t>(block_size);
  miniblocks_ = static_cast<int64_t>(miniblocks);
  values_per_mini_ = block_size_ / miniblocks_;
  total_values_ = static_cast<int64_t>(total);
  values_left_ = total_values_;
  first_pending_ = total > 0;
  // Wraparound is intended (the spec asks for two's complement wrapping): all arithmetic on U.
  last_ = static_cast<U>(static_cast<uint64_t>(ZigZagDecode(first)));
  min_delta_ = 0;
  widths_ = nullptr;
  mini_index_ = 0;
  mini_values_left_ = 0;
  in_block_ = false;
  buf_pos_ = buf_len_ = 0;
  return Status::OK();
}

template <typename T>
Status DeltaBitPackDecoder<T>::NextBlock() {
  uint64_t zz;
  if (!ReadUleb128(pos_, end_, &zz)) return Status::CorruptData("DELTA_BINARY_PACKED: truncated block header");
  min_delta_ = static_cast<U>(static_cast<uint64_t>(ZigZagDecode(zz)));
  if (end_ - pos_ < miniblocks_) return Status::CorruptData("DELTA_BINARY_PACKED: truncated miniblock bit widths");
  widths_ = pos_;
  pos_ += miniblocks_;
  mini_index_ = 0;
  in_block_ = true;
  return Status::OK();
}

// Unpacks 32 w-bit deltas (w <= 64) from 4*w bytes at `in` into buf_.
template <typename T>
void DeltaBitPackDecoder<T>::UnpackGroup(const uint8_t* in, int w) {
  if constexpr (sizeof(T) == 4) {
    if (DELTA_PREDICT_TRUE(w <= 32)) {
      Unpack32Values(in, w, reinterpret_cast<uint32_t*>(buf_));
    } else {
      uint64_t wide[32];
      Unpack32Values64(in, w, wide);
      for (int j = 0; j < 32; ++j) buf_[j] = static_cast<U>(wide[j]);
    }
  } else {
    Unpack32Values64(in, w, reinterpret_cast<uint64_t*>(buf_));
  }
}

// Unpacks the next 32 deltas (fewer at the end of the stream) and turns them into values.
template <typename T>
Status DeltaBitPackDecoder<T>::NextGroup() {
  if (mini_values_left_ == 0) {
    if (!in_block_ || mini_index_ + 1 >= miniblocks_) {
      DELTA_RETURN_NOT_OK(NextBlock());
    } else {
      ++mini_index_;
    }
    const int w = widths_[mini_index_];
    // Widths up to 64 are accepted for INT32 too: writers that compute deltas in 64 bits (e.g.
    // DuckDB) emit 33-bit widths for INT32 columns spanning both extremes. Decoding those in
    // 64-bit wraparound arithmetic and truncating gives the same values mod 2^32.
    if (w > 64) {
      return Status::CorruptData(fmt::format("DELTA_BINARY_PACKED: miniblock bit width {} exceeds 64", w));
    }
    mini_values_left_ = values_per_mini_;
  }
  const int w = widths_[mini_index_];
  // Deltas still to produce: every value except the first is one delta.
  const int64_t pending = values_left_ - (first_pending_ ? 1 : 0) - (buf_len_ - buf_pos_);
  const int g = static_cast<int>(std::min<int64_t>(32, pending));
  const int64_t group_bytes = 4 * w;
  const int64_t avail = end_ - pos_;
  if (avail >= group_bytes) {
    UnpackGroup(pos_, w);
    pos_ += group_bytes;
  } else {
    // Only the last group of the stream may be short (its padding missing).
    const int64_t need = (static_cast<int64_t>(g) * w + 7) / 8;
    if (g == 32 || avail < need) {
      return Status::CorruptData(fmt::format(
          "DELTA_BINARY_PACKED: miniblock needs {} bytes for {} values but only {} remain", group_bytes, g, avail));
    }
    uint8_t padded[4 * 64] = {};
    std::memcpy(padded, pos_, static_cast<size_t>(avail));
    UnpackGroup(padded, w);
    pos_ = end_;
  }
  U last = last_;
  const U min_delta = min_delta_;
  for (int j = 0; j < g; ++j) {
    last += min_delta + buf_[j];
    buf_[j] = last;
  }
  last_ = last;
  mini_values_left_ -= 32;
  buf_pos_ = 0;
  buf_len_ = g;
  return Status::OK();
}

template <typename T>
Status DeltaBitPackDecoder<T>::Get(T* out, int64_t n) {
  if (DELTA_PREDICT_FALSE(n < 0 || n > values_left_)) {
    return Status::CorruptData(
        fmt::format("DELTA_BINARY_PACKED: {} values requested, only {} remain", n, values_left_));
  }
  int64_t i = 0;
  if (first_pending_ && n > 0) {
    const T v = static_cast<T>(last_);
    std::memcpy(out, &v, sizeof(T));
    first_pending_ = false;
    --values_left_;
    i = 1;
  }
  while (i < n) {
    if (buf_pos_ == buf_len_) DELTA_RETURN_NOT_OK(NextGroup());
    const int64_t k = std::min<int64_t>(buf_len_ - buf_pos_, n - i);
    std::memcpy(out + i, buf_ + buf_pos_, static_cast<size_t>(k) * sizeof(T));
    buf_pos_ += static_cast<int>(k);
    i += k;
    values_left_ -= k;
  }
  return Status::OK();
}

template <typename T>
Status DeltaBitPackDecoder<T>::Skip(int64_t n) {
  T tmp[128];
  while (n > 0) {
    const int64_t k = std::min<int64_t>(n, 128);
    DELTA_RETURN_NOT_OK(Get(tmp, k));
    n -= k;
  }
  return Status::OK();
}

template <typename T>
Result<const uint8_t*> DeltaBitPackDecoder<T>::EndOfStream() {
  if (values_left_ != 0) return Status::Internal("DELTA_BINARY_PACKED: EndOfStream before all values were read");
  // The rest of the current miniblock is padding; miniblocks after it in the block take no bytes.
  const uint8_t* end = pos_;
  if (in_block_ && mini_values_left_ > 0) {
    const int64_t rest = mini_values_left_ / 8 * widths_[mini_index_];
    if (rest > end_ - pos_) return Status::CorruptData("DELTA_BINARY_PACKED: last miniblock truncated");
    end += rest;
  }
  return end;
}

template class DeltaBitPackDecoder<int32_t>;
template class DeltaBitPackDecoder<int64_t>;

template <typename T>
void DeltaBitPackEncode(const T* values, int64_t n, std::string* out) {
  using U = std::make_unsigned_t<T>;
  WriteUleb128(out, kEncodeBlockSize);
  WriteUleb128(out, kEncodeMiniblocks);
  WriteUleb128(out, static_cast<uint64_t>(n));
  WriteUleb128(out, ZigZagEncode(n > 0 ? static_cast<int64_t>(values[0]) : 0));
  if (n <= 1) return;
  U prev = static_cast<U>(values[0]);
  U adjusted[kEncodeBlockSize];
  T deltas[kEncodeBlockSize];
  for (int64_t start = 1; start < n; start += kEncodeBlockSize) {
    const int64_t cnt = std::min(kEncodeBlockSize, n - start);
    T min_delta = std::numeric_limits<T>::max();
    for (int64_t j = 0; j < cnt; ++j) {
      const U v = static_cast<U>(values[start + j]);
      deltas[j] = static_cast<T>(static_cast<U>(v - prev));
      prev = v;
      min_delta = std::min(min_delta, deltas[j]);
    }
    for (int64_t j = 0; j < cnt; ++j) adjusted[j] = static_cast<U>(static_cast<U>(deltas[j]) - static_cast<U>(min_delta));
    for (int64_t j = cnt; j < kEncodeBlockSize; ++j) adjusted[j] = 0;
    WriteUleb128(out, ZigZagEncode(static_cast<int64_t>(min_delta)));
    int widths[kEncodeMiniblocks];
    for (int64_t m = 0; m < kEncodeMiniblocks; ++m) {
      U mx = 0;
      if (m * kEncodeMiniSize < cnt) {
        for (int64_t j = m * kEncodeMiniSize; j < (m + 1) * kEncodeMiniSize; ++j) mx |= adjusted[j];
      }
      widths[m] = BitWidthOf(static_cast<uint64_t>(mx));
      out->push_back(static_cast<char>(widths[m]));
    }
    // Miniblocks past the last value are not written (their widths above are 0).
    for (int64_t m = 0; m < kEncodeMiniblocks && m * kEncodeMiniSize < cnt; ++m) {
      const size_t pos = out->size();
      out->resize(pos + static_cast<size_t>(4 * widths[m]));
      PackValues(adjusted + m * kEncodeMiniSize, kEncodeMiniSize, widths[m], reinterpret_cast<uint8_t*>(out->data()) + pos);
    }
  }
}

template void DeltaBitPackEncode<int32_t>(const int32_t*, int64_t, std::string*);
template void DeltaBitPackEncode<int64_t>(const int64_t*, int64_t, std::string*);

Status DecodeDeltaLengths(const uint8_t* data, int64_t len, int64_t max_values, std::vector<int32_t>* out,
                          const uint8_t** end) {
  DeltaBitPackDecoder<int32_t> dec;
  DELTA_RETURN_NOT_OK(dec.Init(data, len));
  if (dec.total_values() > max_values) {
    return Status::CorruptData(fmt::format("delta length stream announces {} values, the page holds at most {}",
                                           dec.total_values(), max_values));
  }
  out->resize(static_cast<size_t>(dec.total_values()));
  DELTA_RETURN_NOT_OK(dec.Get(out->data(), dec.total_values()));
  DELTA_ASSIGN_OR_RAISE(*end, dec.EndOfStream());
  return Status::OK();
}

namespace {

template <typename T>
class DeltaBinaryPackedDecoder final : public FixedValueDecoder {
 public:
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override { return dec_.Init(data, len); }
  Status Decode(uint8_t* out, int64_t n) override { return dec_.Get(reinterpret_cast<T*>(out), n); }
  Status Skip(int64_t n) override { return dec_.Skip(n); }

 private:
  DeltaBitPackDecoder<T> dec_;
};

template <typename T>
class DeltaBinaryPackedEncoder final : public ValueEncoder {
 public:
  void Put(const uint8_t* values, int64_t n) override {
    const size_t pos = values_.size();
    values_.resize(pos + static_cast<size_t>(n));
    if (n > 0) std::memcpy(values_.data() + pos, values, static_cast<size_t>(n) * sizeof(T));
  }
  void PutByteArrays(const void*, bool, const uint8_t*, int64_t) override {}
  void PutByteArray(const uint8_t*, int64_t) override {}
  // Upper bound: header plus every value at full width.
  int64_t EstimatedSize() const override { return 32 + static_cast<int64_t>(values_.size() * sizeof(T)) * 9 / 8; }
  std::string Finish() override {
    std::string out;
    DeltaBitPackEncode(values_.data(), static_cast<int64_t>(values_.size()), &out);
    values_.clear();
    return out;
  }

 private:
  std::vector<T> values_;
};

}  // namespace

std::unique_ptr<ValueDecoder> MakeDeltaBinaryPackedDecoder(Type type) {
  if (type == Type::INT64) return std::make_unique<DeltaBinaryPackedDecoder<int64_t>>();
  return std::make_unique<DeltaBinaryPackedDecoder<int32_t>>();
}

std::unique_ptr<ValueEncoder> MakeDeltaBinaryPackedEncoder(Type type) {
  if (type == Type::INT64) return std::make_unique<DeltaBinaryPackedEncoder<int64_t>>();
  return std::make_unique<DeltaBinaryPackedEncoder<int32_t>>();
}

}  // namespace delta::parquet::internal
