// Bit and byte helpers shared by the columnar layer and the Parquet codecs (header-only, inline).
#pragma once

#include <cstdint>
#include <cstring>

namespace delta::bit_util {

inline bool GetBit(const uint8_t* bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }
inline void SetBit(uint8_t* bits, int64_t i) { bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }
inline void ClearBit(uint8_t* bits, int64_t i) { bits[i >> 3] &= static_cast<uint8_t>(~(1u << (i & 7))); }
inline void SetBitTo(uint8_t* bits, int64_t i, bool v) {
  bits[i >> 3] = static_cast<uint8_t>((bits[i >> 3] & ~(1u << (i & 7))) | (static_cast<unsigned>(v) << (i & 7)));
}
inline int64_t BytesForBits(int64_t bits) { return (bits + 7) >> 3; }
inline int64_t RoundUp(int64_t v, int64_t multiple) { return (v + multiple - 1) / multiple * multiple; }
/// Number of set bits in bits[offset, offset + length).
int64_t CountSetBits(const uint8_t* bits, int64_t offset, int64_t length);
/// Copies length bits from src (starting at src_offset) to dst (starting at dst_offset).
void CopyBits(const uint8_t* src, int64_t src_offset, int64_t length, uint8_t* dst, int64_t dst_offset);

template <typename T>
inline T LoadLE(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;  // x86_64 / aarch64 are little-endian; Parquet and Arrow are little-endian.
}
template <typename T>
inline void StoreLE(void* p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

}  // namespace delta::bit_util
