// BYTE_STREAM_SPLIT (Encodings.md "Byte Stream Split"): K streams of N bytes, stream k holding
// byte k of every value. N is the page's value count, i.e. the value section's length / K.
#include <fmt/format.h>

#include "delta/parquet/encoding/encoding_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet::internal {

namespace {

// Gathers n values starting at value `start` from K streams of stride `stride`.
template <int K>
void Unsplit(const uint8_t* data, int64_t stride, int64_t start, int64_t n, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) {
    for (int k = 0; k < K; ++k) out[i * K + k] = data[k * stride + start + i];
  }
}

void UnsplitDynamic(const uint8_t* data, int width, int64_t stride, int64_t start, int64_t n, uint8_t* out) {
  for (int k = 0; k < width; ++k) {
    const uint8_t* src = data + k * stride + start;
    for (int64_t i = 0; i < n; ++i) out[i * width + k] = src[i];
  }
}

class ByteStreamSplitDecoder final : public FixedValueDecoder {
 public:
  explicit ByteStreamSplitDecoder(int width) : width_(width) {}
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len) override {
    if (len % width_ != 0) {
      return Status::CorruptData(
          fmt::format("BYTE_STREAM_SPLIT: {} bytes is not a multiple of the {}-byte value width", len, width_));
    }
    stride_ = len / width_;
    if (num_values > stride_) {
      return Status::CorruptData(
          fmt::format("BYTE_STREAM_SPLIT: page announces {} values but holds {}", num_values, stride_));
    }
    data_ = data;
    pos_ = 0;
    return Status::OK();
  }
  Status Decode(uint8_t* out, int64_t n) override {
    DELTA_RETURN_NOT_OK(CheckCount(n));
    switch (width_) {
      case 4: Unsplit<4>(data_, stride_, pos_, n, out); break;
      case 8: Unsplit<8>(data_, stride_, pos_, n, out); break;
      default: UnsplitDynamic(data_, width_, stride_, pos_, n, out); break;
    }
    pos_ += n;
    return Status::OK();
  }
  Status Skip(int64_t n) override {
    DELTA_RETURN_NOT_OK(CheckCount(n));
    pos_ += n;
    return Status::OK();
  }

 private:
  Status CheckCount(int64_t n) const {
    if (DELTA_PREDICT_FALSE(n < 0 || n > stride_ - pos_)) {
      return Status::CorruptData(fmt::format("BYTE_STREAM_SPLIT: {} values requested, only {} remain", n, stride_ - pos_));
    }
    return Status::OK();
  }
  int width_;
  const uint8_t* data_ = nullptr;
  int64_t stride_ = 0;
  int64_t pos_ = 0;
};

class ByteStreamSplitEncoder final : public ValueEncoder {
 public:
  explicit ByteStreamSplitEncoder(int width) : width_(width) {}
  void Put(const uint8_t* values, int64_t n) override {
    if (n > 0) values_.append(reinterpret_cast<const char*>(values), static_cast<size_t>(n * width_));
  }
  void PutByteArrays(const void*, bool, const uint8_t*, int64_t) override {}
  void PutByteArray(const uint8_t*, int64_t) override {}
  int64_t EstimatedSize() const override { return static_cast<int64_t>(values_.size()); }
  std::string Finish() override {
    const int64_t n = static_cast<int64_t>(values_.size()) / width_;
    std::string out(values_.size(), '\0');
    const uint8_t* in = reinterpret_cast<const uint8_t*>(values_.data());
    uint8_t* dst = reinterpret_cast<uint8_t*>(out.data());
    for (int k = 0; k < width_; ++k) {
      uint8_t* stream = dst + k * n;
      for (int64_t i = 0; i < n; ++i) stream[i] = in[i * width_ + k];
    }
    values_.clear();
    return out;
  }

 private:
  int width_;
  std::string values_;
};

}  // namespace

std::unique_ptr<ValueDecoder> MakeByteStreamSplitDecoder(int width) { return std::make_unique<ByteStreamSplitDecoder>(width); }
std::unique_ptr<ValueEncoder> MakeByteStreamSplitEncoder(int width) { return std::make_unique<ByteStreamSplitEncoder>(width); }

}  // namespace delta::parquet::internal
