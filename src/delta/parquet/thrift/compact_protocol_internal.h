// Thrift compact protocol (apache/thrift doc/specs/thrift-compact-protocol.md): a bounded reader
// over a byte span and an appending writer. Private to the parquet_thrift module; parquet_serde.cc
// builds the Parquet structs on top of it.
//
// The reader is written for hostile input: every read checks the bytes left, varints are limited
// to their maximum encoded length, declared container sizes are checked against the bytes left
// (each element takes at least one byte on the wire), and skipping unknown values is limited to
// kMaxNestingDepth levels of nested structs/containers. Errors are CorruptData.
// The hot paths (varints, field headers) are inline because the page-header decoder runs once per
// page.
// Thread-safety: a reader/writer instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "delta/util/macros.h"
#include "delta/util/status.h"

namespace delta::parquet::thrift {

/// Wire types of the compact protocol (the low nibble of a field header / element type nibble).
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Name of a wire type for error messages ("i32", "binary", ...).
const char* CTypeName(CType t);

/// Maximum nesting of structs and containers the reader accepts.
inline constexpr int kMaxNestingDepth = 64;

/// One decoded field header. For bool fields the value travels in the type nibble and is
/// returned in `bool_value` (type is then kBoolTrue or kBoolFalse).
struct FieldHeader {
  CType type = CType::kStop;
  int16_t id = 0;
  bool bool_value = false;
};

/// Reads compact-protocol values from [data, data+len). Does not own the bytes.
class CompactReader {
 public:
  CompactReader(const uint8_t* data, int64_t len) : begin_(data), pos_(data), end_(data + (len > 0 ? len : 0)) {}

  int64_t position() const { return pos_ - begin_; }
  int64_t remaining() const { return end_ - pos_; }

  Status ReadByte(uint8_t* out) {
    if (DELTA_PREDICT_FALSE(pos_ >= end_)) return Truncated("byte");
    *out = *pos_++;
    return Status::OK();
  }

  /// Unsigned LEB128 varint of at most 10 bytes that must fit 64 bits.
  Status ReadVarint64(uint64_t* out) {
    uint64_t result = 0;
    int shift = 0;
    const uint8_t* p = pos_;
    while (true) {
      if (DELTA_PREDICT_FALSE(p >= end_)) return Truncated("varint");
      uint8_t b = *p++;
      if (DELTA_PREDICT_FALSE(shift == 63 && b > 1)) return Status::CorruptData("Thrift: varint overflows 64 bits");
      result |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) break;
      shift += 7;
      if (DELTA_PREDICT_FALSE(shift > 63)) return Status::CorruptData("Thrift: varint longer than 10 bytes");
    }
    pos_ = p;
    *out = result;
    return Status::OK();
  }

  /// Unsigned varint of at most 5 bytes that must fit 32 bits.
  Status ReadVarint32(uint32_t* out) {
    uint64_t v = 0;
    const uint8_t* start = pos_;
    DELTA_RETURN_NOT_OK(ReadVarint64(&v));
    if (DELTA_PREDICT_FALSE(v > 0xFFFFFFFFull || pos_ - start > 5)) {
      return Status::CorruptData("Thrift: 32-bit varint out of range");
    }
    *out = static_cast<uint32_t>(v);
    return Status::OK();
  }

  Status ReadI8(int8_t* out) {
    uint8_t b = 0;
    DELTA_RETURN_NOT_OK(ReadByte(&b));
    *out = static_cast<int8_t>(b);
    return Status::OK();
  }
  Status ReadI16(int16_t* out) {
    int32_t v = 0;
    DELTA_RETURN_NOT_OK(ReadI32(&v));
    if (DELTA_PREDICT_FALSE(v < INT16_MIN || v > INT16_MAX)) return Status::CorruptData("Thrift: i16 out of range");
    *out = static_cast<int16_t>(v);
    return Status::OK();
  }
  Status ReadI32(int32_t* out) {
    uint32_t u = 0;
    DELTA_RETURN_NOT_OK(ReadVarint32(&u));
    *out = static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));  // zigzag
    return Status::OK();
  }
  Status ReadI64(int64_t* out) {
    uint64_t u = 0;
    DELTA_RETURN_NOT_OK(ReadVarint64(&u));
    *out = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));  // zigzag
    return Status::OK();
  }
  /// 8 bytes, little-endian IEEE 754.
  Status ReadDouble(double* out) {
    if (DELTA_PREDICT_FALSE(remaining() < 8)) return Truncated("double");
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(pos_[i]) << (8 * i);
    std::memcpy(out, &bits, 8);
    pos_ += 8;
    return Status::OK();
  }

  /// A binary/string: varint length then the bytes. The view points into the input span.
  Status ReadBinaryView(std::string_view* out) {
    uint32_t n = 0;
    DELTA_RETURN_NOT_OK(ReadVarint32(&n));
    if (DELTA_PREDICT_FALSE(static_cast<int64_t>(n) > remaining())) {
      return Status::CorruptData("Thrift: binary length exceeds the bytes left");
    }
    *out = std::string_view(reinterpret_cast<const char*>(pos_), n);
    pos_ += n;
    return Status::OK();
  }
  Status ReadBinary(std::string* out) {
    std::string_view v;
    DELTA_RETURN_NOT_OK(ReadBinaryView(&v));
    out->assign(v.data(), v.size());
    return Status::OK();
  }

  /// Reads a field header of the struct whose previous field id is *last_id (0 at struct start),
  /// updating *last_id. On the STOP byte, out->type is kStop.
  Status ReadFieldHeader(int16_t* last_id, FieldHeader* out) {
    uint8_t b = 0;
    DELTA_RETURN_NOT_OK(ReadByte(&b));
    if (b == 0) {
      out->type = CType::kStop;
      return Status::OK();
    }
    uint8_t type = b & 0x0F;
    uint8_t delta = b >> 4;
    if (DELTA_PREDICT_FALSE(type > static_cast<uint8_t>(CType::kStruct) || type == 0)) {
      return Status::CorruptData("Thrift: invalid field type " + std::to_string(type));
    }
    int16_t id = 0;
    if (delta != 0) {
      int32_t next = static_cast<int32_t>(*last_id) + delta;
      if (DELTA_PREDICT_FALSE(next > INT16_MAX)) return Status::CorruptData("Thrift: field id overflows i16");
      id = static_cast<int16_t>(next);
    } else {
      DELTA_RETURN_NOT_OK(ReadI16(&id));  // long form: zigzag varint i16
    }
    out->type = static_cast<CType>(type);
    out->id = id;
    out->bool_value = (out->type == CType::kBoolTrue);
    *last_id = id;
    return Status::OK();
  }

  /// Reads a list/set header. The element count is checked against the bytes left (every
  /// element takes at least one byte), so a caller may reserve `*size` scalar slots.
  Status ReadListHeader(CType* elem_type, int32_t* size) {
    uint8_t b = 0;
    DELTA_RETURN_NOT_OK(ReadByte(&b));
    uint32_t n = b >> 4;
    uint8_t t = b & 0x0F;
    if (n == 15) DELTA_RETURN_NOT_OK(ReadVarint32(&n));  // long form
    DELTA_RETURN_NOT_OK(CheckElementType(t));
    if (DELTA_PREDICT_FALSE(n > static_cast<uint32_t>(INT32_MAX) || static_cast<int64_t>(n) > remaining())) {
      return Status::CorruptData("Thrift: list size " + std::to_string(n) + " exceeds the bytes left");
    }
    *elem_type = static_cast<CType>(t);
    *size = static_cast<int32_t>(n);
    return Status::OK();
  }

  /// Map header: varint size, then (if size > 0) one byte key type << 4 | value type.
  Status ReadMapHeader(CType* key_type, CType* value_type, int32_t* size) {
    uint32_t n = 0;
    DELTA_RETURN_NOT_OK(ReadVarint32(&n));
    *key_type = *value_type = CType::kStop;
    if (n == 0) {
      *size = 0;
      return Status::OK();
    }
    uint8_t b = 0;
    DELTA_RETURN_NOT_OK(ReadByte(&b));
    DELTA_RETURN_NOT_OK(CheckElementType(b >> 4));
    DELTA_RETURN_NOT_OK(CheckElementType(b & 0x0F));
    // Every key and every value takes at least one byte.
    if (DELTA_PREDICT_FALSE(n > static_cast<uint32_t>(INT32_MAX / 2) || 2 * static_cast<int64_t>(n) > remaining())) {
      return Status::CorruptData("Thrift: map size " + std::to_string(n) + " exceeds the bytes left");
    }
    *key_type = static_cast<CType>(b >> 4);
    *value_type = static_cast<CType>(b & 0x0F);
    *size = static_cast<int32_t>(n);
    return Status::OK();
  }

  /// A bool list element is one byte: 1 is true, anything else false (0 and 2 occur).
  Status ReadListBool(bool* out) {
    uint8_t b = 0;
    DELTA_RETURN_NOT_OK(ReadByte(&b));
    *out = (b == 1);
    return Status::OK();
  }

  /// Depth accounting for nested structs/containers read by the caller.
  Status EnterNested() {
    if (DELTA_PREDICT_FALSE(++depth_ > kMaxNestingDepth)) {
      return Status::CorruptData("Thrift: nesting deeper than " + std::to_string(kMaxNestingDepth) + " levels");
    }
    return Status::OK();
  }
  void LeaveNested() { --depth_; }

  /// Skips one value of `type`. `type` kBoolTrue/kBoolFalse as a field type carries no payload;
  /// pass in_container=true when skipping a bool list element (one byte).
  Status Skip(CType type, bool in_container = false);

 private:
  static Status CheckElementType(uint8_t t) {
    // Element types are 1..12 (bool elements use 1 or 2); 0 (STOP) is not a type.
    if (DELTA_PREDICT_FALSE(t == 0 || t > static_cast<uint8_t>(CType::kStruct))) {
      return Status::CorruptData("Thrift: invalid container element type " + std::to_string(t));
    }
    return Status::OK();
  }
  Status Truncated(const char* what) const {
    return Status::CorruptData(std::string("Thrift: input truncated while reading a ") + what + " at offset " +
                               std::to_string(position()));
  }

  const uint8_t* begin_;
  const uint8_t* pos_;
  const uint8_t* end_;
  int depth_ = 0;
};

/// Appends compact-protocol values to a std::string. Does not own the string.
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  void WriteByte(uint8_t b) { out_->push_back(static_cast<char>(b)); }
  void WriteVarint(uint64_t v) {
    char buf[10];
    int n = 0;
    while (v >= 0x80) {
      buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    out_->append(buf, n);
  }
  void WriteI32(int32_t v) {
    WriteVarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
  }
  void WriteI64(int64_t v) {
    WriteVarint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  void WriteI16(int16_t v) { WriteI32(v); }
  void WriteI8(int8_t v) { WriteByte(static_cast<uint8_t>(v)); }
  void WriteDouble(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    char buf[8];
    for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(bits >> (8 * i));
    out_->append(buf, 8);
  }
  void WriteBinary(std::string_view v) {
    WriteVarint(v.size());
    out_->append(v.data(), v.size());
  }

  /// Field header: short form (delta 1..15 from *last_id) when possible, else type byte plus
  /// zigzag i16 id. For bool fields pass kBoolTrue/kBoolFalse as the type.
  void WriteFieldHeader(CType type, int16_t id, int16_t* last_id) {
    int32_t delta = static_cast<int32_t>(id) - *last_id;
    if (delta > 0 && delta <= 15) {
      WriteByte(static_cast<uint8_t>((delta << 4) | static_cast<uint8_t>(type)));
    } else {
      WriteByte(static_cast<uint8_t>(type));
      WriteI16(id);
    }
    *last_id = id;
  }
  void WriteBoolField(int16_t id, bool v, int16_t* last_id) {
    WriteFieldHeader(v ? CType::kBoolTrue : CType::kBoolFalse, id, last_id);
  }
  void WriteStop() { WriteByte(0); }

  void WriteListHeader(CType elem_type, int64_t size) {
    if (size < 15) {
      WriteByte(static_cast<uint8_t>((size << 4) | static_cast<uint8_t>(elem_type)));
    } else {
      WriteByte(static_cast<uint8_t>(0xF0 | static_cast<uint8_t>(elem_type)));
      WriteVarint(static_cast<uint64_t>(size));
    }
  }
  void WriteMapHeader(CType key_type, CType value_type, int64_t size) {
    WriteVarint(static_cast<uint64_t>(size));
    if (size > 0) WriteByte(static_cast<uint8_t>((static_cast<uint8_t>(key_type) << 4) | static_cast<uint8_t>(value_type)));
  }
  /// Bool list element: 1 true, 2 false.
  void WriteListBool(bool v) { WriteByte(v ? 1 : 2); }

 private:
  std::string* out_;
};

}  // namespace delta::parquet::thrift
