// PLAIN (Encodings.md "Plain") for every physical type, and RLE for BOOLEAN values (the
// hybrid with bit width 1 behind a 4-byte length, as in data pages v2).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

#include "delta/parquet/encoding/bit_packing_internal.h"
#include "delta/parquet/encoding/encoding_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet::internal {

namespace {

// Byte i of entry b is bit i of b: expands 8 packed booleans into 8 bytes with one load.
constexpr std::array<uint64_t, 256> kBitsToBytes = [] {
  std::array<uint64_t, 256> t{};
  for (int b = 0; b < 256; ++b) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>((b >> i) & 1) << (8 * i);
    t[b] = v;
  }
  return t;
}();

Status NotEnough(const char* what, int64_t n, int64_t need, int64_t have) {
  return Status::CorruptData(
      fmt::format("{}: {} values need {} bytes but only {} remain in the page", what, n, need, have));
}

class PlainFixedDecoder final : public FixedValueDecoder {
 public:
  explicit PlainFixedDecoder(int width) : width_(width) {}
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override {
    pos_ = data;
    end_ = data + len;
    return Status::OK();
  }
  Status Decode(uint8_t* out, int64_t n) override {
    if (DELTA_PREDICT_FALSE(n < 0 || n > (end_ - pos_) / width_)) return NotEnough("PLAIN", n, n * width_, end_ - pos_);
    const int64_t need = n * width_;
    if (need > 0) std::memcpy(out, pos_, static_cast<size_t>(need));
    pos_ += need;
    return Status::OK();
  }
  Status Skip(int64_t n) override {
    if (DELTA_PREDICT_FALSE(n < 0 || n > (end_ - pos_) / width_)) return NotEnough("PLAIN", n, n * width_, end_ - pos_);
    pos_ += n * width_;
    return Status::OK();
  }

 private:
  int width_;
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
};

// PLAIN BOOLEAN: bit-packed LSB first, one bit per value.
class PlainBooleanDecoder final : public FixedValueDecoder {
 public:
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override {
    data_ = data;
    bits_ = len * 8;
    bit_pos_ = 0;
    return Status::OK();
  }
  Status Decode(uint8_t* out, int64_t n) override {
    if (DELTA_PREDICT_FALSE(n < 0 || n > bits_ - bit_pos_)) {
      return Status::CorruptData(
          fmt::format("PLAIN BOOLEAN: {} values requested, only {} bits remain in the page", n, bits_ - bit_pos_));
    }
    int64_t i = 0;
    while (i < n && (bit_pos_ & 7) != 0) out[i++] = bit_util::GetBit(data_, bit_pos_++);
    const uint8_t* p = data_ + (bit_pos_ >> 3);
    for (; i + 8 <= n; i += 8) {
      std::memcpy(out + i, &kBitsToBytes[*p++], 8);
      bit_pos_ += 8;
    }
    while (i < n) out[i++] = bit_util::GetBit(data_, bit_pos_++);
    return Status::OK();
  }
  Status Skip(int64_t n) override {
    if (DELTA_PREDICT_FALSE(n < 0 || n > bits_ - bit_pos_)) {
      return Status::CorruptData(
          fmt::format("PLAIN BOOLEAN: cannot skip {} values, only {} bits remain in the page", n, bits_ - bit_pos_));
    }
    bit_pos_ += n;
    return Status::OK();
  }

 private:
  const uint8_t* data_ = nullptr;
  int64_t bits_ = 0;
  int64_t bit_pos_ = 0;
};

// PLAIN BYTE_ARRAY: 4-byte little-endian length, then the bytes.
class PlainByteArrayDecoder final : public ByteArrayValueDecoder {
 public:
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override {
    pos_ = data;
    end_ = data + len;
    return Status::OK();
  }
  Status DecodeByteArrays(int64_t n, ByteArraySink* sink) override {
    if (n < 0) return Status::InvalidArgument("negative value count");
    // Each value has a 4-byte prefix, so the page bytes bound both n and the data size: reserve
    // once, then append with capacity already there.
    const int64_t remaining = end_ - pos_;
    if (DELTA_PREDICT_FALSE(n > remaining / 4)) return NotEnough("PLAIN BYTE_ARRAY", n, 4 * n, remaining);
    const int64_t data_bound = remaining - 4 * n;
    // kCopySlack extra bytes let short values be copied with one fixed-size move (see DecodeAll).
    DELTA_RETURN_NOT_OK(sink->Reserve(n, data_bound + kCopySlack));
    const bool large = sink->large_offsets();
    if (!large && sink->data().size() + data_bound > std::numeric_limits<int32_t>::max()) {
      // Slow path with per-value overflow checks.
      for (int64_t i = 0; i < n; ++i) {
        int32_t len = 0;
        DELTA_RETURN_NOT_OK(ReadLength(&len));
        DELTA_RETURN_NOT_OK(sink->Append(pos_, len));
        pos_ += len;
      }
      return Status::OK();
    }
    return large ? DecodeAll<int64_t>(n, sink) : DecodeAll<int32_t>(n, sink);
  }
  Status Skip(int64_t n) override {
    for (int64_t i = 0; i < n; ++i) {
      int32_t len = 0;
      DELTA_RETURN_NOT_OK(ReadLength(&len));
      pos_ += len;
    }
    return Status::OK();
  }

 private:
  static constexpr int64_t kCopySlack = 32;

  // The hot loop: room for n offsets and for the page's value bytes plus kCopySlack is reserved.
  // A value of up to 16 (32) bytes is copied as a fixed 16 (32) byte move (a few instructions
  // instead of a memcpy call) when that many bytes remain in the page: the bytes past the value
  // are overwritten by the next value or lie in the reserved slack.
  template <typename Offset>
  Status DecodeAll(int64_t n, ByteArraySink* sink) {
    columnar::BufferBuilder& offsets = sink->offsets();
    columnar::BufferBuilder& data = sink->data();
    const int64_t data_start = data.size();
    uint8_t* const out_begin = data.mutable_data() + data_start;
    uint8_t* out = out_begin;
    auto* offs = reinterpret_cast<Offset*>(offsets.mutable_data() + offsets.size());
    const uint8_t* p = pos_;
    const uint8_t* const end = end_;
    int64_t i = 0;
    Status st;
    for (; i < n; ++i) {
      if (DELTA_PREDICT_FALSE(end - p < 4)) {
        st = Status::CorruptData("PLAIN BYTE_ARRAY: truncated length prefix");
        break;
      }
      const int32_t len = bit_util::LoadLE<int32_t>(p);
      p += 4;
      // The prefixes of the values still to come must fit too; this keeps the bytes written
      // within what was reserved.
      if (DELTA_PREDICT_FALSE(len < 0 || len > (end - p) - 4 * (n - 1 - i))) {
        st = Status::CorruptData(
            fmt::format("PLAIN BYTE_ARRAY: page too short for {} values (value {} has length {})", n, i, len));
        break;
      }
      if (DELTA_PREDICT_TRUE(len <= 16 && end - p >= 16)) {
        std::memcpy(out, p, 16);
      } else if (len <= 32 && end - p >= 32) {
        std::memcpy(out, p, 32);
      } else if (len > 0) {
        std::memcpy(out, p, static_cast<size_t>(len));
      }
      p += len;
      out += len;
      offs[i] = static_cast<Offset>(data_start + (out - out_begin));
    }
    pos_ = p;
    data.Rewind(data_start + (out - out_begin));
    offsets.Rewind(offsets.size() + i * static_cast<int64_t>(sizeof(Offset)));
    return st;
  }

  // Reads a length prefix and checks that its bytes are present.
  Status ReadLength(int32_t* len) {
    if (DELTA_PREDICT_FALSE(end_ - pos_ < 4)) return Status::CorruptData("PLAIN BYTE_ARRAY: truncated length prefix");
    const int32_t v = bit_util::LoadLE<int32_t>(pos_);
    pos_ += 4;
    if (DELTA_PREDICT_FALSE(v < 0 || v > end_ - pos_)) {
      return Status::CorruptData(
          fmt::format("PLAIN BYTE_ARRAY: value length {} exceeds the {} bytes remaining", v, end_ - pos_));
    }
    *len = v;
    return Status::OK();
  }
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
};

// ---------------------------------------------------------------- encoders
class PlainFixedEncoder final : public ValueEncoder {
 public:
  explicit PlainFixedEncoder(int width) : width_(width) {}
  void Put(const uint8_t* values, int64_t n) override {
    if (n > 0) out_.append(reinterpret_cast<const char*>(values), static_cast<size_t>(n * width_));
  }
  // Not a byte-array type: ignored (the writer never routes byte arrays here).
  void PutByteArrays(const void*, bool, const uint8_t*, int64_t) override {}
  void PutByteArray(const uint8_t*, int64_t) override {}
  int64_t EstimatedSize() const override { return static_cast<int64_t>(out_.size()); }
  std::string Finish() override { return std::exchange(out_, std::string()); }

 private:
  int width_;
  std::string out_;
};

class PlainBooleanEncoder final : public ValueEncoder {
 public:
  void Put(const uint8_t* values, int64_t n) override {
    int64_t i = 0;
    while (i < n && (bits_ & 7) != 0) {
      bit_util::SetBitTo(reinterpret_cast<uint8_t*>(out_.data()), bits_++, values[i++] != 0);
    }
    for (; i + 8 <= n; i += 8) {
      uint8_t b = 0;
      for (int j = 0; j < 8; ++j) b |= static_cast<uint8_t>((values[i + j] != 0) << j);
      out_.push_back(static_cast<char>(b));
      bits_ += 8;
    }
    for (; i < n; ++i) {
      if ((bits_ & 7) == 0) out_.push_back(0);
      bit_util::SetBitTo(reinterpret_cast<uint8_t*>(out_.data()), bits_++, values[i] != 0);
    }
  }
  void PutByteArrays(const void*, bool, const uint8_t*, int64_t) override {}
  void PutByteArray(const uint8_t*, int64_t) override {}
  int64_t EstimatedSize() const override { return static_cast<int64_t>(out_.size()); }
  std::string Finish() override {
    bits_ = 0;
    return std::exchange(out_, std::string());
  }

 private:
  std::string out_;
  int64_t bits_ = 0;
};

class PlainByteArrayEncoder final : public ValueEncoder {
 public:
  void Put(const uint8_t*, int64_t) override {}
  void PutByteArrays(const void* offsets, bool large_offsets, const uint8_t* data, int64_t n) override {
    int64_t total = 0;
    if (n > 0) {
      total = large_offsets ? static_cast<const int64_t*>(offsets)[n] - static_cast<const int64_t*>(offsets)[0]
                            : static_cast<const int32_t*>(offsets)[n] - static_cast<const int32_t*>(offsets)[0];
    }
    out_.reserve(out_.size() + static_cast<size_t>(total + 4 * n));
    ForEachByteArray(offsets, large_offsets, data, n, [this](const uint8_t* p, int64_t len) { PutByteArray(p, len); });
  }
  void PutByteArray(const uint8_t* data, int64_t len) override {
    char prefix[4];
    bit_util::StoreLE<uint32_t>(prefix, static_cast<uint32_t>(len));
    out_.append(prefix, 4);
    if (len > 0) out_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  }
  int64_t EstimatedSize() const override { return static_cast<int64_t>(out_.size()); }
  std::string Finish() override { return std::exchange(out_, std::string()); }

 private:
  std::string out_;
};

// ---------------------------------------------------------------- RLE booleans
class RleBooleanDecoder final : public FixedValueDecoder {
 public:
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override {
    if (len < 4) return Status::CorruptData("RLE BOOLEAN: page shorter than its 4-byte length prefix");
    const uint32_t n = bit_util::LoadLE<uint32_t>(data);
    if (n > static_cast<uint64_t>(len - 4)) {
      return Status::CorruptData(fmt::format("RLE BOOLEAN: length prefix {} exceeds the {} bytes present", n, len - 4));
    }
    rle_.Reset(data + 4, n, 1);
    return Status::OK();
  }
  Status Decode(uint8_t* out, int64_t n) override {
    DELTA_ASSIGN_OR_RAISE(int64_t got, rle_.GetBatch(out, n));
    if (got != n) return Status::CorruptData(fmt::format("RLE BOOLEAN: {} values requested, only {} present", n, got));
    return Status::OK();
  }
  Status Skip(int64_t n) override {
    uint8_t tmp[256];
    while (n > 0) {
      const int64_t k = std::min<int64_t>(n, sizeof(tmp));
      DELTA_RETURN_NOT_OK(Decode(tmp, k));
      n -= k;
    }
    return Status::OK();
  }

 private:
  RleBitPackedDecoder rle_;
};

class RleBooleanEncoder final : public ValueEncoder {
 public:
  void Put(const uint8_t* values, int64_t n) override {
    for (int64_t i = 0; i < n; ++i) rle_.Put(values[i] != 0);
  }
  void PutByteArrays(const void*, bool, const uint8_t*, int64_t) override {}
  void PutByteArray(const uint8_t*, int64_t) override {}
  int64_t EstimatedSize() const override { return 4 + rle_.EstimatedSize(); }
  std::string Finish() override {
    std::string body = rle_.Finish();
    std::string out(4, '\0');
    bit_util::StoreLE<uint32_t>(out.data(), static_cast<uint32_t>(body.size()));
    out += body;
    return out;
  }

 private:
  RleBitPackedEncoder rle_{1};
};

}  // namespace

int FixedWidthOf(Type type, int32_t type_length) {
  switch (type) {
    case Type::BOOLEAN: return 1;
    case Type::INT32:
    case Type::FLOAT: return 4;
    case Type::INT64:
    case Type::DOUBLE: return 8;
    case Type::INT96: return 12;
    case Type::FIXED_LEN_BYTE_ARRAY: return type_length;
    case Type::BYTE_ARRAY: return 0;
  }
  return 0;
}

Status FixedValueDecoder::DecodeByteArrays(int64_t, ByteArraySink*) {
  return Status::InvalidArgument("DecodeByteArrays called on a decoder of a fixed-width type");
}
Status ByteArrayValueDecoder::Decode(uint8_t*, int64_t) {
  return Status::InvalidArgument("Decode called on a BYTE_ARRAY decoder (use DecodeByteArrays)");
}

std::unique_ptr<ValueDecoder> MakePlainDecoder(Type type, int32_t type_length) {
  if (type == Type::BOOLEAN) return std::make_unique<PlainBooleanDecoder>();
  if (type == Type::BYTE_ARRAY) return std::make_unique<PlainByteArrayDecoder>();
  return std::make_unique<PlainFixedDecoder>(FixedWidthOf(type, type_length));
}

std::unique_ptr<ValueEncoder> MakePlainEncoder(Type type, int32_t type_length) {
  if (type == Type::BOOLEAN) return std::make_unique<PlainBooleanEncoder>();
  if (type == Type::BYTE_ARRAY) return std::make_unique<PlainByteArrayEncoder>();
  return std::make_unique<PlainFixedEncoder>(FixedWidthOf(type, type_length));
}

std::unique_ptr<ValueDecoder> MakeRleBooleanDecoder() { return std::make_unique<RleBooleanDecoder>(); }
std::unique_ptr<ValueEncoder> MakeRleBooleanEncoder() { return std::make_unique<RleBooleanEncoder>(); }

}  // namespace delta::parquet::internal
