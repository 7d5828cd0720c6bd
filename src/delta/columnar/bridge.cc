#include "delta/columnar/bridge.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::columnar {

namespace {

// Nesting deeper than this in an imported schema is rejected rather than recursed into, so a
// hostile producer cannot overflow our stack.
constexpr int kMaxImportDepth = 64;

// =============================================================================================
// Schema export

// Everything an exported ArrowSchema points to lives here (CDataInterface.rst "Member
// allocation": the producer owns the strings and the children arrays).
struct SchemaPrivate {
  std::string format;
  std::string name;
  std::string metadata;  // encoded; exported as NULL when there is none
  bool has_metadata = false;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_ptrs;
};

void ReleaseSchema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  // "The release callback MUST walk all children structures ... and call their own release".
  for (int64_t i = 0; i < schema->n_children; ++i) {
    ArrowSchema* child = schema->children[i];
    if (child->release != nullptr) child->release(child);
  }
  if (schema->dictionary != nullptr && schema->dictionary->release != nullptr) {
    schema->dictionary->release(schema->dictionary);
  }
  delete static_cast<SchemaPrivate*>(schema->private_data);
  schema->release = nullptr;
}

// Binary metadata layout of CDataInterface.rst "ArrowSchema.metadata": int32 count, then
// (int32 length, bytes) for each key and value, native endianness.
std::string EncodeMetadata(const KeyValueMetadata& md) {
  std::string out;
  auto put32 = [&out](int32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
  put32(static_cast<int32_t>(md.size()));
  for (const auto& [k, v] : md) {
    put32(static_cast<int32_t>(k.size()));
    out += k;
    put32(static_cast<int32_t>(v.size()));
    out += v;
  }
  return out;
}

const char* UnitChar(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return "s";
    case TimeUnit::kMilli: return "m";
    case TimeUnit::kMicro: return "u";
    case TimeUnit::kNano: return "n";
  }
  return "?";
}

// Format strings of CDataInterface.rst "Data type description -- format strings".
Result<std::string> FormatOf(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return std::string("n");
    case TypeId::kBool: return std::string("b");
    case TypeId::kInt8: return std::string("c");
    case TypeId::kUInt8: return std::string("C");
    case TypeId::kInt16: return std::string("s");
    case TypeId::kUInt16: return std::string("S");
    case TypeId::kInt32: return std::string("i");
    case TypeId::kUInt32: return std::string("I");
    case TypeId::kInt64: return std::string("l");
    case TypeId::kUInt64: return std::string("L");
    case TypeId::kFloat32: return std::string("f");
    case TypeId::kFloat64: return std::string("g");
    case TypeId::kDecimal128: return fmt::format("d:{},{}", t.precision(), t.scale());
    case TypeId::kDate32: return std::string("tdD");
    // Note (1): the colon stays even when the timezone is empty.
    case TypeId::kTimestamp: return fmt::format("ts{}:{}", UnitChar(t.unit()), t.timezone());
    case TypeId::kTime32:
    case TypeId::kTime64: return fmt::format("tt{}", UnitChar(t.unit()));
    case TypeId::kString: return std::string("u");
    case TypeId::kBinary: return std::string("z");
    case TypeId::kLargeString: return std::string("U");
    case TypeId::kLargeBinary: return std::string("Z");
    case TypeId::kFixedSizeBinary: return fmt::format("w:{}", t.byte_width());
    case TypeId::kStruct: return std::string("+s");
    case TypeId::kList: return std::string("+l");
    case TypeId::kLargeList: return std::string("+L");
    case TypeId::kMap: return std::string("+m");
  }
  return Status::Unsupported(fmt::format("cannot export type {}", t.ToString()));
}

Status ExportSchemaImpl(const std::string& name, const DataType& type, int64_t flags, const KeyValueMetadata* md,
                        const std::vector<FieldPtr>& children, ArrowSchema* out);

Status ExportFieldImpl(const Field& f, ArrowSchema* out) {
  int64_t flags = f.nullable ? ARROW_FLAG_NULLABLE : 0;
  if (f.type->id() == TypeId::kMap && f.type->keys_sorted()) flags |= ARROW_FLAG_MAP_KEYS_SORTED;
  return ExportSchemaImpl(f.name, *f.type, flags, &f.metadata, f.type->children(), out);
}

Status ExportSchemaImpl(const std::string& name, const DataType& type, int64_t flags, const KeyValueMetadata* md,
                        const std::vector<FieldPtr>& children, ArrowSchema* out) {
  auto priv = std::make_unique<SchemaPrivate>();
  DELTA_ASSIGN_OR_RAISE(priv->format, FormatOf(type));
  priv->name = name;
  if (md != nullptr && !md->empty()) {
    priv->metadata = EncodeMetadata(*md);
    priv->has_metadata = true;
  }
  const size_t n = children.size();
  priv->children.resize(n);
  priv->child_ptrs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    Status st = ExportFieldImpl(*children[i], &priv->children[i]);
    if (!st.ok()) {
      for (size_t j = 0; j < i; ++j) priv->children[j].release(&priv->children[j]);
      return st;
    }
    priv->child_ptrs[i] = &priv->children[i];
  }
  out->format = priv->format.c_str();
  out->name = priv->name.c_str();
  out->metadata = priv->has_metadata ? priv->metadata.data() : nullptr;
  out->flags = flags;
  out->n_children = static_cast<int64_t>(n);
  out->children = n > 0 ? priv->child_ptrs.data() : nullptr;
  out->dictionary = nullptr;
  out->release = &ReleaseSchema;
  out->private_data = priv.release();
  return Status::OK();
}

// =============================================================================================
// Array export

struct ArrayPrivate {
  ArrayPtr data;  // keeps every buffer and child alive until release
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_ptrs;
};

void ReleaseArray(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  for (int64_t i = 0; i < array->n_children; ++i) {
    ArrowArray* child = array->children[i];
    if (child->release != nullptr) child->release(child);
  }
  if (array->dictionary != nullptr && array->dictionary->release != nullptr) {
    array->dictionary->release(array->dictionary);
  }
  delete static_cast<ArrayPrivate*>(array->private_data);
  array->release = nullptr;
}

void ExportArrayImpl(const ArrayPtr& a, ArrowArray* out) {
  auto* priv = new ArrayPrivate();
  priv->data = a;
  // The null type has no buffers in the C interface (Columnar.rst "Null Layout").
  priv->buffers.reserve(a->buffers.size());
  for (const auto& b : a->buffers) priv->buffers.push_back(b ? static_cast<const void*>(b->data()) : nullptr);
  const size_t n = a->children.size();
  priv->children.resize(n);
  priv->child_ptrs.resize(n);
  for (size_t i = 0; i < n; ++i) {
    ExportArrayImpl(a->children[i], &priv->children[i]);
    priv->child_ptrs[i] = &priv->children[i];
  }
  out->length = a->length;
  out->null_count = a->null_count;
  out->offset = a->offset;
  out->n_buffers = static_cast<int64_t>(priv->buffers.size());
  out->n_children = static_cast<int64_t>(n);
  out->buffers = priv->buffers.empty() ? nullptr : priv->buffers.data();
  out->children = n > 0 ? priv->child_ptrs.data() : nullptr;
  out->dictionary = nullptr;
  out->release = &ReleaseArray;
  out->private_data = priv;
}

ArrayPtr BatchAsStruct(const RecordBatch& batch) {
  auto s = std::make_shared<ArrayData>();
  s->type = Struct(batch.schema->fields());
  s->length = batch.num_rows;
  s->null_count = 0;
  s->buffers = {nullptr};
  s->children = batch.columns;
  return s;
}

// =============================================================================================
// Stream export

struct StreamPrivate {
  std::shared_ptr<RecordBatchReader> reader;
  std::string last_error;
};

int ErrnoFor(const Status& st) {
  // CStreamInterface.rst "Error codes": errno-style values.
  switch (st.code()) {
    case StatusCode::kInvalidArgument: return EINVAL;
    case StatusCode::kOutOfMemory: return ENOMEM;
    default: return EIO;
  }
}

int StreamGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* priv = static_cast<StreamPrivate*>(stream->private_data);
  SchemaPtr schema = priv->reader->schema();
  Status st = schema ? ExportSchema(*schema, out) : Status::InvalidArgument("stream has no schema");
  if (!st.ok()) {
    priv->last_error = st.ToString();
    return ErrnoFor(st);
  }
  return 0;
}

int StreamGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* priv = static_cast<StreamPrivate*>(stream->private_data);
  auto next = priv->reader->Next();
  Status st = next.status();
  if (st.ok()) {
    const RecordBatchPtr& batch = *next;
    if (batch == nullptr) {
      out->release = nullptr;  // end of stream: a released array
      return 0;
    }
    st = ExportRecordBatch(*batch, out);
  }
  if (!st.ok()) {
    priv->last_error = st.ToString();
    return ErrnoFor(st);
  }
  return 0;
}

const char* StreamGetLastError(ArrowArrayStream* stream) {
  auto* priv = static_cast<StreamPrivate*>(stream->private_data);
  return priv->last_error.empty() ? nullptr : priv->last_error.c_str();
}

void StreamRelease(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) return;
  delete static_cast<StreamPrivate*>(stream->private_data);
  stream->release = nullptr;
}

// =============================================================================================
// Schema import (works on borrowed structs; the public entry points release the base struct)

Result<int32_t> ParseInt(std::string_view s, std::string_view format) {
  int32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    return Status::InvalidArgument(fmt::format("malformed number in format string '{}'", format));
  }
  return v;
}

Result<KeyValueMetadata> DecodeMetadata(const char* md) {
  KeyValueMetadata out;
  if (md == nullptr) return out;
  // The encoding carries no total length; we trust the in-process producer for the extent but
  // reject negative counts and lengths.
  auto get32 = [&md]() {
    int32_t v;
    std::memcpy(&v, md, 4);
    md += 4;
    return v;
  };
  const int32_t n = get32();
  if (n < 0) return Status::InvalidArgument(fmt::format("negative metadata count {}", n));
  out.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    const int32_t kl = get32();
    if (kl < 0) return Status::InvalidArgument("negative metadata key length");
    std::string k(md, static_cast<size_t>(kl));
    md += kl;
    const int32_t vl = get32();
    if (vl < 0) return Status::InvalidArgument("negative metadata value length");
    std::string v(md, static_cast<size_t>(vl));
    md += vl;
    out.emplace_back(std::move(k), std::move(v));
  }
  return out;
}

Result<FieldPtr> ImportFieldBorrowed(const ArrowSchema* s, int depth);

Result<TypePtr> ImportTypeBorrowed(const ArrowSchema* s, int depth) {
  if (s == nullptr) return Status::InvalidArgument("null ArrowSchema");
  if (s->release == nullptr) return Status::InvalidArgument("ArrowSchema is released");
  if (depth > kMaxImportDepth) return Status::InvalidArgument("ArrowSchema nested too deeply");
  if (s->format == nullptr) return Status::InvalidArgument("ArrowSchema has no format string");
  if (s->dictionary != nullptr) return Status::Unsupported("dictionary-encoded types are not supported");
  if (s->n_children < 0 || (s->n_children > 0 && s->children == nullptr)) {
    return Status::InvalidArgument(fmt::format("ArrowSchema has n_children {} and children {}", s->n_children,
                                               s->children ? "set" : "NULL"));
  }
  const std::string_view f(s->format);
  auto need_children = [&](int64_t n) -> Status {
    if (s->n_children != n) {
      return Status::InvalidArgument(fmt::format("format '{}' needs {} children, got {}", f, n, s->n_children));
    }
    return Status::OK();
  };
  auto import_children = [&]() -> Result<std::vector<FieldPtr>> {
    std::vector<FieldPtr> fields;
    fields.reserve(static_cast<size_t>(s->n_children));
    for (int64_t i = 0; i < s->n_children; ++i) {
      DELTA_ASSIGN_OR_RAISE(auto field, ImportFieldBorrowed(s->children[i], depth + 1));
      fields.push_back(std::move(field));
    }
    return fields;
  };
  if (f.size() == 1) {
    DELTA_RETURN_NOT_OK(need_children(0));
    switch (f[0]) {
      case 'n': return Null();
      case 'b': return Bool();
      case 'c': return Int8();
      case 'C': return UInt8();
      case 's': return Int16();
      case 'S': return UInt16();
      case 'i': return Int32();
      case 'I': return UInt32();
      case 'l': return Int64();
      case 'L': return UInt64();
      case 'f': return Float32();
      case 'g': return Float64();
      case 'u': return Utf8();
      case 'z': return Binary();
      case 'U': return LargeUtf8();
      case 'Z': return LargeBinary();
      default: break;
    }
    return Status::Unsupported(fmt::format("unsupported Arrow format '{}'", f));
  }
  if (f.substr(0, 2) == "d:") {
    DELTA_RETURN_NOT_OK(need_children(0));
    std::string_view rest = f.substr(2);
    const size_t c1 = rest.find(',');
    if (c1 == std::string_view::npos) return Status::InvalidArgument(fmt::format("malformed decimal format '{}'", f));
    DELTA_ASSIGN_OR_RAISE(int32_t precision, ParseInt(rest.substr(0, c1), f));
    rest = rest.substr(c1 + 1);
    const size_t c2 = rest.find(',');
    DELTA_ASSIGN_OR_RAISE(int32_t scale, ParseInt(rest.substr(0, c2), f));
    if (c2 != std::string_view::npos) {
      DELTA_ASSIGN_OR_RAISE(int32_t bits, ParseInt(rest.substr(c2 + 1), f));
      if (bits != 128) return Status::Unsupported(fmt::format("decimal bit width {} is not supported ('{}')", bits, f));
    }
    if (precision < 1 || precision > 38) {
      return Status::Unsupported(fmt::format("decimal128 precision {} out of range 1..38 ('{}')", precision, f));
    }
    return Decimal128(precision, scale);
  }
  if (f.substr(0, 2) == "w:") {
    DELTA_RETURN_NOT_OK(need_children(0));
    DELTA_ASSIGN_OR_RAISE(int32_t width, ParseInt(f.substr(2), f));
    if (width < 0) return Status::InvalidArgument(fmt::format("negative fixed-size binary width in '{}'", f));
    return FixedSizeBinary(width);
  }
  if (f[0] == 't') {
    DELTA_RETURN_NOT_OK(need_children(0));
    if (f == "tdD") return Date32();
    if (f == "tts") return Time32(TimeUnit::kSecond);
    if (f == "ttm") return Time32(TimeUnit::kMilli);
    if (f == "ttu") return Time64(TimeUnit::kMicro);
    if (f == "ttn") return Time64(TimeUnit::kNano);
    if (f.size() >= 4 && f.substr(0, 2) == "ts" && f[3] == ':') {
      TimeUnit unit;
      switch (f[2]) {
        case 's': unit = TimeUnit::kSecond; break;
        case 'm': unit = TimeUnit::kMilli; break;
        case 'u': unit = TimeUnit::kMicro; break;
        case 'n': unit = TimeUnit::kNano; break;
        default: return Status::InvalidArgument(fmt::format("malformed timestamp format '{}'", f));
      }
      return Timestamp(unit, std::string(f.substr(4)));
    }
    return Status::Unsupported(fmt::format("unsupported Arrow format '{}'", f));
  }
  if (f == "+s") {
    DELTA_ASSIGN_OR_RAISE(auto fields, import_children());
    return Struct(std::move(fields));
  }
  if (f == "+l" || f == "+L") {
    DELTA_RETURN_NOT_OK(need_children(1));
    DELTA_ASSIGN_OR_RAISE(auto fields, import_children());
    return f == "+l" ? List(std::move(fields[0])) : LargeList(std::move(fields[0]));
  }
  if (f == "+m") {
    DELTA_RETURN_NOT_OK(need_children(1));
    DELTA_ASSIGN_OR_RAISE(auto fields, import_children());
    const FieldPtr& entries = fields[0];
    // Columnar.rst "Map Layout": one child, a struct of (key, value).
    if (entries->type->id() != TypeId::kStruct || entries->type->children().size() != 2) {
      return Status::InvalidArgument("map child must be a struct of two fields");
    }
    auto t = std::make_shared<DataType>(TypeId::kMap);
    t->children_ = {entries};
    t->keys_sorted_ = (s->flags & ARROW_FLAG_MAP_KEYS_SORTED) != 0;
    return TypePtr(std::move(t));
  }
  return Status::Unsupported(fmt::format("unsupported Arrow format '{}'", f));
}

Result<FieldPtr> ImportFieldBorrowed(const ArrowSchema* s, int depth) {
  DELTA_ASSIGN_OR_RAISE(auto type, ImportTypeBorrowed(s, depth));
  DELTA_ASSIGN_OR_RAISE(auto md, DecodeMetadata(s->metadata));
  return MakeField(s->name ? s->name : "", std::move(type), (s->flags & ARROW_FLAG_NULLABLE) != 0, std::move(md));
}

// Releases a base schema when the import is done, whatever its outcome.
struct SchemaReleaser {
  ArrowSchema* s;
  ~SchemaReleaser() {
    if (s != nullptr && s->release != nullptr) s->release(s);
  }
};

// =============================================================================================
// Array import

// Owns the moved base ArrowArray; its destructor is the single call of the producer's release.
struct ImportedArray {
  ArrowArray array;
  ~ImportedArray() {
    if (array.release != nullptr) array.release(&array);
  }
};

int64_t FixedWidthBytes(const DataType& t) {
  if (t.id() == TypeId::kDecimal128) return 16;
  if (t.id() == TypeId::kFixedSizeBinary) return t.byte_width();
  return t.bit_width() / 8;
}

class ArrayImporter {
 public:
  explicit ArrayImporter(std::shared_ptr<ImportedArray> owner) : owner_(std::move(owner)) {}

  Result<ArrayPtr> Import(const ArrowArray* c, const TypePtr& type, int depth) {
    if (depth > kMaxImportDepth) return Status::InvalidArgument("ArrowArray nested too deeply");
    if (c == nullptr) return Status::InvalidArgument("null child ArrowArray");
    const std::string ts = type->ToString();
    if (c->length < 0 || c->offset < 0 || c->null_count < -1 || c->null_count > c->length) {
      return Status::InvalidArgument(fmt::format("ArrowArray of {} has length {}, offset {}, null_count {}", ts,
                                                 c->length, c->offset, c->null_count));
    }
    if (c->dictionary != nullptr) return Status::Unsupported("dictionary-encoded arrays are not supported");
    const TypeId id = type->id();
    int64_t expected_buffers;
    switch (id) {
      case TypeId::kNull: expected_buffers = 0; break;
      case TypeId::kStruct: expected_buffers = 1; break;
      default: expected_buffers = type->is_binary_like() ? 3 : 2;
    }
    if (c->n_buffers != expected_buffers) {
      return Status::InvalidArgument(
          fmt::format("ArrowArray of {} has {} buffers, expected {}", ts, c->n_buffers, expected_buffers));
    }
    if (expected_buffers > 0 && c->buffers == nullptr) {
      return Status::InvalidArgument(fmt::format("ArrowArray of {} has no buffers array", ts));
    }
    const int64_t expected_children =
        id == TypeId::kStruct ? static_cast<int64_t>(type->children().size()) : (type->is_nested() ? 1 : 0);
    if (c->n_children != expected_children || (expected_children > 0 && c->children == nullptr)) {
      return Status::InvalidArgument(
          fmt::format("ArrowArray of {} has {} children, expected {}", ts, c->n_children, expected_children));
    }

    auto out = std::make_shared<ArrayData>();
    out->type = type;
    out->length = c->length;
    out->offset = c->offset;
    out->null_count = c->null_count;
    if (id == TypeId::kNull) {
      out->null_count = c->length;
      return out;
    }
    const int64_t end = c->offset + c->length;
    // Validity: absent is allowed only when there are no nulls (CDataInterface.rst
    // "ArrowArray.buffers": may be null if null_count is 0).
    const auto* validity = static_cast<const uint8_t*>(c->buffers[0]);
    if (validity == nullptr) {
      if (c->null_count > 0) {
        return Status::InvalidArgument(fmt::format("ArrowArray of {} has {} nulls but no validity buffer", ts, c->null_count));
      }
      out->null_count = 0;
      out->buffers.push_back(nullptr);
    } else {
      out->buffers.push_back(Wrap(validity, bit_util::BytesForBits(end)));
    }

    if (id == TypeId::kBool || type->is_primitive_fixed()) {
      const int64_t size = id == TypeId::kBool ? bit_util::BytesForBits(end) : end * FixedWidthBytes(*type);
      DELTA_ASSIGN_OR_RAISE(auto values, Required(c->buffers[1], size, "values", ts));
      out->buffers.push_back(std::move(values));
    } else if (type->is_binary_like() || id == TypeId::kList || id == TypeId::kLargeList || id == TypeId::kMap) {
      const bool large = type->is_large_offsets();
      const int64_t width = large ? 8 : 4;
      const auto* offsets = static_cast<const uint8_t*>(c->buffers[1]);
      int64_t last = 0;
      if (c->length > 0) {
        if (offsets == nullptr) return Status::InvalidArgument(fmt::format("ArrowArray of {} has no offsets buffer", ts));
        last = large ? bit_util::LoadLE<int64_t>(offsets + end * 8) : bit_util::LoadLE<int32_t>(offsets + end * 4);
        if (last < 0) return Status::CorruptData(fmt::format("negative last offset {} in ArrowArray of {}", last, ts));
      }
      DELTA_ASSIGN_OR_RAISE(auto ob, Required(offsets, c->length > 0 ? (end + 1) * width : 0, "offsets", ts));
      out->buffers.push_back(std::move(ob));
      if (type->is_binary_like()) {
        DELTA_ASSIGN_OR_RAISE(auto data, Required(c->buffers[2], last, "data", ts));
        out->buffers.push_back(std::move(data));
      } else {
        DELTA_ASSIGN_OR_RAISE(auto child, Import(c->children[0], type->children()[0]->type, depth + 1));
        out->children.push_back(std::move(child));
      }
    } else if (id == TypeId::kStruct) {
      for (int64_t i = 0; i < c->n_children; ++i) {
        DELTA_ASSIGN_OR_RAISE(auto child,
                              Import(c->children[i], type->children()[static_cast<size_t>(i)]->type, depth + 1));
        out->children.push_back(std::move(child));
      }
    }
    return out;
  }

 private:
  BufferPtr Wrap(const void* p, int64_t size) {
    return Buffer::Wrap(static_cast<const uint8_t*>(p), size, owner_);
  }
  // A buffer the layout needs. NULL is allowed only where the buffer would be empty; then we
  // substitute an owned zeroed block so readers of offsets[0] etc. never see a null pointer.
  Result<BufferPtr> Required(const void* p, int64_t size, const char* what, const std::string& ts) {
    if (p != nullptr) return Wrap(p, size);
    if (size > 0) return Status::InvalidArgument(fmt::format("ArrowArray of {} has no {} buffer", ts, what));
    return Buffer::Allocate(0, true);
  }

  std::shared_ptr<ImportedArray> owner_;
};

std::shared_ptr<ImportedArray> TakeArray(ArrowArray* array) {
  // "Moving an array": bitwise copy, then mark the source released without calling release.
  auto owner = std::make_shared<ImportedArray>();
  std::memcpy(&owner->array, array, sizeof(ArrowArray));
  array->release = nullptr;
  return owner;
}

// Adapts an imported C stream to RecordBatchReader.
class StreamReader final : public RecordBatchReader {
 public:
  explicit StreamReader(ArrowArrayStream stream) : stream_(stream) {}
  ~StreamReader() override {
    if (stream_.release != nullptr) stream_.release(&stream_);
  }
  SchemaPtr schema() const override { return schema_; }

  Status Init() {
    ArrowSchema s;
    s.release = nullptr;
    const int rc = stream_.get_schema(&stream_, &s);
    if (rc != 0) return Error(rc, "get_schema");
    DELTA_ASSIGN_OR_RAISE(schema_, ImportSchema(&s));
    return Status::OK();
  }

  Result<RecordBatchPtr> Next() override {
    if (stream_.release == nullptr) return RecordBatchPtr();
    ArrowArray a;
    a.release = nullptr;
    const int rc = stream_.get_next(&stream_, &a);
    if (rc != 0) return Error(rc, "get_next");
    if (a.release == nullptr) return RecordBatchPtr();  // end of stream
    return ImportRecordBatch(&a, schema_);
  }

 private:
  Status Error(int rc, const char* what) {
    const char* msg = stream_.get_last_error ? stream_.get_last_error(&stream_) : nullptr;
    return Status::IOError(fmt::format("ArrowArrayStream {} failed with error {} ({})", what, rc,
                                       msg ? std::string(msg) : std::string(std::strerror(rc))));
  }

  ArrowArrayStream stream_;
  SchemaPtr schema_;
};

}  // namespace

// =============================================================================================
// Public entry points

Status ExportType(const DataType& type, ArrowSchema* out) {
  return ExportSchemaImpl("", type, ARROW_FLAG_NULLABLE | (type.id() == TypeId::kMap && type.keys_sorted() ? ARROW_FLAG_MAP_KEYS_SORTED : 0),
                          nullptr, type.children(), out);
}

Status ExportField(const Field& field, ArrowSchema* out) { return ExportFieldImpl(field, out); }

Status ExportSchema(const Schema& schema, ArrowSchema* out) {
  static const TypePtr kEmptyStruct = Struct({});
  return ExportSchemaImpl("", *kEmptyStruct, 0, &schema.metadata(), schema.fields(), out);
}

Status ExportArray(const ArrayPtr& array, ArrowArray* out, ArrowSchema* out_schema) {
  if (!array || !array->type) return Status::InvalidArgument("cannot export a null array");
  if (out_schema != nullptr) DELTA_RETURN_NOT_OK(ExportType(*array->type, out_schema));
  ExportArrayImpl(array, out);
  return Status::OK();
}

Status ExportRecordBatch(const RecordBatch& batch, ArrowArray* out, ArrowSchema* out_schema) {
  if (!batch.schema) return Status::InvalidArgument("cannot export a batch without schema");
  if (batch.columns.size() != static_cast<size_t>(batch.schema->num_fields())) {
    return Status::InvalidArgument("cannot export a batch whose columns do not match its schema");
  }
  if (out_schema != nullptr) DELTA_RETURN_NOT_OK(ExportSchema(*batch.schema, out_schema));
  ExportArrayImpl(BatchAsStruct(batch), out);
  return Status::OK();
}

Status ExportRecordBatchReader(std::shared_ptr<RecordBatchReader> reader, ArrowArrayStream* out) {
  if (!reader) return Status::InvalidArgument("cannot export a null reader");
  auto* priv = new StreamPrivate();
  priv->reader = std::move(reader);
  out->get_schema = &StreamGetSchema;
  out->get_next = &StreamGetNext;
  out->get_last_error = &StreamGetLastError;
  out->release = &StreamRelease;
  out->private_data = priv;
  return Status::OK();
}

Result<TypePtr> ImportType(ArrowSchema* schema) {
  SchemaReleaser releaser{schema};
  return ImportTypeBorrowed(schema, 0);
}

Result<FieldPtr> ImportField(ArrowSchema* schema) {
  SchemaReleaser releaser{schema};
  return ImportFieldBorrowed(schema, 0);
}

Result<SchemaPtr> ImportSchema(ArrowSchema* schema) {
  SchemaReleaser releaser{schema};
  DELTA_ASSIGN_OR_RAISE(auto field, ImportFieldBorrowed(schema, 0));
  if (field->type->id() != TypeId::kStruct) {
    return Status::InvalidArgument(fmt::format("a schema must be a struct ('+s'), got {}", field->type->ToString()));
  }
  return std::make_shared<const Schema>(field->type->children(), field->metadata);
}

Result<ArrayPtr> ImportArray(ArrowArray* array, const TypePtr& type) {
  if (array == nullptr || array->release == nullptr) return Status::InvalidArgument("ArrowArray is null or released");
  auto owner = TakeArray(array);
  ArrayImporter importer(owner);
  const ArrowArray* base = &owner->array;
  owner.reset();  // from here on the Buffers alone keep the producer's memory alive
  return importer.Import(base, type, 0);
}

Result<ArrayPtr> ImportArray(ArrowArray* array, ArrowSchema* schema) {
  auto type = ImportType(schema);
  if (!type.ok()) {
    if (array != nullptr && array->release != nullptr) array->release(array);
    return type.status();
  }
  return ImportArray(array, *type);
}

Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, const SchemaPtr& schema) {
  DELTA_ASSIGN_OR_RAISE(auto s, ImportArray(array, Struct(schema->fields())));
  if (s->GetNullCount() != 0) return Status::InvalidArgument("a record batch struct array must not contain nulls");
  auto batch = std::make_shared<RecordBatch>();
  batch->schema = schema;
  batch->num_rows = s->length;
  for (auto& child : s->children) {
    // The struct's offset and length apply to its children (Columnar.rst "Struct Layout").
    if (s->offset != 0 || child->length != s->length) {
      if (child->length < s->offset + s->length) {
        return Status::InvalidArgument(fmt::format("record batch column of {} rows is shorter than the batch ({})",
                                                   child->length, s->offset + s->length));
      }
      batch->columns.push_back(child->Slice(s->offset, s->length));
    } else {
      batch->columns.push_back(child);
    }
  }
  return batch;
}

Result<RecordBatchPtr> ImportRecordBatch(ArrowArray* array, ArrowSchema* schema) {
  auto imported = ImportSchema(schema);
  if (!imported.ok()) {
    if (array != nullptr && array->release != nullptr) array->release(array);
    return imported.status();
  }
  return ImportRecordBatch(array, *imported);
}

Result<std::shared_ptr<RecordBatchReader>> ImportRecordBatchReader(ArrowArrayStream* stream) {
  if (stream == nullptr || stream->release == nullptr) {
    return Status::InvalidArgument("ArrowArrayStream is null or released");
  }
  ArrowArrayStream moved = *stream;
  stream->release = nullptr;
  auto reader = std::make_shared<StreamReader>(moved);
  DELTA_RETURN_NOT_OK(reader->Init());
  return std::static_pointer_cast<RecordBatchReader>(reader);
}

}  // namespace delta::columnar
