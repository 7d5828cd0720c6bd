// DELTA_LENGTH_BYTE_ARRAY (Encodings.md "Delta-length byte array"): all lengths as one
// DELTA_BINARY_PACKED stream, then the value bytes back to back.
#include <fmt/format.h>

#include <limits>
#include <vector>

#include "delta/parquet/encoding/encoding_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet::internal {

namespace {

class DeltaLengthByteArrayDecoder final : public ByteArrayValueDecoder {
 public:
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override {
    const uint8_t* values_start;
    lengths_.clear();
    idx_ = 0;
    DELTA_RETURN_NOT_OK(DecodeDeltaLengths(data, len, num_values, &lengths_, &values_start));
    pos_ = values_start;
    end_ = data + len;
    int64_t total = 0;
    for (int32_t l : lengths_) {
      if (l < 0) return Status::CorruptData(fmt::format("DELTA_LENGTH_BYTE_ARRAY: negative length {}", l));
      total += l;
    }
    if (total > end_ - pos_) {
      return Status::CorruptData(fmt::format(
          "DELTA_LENGTH_BYTE_ARRAY: lengths sum to {} bytes but only {} bytes follow", total, end_ - pos_));
    }
    return Status::OK();
  }

  Status DecodeByteArrays(int64_t n, ByteArraySink* sink) override {
    DELTA_RETURN_NOT_OK(CheckCount(n));
    const int32_t* lens = lengths_.data() + idx_;
    int64_t total = 0;
    for (int64_t i = 0; i < n; ++i) total += lens[i];
    // The n values are contiguous in the page: one data copy, offsets from the lengths.
    const bool large = sink->large_offsets();
    int64_t offset = sink->data_size();
    if (!large && offset + total > std::numeric_limits<int32_t>::max()) {
      return Status::CorruptData("DELTA_LENGTH_BYTE_ARRAY: byte array data exceeds 2 GiB; int32 offsets would overflow");
    }
    DELTA_RETURN_NOT_OK(sink->Reserve(n, total));
    if (total > 0) sink->data().UnsafeAppend(pos_, total);
    columnar::BufferBuilder& offsets = sink->offsets();
    for (int64_t i = 0; i < n; ++i) {
      offset += lens[i];
      if (large) {
        offsets.UnsafeAppendValue<int64_t>(offset);
      } else {
        offsets.UnsafeAppendValue<int32_t>(static_cast<int32_t>(offset));
      }
    }
    pos_ += total;
    idx_ += n;
    return Status::OK();
  }

  Status Skip(int64_t n) override {
    DELTA_RETURN_NOT_OK(CheckCount(n));
    for (int64_t i = 0; i < n; ++i) pos_ += lengths_[idx_ + i];
    idx_ += n;
    return Status::OK();
  }

 private:
  Status CheckCount(int64_t n) const {
    const int64_t left = static_cast<int64_t>(lengths_.size()) - idx_;
    if (DELTA_PREDICT_FALSE(n < 0 || n > left)) {
      return Status::CorruptData(fmt::format("DELTA_LENGTH_BYTE_ARRAY: {} values requested, only {} remain", n, left));
    }
    return Status::OK();
  }
  std::vector<int32_t> lengths_;
  int64_t idx_ = 0;
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
};

class DeltaLengthByteArrayEncoder final : public ValueEncoder {
 public:
  void Put(const uint8_t*, int64_t) override {}
  void PutByteArrays(const void* offsets, bool large_offsets, const uint8_t* data, int64_t n) override {
    lengths_.reserve(lengths_.size() + static_cast<size_t>(n));
    ForEachByteArray(offsets, large_offsets, data, n, [this](const uint8_t* p, int64_t len) { PutByteArray(p, len); });
  }
  void PutByteArray(const uint8_t* data, int64_t len) override {
    lengths_.push_back(static_cast<int32_t>(len));
    if (len > 0) data_.append(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  }
  int64_t EstimatedSize() const override { return static_cast<int64_t>(data_.size() + lengths_.size() * 4 + 32); }
  std::string Finish() override {
    std::string out;
    DeltaBitPackEncode(lengths_.data(), static_cast<int64_t>(lengths_.size()), &out);
    out += data_;
    lengths_.clear();
    data_.clear();
    return out;
  }

 private:
  std::vector<int32_t> lengths_;
  std::string data_;
};

}  // namespace

std::unique_ptr<ValueDecoder> MakeDeltaLengthByteArrayDecoder() { return std::make_unique<DeltaLengthByteArrayDecoder>(); }
std::unique_ptr<ValueEncoder> MakeDeltaLengthByteArrayEncoder() { return std::make_unique<DeltaLengthByteArrayEncoder>(); }

}  // namespace delta::parquet::internal
