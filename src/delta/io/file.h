// Byte-level I/O: random-access input files and sequential output streams, local and in-memory.
// Every error names the path. Thread-safety: RandomAccessFile::ReadAt may be called concurrently
// from many threads (it has no position); OutputStream is single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "delta/columnar/buffer.h"
#include "delta/util/result.h"

namespace delta::io {

using columnar::BufferPtr;

class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  /// The path or URI the file was opened from (for error messages).
  virtual const std::string& path() const = 0;
  virtual int64_t size() const = 0;
  /// Reads exactly n bytes at offset into out. IOError if the range is beyond the end.
  virtual Status ReadAt(int64_t offset, int64_t n, uint8_t* out) const = 0;
  /// Reads exactly n bytes at offset into a new buffer (or a zero-copy view where the file is
  /// memory-backed). CorruptData-free: range errors are IOError naming path, offset and size.
  virtual Result<BufferPtr> ReadBufferAt(int64_t offset, int64_t n) const;
  /// True when ReadBufferAt returns views of memory the file already holds (no copy, no
  /// allocation); callers that would only scan the bytes may then prefer it to ReadAt into a
  /// buffer of their own.
  virtual bool zero_copy_reads() const { return false; }
};

using RandomAccessFilePtr = std::shared_ptr<RandomAccessFile>;

/// Opens a local file for reading (pread-based).
Result<RandomAccessFilePtr> OpenLocalFile(const std::string& path);
/// A read-only file over bytes in memory; `name` is used in messages.
RandomAccessFilePtr MakeBufferFile(BufferPtr data, std::string name = "<memory>");

class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual const std::string& path() const = 0;
  virtual Status Write(const void* data, int64_t n) = 0;
  Status Write(std::string_view s) { return Write(s.data(), static_cast<int64_t>(s.size())); }
  /// Bytes written so far.
  virtual int64_t Tell() const = 0;
  /// Flushes and closes; further writes fail. Idempotent.
  virtual Status Close() = 0;
};

using OutputStreamPtr = std::shared_ptr<OutputStream>;

/// Creates (truncates) a local file for writing, buffered.
Result<OutputStreamPtr> OpenLocalOutput(const std::string& path);

/// An output stream into memory; TakeBuffer() hands the bytes over after Close().
class BufferOutputStream : public OutputStream {
 public:
  explicit BufferOutputStream(std::string name = "<memory>") : name_(std::move(name)) {}
  const std::string& path() const override { return name_; }
  using OutputStream::Write;
  Status Write(const void* data, int64_t n) override;
  int64_t Tell() const override { return builder_.size(); }
  Status Close() override { return Status::OK(); }
  Result<BufferPtr> TakeBuffer() { return builder_.Finish(); }

 private:
  std::string name_;
  columnar::BufferBuilder builder_;
};

/// Reads a whole local file into memory.
Result<BufferPtr> ReadWholeFile(const std::string& path);

}  // namespace delta::io
