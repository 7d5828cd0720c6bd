// Bridge between the columnar layer and the Arrow C Data Interface / C Stream Interface
// (c_abi.h): export our types, arrays, batches and readers to any Arrow consumer in the process
// and import theirs, both without copying column data.
//
// Ownership rules follow CDataInterface.rst "Memory management":
//  * Export* fill a consumer-allocated struct. On success ownership of *out moves to the caller,
//    who must eventually call out->release(out) exactly once (or move the struct onward, marking
//    the source released by setting its release to NULL). Exported arrays keep shared references
//    to our ArrayData/Buffers, so the data stays valid until release even if we drop ours. On
//    error *out is left untouched and must not be released.
//  * Import* take ownership of the struct passed in, on success AND on error: the struct's
//    contents are moved out and the caller's struct is marked released (release == NULL), so the
//    caller must not release it again. Schemas are released before the call returns. Arrays are
//    released (one call of the producer's release) when the last Buffer or ArrayData that views
//    their memory is destroyed. Passing an already released struct is InvalidArgument.
//  * Import validates the structure (format strings, buffer/child counts, missing buffers) but
//    not the contents of offsets; call ArrayData::Validate() on data from untrusted producers.
//
// Supported formats: every TypeId (n b c C s S i I l L f g d:P,S[,128] tdD tt[smun] ts[smun]:TZ
// u z U Z w:N +s +l +L +m). Others (float16, date64, dictionary, views, unions, ...) are
// Unsupported.
// Thread-safety: the functions are reentrant; an exported stream must be used by one thread at a
// time (CStreamInterface.rst "Thread safety"), and so must an imported reader.
#pragma once

#include <memory>

#include "delta/columnar/array.h"
#include "delta/columnar/c_abi.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::columnar {

// ----- Export ----------------------------------------------------------------------------------

/// Describes `type` (unnamed, flags = nullable). Moves ownership of *out to the caller; the caller
/// must call out->release(out).
Status ExportType(const DataType& type, ArrowSchema* out);
/// Describes a field: name, type, ARROW_FLAG_NULLABLE, metadata (binary layout of
/// CDataInterface.rst "ArrowSchema.metadata"). Moves ownership of *out to the caller.
Status ExportField(const Field& field, ArrowSchema* out);
/// Describes a schema as a "+s" struct whose children are the fields; schema metadata goes in
/// the top-level metadata. Moves ownership of *out to the caller.
Status ExportSchema(const Schema& schema, ArrowSchema* out);

/// Exports `array` zero-copy. *out keeps `array` (and so every buffer and child) alive until
/// out->release(out) is called; moves ownership of *out to the caller. If out_schema is not null
/// it receives ExportType(*array->type) and is likewise owned by the caller afterwards.
Status ExportArray(const ArrayPtr& array, ArrowArray* out, ArrowSchema* out_schema = nullptr);
/// Exports a batch as a non-null struct array (CDataInterface.rst "Record batches"); the batch's
/// columns stay alive until release. Moves ownership of *out (and *out_schema, if given,
/// = ExportSchema(*batch.schema)) to the caller.
Status ExportRecordBatch(const RecordBatch& batch, ArrowArray* out, ArrowSchema* out_schema = nullptr);
/// Wraps `reader` in a C stream. The stream shares ownership of the reader until
/// out->release(out); moves ownership of *out to the caller. get_next yields each batch as from
/// ExportRecordBatch and marks `out` released at the end; errors return EINVAL (InvalidArgument),
/// ENOMEM (OutOfMemory) or EIO (anything else), with the Status text from get_last_error.
/// Schemas/arrays obtained from the stream are owned by the consumer independently of the stream.
Status ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader, ArrowArrayStream* out);

// ----- Import ----------------------------------------------------------------------------------

/// Parses a type (and its children). Takes ownership of *schema: it is released before return,
/// on success and on error. Unsupported for formats we do not model; InvalidArgument for
/// malformed formats or a released struct.
Result<TypePtr> ImportType(ArrowSchema* schema);
/// Like ImportType, also reading name, ARROW_FLAG_NULLABLE and metadata. Takes ownership of
/// *schema (released before return).
Result<FieldPtr> ImportField(ArrowSchema* schema);
/// Imports a "+s" schema: its children become the fields, its metadata the schema metadata.
/// Takes ownership of *schema (released before return). InvalidArgument if it is not a struct.
Result<SchemaPtr> ImportSchema(ArrowSchema* schema);

/// Imports an array of the given type zero-copy: Buffers wrap the producer's memory, and one
/// shared owner calls array->release exactly once, when the last of those Buffers (or the
/// returned ArrayData tree) dies. Takes ownership of *array (its contents are moved; the caller's
/// struct is marked released), on success and on error (then released before return).
/// Honours offset, null_count == -1 (kept as kUnknownNullCount) and an absent validity buffer.
/// InvalidArgument when buffer/child counts do not match the type or a needed buffer is NULL.
Result<ArrayPtr> ImportArray(ArrowArray* array, const TypePtr& type);
/// Same, with the type read from *schema; takes ownership of both structs.
Result<ArrayPtr> ImportArray(ArrowArray* array, ArrowSchema* schema);
/// Imports a struct array as a batch of `schema`. Takes ownership of *array as ImportArray does.
/// InvalidArgument if the top-level struct has nulls or its children do not match the schema.
Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, const SchemaPtr& schema);
/// Same, with the schema read from *schema; takes ownership of both structs.
Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, ArrowSchema* schema);
/// Wraps a C stream in a RecordBatchReader (reads the schema now). Takes ownership of *stream:
/// its contents are moved into the reader, which calls the stream's release once when destroyed
/// (on error: before return). Next() returns the stream's error code and get_last_error text as
/// an IOError.
Result<std::shared_ptr<RecordBatchReader>> ImportRecordBatchReader(ArrowArrayStream* stream);

}  // namespace delta::columnar
