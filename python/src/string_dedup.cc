#include "string_dedup.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "delta/util/bit_util.h"

namespace delta::python {

namespace {
constexpr int kPrefetchDistance = 8;
}  // namespace

void StringDeduper::CollectUses(std::vector<uint64_t>* uses) const {
  uses->assign(size(), 0);
  for (const Slot& s : slots_) {
    if (s.id_plus_one != 0) (*uses)[s.id_plus_one - 1] += s.count;
  }
  for (const auto& [id, w] : wraps_) (*uses)[id] += w << 32;
}

void StringDeduper::Grow() {
  size_t cap = slots_.empty() ? size_t{1} << 16 : slots_.size() * 2;
  std::vector<Slot> grown(cap, Slot{0, 0, 0});
  uint64_t mask = cap - 1;
  for (const Slot& s : slots_) {
    if (s.id_plus_one == 0) continue;
    uint64_t i = s.hash & mask;
    while (grown[i].id_plus_one != 0) i = (i + 1) & mask;
    grown[i] = s;
  }
  slots_ = std::move(grown);
  mask_ = mask;
}

uint32_t StringDeduper::Insert(uint64_t hash, const char* p, size_t n, size_t slot) {
  if (values_.size() >= UINT32_MAX - 1) throw std::length_error("more than 2^32 distinct strings in one column");
  constexpr size_t kBlock = size_t{1} << 20;
  char* dst;
  if (n > kBlock / 4) {
    blocks_.emplace_back(new char[n]);
    dst = blocks_.back().get();
  } else {
    if (block_ == nullptr || kBlock - block_used_ < n) {
      blocks_.emplace_back(new char[kBlock]);
      block_ = blocks_.back().get();
      block_used_ = 0;
    }
    dst = block_ + block_used_;
    block_used_ += n;
  }
  if (n > 0) std::memcpy(dst, p, n);
  uint32_t id = size();
  values_.emplace_back(dst, n);
  slots_[slot] = Slot{hash, id + 1, 1};
  ++window_new_;
  return id;
}

template <typename Offset>
void StringDeduper::AddTyped(const columnar::ArrayData& a, const uint8_t* validity, int64_t begin, int64_t end,
                             uint64_t* out) {
  const int64_t n = end - begin;
  const Offset* offsets = a.buffers[1]->data_as<Offset>() + a.offset + begin;
  const char* data = a.buffers[2] ? reinterpret_cast<const char*>(a.buffers[2]->data()) : "";
  const int64_t bit0 = a.offset + begin;
  hashes_.resize(static_cast<size_t>(n));
  uint64_t* h = hashes_.data();
  for (int64_t i = 0; i < n; ++i) {
    h[i] = XXH3_64bits(data + offsets[i], static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
  if (slots_.empty()) Grow();
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i + kPrefetchDistance < n) __builtin_prefetch(&slots_[h[i + kPrefetchDistance] & mask_]);
    if (validity != nullptr && !bit_util::GetBit(validity, bit0 + i)) {
      out[i] = kNullId;
      ++nulls;
      continue;
    }
    const char* p = data + offsets[i];
    const size_t len = static_cast<size_t>(offsets[i + 1] - offsets[i]);
    // Room for one more value at load <= 1/2 (the prefetches above may then be stale: harmless).
    if ((static_cast<uint64_t>(size()) + 1) * 2 > slots_.size()) Grow();
    uint64_t s = h[i] & mask_;
    while (true) {
      Slot& slot = slots_[s];
      if (slot.id_plus_one == 0) {
        out[i] = Insert(h[i], p, len, s);
        break;
      }
      if (slot.hash == h[i]) {
        uint32_t id = slot.id_plus_one - 1;
        const std::string_view v = values_[id];
        if (v.size() == len && std::memcmp(v.data(), p, len) == 0) {
          if (++slot.count == 0) wraps_.emplace_back(id, 1);
          out[i] = id;
          break;
        }
      }
      s = (s + 1) & mask_;
    }
  }
  nulls_ += static_cast<uint64_t>(nulls);
  rows_ += n;
  window_rows_ += n - nulls;
}

int64_t StringDeduper::Add(const columnar::ArrayData& a, uint64_t* out) {
  bool large;
  switch (a.type->id()) {
    case columnar::TypeId::kString:
    case columnar::TypeId::kBinary: large = false; break;
    case columnar::TypeId::kLargeString:
    case columnar::TypeId::kLargeBinary: large = true; break;
    default: throw std::invalid_argument("StringDeduper: not a string array");
  }
  const uint8_t* validity = (a.buffers[0] && a.GetNullCountConst() > 0) ? a.buffers[0]->data() : nullptr;
  // In steps that end on window boundaries, so that a mostly distinct column stops early.
  int64_t done = 0;
  while (done < a.length && !mostly_distinct_) {
    const int64_t step = std::min(a.length - done, std::max<int64_t>(kWindow - window_rows_, 1024));
    if (large) {
      AddTyped<int64_t>(a, validity, done, done + step, out + done);
    } else {
      AddTyped<int32_t>(a, validity, done, done + step, out + done);
    }
    done += step;
    if (window_rows_ >= kWindow) {
      const bool large_table = size() > kMaxCheapDistinct && rows_ - static_cast<int64_t>(nulls_) < 8 * int64_t{size()};
      mostly_distinct_ = window_new_ * 50 > window_rows_ * 49 || large_table;
      window_rows_ = window_new_ = 0;
    }
  }
  return done;
}

}  // namespace delta::python
