// MakeValueDecoder / MakeValueEncoder: which encodings apply to which physical types
// (the "Supported Types" of each section of Encodings.md).
#include <fmt/format.h>

#include "delta/parquet/encoding/encoding_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet {

namespace {

Status NotApplicable(Encoding encoding, Type type) {
  return Status::Unsupported(fmt::format("encoding {} is not supported for physical type {}", EncodingName(encoding), TypeName(type)));
}

Status CheckTypeLength(Type type, int32_t type_length) {
  if (type == Type::FIXED_LEN_BYTE_ARRAY && type_length <= 0) {
    return Status::InvalidArgument(fmt::format("FIXED_LEN_BYTE_ARRAY with invalid type_length {}", type_length));
  }
  if (static_cast<int32_t>(type) < 0 || static_cast<int32_t>(type) > 7) {
    return Status::Unsupported(fmt::format("unknown physical type {}", static_cast<int32_t>(type)));
  }
  return Status::OK();
}

bool IsByteStreamSplitType(Type t) {
  return t == Type::FLOAT || t == Type::DOUBLE || t == Type::INT32 || t == Type::INT64 || t == Type::FIXED_LEN_BYTE_ARRAY;
}

}  // namespace

Result<std::unique_ptr<ValueDecoder>> MakeValueDecoder(Encoding encoding, Type type, int32_t type_length) {
  DELTA_RETURN_NOT_OK(CheckTypeLength(type, type_length));
  switch (encoding) {
    case Encoding::PLAIN:
      return internal::MakePlainDecoder(type, type_length);
    case Encoding::RLE:
      if (type == Type::BOOLEAN) return internal::MakeRleBooleanDecoder();
      break;
    case Encoding::DELTA_BINARY_PACKED:
      if (type == Type::INT32 || type == Type::INT64) return internal::MakeDeltaBinaryPackedDecoder(type);
      break;
    case Encoding::DELTA_LENGTH_BYTE_ARRAY:
      if (type == Type::BYTE_ARRAY) return internal::MakeDeltaLengthByteArrayDecoder();
      break;
    case Encoding::DELTA_BYTE_ARRAY:
      if (type == Type::BYTE_ARRAY || type == Type::FIXED_LEN_BYTE_ARRAY) {
        return internal::MakeDeltaByteArrayDecoder(type, type_length);
      }
      break;
    case Encoding::BYTE_STREAM_SPLIT:
      if (IsByteStreamSplitType(type)) return internal::MakeByteStreamSplitDecoder(internal::FixedWidthOf(type, type_length));
      break;
    case Encoding::PLAIN_DICTIONARY:
    case Encoding::RLE_DICTIONARY:
      return Status::Unsupported(fmt::format("encoding {} for type {}: dictionary indices are decoded by DictionaryIndexDecoder",
                                             EncodingName(encoding), TypeName(type)));
    default:
      return Status::Unsupported(fmt::format("unsupported encoding {} for type {}", static_cast<int32_t>(encoding), TypeName(type)));
  }
  return NotApplicable(encoding, type);
}

Result<std::unique_ptr<ValueEncoder>> MakeValueEncoder(Encoding encoding, Type type, int32_t type_length) {
  DELTA_RETURN_NOT_OK(CheckTypeLength(type, type_length));
  switch (encoding) {
    case Encoding::PLAIN:
      return internal::MakePlainEncoder(type, type_length);
    case Encoding::RLE:
      if (type == Type::BOOLEAN) return internal::MakeRleBooleanEncoder();
      break;
    case Encoding::DELTA_BINARY_PACKED:
      if (type == Type::INT32 || type == Type::INT64) return internal::MakeDeltaBinaryPackedEncoder(type);
      break;
    case Encoding::DELTA_LENGTH_BYTE_ARRAY:
      if (type == Type::BYTE_ARRAY) return internal::MakeDeltaLengthByteArrayEncoder();
      break;
    case Encoding::DELTA_BYTE_ARRAY:
      if (type == Type::BYTE_ARRAY || type == Type::FIXED_LEN_BYTE_ARRAY) {
        return internal::MakeDeltaByteArrayEncoder(type, type_length);
      }
      break;
    case Encoding::BYTE_STREAM_SPLIT:
      if (IsByteStreamSplitType(type)) return internal::MakeByteStreamSplitEncoder(internal::FixedWidthOf(type, type_length));
      break;
    case Encoding::PLAIN_DICTIONARY:
    case Encoding::RLE_DICTIONARY:
      return Status::Unsupported(fmt::format("encoding {} for type {}: use DictionaryEncoder", EncodingName(encoding), TypeName(type)));
    default:
      return Status::Unsupported(fmt::format("unsupported encoding {} for type {}", static_cast<int32_t>(encoding), TypeName(type)));
  }
  return NotApplicable(encoding, type);
}

}  // namespace delta::parquet
