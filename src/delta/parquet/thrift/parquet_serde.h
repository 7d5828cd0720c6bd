// Thrift compact-protocol (de)serialisation of the structs in parquet_types.h.
// Decoding is hardened for hostile input: every length is checked against the bytes left,
// nesting depth and container sizes are bounded, unknown fields are skipped; any violation is a
// CorruptData Status (the caller adds file/column context). Never throws, never reads out of
// bounds, never allocates more than the input can justify.
// Enum values: SchemaElement/ColumnMetaData `type` and `repetition_type` outside the known range
// fail (CorruptData; VECTOR repetition is Unsupported); an unknown `converted_type` is dropped
// (left unset); Encoding, CompressionCodec and PageType values are kept as read, even when
// unknown, so consumers must check them (an unknown encoding in ColumnMetaData.encodings is
// harmless; decoding a page with one is Unsupported). A LogicalType with an unknown union member
// (or an unknown TIME/TIMESTAMP unit) is read as an unset logical_type. Encrypted files
// (FileMetaData fields 8/9, ColumnChunk fields 8/9) are Unsupported.
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>

#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet {

/// Decodes a FileMetaData from the `len` footer bytes (between the data and the length field);
/// bytes after the struct's final STOP are ignored.
Result<FileMetaData> DeserializeFileMetaData(const uint8_t* data, int64_t len);
/// Decodes one PageHeader from the front of [data, data+len); `*consumed` receives its size.
/// Fails with CorruptData if the header does not fit (a caller that read a partial prefix can
/// read more and retry).
/// Also CorruptData when a page size is negative.
Result<PageHeader> DeserializePageHeader(const uint8_t* data, int64_t len, int64_t* consumed);
/// Same, decoding into *out (reset first), for page loops that reuse one PageHeader.
Status DeserializePageHeader(const uint8_t* data, int64_t len, int64_t* consumed, PageHeader* out);

/// Appends the compact encoding to `out`.
void SerializeFileMetaData(const FileMetaData& md, std::string* out);
void SerializePageHeader(const PageHeader& header, std::string* out);

}  // namespace delta::parquet
