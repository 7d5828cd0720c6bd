// An optional capability of a RandomAccessFile: being told, before the reads, which byte ranges a
// reader is about to read. A remote file (S3) uses it to fetch neighbouring ranges (the column
// chunks of one row group) in one request instead of one request each; a local file ignores it.
// Readers discover it with dynamic_cast, so files without it need nothing.
//
// Thread-safety: implementations accept hints concurrently with reads and with other hints.
#pragma once

#include <cstdint>
#include <span>

namespace delta::io {

struct ByteRange {
  int64_t offset = 0;
  int64_t length = 0;
};

class ReadAheadHints {
 public:
  virtual ~ReadAheadHints() = default;
  /// The caller will soon read each of `ranges` (exactly once each, in any order, possibly from
  /// several threads). Best effort: a failed prefetch is dropped and the read itself reports the
  /// error. Never changes what ReadAt returns.
  virtual void WillNeed(std::span<const ByteRange> ranges) const = 0;
};

}  // namespace delta::io
