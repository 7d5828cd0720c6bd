// Buffer: a contiguous, 64-byte aligned block of memory, the unit of ownership of the columnar
// layer (Arrow layout). A Buffer either owns its memory (Allocate) or keeps a foreign owner alive
// (Wrap: memory imported through the C Data Interface, a file mapping, a slice of a parent).
// Thread-safety: a Buffer's bytes may be read from many threads; writing through
// mutable_data() is only allowed while one thread holds the only reference (during building).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "delta/util/result.h"

namespace delta::columnar {

inline constexpr int64_t kBufferAlignment = 64;

class Buffer {
 public:
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  /// Allocates `size` bytes (capacity rounded up to a multiple of 64 bytes, the padding zeroed;
  /// the first `size` bytes are uninitialised unless `zero` is true). OutOfMemory on failure.
  static Result<std::shared_ptr<Buffer>> Allocate(int64_t size, bool zero = false);
  /// A buffer viewing [data, data+size) that keeps `owner` alive until the Buffer is destroyed.
  /// The caller guarantees the memory stays valid while `owner` lives.
  static std::shared_ptr<Buffer> Wrap(const uint8_t* data, int64_t size, std::shared_ptr<void> owner);
  /// A copy of `bytes` in a new owned buffer.
  static Result<std::shared_ptr<Buffer>> CopyOf(std::string_view bytes);
  /// A sub-range of `parent` that keeps the parent alive (no copy).
  static std::shared_ptr<Buffer> Slice(const std::shared_ptr<Buffer>& parent, int64_t offset, int64_t size);

  const uint8_t* data() const { return data_; }
  uint8_t* mutable_data() { return const_cast<uint8_t*>(data_); }
  int64_t size() const { return size_; }
  int64_t capacity() const { return capacity_; }
  bool is_owned() const { return owned_; }
  template <typename T>
  const T* data_as() const { return reinterpret_cast<const T*>(data_); }
  template <typename T>
  T* mutable_data_as() { return reinterpret_cast<T*>(mutable_data()); }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), static_cast<size_t>(size_)}; }

  /// Owned buffers only: grows capacity to at least new_capacity (keeps contents).
  Status Reserve(int64_t new_capacity);
  /// Owned buffers only: sets size (reserving as needed). New bytes are uninitialised.
  Status Resize(int64_t new_size);

 private:
  Buffer() = default;
  const uint8_t* data_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
  bool owned_ = false;
  std::shared_ptr<void> owner_;
};

using BufferPtr = std::shared_ptr<Buffer>;

/// Bytes of released large (>= 1 MiB) blocks kept for reuse by later buffers: 256 MiB unless the
/// environment variable DELTA_BUFFER_CACHE_MB says otherwise (read once); 0 (also in
/// AddressSanitizer builds, which must see every free) turns the cache off.
int64_t BufferCacheLimit();

/// BufferBuilder: an append-only growable byte buffer with amortised doubling; Finish() hands the
/// bytes over as a Buffer without copying. Not thread-safe.
class BufferBuilder {
 public:
  BufferBuilder() = default;
  Status Reserve(int64_t additional);
  Status Append(const void* data, int64_t n) {
    if (n == 0) return Status::OK();  // the buffer may not exist yet: memcpy from/to null is UB
    if (size_ + n > capacity_) { Status _st = Grow(n); if (!_st.ok()) return _st; }
    std::memcpy(buf_ptr_ + size_, data, static_cast<size_t>(n));
    size_ += n;
    return Status::OK();
  }
  template <typename T>
  Status AppendValue(T v) { return Append(&v, sizeof(T)); }
  /// Unchecked append: call Reserve first.
  void UnsafeAppend(const void* data, int64_t n) {
    std::memcpy(buf_ptr_ + size_, data, static_cast<size_t>(n));
    size_ += n;
  }
  template <typename T>
  void UnsafeAppendValue(T v) { UnsafeAppend(&v, sizeof(T)); }
  /// Extends size by n bytes (reserving as needed) and returns a pointer to the new bytes.
  Result<uint8_t*> Extend(int64_t n);
  void Rewind(int64_t new_size) { size_ = new_size; }
  int64_t size() const { return size_; }
  uint8_t* mutable_data() { return buf_ptr_; }
  const uint8_t* data() const { return buf_ptr_; }
  /// Returns the built buffer (size() bytes) and resets the builder.
  Result<BufferPtr> Finish();

 private:
  Status Grow(int64_t additional);
  BufferPtr buffer_;
  uint8_t* buf_ptr_ = nullptr;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

}  // namespace delta::columnar
