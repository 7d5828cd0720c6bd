#include "delta/dv/deletion_vector.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::dv {

namespace {

// Z85 alphabet (ZeroMQ RFC 32).
constexpr std::string_view kZ85Chars =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

constexpr std::array<int8_t, 256> MakeZ85Table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < kZ85Chars.size(); ++i) t[static_cast<uint8_t>(kZ85Chars[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kZ85Table = MakeZ85Table();

// The magic number of the portable RoaringBitmapArray format (PROTOCOL.md "Deletion Vector
// Format"); 1681511376 is the Java-only "native" variant, which Delta does not write to tables.
constexpr uint32_t kPortableMagic = 1681511377;
constexpr uint32_t kNativeMagic = 1681511376;
// Portable Roaring format cookies (RoaringFormatSpec).
constexpr uint32_t kSerialCookieNoRun = 12346;
constexpr uint32_t kSerialCookie = 12347;
constexpr uint32_t kNoOffsetThreshold = 4;
constexpr uint32_t kMaxArrayCardinality = 4096;
constexpr int64_t kBitmapWords = 1024;

uint32_t LoadLE32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint16_t LoadLE16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
uint64_t LoadLE64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
uint32_t LoadBE32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
         (static_cast<uint32_t>(p[2]) << 8) | static_cast<uint32_t>(p[3]);
}

// Clears bits [from, to) of an LSB-first bitmap.
void ClearBitRange(uint8_t* bits, uint64_t from, uint64_t to) {
  if (from >= to) return;
  uint64_t first_byte = from >> 3;
  uint64_t last_byte = (to - 1) >> 3;
  uint8_t head_mask = static_cast<uint8_t>(0xFFu << (from & 7));          // bits >= from in first byte
  uint8_t tail_mask = static_cast<uint8_t>(0xFFu >> (7 - ((to - 1) & 7)));  // bits < to in last byte
  if (first_byte == last_byte) {
    bits[first_byte] &= static_cast<uint8_t>(~(head_mask & tail_mask));
    return;
  }
  bits[first_byte] &= static_cast<uint8_t>(~head_mask);
  if (last_byte > first_byte + 1) std::memset(bits + first_byte + 1, 0, last_byte - first_byte - 1);
  bits[last_byte] &= static_cast<uint8_t>(~tail_mask);
}

bool IsUnreservedPathChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

std::string DeletionVectorDescriptor::UniqueId() const {
  // PROTOCOL.md "Derived Fields": uniqueId.
  std::string id = storage_type + path_or_inline_dv;
  if (offset.has_value()) id += fmt::format("@{}", *offset);
  return id;
}

Result<std::string> Z85Decode(std::string_view text) {
  if (text.size() % 5 != 0) {
    return Status::CorruptData(fmt::format("Z85 text of {} characters is not a multiple of 5", text.size()));
  }
  std::string out;
  out.resize(text.size() / 5 * 4);
  for (size_t g = 0; g < text.size() / 5; ++g) {
    uint64_t value = 0;
    for (size_t k = 0; k < 5; ++k) {
      char c = text[g * 5 + k];
      int8_t d = kZ85Table[static_cast<uint8_t>(c)];
      if (d < 0) {
        return Status::CorruptData(
            fmt::format("invalid Z85 character 0x{:02x} at position {}", static_cast<uint8_t>(c), g * 5 + k));
      }
      value = value * 85 + static_cast<uint64_t>(d);
    }
    if (value > 0xFFFFFFFFull) {
      return Status::CorruptData(fmt::format("Z85 group at position {} exceeds 32 bits", g * 5));
    }
    out[g * 4] = static_cast<char>(value >> 24);
    out[g * 4 + 1] = static_cast<char>(value >> 16);
    out[g * 4 + 2] = static_cast<char>(value >> 8);
    out[g * 4 + 3] = static_cast<char>(value);
  }
  return out;
}

Result<std::string> Z85Encode(std::string_view bytes) {
  if (bytes.size() % 4 != 0) {
    return Status::InvalidArgument(fmt::format("Z85 needs a multiple of 4 bytes, got {}", bytes.size()));
  }
  std::string out;
  out.resize(bytes.size() / 4 * 5);
  for (size_t g = 0; g < bytes.size() / 4; ++g) {
    uint32_t v = LoadBE32(reinterpret_cast<const uint8_t*>(bytes.data()) + g * 4);
    for (int k = 4; k >= 0; --k) {
      out[g * 5 + static_cast<size_t>(k)] = kZ85Chars[v % 85];
      v /= 85;
    }
  }
  return out;
}

Result<std::string> DeletionVectorRelativePath(const DeletionVectorDescriptor& d) {
  if (d.storage_type == "u") {
    // PROTOCOL.md "Deletion Vector Descriptor Schema": <random prefix><20 Z85 characters of UUID>.
    const std::string& s = d.path_or_inline_dv;
    if (s.size() < 20) {
      return Status::CorruptData(
          fmt::format("deletion vector pathOrInlineDv '{}' is shorter than the 20-character UUID", s));
    }
    std::string_view prefix = std::string_view(s).substr(0, s.size() - 20);
    auto uuid = Z85Decode(std::string_view(s).substr(s.size() - 20));
    if (!uuid.ok()) return uuid.status().WithContext(fmt::format("deletion vector UUID of '{}'", s));
    const auto* u = reinterpret_cast<const uint8_t*>(uuid->data());
    std::string out;
    // The prefix is a real name; escape it so the result has the percent-encoded `path` format.
    for (char c : prefix) {
      if (IsUnreservedPathChar(c)) {
        out.push_back(c);
      } else {
        out += fmt::format("%{:02X}", static_cast<uint8_t>(c));
      }
    }
    if (!out.empty()) out.push_back('/');
    out += "deletion_vector_";
    for (int i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
      out += fmt::format("{:02x}", u[i]);
    }
    out += ".bin";
    return out;
  }
  if (d.storage_type == "p") return d.path_or_inline_dv;
  if (d.storage_type == "i") return Status::InvalidArgument("an inline deletion vector has no file");
  return Status::CorruptData(fmt::format("unknown deletion vector storageType '{}'", d.storage_type));
}

Result<DeletedRows> DeletedRows::Deserialize(std::span<const uint8_t> bytes) {
  const uint8_t* p = bytes.data();
  const uint8_t* end = p + bytes.size();
  if (bytes.size() < 12) {
    return Status::CorruptData(fmt::format("deletion vector bitmap of {} bytes is too short", bytes.size()));
  }
  uint32_t magic = LoadLE32(p);
  if (magic != kPortableMagic) {
    if (magic == kNativeMagic) {
      return Status::CorruptData("deletion vector bitmap uses the native (non-portable) format, magic 1681511376");
    }
    return Status::CorruptData(fmt::format("deletion vector bitmap has magic {}, expected {}", magic, kPortableMagic));
  }
  p += 4;
  uint64_t num_buckets = LoadLE64(p);
  p += 8;
  // Each bucket needs at least a key and an empty 32-bit bitmap (cookie + count): 12 bytes.
  if (num_buckets > static_cast<uint64_t>(end - p) / 12) {
    return Status::CorruptData(fmt::format("deletion vector bitmap announces {} buckets but has only {} bytes left",
                                           num_buckets, end - p));
  }
  DeletedRows rows;
  int64_t prev_key = -1;
  for (uint64_t b = 0; b < num_buckets; ++b) {
    if (end - p < 4) return Status::CorruptData(fmt::format("deletion vector bucket {} is truncated", b));
    uint32_t key = LoadLE32(p);
    p += 4;
    if (key & 0x80000000u) {
      // PROTOCOL.md "Deletion Vector Format": keys must have a 0 most significant bit.
      return Status::CorruptData(fmt::format("deletion vector bucket {} has key {} with the top bit set", b, key));
    }
    if (static_cast<int64_t>(key) <= prev_key) {
      return Status::CorruptData(fmt::format("deletion vector bucket keys not ascending at bucket {}", b));
    }
    prev_key = key;
    Status st = rows.ParseBucket(key, p, end);
    if (!st.ok()) return st.WithContext(fmt::format("deletion vector bucket {}", b));
  }
  if (p != end) {
    return Status::CorruptData(fmt::format("deletion vector bitmap has {} trailing bytes", end - p));
  }
  return rows;
}

Status DeletedRows::ParseBucket(uint32_t high32, const uint8_t*& p, const uint8_t* end) {
  // Portable 32-bit RoaringBitmap (RoaringFormatSpec): cookie, [run flags], descriptive header,
  // [offset header], containers.
  if (end - p < 4) return Status::CorruptData("truncated Roaring cookie");
  uint32_t cookie = LoadLE32(p);
  p += 4;
  uint32_t n;
  const uint8_t* run_flags = nullptr;
  if ((cookie & 0xFFFF) == kSerialCookie) {
    n = (cookie >> 16) + 1;
    size_t flag_bytes = (n + 7) / 8;
    if (static_cast<size_t>(end - p) < flag_bytes) return Status::CorruptData("truncated Roaring run flags");
    run_flags = p;
    p += flag_bytes;
  } else if (cookie == kSerialCookieNoRun) {
    if (end - p < 4) return Status::CorruptData("truncated Roaring container count");
    n = LoadLE32(p);
    p += 4;
    if (n > 65536) return Status::CorruptData(fmt::format("Roaring bitmap has {} containers (at most 65536)", n));
  } else {
    return Status::CorruptData(fmt::format("unknown Roaring cookie {}", cookie));
  }
  if (static_cast<size_t>(end - p) < static_cast<size_t>(n) * 4) {
    return Status::CorruptData(fmt::format("truncated Roaring header of {} containers", n));
  }
  const uint8_t* header = p;
  p += static_cast<size_t>(n) * 4;
  if (run_flags == nullptr || n >= kNoOffsetThreshold) {
    // The offset header only speeds up random access; containers are parsed in sequence.
    if (static_cast<size_t>(end - p) < static_cast<size_t>(n) * 4) {
      return Status::CorruptData("truncated Roaring offset header");
    }
    p += static_cast<size_t>(n) * 4;
  }
  containers_.reserve(containers_.size() + n);
  int32_t prev_key = -1;
  for (uint32_t i = 0; i < n; ++i) {
    uint16_t key = LoadLE16(header + i * 4);
    uint32_t card = static_cast<uint32_t>(LoadLE16(header + i * 4 + 2)) + 1;
    if (static_cast<int32_t>(key) <= prev_key) {
      return Status::CorruptData(fmt::format("Roaring container keys not ascending at container {}", i));
    }
    prev_key = key;
    Container c;
    c.high48 = (static_cast<uint64_t>(high32) << 16) | key;
    bool is_run = run_flags != nullptr && ((run_flags[i / 8] >> (i % 8)) & 1);
    if (is_run) {
      if (end - p < 2) return Status::CorruptData(fmt::format("truncated run container {}", i));
      uint32_t runs = LoadLE16(p);
      p += 2;
      if (static_cast<size_t>(end - p) < static_cast<size_t>(runs) * 4) {
        return Status::CorruptData(fmt::format("run container {} of {} runs is truncated", i, runs));
      }
      c.kind = Kind::kRun;
      c.begin = static_cast<uint32_t>(values_.size());
      c.count = runs;
      uint32_t total = 0;
      int32_t prev_end = -1;
      values_.reserve(values_.size() + static_cast<size_t>(runs) * 2);
      for (uint32_t r = 0; r < runs; ++r) {
        uint16_t start = LoadLE16(p + r * 4);
        uint16_t len_minus_1 = LoadLE16(p + r * 4 + 2);
        uint32_t last = static_cast<uint32_t>(start) + len_minus_1;
        if (last > 0xFFFF || static_cast<int32_t>(start) <= prev_end) {
          return Status::CorruptData(fmt::format("run {} of run container {} overlaps or overflows", r, i));
        }
        prev_end = static_cast<int32_t>(last);
        total += static_cast<uint32_t>(len_minus_1) + 1;
        values_.push_back(start);
        values_.push_back(len_minus_1);
      }
      p += static_cast<size_t>(runs) * 4;
      if (total != card) {
        return Status::CorruptData(
            fmt::format("run container {} holds {} values, header says {}", i, total, card));
      }
    } else if (card <= kMaxArrayCardinality) {
      if (static_cast<size_t>(end - p) < static_cast<size_t>(card) * 2) {
        return Status::CorruptData(fmt::format("array container {} of {} values is truncated", i, card));
      }
      c.kind = Kind::kArray;
      c.begin = static_cast<uint32_t>(values_.size());
      c.count = card;
      values_.reserve(values_.size() + card);
      int32_t prev = -1;
      for (uint32_t k = 0; k < card; ++k) {
        uint16_t v = LoadLE16(p + k * 2);
        if (static_cast<int32_t>(v) <= prev) {
          return Status::CorruptData(fmt::format("array container {} values not ascending at value {}", i, k));
        }
        prev = v;
        values_.push_back(v);
      }
      p += static_cast<size_t>(card) * 2;
    } else {
      if (end - p < kBitmapWords * 8) return Status::CorruptData(fmt::format("bitmap container {} is truncated", i));
      c.kind = Kind::kBitmap;
      c.begin = static_cast<uint32_t>(words_.size());
      c.count = kBitmapWords;
      words_.resize(words_.size() + kBitmapWords);
      uint64_t* w = words_.data() + c.begin;
      uint32_t total = 0;
      for (int64_t k = 0; k < kBitmapWords; ++k) {
        w[k] = LoadLE64(p + k * 8);
        total += static_cast<uint32_t>(std::popcount(w[k]));
      }
      p += kBitmapWords * 8;
      if (total != card) {
        return Status::CorruptData(
            fmt::format("bitmap container {} holds {} values, header says {}", i, total, card));
      }
    }
    cardinality_ += card;
    containers_.push_back(c);
  }
  return Status::OK();
}

const DeletedRows::Container* DeletedRows::FindContainer(uint64_t high48) const {
  auto it = std::lower_bound(containers_.begin(), containers_.end(), high48,
                             [](const Container& c, uint64_t h) { return c.high48 < h; });
  if (it == containers_.end() || it->high48 != high48) return nullptr;
  return &*it;
}

bool DeletedRows::Contains(uint64_t row) const {
  const Container* c = FindContainer(row >> 16);
  if (c == nullptr) return false;
  uint16_t low = static_cast<uint16_t>(row & 0xFFFF);
  switch (c->kind) {
    case Kind::kArray: {
      const uint16_t* b = values_.data() + c->begin;
      return std::binary_search(b, b + c->count, low);
    }
    case Kind::kBitmap:
      return (words_[c->begin + (low >> 6)] >> (low & 63)) & 1;
    case Kind::kRun: {
      const uint16_t* r = values_.data() + c->begin;
      // Last run whose start <= low.
      uint32_t lo = 0, hi = c->count;
      while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (r[mid * 2] <= low) lo = mid + 1;
        else hi = mid;
      }
      if (lo == 0) return false;
      uint32_t k = lo - 1;
      return static_cast<uint32_t>(low) <= static_cast<uint32_t>(r[k * 2]) + r[k * 2 + 1];
    }
  }
  return false;
}

void DeletedRows::ClearDeleted(uint64_t first_row, int64_t n, uint8_t* keep) const {
  if (n <= 0 || containers_.empty()) return;
  // [first_row, end_row) with end_row clamped against overflow.
  uint64_t end_row = first_row + static_cast<uint64_t>(n);
  if (end_row < first_row) end_row = ~0ull;
  uint64_t last_row = end_row - 1;
  auto it = std::lower_bound(containers_.begin(), containers_.end(), first_row >> 16,
                             [](const Container& c, uint64_t h) { return c.high48 < h; });
  for (; it != containers_.end() && it->high48 <= (last_row >> 16); ++it) {
    const Container& c = *it;
    uint64_t base = c.high48 << 16;
    switch (c.kind) {
      case Kind::kArray: {
        const uint16_t* v = values_.data() + c.begin;
        const uint16_t* v_end = v + c.count;
        if (first_row > base) v = std::lower_bound(v, v_end, static_cast<uint16_t>(first_row - base));
        for (; v != v_end; ++v) {
          uint64_t row = base + *v;
          if (row > last_row) break;
          uint64_t bit = row - first_row;
          keep[bit >> 3] &= static_cast<uint8_t>(~(1u << (bit & 7)));
        }
        break;
      }
      case Kind::kRun: {
        const uint16_t* r = values_.data() + c.begin;
        for (uint32_t k = 0; k < c.count; ++k) {
          uint64_t s = base + r[k * 2];
          uint64_t e = s + r[k * 2 + 1];  // inclusive
          if (e < first_row) continue;
          if (s > last_row) break;
          ClearBitRange(keep, std::max(s, first_row) - first_row, std::min(e, last_row) - first_row + 1);
        }
        break;
      }
      case Kind::kBitmap: {
        const uint64_t* w = words_.data() + c.begin;
        uint64_t lo = first_row > base ? first_row - base : 0;           // first bit of the container in range
        uint64_t hi = std::min<uint64_t>(last_row - base, 65535);        // last bit in range
        for (uint64_t wi = lo >> 6; wi <= (hi >> 6); ++wi) {
          uint64_t word = w[wi];
          if (word == 0) continue;
          if (wi == (lo >> 6)) word &= ~0ull << (lo & 63);
          if (wi == (hi >> 6) && (hi & 63) != 63) word &= (1ull << ((hi & 63) + 1)) - 1;
          while (word) {
            uint64_t bit = base + wi * 64 + static_cast<uint64_t>(std::countr_zero(word)) - first_row;
            keep[bit >> 3] &= static_cast<uint8_t>(~(1u << (bit & 7)));
            word &= word - 1;
          }
        }
        break;
      }
    }
  }
}

std::vector<uint64_t> DeletedRows::ToVector() const {
  std::vector<uint64_t> out;
  out.reserve(static_cast<size_t>(cardinality_));
  for (const Container& c : containers_) {
    uint64_t base = c.high48 << 16;
    switch (c.kind) {
      case Kind::kArray:
        for (uint32_t k = 0; k < c.count; ++k) out.push_back(base + values_[c.begin + k]);
        break;
      case Kind::kRun:
        for (uint32_t k = 0; k < c.count; ++k) {
          uint64_t s = base + values_[c.begin + k * 2];
          for (uint64_t x = 0; x <= values_[c.begin + k * 2 + 1]; ++x) out.push_back(s + x);
        }
        break;
      case Kind::kBitmap:
        for (uint32_t k = 0; k < kBitmapWords; ++k) {
          uint64_t word = words_[c.begin + k];
          while (word) {
            out.push_back(base + k * 64 + static_cast<uint64_t>(std::countr_zero(word)));
            word &= word - 1;
          }
        }
        break;
    }
  }
  return out;
}

Result<DeletedRows> DecodeStoredDeletionVector(std::span<const uint8_t> bytes, const DeletionVectorDescriptor& d) {
  // PROTOCOL.md "Deletion Vector File Storage Format": big-endian dataSize, bitmapData,
  // big-endian CRC-32 of bitmapData.
  if (d.size_in_bytes < 0) {
    return Status::CorruptData(fmt::format("deletion vector sizeInBytes {} is negative", d.size_in_bytes));
  }
  if (bytes.size() < 4) {
    return Status::CorruptData(fmt::format("deletion vector at offset {} is truncated: {} bytes, no size field",
                                           d.offset.value_or(0), bytes.size()));
  }
  uint32_t size = LoadBE32(bytes.data());
  if (size != static_cast<uint32_t>(d.size_in_bytes)) {
    return Status::CorruptData(fmt::format("deletion vector at offset {} has size {}, descriptor says sizeInBytes {}",
                                           d.offset.value_or(0), size, d.size_in_bytes));
  }
  if (bytes.size() - 4 < static_cast<uint64_t>(size) + 4) {
    return Status::CorruptData(fmt::format("deletion vector at offset {} is truncated: needs {} bytes, {} present",
                                           d.offset.value_or(0), static_cast<uint64_t>(size) + 8, bytes.size()));
  }
  auto bitmap = bytes.subspan(4, size);
  uint32_t expected_crc = LoadBE32(bytes.data() + 4 + size);
  uint32_t actual_crc = static_cast<uint32_t>(::crc32(0L, bitmap.data(), static_cast<uInt>(bitmap.size())));
  if (expected_crc != actual_crc) {
    return Status::CorruptData(fmt::format("deletion vector at offset {} fails its checksum: CRC-32 {:08x}, stored {:08x}",
                                           d.offset.value_or(0), actual_crc, expected_crc));
  }
  DELTA_ASSIGN_OR_RAISE(DeletedRows rows, DeletedRows::Deserialize(bitmap));
  if (rows.cardinality() != d.cardinality) {
    return Status::CorruptData(fmt::format("deletion vector at offset {} holds {} rows, descriptor says cardinality {}",
                                           d.offset.value_or(0), rows.cardinality(), d.cardinality));
  }
  return rows;
}

Result<DeletedRows> DecodeDeletionVectorFile(std::span<const uint8_t> file_bytes, const DeletionVectorDescriptor& d) {
  if (file_bytes.empty()) return Status::CorruptData("deletion vector file is empty");
  if (file_bytes[0] != 1) {
    return Status::CorruptData(fmt::format("deletion vector file has format version {}, expected 1", file_bytes[0]));
  }
  int64_t offset = d.offset.value_or(0);
  if (offset < 0 || static_cast<uint64_t>(offset) >= file_bytes.size()) {
    return Status::CorruptData(
        fmt::format("deletion vector offset {} is outside the file ({} bytes)", offset, file_bytes.size()));
  }
  return DecodeStoredDeletionVector(file_bytes.subspan(static_cast<size_t>(offset)), d);
}

Result<DeletedRows> DecodeInlineDeletionVector(const DeletionVectorDescriptor& d) {
  if (d.storage_type != "i") {
    return Status::InvalidArgument(
        fmt::format("deletion vector with storageType '{}' is not inline", d.storage_type));
  }
  auto decoded = Z85Decode(d.path_or_inline_dv);
  if (!decoded.ok()) return decoded.status().WithContext("inline deletion vector");
  // Z85 works on 4-byte groups, so the encoded bitmap may carry up to 3 bytes of padding.
  if (d.size_in_bytes < 0 || static_cast<size_t>(d.size_in_bytes) > decoded->size() ||
      decoded->size() - static_cast<size_t>(d.size_in_bytes) >= 4) {
    return Status::CorruptData(fmt::format("inline deletion vector decodes to {} bytes, descriptor says sizeInBytes {}",
                                           decoded->size(), d.size_in_bytes));
  }
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(decoded->data()),
                                        static_cast<size_t>(d.size_in_bytes));
  auto rows = DeletedRows::Deserialize(bytes);
  if (!rows.ok()) return rows.status().WithContext("inline deletion vector");
  if (rows->cardinality() != d.cardinality) {
    return Status::CorruptData(fmt::format("inline deletion vector holds {} rows, descriptor says cardinality {}",
                                           rows->cardinality(), d.cardinality));
  }
  return rows;
}

}  // namespace delta::dv
