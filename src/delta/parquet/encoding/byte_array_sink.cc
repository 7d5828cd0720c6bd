// ByteArraySink: the Arrow-layout (offsets + data) destination of BYTE_ARRAY decoders.
#include <fmt/format.h>

#include <limits>

#include "delta/parquet/encoding/encoding.h"
#include "delta/util/macros.h"

namespace delta::parquet {

ByteArraySink::ByteArraySink(bool large_offsets) : large_(large_offsets) {
  // The leading 0 offset of the Arrow layout. A failed 8-byte allocation leaves the sink empty;
  // the next Append reports OutOfMemory from the same builder.
  Status st = large_ ? offsets_.AppendValue<int64_t>(0) : offsets_.AppendValue<int32_t>(0);
  (void)st;
}

int64_t ByteArraySink::length() const {
  const int64_t width = large_ ? 8 : 4;
  return offsets_.size() / width - 1;
}

Status ByteArraySink::Append(const uint8_t* data, int64_t len) {
  if (DELTA_PREDICT_FALSE(len < 0)) return Status::CorruptData(fmt::format("negative byte array length {}", len));
  const int64_t end = data_.size() + len;
  if (large_) {
    DELTA_RETURN_NOT_OK(offsets_.AppendValue<int64_t>(end));
  } else {
    if (DELTA_PREDICT_FALSE(end > std::numeric_limits<int32_t>::max())) {
      return Status::CorruptData(
          fmt::format("byte array data exceeds 2 GiB ({} bytes); int32 offsets would overflow", end));
    }
    DELTA_RETURN_NOT_OK(offsets_.AppendValue<int32_t>(static_cast<int32_t>(end)));
  }
  if (len > 0) DELTA_RETURN_NOT_OK(data_.Append(data, len));
  return Status::OK();
}

Status ByteArraySink::Reserve(int64_t n, int64_t bytes) {
  if (n < 0 || bytes < 0) return Status::InvalidArgument("negative reservation");
  DELTA_RETURN_NOT_OK(offsets_.Reserve(n * (large_ ? 8 : 4)));
  return data_.Reserve(bytes);
}

Status ByteArraySink::AppendEmpty() { return Append(nullptr, 0); }

}  // namespace delta::parquet
