// Out-of-line parts of the compact-protocol reader: skipping values of any type.
#include "delta/parquet/thrift/compact_protocol_internal.h"

namespace delta::parquet::thrift {

const char* CTypeName(CType t) {
  switch (t) {
    case CType::kStop: return "stop";
    case CType::kBoolTrue:
    case CType::kBoolFalse: return "bool";
    case CType::kByte: return "i8";
    case CType::kI16: return "i16";
    case CType::kI32: return "i32";
    case CType::kI64: return "i64";
    case CType::kDouble: return "double";
    case CType::kBinary: return "binary";
    case CType::kList: return "list";
    case CType::kSet: return "set";
    case CType::kMap: return "map";
    case CType::kStruct: return "struct";
  }
  return "invalid";
}

namespace {

// RAII depth guard so every return path of Skip unwinds the nesting counter.
class NestGuard {
 public:
  explicit NestGuard(CompactReader* r) : r_(r) {}
  ~NestGuard() {
    if (entered_) r_->LeaveNested();
  }
  Status Enter() {
    entered_ = true;
    return r_->EnterNested();
  }

 private:
  CompactReader* r_;
  bool entered_ = false;
};

}  // namespace

Status CompactReader::Skip(CType type, bool in_container) {
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse: {
      // As a field the value is in the type nibble; as a container element it is one byte.
      if (in_container) {
        uint8_t b = 0;
        return ReadByte(&b);
      }
      return Status::OK();
    }
    case CType::kByte: {
      uint8_t b = 0;
      return ReadByte(&b);
    }
    case CType::kI16:
    case CType::kI32:
    case CType::kI64: {
      uint64_t v = 0;
      return ReadVarint64(&v);
    }
    case CType::kDouble: {
      if (remaining() < 8) return Truncated("double");
      pos_ += 8;
      return Status::OK();
    }
    case CType::kBinary: {
      std::string_view v;
      return ReadBinaryView(&v);
    }
    case CType::kList:
    case CType::kSet: {
      NestGuard guard(this);
      DELTA_RETURN_NOT_OK(guard.Enter());
      CType elem;
      int32_t n = 0;
      DELTA_RETURN_NOT_OK(ReadListHeader(&elem, &n));
      // Every element consumes at least one byte, so the loop is bounded by the input size.
      for (int32_t i = 0; i < n; ++i) DELTA_RETURN_NOT_OK(Skip(elem, /*in_container=*/true));
      return Status::OK();
    }
    case CType::kMap: {
      NestGuard guard(this);
      DELTA_RETURN_NOT_OK(guard.Enter());
      CType kt, vt;
      int32_t n = 0;
      DELTA_RETURN_NOT_OK(ReadMapHeader(&kt, &vt, &n));
      for (int32_t i = 0; i < n; ++i) {
        DELTA_RETURN_NOT_OK(Skip(kt, true));
        DELTA_RETURN_NOT_OK(Skip(vt, true));
      }
      return Status::OK();
    }
    case CType::kStruct: {
      NestGuard guard(this);
      DELTA_RETURN_NOT_OK(guard.Enter());
      int16_t last_id = 0;
      FieldHeader f;
      while (true) {
        DELTA_RETURN_NOT_OK(ReadFieldHeader(&last_id, &f));
        if (f.type == CType::kStop) return Status::OK();
        DELTA_RETURN_NOT_OK(Skip(f.type, false));
      }
    }
    case CType::kStop:
      break;
  }
  return Status::CorruptData("Thrift: cannot skip a value of invalid type " + std::to_string(static_cast<int>(type)));
}

}  // namespace delta::parquet::thrift
