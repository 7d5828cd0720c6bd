// Dictionary encoding (Encodings.md "Dictionary Encoding"): the index decoder for data pages
// (1 byte bit width, then the RLE/bit-packing hybrid), the writer's dictionary builder, and the
// reader's dictionary gathers. Dictionary pages themselves are PLAIN and go through the PLAIN
// decoder.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <type_traits>

#include "delta/parquet/encoding/bit_packing_internal.h"
#include "delta/parquet/encoding/encoding_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet {

// ---------------------------------------------------------------- index decoder
Status DictionaryIndexDecoder::SetData(int64_t num_values, const uint8_t* data, int64_t len, int64_t dict_size) {
  dict_size_ = static_cast<uint32_t>(std::clamp<int64_t>(dict_size, 0, std::numeric_limits<uint32_t>::max()));
  if (len < 1) {
    rle_.Reset(data, 0, 0);
    if (num_values > 0) return Status::CorruptData("dictionary-encoded page has no bit width byte");
    return Status::OK();
  }
  const int bit_width = data[0];
  if (bit_width > 32) {
    return Status::CorruptData(fmt::format("dictionary index bit width {} exceeds 32", bit_width));
  }
  rle_.Reset(data + 1, len - 1, bit_width);
  return Status::OK();
}

Result<int64_t> DictionaryIndexDecoder::GetIndices(uint32_t* out, int64_t n) { return rle_.GetIndices(out, n, dict_size_); }

// ---------------------------------------------------------------- gathers
namespace {

Status IndexOutOfRange(const uint32_t* indices, int64_t n, int64_t dict_count) {
  for (int64_t i = 0; i < n; ++i) {
    if (indices[i] >= dict_count) {
      return Status::CorruptData(
          fmt::format("dictionary index {} out of range (dictionary has {} entries)", indices[i], dict_count));
    }
  }
  return Status::OK();
}

// Vectorisable max-reduction; the slow search only runs on failure.
inline Status CheckIndices(const uint32_t* indices, int64_t n, int64_t dict_count) {
  uint32_t m = 0;
  for (int64_t i = 0; i < n; ++i) m = std::max(m, indices[i]);
  if (DELTA_PREDICT_FALSE(n > 0 && m >= dict_count)) return IndexOutOfRange(indices, n, dict_count);
  return Status::OK();
}

template <int W>
void GatherWidth(const uint8_t* dict, const uint32_t* indices, int64_t n, uint8_t* out) {
  for (int64_t i = 0; i < n; ++i) std::memcpy(out + i * W, dict + static_cast<int64_t>(indices[i]) * W, W);
}

template <typename Offset>
Status GatherByteArraysImpl(const Offset* dict_offsets, const uint8_t* dict_data, int64_t dict_count,
                            const uint32_t* indices, int64_t n, ByteArraySink* sink) {
  DELTA_RETURN_NOT_OK(CheckIndices(indices, n, dict_count));
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) total += dict_offsets[indices[i] + 1] - dict_offsets[indices[i]];
  const bool large = sink->large_offsets();
  int64_t offset = sink->data_size();
  if (!large && offset + total > std::numeric_limits<int32_t>::max()) {
    return Status::CorruptData(
        fmt::format("byte array data would reach {} bytes; int32 offsets would overflow", offset + total));
  }
  // 32 bytes of slack past the values: entries of up to 16 (32) bytes are copied with one
  // fixed-size move when 16 (32) bytes remain in the dictionary (the excess is overwritten by the next entry or
  // cut off by the Rewind below).
  constexpr int64_t kSlack = 32;
  const int64_t data_start = sink->data().size();
  DELTA_ASSIGN_OR_RAISE(uint8_t* data, sink->data().Extend(total + kSlack));
  sink->data().Rewind(data_start + total);
  DELTA_ASSIGN_OR_RAISE(uint8_t* offs, sink->offsets().Extend(n * (large ? 8 : 4)));
  const int64_t dict_end = n > 0 ? static_cast<int64_t>(dict_offsets[dict_count]) - kSlack : 0;
  auto copy_all = [&](auto* o) {
    using O = std::remove_pointer_t<decltype(o)>;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t begin = dict_offsets[indices[i]];
      const int64_t len = dict_offsets[indices[i] + 1] - begin;
      if (DELTA_PREDICT_TRUE(len <= 16 && begin <= dict_end + 16)) {
        std::memcpy(data, dict_data + begin, 16);
      } else if (len <= 32 && begin <= dict_end) {
        std::memcpy(data, dict_data + begin, 32);
      } else if (len > 0) {
        std::memcpy(data, dict_data + begin, static_cast<size_t>(len));
      }
      data += len;
      offset += len;
      o[i] = static_cast<O>(offset);
    }
  };
  if (large) {
    copy_all(reinterpret_cast<int64_t*>(offs));
  } else {
    copy_all(reinterpret_cast<int32_t*>(offs));
  }
  return Status::OK();
}

}  // namespace

Status GatherFixed(const uint8_t* dict, int64_t dict_size, int width, const uint32_t* indices, int64_t n,
                   uint8_t* out) {
  if (width <= 0) return Status::InvalidArgument(fmt::format("GatherFixed: invalid width {}", width));
  DELTA_RETURN_NOT_OK(CheckIndices(indices, n, dict_size / width));
  switch (width) {
    case 1: GatherWidth<1>(dict, indices, n, out); break;
    case 2: GatherWidth<2>(dict, indices, n, out); break;
    case 4: GatherWidth<4>(dict, indices, n, out); break;
    case 8: GatherWidth<8>(dict, indices, n, out); break;
    case 12: GatherWidth<12>(dict, indices, n, out); break;
    case 16: GatherWidth<16>(dict, indices, n, out); break;
    default:
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(out + i * width, dict + static_cast<int64_t>(indices[i]) * width, static_cast<size_t>(width));
      }
  }
  return Status::OK();
}

Status GatherByteArrays(const int32_t* dict_offsets, const uint8_t* dict_data, int64_t dict_count,
                        const uint32_t* indices, int64_t n, ByteArraySink* sink) {
  return GatherByteArraysImpl(dict_offsets, dict_data, dict_count, indices, n, sink);
}
Status GatherByteArrays(const int64_t* dict_offsets, const uint8_t* dict_data, int64_t dict_count,
                        const uint32_t* indices, int64_t n, ByteArraySink* sink) {
  return GatherByteArraysImpl(dict_offsets, dict_data, dict_count, indices, n, sink);
}

// ---------------------------------------------------------------- dictionary builder
namespace {

inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint32_t HashBytes(const uint8_t* p, int64_t len) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(len);
  int64_t i = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x9fb21c651e98df25ULL;
    h ^= h >> 29;
  }
  if (i < len) {
    uint64_t w = 0;
    std::memcpy(&w, p + i, static_cast<size_t>(len - i));
    h = (h ^ w) * 0x9fb21c651e98df25ULL;
  }
  return static_cast<uint32_t>(Mix64(h));
}

template <int W>
inline uint32_t HashFixed(const uint8_t* p, int width) {
  if constexpr (W == 4) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return static_cast<uint32_t>(Mix64(v));
  } else if constexpr (W == 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    return static_cast<uint32_t>(Mix64(v));
  } else {
    return HashBytes(p, W > 0 ? W : width);
  }
}

}  // namespace

// Entries live back to back in `arena` (fixed width) or as arena bytes + offsets (BYTE_ARRAY);
// `slots` is an open-addressing table (linear probing) of entry index + 1, 0 meaning empty, at
// most half full; `hashes` keeps each entry's hash so growing never rehashes the bytes.
struct DictionaryEncoder::Impl {
  std::vector<uint8_t> arena;
  std::vector<int64_t> offsets{0};
  std::vector<uint32_t> hashes;
  std::vector<uint32_t> slots = std::vector<uint32_t>(1024, 0);
  uint32_t mask = 1023;
  int64_t byte_array_bytes = 0;

  void Grow() {
    const size_t cap = slots.size() * 2;
    slots.assign(cap, 0);
    mask = static_cast<uint32_t>(cap - 1);
    for (size_t e = 0; e < hashes.size(); ++e) {
      uint32_t idx = hashes[e] & mask;
      while (slots[idx] != 0) idx = (idx + 1) & mask;
      slots[idx] = static_cast<uint32_t>(e + 1);
    }
  }

  template <int W>
  uint32_t InsertFixed(const uint8_t* v, int width) {
    const int w = W > 0 ? W : width;
    const uint32_t h = HashFixed<W>(v, width);
    uint32_t idx = h & mask;
    while (true) {
      const uint32_t s = slots[idx];
      if (s == 0) break;
      if (hashes[s - 1] == h && std::memcmp(arena.data() + static_cast<size_t>(s - 1) * w, v, static_cast<size_t>(w)) == 0) {
        return s - 1;
      }
      idx = (idx + 1) & mask;
    }
    const uint32_t e = static_cast<uint32_t>(hashes.size());
    arena.insert(arena.end(), v, v + w);
    hashes.push_back(h);
    slots[idx] = e + 1;
    if (hashes.size() * 2 > slots.size()) Grow();
    return e;
  }

  uint32_t InsertBytes(const uint8_t* v, int64_t len) {
    const uint32_t h = HashBytes(v, len);
    uint32_t idx = h & mask;
    while (true) {
      const uint32_t s = slots[idx];
      if (s == 0) break;
      const int64_t b = offsets[s - 1];
      if (hashes[s - 1] == h && offsets[s] - b == len && (len == 0 || std::memcmp(arena.data() + b, v, static_cast<size_t>(len)) == 0)) {
        return s - 1;
      }
      idx = (idx + 1) & mask;
    }
    const uint32_t e = static_cast<uint32_t>(hashes.size());
    arena.insert(arena.end(), v, v + len);
    offsets.push_back(static_cast<int64_t>(arena.size()));
    hashes.push_back(h);
    slots[idx] = e + 1;
    if (hashes.size() * 2 > slots.size()) Grow();
    return e;
  }
};

DictionaryEncoder::DictionaryEncoder(Type type, int32_t type_length)
    : type_(type), width_(internal::FixedWidthOf(type, type_length)), impl_(std::make_unique<Impl>()) {}

DictionaryEncoder::~DictionaryEncoder() = default;

void DictionaryEncoder::Put(const uint8_t* values, int64_t n) {
  if (width_ <= 0) return;
  const size_t base = indices_.size();
  indices_.resize(base + static_cast<size_t>(n));
  uint32_t* out = indices_.data() + base;
  Impl& im = *impl_;
  switch (width_) {
    case 1:
      for (int64_t i = 0; i < n; ++i) out[i] = im.InsertFixed<1>(values + i, 1);
      break;
    case 4:
      for (int64_t i = 0; i < n; ++i) out[i] = im.InsertFixed<4>(values + 4 * i, 4);
      break;
    case 8:
      for (int64_t i = 0; i < n; ++i) out[i] = im.InsertFixed<8>(values + 8 * i, 8);
      break;
    case 12:
      for (int64_t i = 0; i < n; ++i) out[i] = im.InsertFixed<12>(values + 12 * i, 12);
      break;
    case 16:
      for (int64_t i = 0; i < n; ++i) out[i] = im.InsertFixed<16>(values + 16 * i, 16);
      break;
    default:
      for (int64_t i = 0; i < n; ++i) out[i] = im.InsertFixed<0>(values + i * width_, width_);
  }
  num_entries_ = static_cast<int64_t>(im.hashes.size());
}

void DictionaryEncoder::PutByteArrays(const void* offsets, bool large_offsets, const uint8_t* data, int64_t n) {
  indices_.reserve(indices_.size() + static_cast<size_t>(n));
  internal::ForEachByteArray(offsets, large_offsets, data, n,
                             [this](const uint8_t* p, int64_t len) { indices_.push_back(impl_->InsertBytes(p, len)); });
  num_entries_ = static_cast<int64_t>(impl_->hashes.size());
}

void DictionaryEncoder::PutByteArray(const uint8_t* data, int64_t len) {
  indices_.push_back(impl_->InsertBytes(data, len));
  num_entries_ = static_cast<int64_t>(impl_->hashes.size());
}

int64_t DictionaryEncoder::dict_encoded_size() const {
  if (type_ == Type::BOOLEAN) return (num_entries_ + 7) / 8;
  if (width_ > 0) return num_entries_ * width_;
  return static_cast<int64_t>(impl_->arena.size()) + 4 * num_entries_;
}

// Index pages use at least 1 bit even for a single entry: some readers reject bit width 0.
int DictionaryEncoder::index_bit_width() const {
  if (num_entries_ <= 1) return num_entries_ == 0 ? 0 : 1;
  return internal::BitWidthOf(static_cast<uint64_t>(num_entries_ - 1));
}

std::string DictionaryEncoder::FlushIndices() {
  const int w = index_bit_width();
  RleBitPackedEncoder enc(w);
  enc.PutBatch(indices_.data(), static_cast<int64_t>(indices_.size()));
  std::string out(1, static_cast<char>(w));
  out += enc.Finish();
  indices_.clear();
  return out;
}

void DictionaryEncoder::WriteDictionaryPage(uint8_t* out) const {
  const Impl& im = *impl_;
  if (type_ == Type::BOOLEAN) {
    // PLAIN booleans are bit-packed.
    std::memset(out, 0, static_cast<size_t>(dict_encoded_size()));
    for (int64_t i = 0; i < num_entries_; ++i) {
      if (im.arena[static_cast<size_t>(i)] != 0) bit_util::SetBit(out, i);
    }
    return;
  }
  if (width_ > 0) {
    if (!im.arena.empty()) std::memcpy(out, im.arena.data(), im.arena.size());
    return;
  }
  for (int64_t i = 0; i < num_entries_; ++i) {
    const int64_t b = im.offsets[static_cast<size_t>(i)];
    const int64_t len = im.offsets[static_cast<size_t>(i) + 1] - b;
    bit_util::StoreLE<uint32_t>(out, static_cast<uint32_t>(len));
    if (len > 0) std::memcpy(out + 4, im.arena.data() + b, static_cast<size_t>(len));
    out += 4 + len;
  }
}

std::string DictionaryEncoder::DictionaryPage() const {
  std::string out(static_cast<size_t>(dict_encoded_size()), '\0');
  WriteDictionaryPage(reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

void DictionaryEncoder::Reset() {
  impl_ = std::make_unique<Impl>();
  num_entries_ = 0;
  indices_.clear();
}

}  // namespace delta::parquet
