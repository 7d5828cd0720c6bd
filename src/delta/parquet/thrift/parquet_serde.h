// Thrift compact-protocol (de)serialisation of the structs in parquet_types.h.
// Decoding is hardened for hostile input: every length is checked against the bytes left,
// nesting depth and container sizes are bounded, unknown fields are skipped; any violation is a
// CorruptData Status (the caller adds file/column context). Never throws, never reads out of
// bounds, never allocates more than the input can justify.
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>

#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet {

/// Decodes a FileMetaData from exactly `len` bytes (the footer between the data and the length).
Result<FileMetaData> DeserializeFileMetaData(const uint8_t* data, int64_t len);
/// Decodes one PageHeader from the front of [data, data+len); `*consumed` receives its size.
/// Fails with CorruptData if the header does not fit (a caller that read a partial prefix can
/// read more and retry).
Result<PageHeader> DeserializePageHeader(const uint8_t* data, int64_t len, int64_t* consumed);

/// Appends the compact encoding to `out`.
void SerializeFileMetaData(const FileMetaData& md, std::string* out);
void SerializePageHeader(const PageHeader& header, std::string* out);

}  // namespace delta::parquet
