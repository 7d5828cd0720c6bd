#include "delta/columnar/buffer.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DELTA_HAS_ASAN 1
#endif
#endif
#ifndef DELTA_HAS_ASAN
#define DELTA_HAS_ASAN 0
#endif

namespace delta::columnar {

namespace {

// Capacity for `size` bytes: a whole number of 64-byte blocks, and never zero so that even an
// empty buffer has a valid, aligned, non-null address (the C Data Interface recommends non-null
// buffer pointers, and offsets buffers of empty arrays are read by some consumers).
int64_t CapacityFor(int64_t size) { return std::max<int64_t>(kBufferAlignment, bit_util::RoundUp(size, kBufferAlignment)); }

// Large blocks are kept for reuse when released, up to a bound (DELTA_BUFFER_CACHE_MB, default
// 256; 0 turns the cache off). A scan allocates the same few sizes for every row group and drops
// them a moment later: without the cache each allocation of fresh memory from the system is
// faulted in again page by page (on virtual machines a microsecond or more per 4 KiB page), which
// cost a 50-million-row scan about as much as decoding it. Block sizes are rounded up to classes
// 1/8 of a power of two apart so that neighbouring sizes share blocks.
class BlockCache {
 public:
  static constexpr int64_t kMinBlock = int64_t{1} << 20;

  int64_t limit() const { return limit_; }
  static BlockCache& Get() {
    static BlockCache* cache = new BlockCache();  // never destroyed: buffers may outlive statics
    return *cache;
  }
  static int64_t ClassOf(int64_t capacity) {
    if (capacity < kMinBlock) return capacity;
    int64_t pow2 = int64_t{1} << (63 - __builtin_clzll(static_cast<uint64_t>(capacity)));
    int64_t step = pow2 / 8;
    return bit_util::RoundUp(capacity, step);
  }
  uint8_t* Take(int64_t block) {
    if (limit_ == 0) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(block);
    if (it == free_.end()) return nullptr;
    uint8_t* p = it->second;
    free_.erase(it);
    cached_ -= block;
    return p;
  }
  /// Keeps `p` (a block of `block` bytes) or frees it when the cache is full.
  void Give(uint8_t* p, int64_t block) {
    if (limit_ > 0 && block <= limit_) {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ + block <= limit_) {
        try {
          free_.emplace(block, p);
          cached_ += block;
          return;
        } catch (...) {  // called from ~Buffer: no exception may leave
        }
      }
    }
    std::free(p);
  }

 private:
  BlockCache() {
#if defined(__SANITIZE_ADDRESS__) || DELTA_HAS_ASAN
    return;  // every free must reach the sanitizer
#endif
    limit_ = int64_t{256} << 20;
    if (const char* env = std::getenv("DELTA_BUFFER_CACHE_MB"); env != nullptr && *env != 0) {
      char* end = nullptr;
      long long mb = std::strtoll(env, &end, 10);
      if (end != nullptr && *end == 0 && mb >= 0) limit_ = std::min<int64_t>(mb, int64_t{1} << 30) << 20;
    }
  }
  std::mutex mu_;
  std::multimap<int64_t, uint8_t*> free_;  // by block size
  int64_t cached_ = 0;
  int64_t limit_ = 0;
};

uint8_t* AlignedAlloc(int64_t capacity) {
  const int64_t block = BlockCache::ClassOf(capacity);
  if (block >= BlockCache::kMinBlock) {
    if (uint8_t* p = BlockCache::Get().Take(block)) return p;
  }
  // block is a multiple of the alignment, as std::aligned_alloc requires.
  return static_cast<uint8_t*>(std::aligned_alloc(static_cast<size_t>(kBufferAlignment), static_cast<size_t>(block)));
}

void AlignedFree(uint8_t* p, int64_t capacity) {
  if (p == nullptr) return;
  const int64_t block = BlockCache::ClassOf(capacity);
  if (block >= BlockCache::kMinBlock) {
    BlockCache::Get().Give(p, block);
  } else {
    std::free(p);
  }
}

}  // namespace

int64_t BufferCacheLimit() { return BlockCache::Get().limit(); }

Buffer::~Buffer() {
  if (owned_) AlignedFree(const_cast<uint8_t*>(data_), capacity_);
}

Result<std::shared_ptr<Buffer>> Buffer::Allocate(int64_t size, bool zero) {
  if (size < 0) return Status::InvalidArgument(fmt::format("cannot allocate a buffer of negative size {}", size));
  if (size > (int64_t{1} << 50)) return Status::OutOfMemory(fmt::format("buffer of {} bytes is too large", size));
  const int64_t capacity = CapacityFor(size);
  uint8_t* p = AlignedAlloc(capacity);
  if (p == nullptr) return Status::OutOfMemory(fmt::format("cannot allocate {} bytes", capacity));
  if (zero) {
    std::memset(p, 0, static_cast<size_t>(capacity));
  } else {
    std::memset(p + size, 0, static_cast<size_t>(capacity - size));
  }
  std::shared_ptr<Buffer> buf(new Buffer());
  buf->data_ = p;
  buf->size_ = size;
  buf->capacity_ = capacity;
  buf->owned_ = true;
  return buf;
}

std::shared_ptr<Buffer> Buffer::Wrap(const uint8_t* data, int64_t size, std::shared_ptr<void> owner) {
  std::shared_ptr<Buffer> buf(new Buffer());
  buf->data_ = data;
  buf->size_ = size;
  buf->capacity_ = size;
  buf->owned_ = false;
  buf->owner_ = std::move(owner);
  return buf;
}

Result<std::shared_ptr<Buffer>> Buffer::CopyOf(std::string_view bytes) {
  DELTA_ASSIGN_OR_RAISE(auto buf, Allocate(static_cast<int64_t>(bytes.size())));
  if (!bytes.empty()) std::memcpy(buf->mutable_data(), bytes.data(), bytes.size());
  return buf;
}

std::shared_ptr<Buffer> Buffer::Slice(const std::shared_ptr<Buffer>& parent, int64_t offset, int64_t size) {
  return Wrap(parent->data() + offset, size, parent);
}

Status Buffer::Reserve(int64_t new_capacity) {
  if (!owned_) return Status::InvalidArgument("cannot grow a buffer that does not own its memory");
  if (new_capacity <= capacity_) return Status::OK();
  if (new_capacity > (int64_t{1} << 50)) return Status::OutOfMemory(fmt::format("buffer of {} bytes is too large", new_capacity));
  const int64_t capacity = CapacityFor(new_capacity);
  uint8_t* p = AlignedAlloc(capacity);
  if (p == nullptr) return Status::OutOfMemory(fmt::format("cannot allocate {} bytes", capacity));
  if (size_ > 0) std::memcpy(p, data_, static_cast<size_t>(size_));
  // Keep the invariant that bytes past size() are zero (deterministic padding when the buffer is
  // exported or written out).
  std::memset(p + size_, 0, static_cast<size_t>(capacity - size_));
  AlignedFree(const_cast<uint8_t*>(data_), capacity_);
  data_ = p;
  capacity_ = capacity;
  return Status::OK();
}

Status Buffer::Resize(int64_t new_size) {
  if (!owned_) return Status::InvalidArgument("cannot resize a buffer that does not own its memory");
  if (new_size < 0) return Status::InvalidArgument(fmt::format("cannot resize a buffer to negative size {}", new_size));
  DELTA_RETURN_NOT_OK(Reserve(new_size));
  size_ = new_size;
  return Status::OK();
}

Status BufferBuilder::Reserve(int64_t additional) {
  if (size_ + additional > capacity_) return Grow(additional);
  return Status::OK();
}

Status BufferBuilder::Grow(int64_t additional) {
  if (additional < 0) return Status::InvalidArgument("negative reservation");
  // Amortised doubling keeps appends O(1); the minimum avoids many tiny reallocations.
  const int64_t needed = size_ + additional;
  const int64_t new_capacity = std::max<int64_t>({needed, capacity_ * 2, kBufferAlignment});
  if (!buffer_) {
    DELTA_ASSIGN_OR_RAISE(buffer_, Buffer::Allocate(new_capacity));
  } else {
    // Resize, not Reserve: Reserve preserves only the buffer's size() bytes, so the buffer's
    // size must cover everything the builder has written.
    DELTA_RETURN_NOT_OK(buffer_->Resize(new_capacity));
  }
  buf_ptr_ = buffer_->mutable_data();
  // Only the buffer's size() bytes survive its next Reserve, so the builder must not use the
  // rounding slack beyond it.
  capacity_ = buffer_->size();
  return Status::OK();
}

Result<uint8_t*> BufferBuilder::Extend(int64_t n) {
  DELTA_RETURN_NOT_OK(Reserve(n));
  uint8_t* p = buf_ptr_ + size_;
  size_ += n;
  return p;
}

Result<BufferPtr> BufferBuilder::Finish() {
  if (!buffer_) {
    DELTA_ASSIGN_OR_RAISE(buffer_, Buffer::Allocate(0));
  }
  // Rewind() or unsafe writes may have left bytes past size(); zero up to the next 64-byte
  // boundary so the padding that consumers may read is deterministic.
  const int64_t pad_end = std::min(buffer_->capacity(), bit_util::RoundUp(size_, kBufferAlignment));
  if (pad_end > size_) std::memset(buffer_->mutable_data() + size_, 0, static_cast<size_t>(pad_end - size_));
  DELTA_RETURN_NOT_OK(buffer_->Resize(size_));
  BufferPtr out = std::move(buffer_);
  buffer_.reset();
  buf_ptr_ = nullptr;
  size_ = 0;
  capacity_ = 0;
  return out;
}

}  // namespace delta::columnar
