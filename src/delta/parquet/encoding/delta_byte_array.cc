// DELTA_BYTE_ARRAY (Encodings.md "Delta Strings"): prefix lengths (DELTA_BINARY_PACKED), then
// the suffixes as DELTA_LENGTH_BYTE_ARRAY. Each value is the first prefix_length bytes of the
// previous value followed by its suffix. For FIXED_LEN_BYTE_ARRAY every value must come out
// type_length bytes long.
#include <fmt/format.h>

#include <vector>

#include "delta/parquet/encoding/encoding_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet::internal {

namespace {

class DeltaByteArrayDecoder final : public ValueDecoder {
 public:
  explicit DeltaByteArrayDecoder(int fixed_width) : fixed_width_(fixed_width) {}

  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override {
    const uint8_t* end = data + len;
    const uint8_t* suffix_start;
    const uint8_t* bytes_start;
    prefixes_.clear();
    suffix_lens_.clear();
    last_.clear();
    idx_ = 0;
    DELTA_RETURN_NOT_OK(DecodeDeltaLengths(data, len, num_values, &prefixes_, &suffix_start));
    DELTA_RETURN_NOT_OK(DecodeDeltaLengths(suffix_start, end - suffix_start, num_values, &suffix_lens_, &bytes_start));
    if (prefixes_.size() != suffix_lens_.size()) {
      return Status::CorruptData(fmt::format("DELTA_BYTE_ARRAY: {} prefix lengths but {} suffix lengths",
                                             prefixes_.size(), suffix_lens_.size()));
    }
    int64_t total = 0;
    for (size_t i = 0; i < suffix_lens_.size(); ++i) {
      if (suffix_lens_[i] < 0 || prefixes_[i] < 0) {
        return Status::CorruptData(fmt::format("DELTA_BYTE_ARRAY: negative prefix or suffix length at value {}", i));
      }
      total += suffix_lens_[i];
    }
    if (total > end - bytes_start) {
      return Status::CorruptData(fmt::format("DELTA_BYTE_ARRAY: suffix lengths sum to {} bytes but only {} follow",
                                             total, end - bytes_start));
    }
    pos_ = bytes_start;
    return Status::OK();
  }

  Status Decode(uint8_t* out, int64_t n) override {
    if (fixed_width_ <= 0) return Status::InvalidArgument("Decode called on a BYTE_ARRAY decoder");
    DELTA_RETURN_NOT_OK(CheckCount(n));
    for (int64_t i = 0; i < n; ++i) {
      DELTA_RETURN_NOT_OK(Next());
      if (static_cast<int64_t>(last_.size()) != fixed_width_) {
        return Status::CorruptData(fmt::format("DELTA_BYTE_ARRAY: value of {} bytes in a FIXED_LEN_BYTE_ARRAY({}) column",
                                               last_.size(), fixed_width_));
      }
      std::memcpy(out + i * fixed_width_, last_.data(), last_.size());
    }
    return Status::OK();
  }

  Status DecodeByteArrays(int64_t n, ByteArraySink* sink) override {
    if (fixed_width_ > 0) return Status::InvalidArgument("DecodeByteArrays called on a FIXED_LEN_BYTE_ARRAY decoder");
    DELTA_RETURN_NOT_OK(CheckCount(n));
    DELTA_RETURN_NOT_OK(sink->Reserve(n, 0));
    for (int64_t i = 0; i < n; ++i) {
      DELTA_RETURN_NOT_OK(Next());
      DELTA_RETURN_NOT_OK(sink->Append(reinterpret_cast<const uint8_t*>(last_.data()), static_cast<int64_t>(last_.size())));
    }
    return Status::OK();
  }

  Status Skip(int64_t n) override {
    DELTA_RETURN_NOT_OK(CheckCount(n));
    for (int64_t i = 0; i < n; ++i) DELTA_RETURN_NOT_OK(Next());
    return Status::OK();
  }

 private:
  // Builds the next value in last_ (a prefix of the previous value plus the suffix).
  Status Next() {
    const int32_t prefix = prefixes_[idx_];
    const int32_t suffix = suffix_lens_[idx_];
    if (DELTA_PREDICT_FALSE(static_cast<size_t>(prefix) > last_.size())) {
      return Status::CorruptData(fmt::format("DELTA_BYTE_ARRAY: prefix length {} of value {} exceeds the previous value's length {}",
                                             prefix, idx_, last_.size()));
    }
    last_.resize(static_cast<size_t>(prefix));
    last_.append(reinterpret_cast<const char*>(pos_), static_cast<size_t>(suffix));
    pos_ += suffix;
    ++idx_;
    return Status::OK();
  }
  Status CheckCount(int64_t n) const {
    const int64_t left = static_cast<int64_t>(prefixes_.size()) - idx_;
    if (DELTA_PREDICT_FALSE(n < 0 || n > left)) {
      return Status::CorruptData(fmt::format("DELTA_BYTE_ARRAY: {} values requested, only {} remain", n, left));
    }
    return Status::OK();
  }
  int fixed_width_;  // > 0 for FIXED_LEN_BYTE_ARRAY
  std::vector<int32_t> prefixes_;
  std::vector<int32_t> suffix_lens_;
  int64_t idx_ = 0;
  const uint8_t* pos_ = nullptr;
  std::string last_;
};

class DeltaByteArrayEncoder final : public ValueEncoder {
 public:
  explicit DeltaByteArrayEncoder(int fixed_width) : fixed_width_(fixed_width) {}
  void Put(const uint8_t* values, int64_t n) override {
    if (fixed_width_ <= 0) return;
    for (int64_t i = 0; i < n; ++i) PutByteArray(values + i * fixed_width_, fixed_width_);
  }
  void PutByteArrays(const void* offsets, bool large_offsets, const uint8_t* data, int64_t n) override {
    ForEachByteArray(offsets, large_offsets, data, n, [this](const uint8_t* p, int64_t len) { PutByteArray(p, len); });
  }
  void PutByteArray(const uint8_t* data, int64_t len) override {
    const size_t max = std::min(last_.size(), static_cast<size_t>(len));
    size_t p = 0;
    while (p + 8 <= max && std::memcmp(last_.data() + p, data + p, 8) == 0) p += 8;
    while (p < max && static_cast<uint8_t>(last_[p]) == data[p]) ++p;
    prefixes_.push_back(static_cast<int32_t>(p));
    suffix_lens_.push_back(static_cast<int32_t>(len - static_cast<int64_t>(p)));
    if (static_cast<size_t>(len) > p) suffixes_.append(reinterpret_cast<const char*>(data) + p, static_cast<size_t>(len) - p);
    last_.assign(len > 0 ? reinterpret_cast<const char*>(data) : "", static_cast<size_t>(len));
  }
  int64_t EstimatedSize() const override { return static_cast<int64_t>(suffixes_.size() + prefixes_.size() * 8 + 64); }
  std::string Finish() override {
    std::string out;
    DeltaBitPackEncode(prefixes_.data(), static_cast<int64_t>(prefixes_.size()), &out);
    DeltaBitPackEncode(suffix_lens_.data(), static_cast<int64_t>(suffix_lens_.size()), &out);
    out += suffixes_;
    prefixes_.clear();
    suffix_lens_.clear();
    suffixes_.clear();
    last_.clear();
    return out;
  }

 private:
  int fixed_width_;
  std::vector<int32_t> prefixes_;
  std::vector<int32_t> suffix_lens_;
  std::string suffixes_;
  std::string last_;
};

}  // namespace

std::unique_ptr<ValueDecoder> MakeDeltaByteArrayDecoder(Type type, int32_t type_length) {
  return std::make_unique<DeltaByteArrayDecoder>(type == Type::FIXED_LEN_BYTE_ARRAY ? type_length : 0);
}
std::unique_ptr<ValueEncoder> MakeDeltaByteArrayEncoder(Type type, int32_t type_length) {
  return std::make_unique<DeltaByteArrayEncoder>(type == Type::FIXED_LEN_BYTE_ARRAY ? type_length : 0);
}

}  // namespace delta::parquet::internal
