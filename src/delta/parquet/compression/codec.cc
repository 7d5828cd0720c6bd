// Page compression codecs; see codec.h. (Implementation in progress: every codec other than
// UNCOMPRESSED reports Unsupported for now.)
#include "delta/parquet/compression/codec.h"

#include <cstring>

namespace delta::parquet {

Status Decompress(CompressionCodec codec, const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  if (codec != CompressionCodec::UNCOMPRESSED) return Status::Unsupported("compression codec not implemented yet");
  if (src_len != dst_len) return Status::CorruptData("uncompressed page size does not match the page length");
  if (src_len > 0) std::memcpy(dst, src, static_cast<size_t>(src_len));
  return Status::OK();
}

Status Compress(CompressionCodec codec, const uint8_t* src, int64_t src_len, std::string* out, int level) {
  if (codec != CompressionCodec::UNCOMPRESSED) return Status::Unsupported("compression codec not implemented yet");
  out->assign(reinterpret_cast<const char*>(src), static_cast<size_t>(src_len));
  return Status::OK();
}

bool IsCodecSupported(CompressionCodec codec) { return codec == CompressionCodec::UNCOMPRESSED; }

Status ParseCompression(const std::string& text, CompressionCodec* codec, int* level) {
  return Status::Unsupported("ParseCompression not implemented yet");
}

}  // namespace delta::parquet
