#include "delta/columnar/buffer.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::columnar {

namespace {

// Capacity for `size` bytes: a whole number of 64-byte blocks, and never zero so that even an
// empty buffer has a valid, aligned, non-null address (the C Data Interface recommends non-null
// buffer pointers, and offsets buffers of empty arrays are read by some consumers).
int64_t CapacityFor(int64_t size) { return std::max<int64_t>(kBufferAlignment, bit_util::RoundUp(size, kBufferAlignment)); }

uint8_t* AlignedAlloc(int64_t capacity) {
  // capacity is a multiple of the alignment, as std::aligned_alloc requires.
  return static_cast<uint8_t*>(std::aligned_alloc(static_cast<size_t>(kBufferAlignment), static_cast<size_t>(capacity)));
}

}  // namespace

Buffer::~Buffer() {
  if (owned_) std::free(const_cast<uint8_t*>(data_));
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
  std::free(const_cast<uint8_t*>(data_));
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
