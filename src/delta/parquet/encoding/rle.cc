// The RLE/bit-packing hybrid (Encodings.md "Run Length Encoding / Bit-Packing Hybrid") and the
// deprecated BIT_PACKED level encoding.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "delta/parquet/encoding/bit_packing_internal.h"
#include "delta/parquet/encoding/encoding.h"
#include "delta/util/macros.h"

namespace delta::parquet {

namespace {

template <typename T>
inline void CopyConvert(const uint32_t* src, T* dst, int64_t n) {
  if constexpr (std::is_same_v<T, uint32_t>) {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(uint32_t));
  } else {
    for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
  }
}

}  // namespace

void RleBitPackedDecoder::Reset(const uint8_t* data, int64_t len, int bit_width) {
  data_ = data;
  end_ = data + (len > 0 ? len : 0);
  bit_width_ = bit_width;
  rle_left_ = 0;
  rle_value_ = 0;
  packed_left_ = 0;
  packed_ptr_ = nullptr;
  packed_len_ = 0;
  packed_pos_ = 0;
  buf_pos_ = 0;
  buf_len_ = 0;
}

// Reads the next run header. Leaves rle_left_ == packed_left_ == 0 when the data is exhausted.
Status RleBitPackedDecoder::NextRun() {
  const int w = bit_width_;
  while (data_ < end_) {
    uint64_t header;
    if (!internal::ReadUleb128(data_, end_, &header)) {
      return Status::CorruptData("RLE/bit-packed hybrid: truncated or overlong run header");
    }
    const int64_t avail = end_ - data_;
    if (header & 1) {
      // bit-packed-run: header >> 1 groups of 8 values, w bytes per group. A run cut short by
      // the end of the data yields the values its bytes hold (writers may pad the last group).
      const uint64_t groups = header >> 1;
      int64_t values;
      int64_t bytes;
      if (w == 0) {
        values = static_cast<int64_t>(std::min<uint64_t>(groups, uint64_t{1} << 58) * 8);
        bytes = 0;
      } else if (groups <= static_cast<uint64_t>(avail / w)) {
        values = static_cast<int64_t>(groups) * 8;
        bytes = static_cast<int64_t>(groups) * w;
      } else {
        values = avail * 8 / w;
        bytes = avail;
      }
      packed_ptr_ = data_;
      packed_len_ = bytes;
      packed_pos_ = 0;
      packed_left_ = values;
      data_ += bytes;
      if (values > 0) return Status::OK();
    } else {
      // rle-run: the value is stored in ceil(bit_width / 8) little-endian bytes.
      const int nbytes = (w + 7) / 8;
      if (avail < nbytes) return Status::CorruptData("RLE/bit-packed hybrid: RLE run value truncated");
      uint32_t value = 0;
      std::memcpy(&value, data_, static_cast<size_t>(nbytes));
      data_ += nbytes;
      if (w < 32 && (value >> w) != 0) {
        return Status::CorruptData(fmt::format("RLE/bit-packed hybrid: RLE value {} does not fit bit width {}", value, w));
      }
      const uint64_t count = header >> 1;
      if (count > 0) {
        rle_value_ = value;
        rle_left_ = static_cast<int64_t>(std::min<uint64_t>(count, std::numeric_limits<int64_t>::max()));
        return Status::OK();
      }
    }
  }
  return Status::OK();
}

template <typename T>
Result<int64_t> RleBitPackedDecoder::GetBatchImpl(T* out, int64_t n) {
  const int w = bit_width_;
  if (DELTA_PREDICT_FALSE(w < 0 || w > 32)) {
    return Status::CorruptData(fmt::format("RLE/bit-packed hybrid: bit width {} out of range 0..32", w));
  }
  int64_t done = 0;
  uint32_t tmp[32];
  while (done < n) {
    if (buf_pos_ < buf_len_) {
      const int64_t k = std::min<int64_t>(buf_len_ - buf_pos_, n - done);
      CopyConvert(buf_ + buf_pos_, out + done, k);
      buf_pos_ += static_cast<int>(k);
      done += k;
      continue;
    }
    if (rle_left_ > 0) {
      const int64_t k = std::min(rle_left_, n - done);
      std::fill(out + done, out + done + k, static_cast<T>(rle_value_));
      rle_left_ -= k;
      done += k;
      continue;
    }
    if (packed_left_ > 0) {
      // Whole groups straight into the output. packed_pos_ stays a multiple of 8 except in the
      // final partial group of a truncated run, and packed_left_ is bounded by the run's bytes,
      // so each group read here lies inside the data.
      while (n - done >= 8 && packed_left_ >= 8 && (packed_pos_ & 7) == 0) {
        const uint8_t* p = packed_ptr_ + (packed_pos_ >> 3) * w;
        int k;
        if ((packed_pos_ & 31) == 0 && packed_left_ >= 32 && n - done >= 32) {
          if constexpr (std::is_same_v<T, uint32_t>) {
            internal::Unpack32Values(p, w, out + done);
          } else {
            internal::Unpack32Values(p, w, tmp);
            CopyConvert(tmp, out + done, 32);
          }
          k = 32;
        } else {
          if constexpr (std::is_same_v<T, uint32_t>) {
            internal::Unpack8Values(p, w, out + done);
          } else {
            internal::Unpack8Values(p, w, tmp);
            CopyConvert(tmp, out + done, 8);
          }
          k = 8;
        }
        packed_pos_ += k;
        packed_left_ -= k;
        done += k;
      }
      if (done == n || packed_left_ == 0) continue;
      // Fewer values wanted than a group: decode one group into buf_ and serve from there.
      if ((packed_pos_ & 7) == 0 && packed_left_ >= 8) {
        const uint8_t* p = packed_ptr_ + (packed_pos_ >> 3) * w;
        int k;
        if ((packed_pos_ & 31) == 0 && packed_left_ >= 32) {
          internal::Unpack32Values(p, w, buf_);
          k = 32;
        } else {
          internal::Unpack8Values(p, w, buf_);
          k = 8;
        }
        packed_pos_ += k;
        packed_left_ -= k;
        buf_pos_ = 0;
        buf_len_ = k;
        continue;
      }
      // Last partial group of a truncated run.
      const int64_t k = std::min(packed_left_, n - done);
      for (int64_t i = 0; i < k; ++i) {
        out[done + i] = static_cast<T>(internal::ReadBitsBounded(packed_ptr_, packed_len_, (packed_pos_ + i) * w, w));
      }
      packed_pos_ += k;
      packed_left_ -= k;
      done += k;
      continue;
    }
    DELTA_RETURN_NOT_OK(NextRun());
    if (rle_left_ == 0 && packed_left_ == 0) break;
  }
  return done;
}

Result<int64_t> RleBitPackedDecoder::GetBatch(uint32_t* out, int64_t n) { return GetBatchImpl(out, n); }
Result<int64_t> RleBitPackedDecoder::GetBatch(int16_t* out, int64_t n) { return GetBatchImpl(out, n); }
Result<int64_t> RleBitPackedDecoder::GetBatch(uint8_t* out, int64_t n) { return GetBatchImpl(out, n); }

Result<int64_t> RleBitPackedDecoder::GetIndices(uint32_t* out, int64_t n, uint32_t max_value) {
  DELTA_ASSIGN_OR_RAISE(int64_t got, GetBatchImpl(out, n));
  // A max-reduction the compiler vectorises; the slow search runs only on error.
  uint32_t m = 0;
  for (int64_t i = 0; i < got; ++i) m = std::max(m, out[i]);
  if (DELTA_PREDICT_FALSE(got > 0 && m >= max_value)) {
    for (int64_t i = 0; i < got; ++i) {
      if (out[i] >= max_value) {
        return Status::CorruptData(
            fmt::format("dictionary index {} out of range (dictionary has {} entries)", out[i], max_value));
      }
    }
  }
  return got;
}

// Deprecated BIT_PACKED (Encodings.md "Bit-packed (Deprecated)"): values packed back to back
// from the most significant bit of each byte.
Status DecodeBitPackedLevels(const uint8_t* data, int64_t len, int bit_width, int64_t n, int16_t* out) {
  if (bit_width < 0 || bit_width > 16) {
    return Status::CorruptData(fmt::format("BIT_PACKED levels: bit width {} out of range 0..16", bit_width));
  }
  if (n < 0) return Status::InvalidArgument("negative value count");
  if (bit_width == 0) {
    std::fill(out, out + n, int16_t{0});
    return Status::OK();
  }
  if (n > len * 8 / bit_width) {
    return Status::CorruptData(
        fmt::format("BIT_PACKED levels: {} values of {} bits need more than the {} bytes present", n, bit_width, len));
  }
  const uint32_t mask = (1u << bit_width) - 1;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t bit = i * bit_width;
    const int64_t byte = bit >> 3;
    // Up to 3 bytes hold a value of <= 16 bits; read them big-endian into the top of a word.
    uint32_t window = 0;
    for (int j = 0; j < 3; ++j) {
      window = (window << 8) | (byte + j < len ? data[byte + j] : 0u);
    }
    const int shift = 24 - static_cast<int>(bit & 7) - bit_width;
    out[i] = static_cast<int16_t>((window >> shift) & mask);
  }
  return Status::OK();
}

// ---------------------------------------------------------------- encoder
RleBitPackedEncoder::RleBitPackedEncoder(int bit_width) : bit_width_(std::clamp(bit_width, 0, 32)) {}

// Writes the pending repeat of current_ as one rle-run (after any literals that precede it).
void RleBitPackedEncoder::FlushRun() {
  if (literal_count_ > 0) FlushLiterals();
  internal::WriteUleb128(&out_, static_cast<uint64_t>(repeat_count_) << 1);
  const int nbytes = (bit_width_ + 7) / 8;
  for (int i = 0; i < nbytes; ++i) out_.push_back(static_cast<char>((current_ >> (8 * i)) & 0xff));
  repeat_count_ = 0;
}

// The open bit-packed run's groups were written straight into out_ behind a one-byte header
// slot; a header needing more bytes (more than 63 groups) shifts the run's bytes once.
void RleBitPackedEncoder::FlushLiterals() {
  const uint64_t header = (static_cast<uint64_t>(literal_count_ / 8) << 1) | 1;
  if (header < 0x80) {
    out_[literal_header_pos_] = static_cast<char>(header);
  } else {
    std::string varint;
    internal::WriteUleb128(&varint, header);
    out_.insert(literal_header_pos_ + 1, varint.size() - 1, '\0');
    std::memcpy(out_.data() + literal_header_pos_, varint.data(), varint.size());
  }
  literal_count_ = 0;
}

// Called with 8 buffered values. If they are the start of a run of >= 8 repeats they stay in
// repeat_count_ (the run continues as RLE); otherwise they become one bit-packed group.
void RleBitPackedEncoder::FlushBuffered() {
  num_buffered_ = 0;
  if (repeat_count_ >= 8) {
    if (literal_count_ > 0) FlushLiterals();
    return;
  }
  if (literal_count_ == 0) {
    literal_header_pos_ = out_.size();
    out_.push_back('\0');
  }
  uint8_t packed[32];
  internal::PackValues(buffered_, 8, bit_width_, packed);
  out_.append(reinterpret_cast<const char*>(packed), static_cast<size_t>(bit_width_));
  literal_count_ += 8;
  // The repeat counter only counts values not yet written.
  repeat_count_ = 0;
  // Keep literal runs well inside the spec's 2^31-1 value limit.
  if (literal_count_ >= (int64_t{1} << 24)) FlushLiterals();
}

void RleBitPackedEncoder::Put(uint32_t value) {
  if (bit_width_ < 32) value &= (1u << bit_width_) - 1;
  if (repeat_count_ > 0 && value == current_) {
    ++repeat_count_;
    if (repeat_count_ > 8) {
      // Inside an RLE run: nothing buffered (the 8 values that started it were absorbed).
      if (DELTA_PREDICT_FALSE(repeat_count_ == std::numeric_limits<int32_t>::max())) FlushRun();
      return;
    }
  } else {
    if (repeat_count_ >= 8) FlushRun();
    current_ = value;
    repeat_count_ = 1;
  }
  buffered_[num_buffered_++] = value;
  if (num_buffered_ == 8) FlushBuffered();
}

void RleBitPackedEncoder::PutBatch(const int16_t* values, int64_t n) {
  for (int64_t i = 0; i < n; ++i) Put(static_cast<uint32_t>(static_cast<uint16_t>(values[i])));
}

void RleBitPackedEncoder::PutBatch(const uint32_t* values, int64_t n) {
  for (int64_t i = 0; i < n; ++i) Put(values[i]);
}

std::string RleBitPackedEncoder::Finish() {
  if (repeat_count_ >= 8) {
    FlushRun();
  } else if (num_buffered_ > 0) {
    // Last group zero-padded to 8 values; readers stop at the page's value count.
    for (int i = num_buffered_; i < 8; ++i) buffered_[i] = 0;
    num_buffered_ = 8;
    repeat_count_ = 0;
    FlushBuffered();
  }
  if (literal_count_ > 0) FlushLiterals();
  std::string result = std::move(out_);
  out_.clear();
  num_buffered_ = 0;
  repeat_count_ = 0;
  literal_count_ = 0;
  current_ = 0;
  return result;
}

int64_t RleBitPackedEncoder::EstimatedSize() const {
  const int64_t value_bytes = (bit_width_ + 7) / 8;
  return static_cast<int64_t>(out_.size()) + bit_width_ + 2 * (5 + value_bytes);
}

}  // namespace delta::parquet
