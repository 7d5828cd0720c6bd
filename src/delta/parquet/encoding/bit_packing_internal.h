// Private helpers of the encoding module: LSB-first bit unpacking/packing (the order of the
// RLE/bit-packing hybrid and of DELTA_BINARY_PACKED miniblocks, Encodings.md) and ULEB128 /
// zigzag varints. The unpack kernels are templates on the bit width so that every shift and mask
// is a compile-time constant and the 32 extractions of a group are fully unrolled.
// Thread-safety: stateless functions.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "delta/util/bit_util.h"

namespace delta::parquet::internal {

// ---------------------------------------------------------------- unpacking
// Value I of a group packed with width W, read through 32-bit little-endian words. A group of 32
// values occupies exactly 4*W bytes, so every word touched lies inside the group.
template <typename T, int W, int I>
inline T ExtractWord32(const uint8_t* in) {
  constexpr int kBit = I * W;
  constexpr int kWord = kBit / 32;
  constexpr int kShift = kBit % 32;
  uint64_t v = static_cast<uint64_t>(bit_util::LoadLE<uint32_t>(in + 4 * kWord)) >> kShift;
  if constexpr (kShift + W > 32) {
    v |= static_cast<uint64_t>(bit_util::LoadLE<uint32_t>(in + 4 * (kWord + 1))) << (32 - kShift);
  }
  if constexpr (kShift + W > 64) {
    v |= static_cast<uint64_t>(bit_util::LoadLE<uint32_t>(in + 4 * (kWord + 2))) << (64 - kShift);
  }
  if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
  return static_cast<T>(v);
}

// Value I of a group read byte-wise (used for groups of 8, which occupy W bytes: not always a
// whole number of 32-bit words). Reads only bytes that hold bits of value I.
template <typename T, int W, int I>
inline T ExtractBytes(const uint8_t* in) {
  constexpr int kBit = I * W;
  constexpr int kByte = kBit / 8;
  constexpr int kShift = kBit % 8;
  constexpr int kBytes = (kShift + W + 7) / 8;
  uint64_t v = 0;
  std::memcpy(&v, in + kByte, kBytes < 8 ? kBytes : 8);
  v >>= kShift;
  if constexpr (kBytes > 8) v |= static_cast<uint64_t>(in[kByte + 8]) << (64 - kShift);
  if constexpr (W < 64) v &= (uint64_t{1} << W) - 1;
  return static_cast<T>(v);
}

/// Unpacks 32 values of width W from exactly 4*W bytes.
template <typename T, int W>
inline void Unpack32(const uint8_t* in, T* out) {
  if constexpr (W == 0) {
    for (int i = 0; i < 32; ++i) out[i] = 0;
  } else if constexpr (W == static_cast<int>(8 * sizeof(T))) {
    std::memcpy(out, in, 32 * sizeof(T));
  } else {
    [&]<size_t... I>(std::index_sequence<I...>) {
      ((out[I] = ExtractWord32<T, W, static_cast<int>(I)>(in)), ...);
    }(std::make_index_sequence<32>{});
  }
}

/// Unpacks 8 values of width W from exactly W bytes.
template <typename T, int W>
inline void Unpack8(const uint8_t* in, T* out) {
  [&]<size_t... I>(std::index_sequence<I...>) {
    ((out[I] = ExtractBytes<T, W, static_cast<int>(I)>(in)), ...);
  }(std::make_index_sequence<8>{});
}

template <typename T>
using UnpackFn = void (*)(const uint8_t*, T*);

template <typename T, int kMaxWidth>
struct UnpackTables {
  static constexpr std::array<UnpackFn<T>, kMaxWidth + 1> k32 = []<size_t... W>(std::index_sequence<W...>) {
    return std::array<UnpackFn<T>, kMaxWidth + 1>{&Unpack32<T, static_cast<int>(W)>...};
  }(std::make_index_sequence<kMaxWidth + 1>{});
  static constexpr std::array<UnpackFn<T>, kMaxWidth + 1> k8 = []<size_t... W>(std::index_sequence<W...>) {
    return std::array<UnpackFn<T>, kMaxWidth + 1>{&Unpack8<T, static_cast<int>(W)>...};
  }(std::make_index_sequence<kMaxWidth + 1>{});
};

/// 32 values of `width` (0..32) from 4*width bytes.
inline void Unpack32Values(const uint8_t* in, int width, uint32_t* out) { UnpackTables<uint32_t, 32>::k32[width](in, out); }
/// 8 values of `width` (0..32) from `width` bytes.
inline void Unpack8Values(const uint8_t* in, int width, uint32_t* out) { UnpackTables<uint32_t, 32>::k8[width](in, out); }
/// 32 values of `width` (0..64) from 4*width bytes.
inline void Unpack32Values64(const uint8_t* in, int width, uint64_t* out) { UnpackTables<uint64_t, 64>::k32[width](in, out); }

/// Slow path: the `width`-bit value (width <= 64) starting at bit `bit` of [data, data+len);
/// bits past len read as zero (callers have already bounded how many values exist).
inline uint64_t ReadBitsBounded(const uint8_t* data, int64_t len, int64_t bit, int width) {
  if (width == 0) return 0;
  const int64_t byte = bit >> 3;
  const int shift = static_cast<int>(bit & 7);
  uint64_t lo = 0;
  if (byte + 8 <= len) {
    std::memcpy(&lo, data + byte, 8);
  } else if (byte < len) {
    std::memcpy(&lo, data + byte, static_cast<size_t>(len - byte));
  }
  uint64_t v = lo >> shift;
  if (shift + width > 64) {
    const uint64_t hi = byte + 8 < len ? data[byte + 8] : 0;
    v |= hi << (64 - shift);
  }
  if (width < 64) v &= (uint64_t{1} << width) - 1;
  return v;
}

// ---------------------------------------------------------------- packing
/// Packs n values of `width` bits (0..64, higher bits of each value ignored) LSB-first into
/// ceil(n*width/8) bytes at out.
template <typename T>
inline uint8_t* PackValues(const T* values, int64_t n, int width, uint8_t* out) {
  if (width == 0) return out;
  const uint64_t mask = width < 64 ? (uint64_t{1} << width) - 1 : ~uint64_t{0};
  uint64_t acc = 0;
  int bits = 0;
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t x = static_cast<uint64_t>(values[i]) & mask;
    if (width <= 32) {
      acc |= x << bits;
      bits += width;
    } else {
      acc |= (x & 0xffffffffu) << bits;
      bits += 32;
      while (bits >= 8) {
        *out++ = static_cast<uint8_t>(acc);
        acc >>= 8;
        bits -= 8;
      }
      acc |= (x >> 32) << bits;
      bits += width - 32;
    }
    while (bits >= 8) {
      *out++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) *out++ = static_cast<uint8_t>(acc);
  return out;
}

/// Number of bits needed for v (0 for 0).
inline int BitWidthOf(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

// ---------------------------------------------------------------- varints
/// ULEB128 (Encodings.md note 2). False if truncated or longer than 64 bits.
inline bool ReadUleb128(const uint8_t*& p, const uint8_t* end, uint64_t* out) {
  uint64_t result = 0;
  int shift = 0;
  while (p < end) {
    const uint8_t b = *p++;
    if (shift == 63 && (b & 0x7e) != 0) return false;
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *out = result;
      return true;
    }
    shift += 7;
    if (shift > 63) return false;
  }
  return false;
}

inline void WriteUleb128(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

inline uint64_t ZigZagEncode(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t ZigZagDecode(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

}  // namespace delta::parquet::internal
