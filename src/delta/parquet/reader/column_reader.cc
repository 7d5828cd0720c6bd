// Column chunk decoding (README.md "Column chunks", "Data Pages"; Encodings.md; parquet.thrift
// PageHeader / DataPageHeader / DataPageHeaderV2 / DictionaryPageHeader).
#include "delta/parquet/reader/column_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <new>

#include "delta/parquet/compression/codec.h"
#include "delta/parquet/encoding/encoding.h"
#include "delta/parquet/thrift/parquet_serde.h"
#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::parquet::reader {

namespace {

using columnar::BufferBuilder;
using columnar::BufferPtr;

int BitWidthOf(int v) { return v <= 0 ? 0 : 32 - __builtin_clz(static_cast<unsigned>(v)); }

// Julian day number of 1970-01-01 (INT96 timestamps count days from the Julian epoch).
constexpr int64_t kJulianEpochDay = 2440588;
constexpr int64_t kNanosPerDay = 86400LL * 1000 * 1000 * 1000;

// Output layout of the leaf.
enum class OutKind { kFixed, kBool, kBinary, kNull };

int PhysicalWidth(Type t, int32_t type_length) {
  switch (t) {
    case Type::BOOLEAN: return 1;
    case Type::INT32: case Type::FLOAT: return 4;
    case Type::INT64: case Type::DOUBLE: return 8;
    case Type::INT96: return 12;
    case Type::FIXED_LEN_BYTE_ARRAY: return type_length;
    case Type::BYTE_ARRAY: return 0;
  }
  return 0;
}

// Big-endian two's complement (any length) -> 16-byte little-endian sign-extended.
inline Status BigEndianDecimal(const uint8_t* p, int64_t n, uint8_t* out) {
  if (n == 0) {
    std::memset(out, 0, 16);
    return Status::OK();
  }
  const bool negative = (p[0] & 0x80) != 0;
  while (n > 16) {
    // Wider than 128 bits: only redundant sign-extension bytes may be dropped.
    if (p[0] != (negative ? 0xFF : 0x00) || (((p[1] & 0x80) != 0) != negative)) {
      return Status::CorruptData(fmt::format("decimal value of {} bytes does not fit in 128 bits", n));
    }
    ++p;
    --n;
  }
  std::memset(out, negative ? 0xFF : 0x00, 16);
  for (int64_t i = 0; i < n; ++i) out[i] = p[n - 1 - i];
  return Status::OK();
}

// The most bytes `compressed` bytes of a page can decompress to: the codec's largest possible
// expansion (Compression.md formats) plus a fixed allowance, so that pages of up to 1 MiB are
// never refused. Snappy: a 3-byte copy emits at most 64 bytes. LZ4: every length-extension
// byte adds at most 255. Deflate: at most 1032:1. Zstd: a 4-byte RLE block emits at most
// 128 KiB. Brotli has no practical bound (a few header bytes can announce a 16 MiB
// meta-block), so a generous ratio is used. Unknown codecs fail later as Unsupported.
int64_t MaxDecompressedSize(CompressionCodec codec, int64_t compressed) {
  int64_t ratio = 1032;
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED: ratio = 1; break;
    case CompressionCodec::SNAPPY: ratio = 32; break;
    case CompressionCodec::LZ4: case CompressionCodec::LZ4_RAW: ratio = 256; break;
    case CompressionCodec::GZIP: ratio = 1032; break;
    case CompressionCodec::ZSTD: ratio = 32768; break;
    case CompressionCodec::BROTLI: ratio = int64_t{1} << 20; break;
    default: break;
  }
  return compressed * ratio + (int64_t{1} << 20);
}

// How many values the RLE/bit-packed hybrid stream [p, p+len) holds (Encodings.md "Run Length
// Encoding / Bit-Packing Hybrid"), counted up to `limit` by walking the run headers only. It lets
// a page's announced value count be checked against the bytes present before room for the
// values is allocated (an RLE run may legitimately announce millions of values in two bytes, a
// count the stream does not announce may not be trusted). A malformed stream counts as far as
// it can be read; the decoder reports the error itself.
int64_t CountHybridValues(const uint8_t* p, int64_t len, int bit_width, int64_t limit) {
  const uint8_t* end = p + len;
  const int64_t value_bytes = (bit_width + 7) / 8;
  int64_t count = 0;
  while (p < end && count < limit) {
    uint64_t header = 0;
    int shift = 0;
    bool done = false;
    while (p < end && shift < 64) {
      const uint8_t b = *p++;
      header |= static_cast<uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        done = true;
        break;
      }
      shift += 7;
    }
    if (!done) break;
    const uint64_t n = header >> 1;
    if (header & 1) {
      // Bit-packed groups of 8; a run cut short yields the values its bytes hold.
      const int64_t avail = end - p;
      const uint64_t max_groups = bit_width == 0 ? n : static_cast<uint64_t>(avail / bit_width);
      const uint64_t groups = std::min<uint64_t>(n, max_groups);
      int64_t values = static_cast<int64_t>(std::min<uint64_t>(groups, uint64_t{1} << 40)) * 8;
      if (groups < n && bit_width > 0) values += (avail - static_cast<int64_t>(groups) * bit_width) * 8 / bit_width;
      count += values;
      p += std::min<int64_t>(avail, static_cast<int64_t>(groups) * bit_width);
      if (groups < n) break;
    } else {
      if (end - p < value_bytes) break;
      count += static_cast<int64_t>(std::min<uint64_t>(n, uint64_t{1} << 40));
      p += value_bytes;
    }
  }
  return count;
}

// True when the RLE/bit-packed hybrid stream [p, p+len) starts with one RLE run of at least n
// copies of `level` (Encodings.md "Run Length Encoding / Bit-Packing Hybrid": header varint with
// the low bit clear, then the value in ceil(bit_width / 8) little-endian bytes). That is how
// writers encode the definition levels of a page without nulls: such pages need neither the
// levels nor validity bits materialised.
bool IsSingleRunOf(const uint8_t* p, int64_t len, int bit_width, int64_t n, int level) {
  const uint8_t* end = p + len;
  uint64_t header = 0;
  int shift = 0;
  for (;;) {
    if (p >= end || shift > 56) return false;
    const uint8_t b = *p++;
    header |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) break;
    shift += 7;
  }
  if ((header & 1) != 0 || (header >> 1) < static_cast<uint64_t>(n)) return false;
  const int value_bytes = (bit_width + 7) / 8;
  if (end - p < value_bytes) return false;
  uint32_t v = 0;
  for (int i = 0; i < value_bytes; ++i) v |= static_cast<uint32_t>(p[i]) << (8 * i);
  return v == static_cast<uint32_t>(level);
}

// Scratch memory of one thread, reused by every column chunk it reads: the chunk's bytes and the
// decompressed page. Reuse matters more than it seems: a fresh allocation per chunk is zero-filled
// (std::vector) or handed back to the kernel when freed (glibc returns large blocks and trims the
// arenas of pool threads), so every row group would fault its pages in again. The buffers only
// grow, are never zero-filled, and are dropped after use when a chunk made them unusually large.
class ThreadScratch {
 public:
  // A buffer of at least n bytes; its contents are unspecified.
  uint8_t* Get(int64_t n) {
    if (n > cap_) {
      data_.reset();
      cap_ = std::max<int64_t>(n, cap_ + cap_ / 2);
      data_.reset(new (std::nothrow) uint8_t[static_cast<size_t>(cap_)]);
      if (!data_) cap_ = 0;
    }
    return data_.get();
  }
  // Gives the memory back when it exceeds what steady-state streaming needs.
  void Trim() {
    if (cap_ > kKeepLimit) {
      data_.reset();
      cap_ = 0;
    }
  }

 private:
  static constexpr int64_t kKeepLimit = int64_t{64} << 20;
  std::unique_ptr<uint8_t[]> data_;
  int64_t cap_ = 0;
};

struct ReaderScratch {
  ThreadScratch chunk;  // the column chunk's bytes (files without zero-copy reads)
  ThreadScratch page;   // one decompressed page
  ThreadScratch indices;  // one page's dictionary indices
};

ReaderScratch& LocalScratch() {
  thread_local ReaderScratch scratch;
  return scratch;
}

class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDescriptor& col, const FieldNode& node, const ColumnMetaData& meta,
               const ColumnChunkReadOptions& opts)
      : col_(col), node_(node), meta_(meta), opts_(opts) {}

  Status Init() {
    max_def_ = col_.max_def;
    max_rep_ = col_.max_rep;
    slot_def_ = node_.slot_def;
    can_be_null_ = max_def_ > slot_def_;
    phys_width_ = PhysicalWidth(col_.physical_type, col_.type_length);
    switch (node_.conversion) {
      case ValueConversion::kNull:
        kind_ = OutKind::kNull;
        break;
      case ValueConversion::kBool:
        kind_ = OutKind::kBool;
        break;
      case ValueConversion::kInt32ToInt8: case ValueConversion::kInt32ToUInt8:
        kind_ = OutKind::kFixed; out_width_ = 1; convert_ = true;
        break;
      case ValueConversion::kInt32ToInt16: case ValueConversion::kInt32ToUInt16:
        kind_ = OutKind::kFixed; out_width_ = 2; convert_ = true;
        break;
      case ValueConversion::kInt96ToNanos:
        kind_ = OutKind::kFixed; out_width_ = 8; convert_ = true;
        break;
      case ValueConversion::kDecimalInt32: case ValueConversion::kDecimalInt64: case ValueConversion::kDecimalBytes:
        kind_ = OutKind::kFixed; out_width_ = 16; convert_ = true;
        break;
      case ValueConversion::kNone:
        if (col_.physical_type == Type::BYTE_ARRAY) {
          kind_ = OutKind::kBinary;
        } else {
          kind_ = OutKind::kFixed;
          out_width_ = phys_width_;
        }
        break;
    }
    if (node_.conversion == ValueConversion::kBool && col_.physical_type != Type::BOOLEAN) {
      return Status::Internal("bool conversion on a non-BOOLEAN column");
    }
    // Pre-size from the chunk's value count, bounded so that a hostile count cannot make us
    // allocate more than the data could justify; the builders grow past it when needed.
    const int64_t expect = std::clamp<int64_t>(meta_.num_values, 0, int64_t{1} << 22);
    if (kind_ == OutKind::kFixed) DELTA_RETURN_NOT_OK(values_.Reserve(expect * out_width_));
    if (kind_ == OutKind::kBinary) DELTA_RETURN_NOT_OK(sink_.Reserve(expect, 0));
    if (opts_.keep_levels) {
      if (max_def_ > 0) def_out_.reserve(static_cast<size_t>(expect));
      if (max_rep_ > 0) rep_out_.reserve(static_cast<size_t>(expect));
    }
    return Status::OK();
  }

  Status ReadPages(const uint8_t* data, int64_t len) {
    int64_t pos = 0;
    bool seen_data = false;
    while (pos < len && levels_read_ < meta_.num_values) {
      int64_t consumed = 0;
      auto header_res = DeserializePageHeader(data + pos, len - pos, &consumed);
      if (!header_res.ok()) {
        return header_res.status().WithPrefix(fmt::format("cannot read page header at chunk offset {}", pos));
      }
      PageHeader h = header_res.MoveValueUnsafe();
      pos += consumed;
      if (h.compressed_page_size < 0 || h.compressed_page_size > len - pos) {
        return Status::CorruptData(fmt::format("page claims {} compressed bytes but only {} remain in the column chunk",
                                               h.compressed_page_size, len - pos));
      }
      // The output buffer is allocated from the declared size, so the declaration must be one
      // the compressed bytes could produce: the chunk's total_uncompressed_size cannot vouch for
      // it (the footer is as hostile as the page).
      if (h.uncompressed_page_size < 0 ||
          h.uncompressed_page_size > MaxDecompressedSize(meta_.codec, h.compressed_page_size)) {
        return Status::CorruptData(fmt::format("page claims an implausible uncompressed size of {} bytes",
                                               h.uncompressed_page_size));
      }
      const uint8_t* page = data + pos;
      pos += h.compressed_page_size;
      switch (h.type) {
        case PageType::DICTIONARY_PAGE:
          if (seen_data || has_dict_) return Status::CorruptData("dictionary page after data pages or a second dictionary page");
          if (!h.dictionary_page_header) return Status::CorruptData("dictionary page without a dictionary_page_header");
          DELTA_RETURN_NOT_OK(HandleDictionary(h, page));
          break;
        case PageType::DATA_PAGE:
          if (!h.data_page_header) return Status::CorruptData("DATA_PAGE without a data_page_header");
          seen_data = true;
          DELTA_RETURN_NOT_OK(HandleDataPageV1(h, page));
          break;
        case PageType::DATA_PAGE_V2:
          if (!h.data_page_header_v2) return Status::CorruptData("DATA_PAGE_V2 without a data_page_header_v2");
          seen_data = true;
          DELTA_RETURN_NOT_OK(HandleDataPageV2(h, page));
          break;
        default:
          break;  // INDEX_PAGE and unknown page types are skipped (README.md "Metadata")
      }
    }
    if (levels_read_ != meta_.num_values) {
      return Status::CorruptData(fmt::format("column chunk declares {} values but its pages hold {}", meta_.num_values,
                                             levels_read_));
    }
    if (opts_.num_rows >= 0 && rows_read_ != opts_.num_rows) {
      return Status::CorruptData(
          fmt::format("column chunk holds {} rows but the row group has {}", rows_read_, opts_.num_rows));
    }
    return Status::OK();
  }

  Result<LeafData> Finish() {
    LeafData out;
    out.num_levels = levels_read_;
    auto arr = std::make_shared<columnar::ArrayData>();
    arr->type = node_.field->type;
    arr->length = slots_;
    arr->null_count = slots_ - valid_;
    BufferPtr validity;
    if (kind_ != OutKind::kNull && arr->null_count > 0) {
      validity_.Rewind(bit_util::BytesForBits(slots_));
      DELTA_ASSIGN_OR_RAISE(validity, validity_.Finish());
    }
    switch (kind_) {
      case OutKind::kNull:
        arr->null_count = slots_;
        break;
      case OutKind::kFixed: {
        DELTA_ASSIGN_OR_RAISE(auto values, values_.Finish());
        arr->buffers = {std::move(validity), std::move(values)};
        break;
      }
      case OutKind::kBool: {
        bool_values_.Rewind(bit_util::BytesForBits(slots_));
        DELTA_ASSIGN_OR_RAISE(auto values, bool_values_.Finish());
        arr->buffers = {std::move(validity), std::move(values)};
        break;
      }
      case OutKind::kBinary: {
        DELTA_ASSIGN_OR_RAISE(auto offsets, sink_.offsets().Finish());
        DELTA_ASSIGN_OR_RAISE(auto data, sink_.data().Finish());
        arr->buffers = {std::move(validity), std::move(offsets), std::move(data)};
        break;
      }
    }
    out.array = std::move(arr);
    out.def_levels = std::move(def_out_);
    out.rep_levels = std::move(rep_out_);
    return out;
  }

 private:
  // ---------------------------------------------------------------- pages

  // Returns the page's bytes, decompressed when the chunk is compressed.
  Result<const uint8_t*> Decompressed(const uint8_t* src, int64_t src_len, int64_t dst_len, ThreadScratch* buf) {
    if (meta_.codec == CompressionCodec::UNCOMPRESSED) {
      if (src_len < dst_len) {
        return Status::CorruptData(
            fmt::format("uncompressed page holds {} bytes but declares {}", src_len, dst_len));
      }
      return src;
    }
    // Decompressed into the thread's page scratch: not zero-filled, reused across pages and
    // chunks (the page's bytes are consumed before the next page is decompressed).
    uint8_t* dst = buf->Get(std::max<int64_t>(dst_len, 1));
    if (dst == nullptr) return Status::OutOfMemory(fmt::format("cannot allocate {} bytes for a page", dst_len));
    if (dst_len == 0) return static_cast<const uint8_t*>(dst);
    DELTA_RETURN_NOT_OK(Decompress(meta_.codec, src, src_len, dst, dst_len));
    return static_cast<const uint8_t*>(dst);
  }

  Status HandleDictionary(const PageHeader& h, const uint8_t* page) {
    const DictionaryPageHeader& dh = *h.dictionary_page_header;
    if (dh.encoding != Encoding::PLAIN && dh.encoding != Encoding::PLAIN_DICTIONARY) {
      return Status::Unsupported(fmt::format("dictionary page encoding {}", EncodingName(dh.encoding)));
    }
    if (dh.num_values < 0) return Status::CorruptData(fmt::format("dictionary page with {} values", dh.num_values));
    DELTA_ASSIGN_OR_RAISE(const uint8_t* data,
                          Decompressed(page, h.compressed_page_size, h.uncompressed_page_size, page_buf_));
    const int64_t len = h.uncompressed_page_size;
    const int64_t n = dh.num_values;
    // Every PLAIN value takes at least its width (BYTE_ARRAY: the 4-byte length, BOOLEAN: one
    // bit), so a count beyond that is a lie; checked before the dictionary is allocated.
    const int64_t min_bits = col_.physical_type == Type::BOOLEAN      ? 1
                             : col_.physical_type == Type::BYTE_ARRAY ? 32
                                                                      : 8 * std::max<int64_t>(phys_width_, 1);
    if (n > len * 8 / min_bits) {
      return Status::CorruptData(fmt::format("dictionary page claims {} values in {} bytes", n, len));
    }
    has_dict_ = true;
    dict_count_ = n;
    if (kind_ == OutKind::kNull) return Status::OK();
    DELTA_ASSIGN_OR_RAISE(auto decoder, MakeValueDecoder(Encoding::PLAIN, col_.physical_type, col_.type_length));
    DELTA_RETURN_NOT_OK(decoder->SetData(n, data, len));
    if (kind_ == OutKind::kBinary) {
      dict_sink_ = std::make_unique<ByteArraySink>(false);
      return decoder->DecodeByteArrays(n, dict_sink_.get());
    }
    if (col_.physical_type == Type::BYTE_ARRAY) {  // decimal on BYTE_ARRAY -> 16-byte dictionary
      ByteArraySink tmp(false);
      DELTA_RETURN_NOT_OK(decoder->DecodeByteArrays(n, &tmp));
      dict_fixed_.resize(static_cast<size_t>(n * 16));
      return ConvertByteArrayDecimals(tmp, 0, n, dict_fixed_.data());
    }
    if (kind_ == OutKind::kBool) {
      dict_fixed_.resize(static_cast<size_t>(n));
      return decoder->Decode(dict_fixed_.data(), n);
    }
    // Fixed width: the dictionary is kept in the *output* layout so data pages gather straight
    // into the result.
    if (!convert_) {
      dict_fixed_.resize(static_cast<size_t>(n * out_width_));
      return decoder->Decode(dict_fixed_.data(), n);
    }
    scratch_.resize(static_cast<size_t>(n * phys_width_));
    DELTA_RETURN_NOT_OK(decoder->Decode(scratch_.data(), n));
    dict_fixed_.resize(static_cast<size_t>(n * out_width_));
    return Convert(scratch_.data(), n, dict_fixed_.data());
  }

  // Fails when the level data cannot hold `n` levels, before room for them is allocated.
  Status CheckLevelsHold(Encoding enc, bool v1, const uint8_t* p, int64_t avail, int64_t n, int16_t max_level,
                         const char* what) {
    const int bw = BitWidthOf(max_level);
    if (enc == Encoding::BIT_PACKED) {
      if ((n * bw + 7) / 8 > avail) {
        return Status::CorruptData(fmt::format("{} levels need {} bit-packed bytes, the page has {}", what,
                                               (n * bw + 7) / 8, avail));
      }
      return Status::OK();
    }
    if (enc != Encoding::RLE) return Status::Unsupported(fmt::format("{} level encoding {}", what, EncodingName(enc)));
    if (v1) {
      if (avail < 4) return Status::OK();  // DecodeLevels reports it
      const int32_t l = bit_util::LoadLE<int32_t>(p);
      if (l < 0 || l > avail - 4) return Status::OK();
      p += 4;
      avail = l;
    }
    const int64_t got = CountHybridValues(p, avail, bw, n);
    if (got < n) return Status::CorruptData(fmt::format("page has {} values but its {} levels hold only {}", n, what, got));
    return Status::OK();
  }

  // Decodes `n` levels of maximum `max_level` from [p, end). `v1_rle` strips the 4-byte length.
  // Returns the number of bytes used.
  Result<int64_t> DecodeLevels(Encoding enc, bool v1, const uint8_t* p, int64_t avail, int64_t n, int16_t max_level,
                               int16_t* out, const char* what) {
    const int bw = BitWidthOf(max_level);
    int64_t used = 0;
    if (enc == Encoding::RLE) {
      int64_t rle_len = avail;
      const uint8_t* rle = p;
      if (v1) {
        if (avail < 4) return Status::CorruptData(fmt::format("{} levels: missing the 4-byte length", what));
        const int32_t l = bit_util::LoadLE<int32_t>(p);
        if (l < 0 || l > avail - 4) {
          return Status::CorruptData(fmt::format("{} levels claim {} bytes but the page has {}", what, l, avail - 4));
        }
        rle = p + 4;
        rle_len = l;
        used = 4 + l;
      } else {
        used = avail;
      }
      level_decoder_.Reset(rle, rle_len, bw);
      DELTA_ASSIGN_OR_RAISE(int64_t got, level_decoder_.GetBatch(out, n));
      if (got != n) {
        return Status::CorruptData(fmt::format("page has {} values but its {} levels hold only {}", n, what, got));
      }
    } else if (enc == Encoding::BIT_PACKED) {
      const int64_t bytes = (n * bw + 7) / 8;
      if (bytes > avail) {
        return Status::CorruptData(fmt::format("{} levels need {} bit-packed bytes, the page has {}", what, bytes, avail));
      }
      DELTA_RETURN_NOT_OK(DecodeBitPackedLevels(p, bytes, bw, n, out));
      used = bytes;
    } else {
      return Status::Unsupported(fmt::format("{} level encoding {}", what, EncodingName(enc)));
    }
    // The hybrid decoder returns any value of the bit width; levels above the maximum are corrupt.
    int16_t maxv = 0;
    for (int64_t i = 0; i < n; ++i) maxv = std::max(maxv, out[i]);
    if (maxv > max_level) {
      return Status::CorruptData(fmt::format("{} level {} exceeds the column's maximum {}", what, maxv, max_level));
    }
    return used;
  }

  Status HandleDataPageV1(const PageHeader& h, const uint8_t* page) {
    const DataPageHeader& dh = *h.data_page_header;
    const int64_t n = dh.num_values;
    if (n < 0) return Status::CorruptData(fmt::format("data page with {} values", n));
    DELTA_ASSIGN_OR_RAISE(const uint8_t* data,
                          Decompressed(page, h.compressed_page_size, h.uncompressed_page_size, page_buf_));
    const int64_t len = h.uncompressed_page_size;
    // A level takes at least one bit of RLE run... but an RLE run can cover any count; bound the
    // count by what the chunk declared instead.
    if (n > meta_.num_values - levels_read_) {
      return Status::CorruptData(fmt::format("data page has {} values, more than the {} the column chunk has left", n,
                                             meta_.num_values - levels_read_));
    }
    int64_t pos = 0;
    int16_t* rep = nullptr;
    int16_t* def = nullptr;
    if (max_rep_ > 0) {
      DELTA_RETURN_NOT_OK(CheckLevelsHold(dh.repetition_level_encoding, true, data, len, n, max_rep_, "repetition"));
      rep = LevelSlot(&rep_out_, &rep_scratch_, n);
      DELTA_ASSIGN_OR_RAISE(int64_t used, DecodeLevels(dh.repetition_level_encoding, true, data, len, n, max_rep_, rep, "repetition"));
      pos += used;
    }
    if (max_def_ > 0 && max_rep_ == 0 && !opts_.keep_levels && dh.definition_level_encoding == Encoding::RLE &&
        len - pos >= 4) {
      // No nulls in this page: skip the levels (see IsSingleRunOf).
      const int32_t l = bit_util::LoadLE<int32_t>(data + pos);
      if (l >= 0 && l <= len - pos - 4 && IsSingleRunOf(data + pos + 4, l, BitWidthOf(max_def_), n, max_def_)) {
        DELTA_RETURN_NOT_OK(MarkAllValid(n));
        pos += 4 + int64_t{l};
        return ProcessValues(dh.encoding, data + pos, len - pos, n, nullptr, nullptr);
      }
    }
    if (max_def_ > 0) {
      DELTA_RETURN_NOT_OK(
          CheckLevelsHold(dh.definition_level_encoding, true, data + pos, len - pos, n, max_def_, "definition"));
      def = LevelSlot(&def_out_, &def_scratch_, n);
      DELTA_ASSIGN_OR_RAISE(int64_t used,
                            DecodeLevels(dh.definition_level_encoding, true, data + pos, len - pos, n, max_def_, def, "definition"));
      pos += used;
    }
    return ProcessValues(dh.encoding, data + pos, len - pos, n, def, rep);
  }

  Status HandleDataPageV2(const PageHeader& h, const uint8_t* page) {
    const DataPageHeaderV2& dh = *h.data_page_header_v2;
    const int64_t n = dh.num_values;
    if (n < 0 || dh.num_nulls < 0 || dh.num_nulls > n) {
      return Status::CorruptData(fmt::format("data page v2 with {} values and {} nulls", n, dh.num_nulls));
    }
    if (n > meta_.num_values - levels_read_) {
      return Status::CorruptData(fmt::format("data page has {} values, more than the {} the column chunk has left", n,
                                             meta_.num_values - levels_read_));
    }
    const int64_t rep_len = dh.repetition_levels_byte_length;
    const int64_t def_len = dh.definition_levels_byte_length;
    if (rep_len < 0 || def_len < 0 || rep_len + def_len > h.compressed_page_size ||
        rep_len + def_len > h.uncompressed_page_size) {
      return Status::CorruptData(fmt::format("data page v2 level lengths {} + {} exceed the page size", rep_len, def_len));
    }
    int16_t* rep = nullptr;
    int16_t* def = nullptr;
    if (max_rep_ > 0) {
      DELTA_RETURN_NOT_OK(CheckLevelsHold(Encoding::RLE, false, page, rep_len, n, max_rep_, "repetition"));
      rep = LevelSlot(&rep_out_, &rep_scratch_, n);
      DELTA_RETURN_NOT_OK(DecodeLevels(Encoding::RLE, false, page, rep_len, n, max_rep_, rep, "repetition").status());
    }
    bool no_nulls = false;
    if (max_def_ > 0 && max_rep_ == 0 && !opts_.keep_levels &&
        IsSingleRunOf(page + rep_len, def_len, BitWidthOf(max_def_), n, max_def_)) {
      // No nulls in this page: skip the levels (see IsSingleRunOf).
      DELTA_RETURN_NOT_OK(MarkAllValid(n));
      no_nulls = true;
    }
    if (max_def_ > 0 && !no_nulls) {
      DELTA_RETURN_NOT_OK(CheckLevelsHold(Encoding::RLE, false, page + rep_len, def_len, n, max_def_, "definition"));
      def = LevelSlot(&def_out_, &def_scratch_, n);
      DELTA_RETURN_NOT_OK(
          DecodeLevels(Encoding::RLE, false, page + rep_len, def_len, n, max_def_, def, "definition").status());
    }
    const uint8_t* values = page + rep_len + def_len;
    const int64_t comp_len = h.compressed_page_size - rep_len - def_len;
    const int64_t raw_len = h.uncompressed_page_size - rep_len - def_len;
    const uint8_t* data = values;
    int64_t len = comp_len;
    if (dh.is_compressed && meta_.codec != CompressionCodec::UNCOMPRESSED) {
      DELTA_ASSIGN_OR_RAISE(data, Decompressed(values, comp_len, raw_len, page_buf_));
      len = raw_len;
    }
    return ProcessValues(dh.encoding, data, len, n, def, rep);
  }

  // Where the levels of the next n entries go: appended to the kept levels, or a scratch area.
  int16_t* LevelSlot(std::vector<int16_t>* kept, std::vector<int16_t>* scratch, int64_t n) {
    if (opts_.keep_levels) {
      const size_t at = kept->size();
      kept->resize(at + static_cast<size_t>(n));
      return kept->data() + at;
    }
    scratch->resize(static_cast<size_t>(n));
    return scratch->data();
  }

  // ---------------------------------------------------------------- values

  Status EnsureBits(BufferBuilder* bits, int64_t new_length) {
    const int64_t need = bit_util::BytesForBits(new_length);
    const int64_t have = bits->size();
    if (need > have) {
      DELTA_ASSIGN_OR_RAISE(uint8_t * p, bits->Extend(need - have));
      std::memset(p, 0, static_cast<size_t>(need - have));
    }
    return Status::OK();
  }

  // The next n entries of a flat column are all valid slots. The validity bitmap is only
  // materialised once a page has nulls: until then its implicit prefix is all valid.
  Status MarkAllValid(int64_t n) {
    if (!can_be_null_ || validity_.size() == 0) return Status::OK();
    DELTA_RETURN_NOT_OK(EnsureBits(&validity_, slots_ + n));
    SetBitsTrue(validity_.mutable_data(), slots_, n);
    return Status::OK();
  }

  static void SetBitsTrue(uint8_t* bits, int64_t start, int64_t n) {
    int64_t i = start;
    const int64_t end = start + n;
    for (; i < end && (i & 7) != 0; ++i) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    const int64_t full_end = end & ~int64_t{7};
    if (i < full_end) {
      std::memset(bits + (i >> 3), 0xFF, static_cast<size_t>((full_end - i) >> 3));
      i = full_end;
    }
    for (; i < end; ++i) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }

  Status ProcessValues(Encoding enc, const uint8_t* data, int64_t len, int64_t n, const int16_t* def, const int16_t* rep) {
    // Rows: entries starting a new record (rep == 0).
    if (rep) {
      if (levels_read_ == 0 && n > 0 && rep[0] != 0) {
        return Status::CorruptData("the first repetition level of a column chunk is not 0");
      }
      int64_t rows = 0;
      for (int64_t i = 0; i < n; ++i) rows += rep[i] == 0;
      rows_read_ += rows;
    } else {
      rows_read_ += n;
    }
    levels_read_ += n;
    // Slots and validity, straight from the definition levels.
    const int64_t slot0 = slots_;
    int64_t n_slots = n, n_valid = n;
    if (def) {
      if (can_be_null_) {
        if (validity_.size() == 0 && slots_ > 0) {
          // Earlier pages had no nulls and left their validity implicit (MarkAllValid).
          DELTA_RETURN_NOT_OK(EnsureBits(&validity_, slots_));
          SetBitsTrue(validity_.mutable_data(), 0, slots_);
        }
        DELTA_RETURN_NOT_OK(EnsureBits(&validity_, slots_ + n));
        uint8_t* bits = validity_.mutable_data();
        const int16_t max_def = max_def_;
        int64_t s = slot0;
        int64_t valid = 0;
        if (slot_def_ == 0) {
          // Flat (or below structs only): every entry is a slot.
          for (int64_t i = 0; i < n; ++i) {
            const bool v = def[i] == max_def;
            bits[s >> 3] |= static_cast<uint8_t>(v) << (s & 7);
            valid += v;
            ++s;
          }
        } else {
          const int16_t slot_def = slot_def_;
          for (int64_t i = 0; i < n; ++i) {
            if (def[i] < slot_def) continue;
            const bool v = def[i] == max_def;
            bits[s >> 3] |= static_cast<uint8_t>(v) << (s & 7);
            valid += v;
            ++s;
          }
        }
        n_slots = s - slot0;
        n_valid = valid;
      } else {
        // The leaf is never null where a slot exists (max_def == slot_def).
        int64_t c = 0;
        for (int64_t i = 0; i < n; ++i) c += def[i] >= slot_def_;
        n_slots = n_valid = c;
      }
    }
    slots_ += n_slots;
    valid_ += n_valid;
    if (kind_ == OutKind::kNull) return Status::OK();

    const bool dict = enc == Encoding::PLAIN_DICTIONARY || enc == Encoding::RLE_DICTIONARY;
    if (dict) {
      if (!has_dict_) return Status::CorruptData("dictionary-encoded data page without a dictionary page");
      // A legal index bit width: make sure the indices are there before making room for them.
      if (len >= 1 && data[0] <= 32) {
        const int64_t got = CountHybridValues(data + 1, len - 1, data[0], n_valid);
        if (got < n_valid) {
          return Status::CorruptData(
              fmt::format("data page has {} non-null values but only {} dictionary indices", n_valid, got));
        }
      }
      indices_ = reinterpret_cast<uint32_t*>(LocalScratch().indices.Get(std::max<int64_t>(n_valid, 1) * 4));
      if (indices_ == nullptr) return Status::OutOfMemory(fmt::format("cannot allocate {} dictionary indices", n_valid));
      DELTA_RETURN_NOT_OK(index_decoder_.SetData(n_valid, data, len, dict_count_));
      DELTA_ASSIGN_OR_RAISE(int64_t got, index_decoder_.GetIndices(indices_, n_valid));
      if (got != n_valid) {
        return Status::CorruptData(fmt::format("data page has {} non-null values but only {} dictionary indices", n_valid, got));
      }
    } else {
      // PLAIN values have a minimum size (BYTE_ARRAY: the 4-byte length, BOOLEAN: one bit): check
      // the count against the page before the output is extended for it.
      if (enc == Encoding::PLAIN) {
        const int64_t min_bits = col_.physical_type == Type::BOOLEAN      ? 1
                                 : col_.physical_type == Type::BYTE_ARRAY ? 32
                                                                          : 8 * int64_t{phys_width_};
        if (min_bits > 0 && n_valid > len * 8 / min_bits) {
          return Status::CorruptData(
              fmt::format("PLAIN: {} values cannot fit in the {} bytes of the page", n_valid, len));
        }
      }
      DELTA_RETURN_NOT_OK(SetDecoder(enc, data, len, n_valid));
    }

    switch (kind_) {
      case OutKind::kFixed: {
        DELTA_ASSIGN_OR_RAISE(uint8_t * out, values_.Extend(n_slots * out_width_));
        if (dict) {
          DELTA_RETURN_NOT_OK(GatherFixed(dict_fixed_.data(), static_cast<int64_t>(dict_fixed_.size()), out_width_,
                                          indices_, n_valid, out));
        } else if (!convert_) {
          // The fast path: PLAIN fixed-width values are copied straight into the result.
          DELTA_RETURN_NOT_OK(decoder_->Decode(out, n_valid));
        } else if (col_.physical_type == Type::BYTE_ARRAY) {
          ByteArraySink tmp(false);
          DELTA_RETURN_NOT_OK(decoder_->DecodeByteArrays(n_valid, &tmp));
          DELTA_RETURN_NOT_OK(ConvertByteArrayDecimals(tmp, 0, n_valid, out));
        } else {
          scratch_.resize(static_cast<size_t>(n_valid * phys_width_));
          DELTA_RETURN_NOT_OK(decoder_->Decode(scratch_.data(), n_valid));
          DELTA_RETURN_NOT_OK(Convert(scratch_.data(), n_valid, out));
        }
        if (n_valid < n_slots) ExpandFixed(out, slot0, n_slots, n_valid);
        return Status::OK();
      }
      case OutKind::kBool: {
        scratch_.resize(static_cast<size_t>(n_valid));
        if (dict) {
          DELTA_RETURN_NOT_OK(GatherFixed(dict_fixed_.data(), static_cast<int64_t>(dict_fixed_.size()), 1,
                                          indices_, n_valid, scratch_.data()));
        } else {
          DELTA_RETURN_NOT_OK(decoder_->Decode(scratch_.data(), n_valid));
        }
        DELTA_RETURN_NOT_OK(EnsureBits(&bool_values_, slot0 + n_slots));
        uint8_t* bits = bool_values_.mutable_data();
        const uint8_t* v = scratch_.data();
        if (n_valid == n_slots) {
          for (int64_t j = 0; j < n_slots; ++j) bits[(slot0 + j) >> 3] |= static_cast<uint8_t>(v[j] != 0) << ((slot0 + j) & 7);
        } else {
          const uint8_t* valid = validity_.data();
          int64_t k = 0;
          for (int64_t j = 0; j < n_slots; ++j) {
            const int64_t s = slot0 + j;
            if (bit_util::GetBit(valid, s)) bits[s >> 3] |= static_cast<uint8_t>(v[k++] != 0) << (s & 7);
          }
        }
        return Status::OK();
      }
      case OutKind::kBinary: {
        if (dict) {
          DELTA_RETURN_NOT_OK(GatherByteArrays(dict_sink_->offsets().data() == nullptr
                                                   ? nullptr
                                                   : reinterpret_cast<const int32_t*>(dict_sink_->offsets().data()),
                                               dict_sink_->data().data(), dict_count_, indices_, n_valid, &sink_));
        } else {
          DELTA_RETURN_NOT_OK(decoder_->DecodeByteArrays(n_valid, &sink_));
        }
        if (n_valid < n_slots) DELTA_RETURN_NOT_OK(ExpandOffsets(slot0, n_slots, n_valid));
        return Status::OK();
      }
      case OutKind::kNull:
        break;
    }
    return Status::OK();
  }

  Status SetDecoder(Encoding enc, const uint8_t* data, int64_t len, int64_t n) {
    const auto e = static_cast<int32_t>(enc);
    if (e < 0 || e >= static_cast<int32_t>(decoders_.size())) {
      return Status::Unsupported(fmt::format("unknown value encoding {}", e));
    }
    auto& slot = decoders_[static_cast<size_t>(e)];
    if (!slot) {
      DELTA_ASSIGN_OR_RAISE(slot, MakeValueDecoder(enc, col_.physical_type, col_.type_length));
    }
    decoder_ = slot.get();
    return decoder_->SetData(n, data, len);
  }

  // Spreads n_valid dense values at the front of `out` over n_slots slots (nulls zeroed),
  // walking backwards so it works in place.
  void ExpandFixed(uint8_t* out, int64_t slot0, int64_t n_slots, int64_t n_valid) {
    const uint8_t* valid = validity_.data();
    const int w = out_width_;
    int64_t k = n_valid - 1;
    for (int64_t j = n_slots - 1; j >= 0 && k < j; --j) {
      if (bit_util::GetBit(valid, slot0 + j)) {
        std::memcpy(out + j * w, out + k * w, static_cast<size_t>(w));
        --k;
      } else {
        std::memset(out + j * w, 0, static_cast<size_t>(w));
      }
    }
  }

  // Same for the int32 offsets of binary values: null slots get empty values.
  Status ExpandOffsets(int64_t slot0, int64_t n_slots, int64_t n_valid) {
    DELTA_RETURN_NOT_OK(sink_.offsets().Extend((n_slots - n_valid) * 4).status());
    auto* off = reinterpret_cast<int32_t*>(sink_.offsets().mutable_data()) + slot0;  // off[0] = start of the page
    const uint8_t* valid = validity_.data();
    int64_t k = n_valid - 1;
    for (int64_t j = n_slots - 1; j >= 0 && k < j; --j) {
      if (bit_util::GetBit(valid, slot0 + j)) {
        off[j + 1] = off[k + 1];
        --k;
      } else {
        off[j + 1] = off[k + 1];  // k == -1 reads off[0], the page start
      }
    }
    return Status::OK();
  }

  Status ConvertByteArrayDecimals(ByteArraySink& src, int64_t first, int64_t n, uint8_t* out) {
    const auto* offs = reinterpret_cast<const int32_t*>(src.offsets().data());
    const uint8_t* bytes = src.data().data();
    for (int64_t i = 0; i < n; ++i) {
      const int32_t b = offs[first + i], e = offs[first + i + 1];
      DELTA_RETURN_NOT_OK(BigEndianDecimal(bytes + b, e - b, out + i * 16));
    }
    return Status::OK();
  }

  // Physical (fixed-width) -> columnar value conversions.
  Status Convert(const uint8_t* in, int64_t n, uint8_t* out) {
    switch (node_.conversion) {
      case ValueConversion::kInt32ToInt8:
      case ValueConversion::kInt32ToUInt8:
        for (int64_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(bit_util::LoadLE<int32_t>(in + 4 * i));
        return Status::OK();
      case ValueConversion::kInt32ToInt16:
      case ValueConversion::kInt32ToUInt16:
        for (int64_t i = 0; i < n; ++i) {
          bit_util::StoreLE<uint16_t>(out + 2 * i, static_cast<uint16_t>(bit_util::LoadLE<int32_t>(in + 4 * i)));
        }
        return Status::OK();
      case ValueConversion::kInt96ToNanos:
        for (int64_t i = 0; i < n; ++i) {
          const uint64_t nanos = bit_util::LoadLE<uint64_t>(in + 12 * i);
          const int64_t day = bit_util::LoadLE<int32_t>(in + 12 * i + 8);
          // Wrapping arithmetic: hostile values must not be undefined behaviour.
          const uint64_t v = static_cast<uint64_t>(day - kJulianEpochDay) * static_cast<uint64_t>(kNanosPerDay) + nanos;
          bit_util::StoreLE<int64_t>(out + 8 * i, static_cast<int64_t>(v));
        }
        return Status::OK();
      case ValueConversion::kDecimalInt32:
        for (int64_t i = 0; i < n; ++i) {
          bit_util::StoreLE<__int128>(out + 16 * i, static_cast<__int128>(bit_util::LoadLE<int32_t>(in + 4 * i)));
        }
        return Status::OK();
      case ValueConversion::kDecimalInt64:
        for (int64_t i = 0; i < n; ++i) {
          bit_util::StoreLE<__int128>(out + 16 * i, static_cast<__int128>(bit_util::LoadLE<int64_t>(in + 8 * i)));
        }
        return Status::OK();
      case ValueConversion::kDecimalBytes:  // FLBA
        for (int64_t i = 0; i < n; ++i) {
          DELTA_RETURN_NOT_OK(BigEndianDecimal(in + i * phys_width_, phys_width_, out + 16 * i));
        }
        return Status::OK();
      default:
        return Status::Internal("unexpected value conversion");
    }
  }

  const ColumnDescriptor& col_;
  const FieldNode& node_;
  const ColumnMetaData& meta_;
  const ColumnChunkReadOptions& opts_;

  OutKind kind_ = OutKind::kFixed;
  int out_width_ = 0;
  int phys_width_ = 0;
  bool convert_ = false;
  int16_t max_def_ = 0, max_rep_ = 0, slot_def_ = 0;
  bool can_be_null_ = false;

  int64_t levels_read_ = 0;
  int64_t rows_read_ = 0;
  int64_t slots_ = 0;
  int64_t valid_ = 0;

  BufferBuilder validity_;
  BufferBuilder values_;
  BufferBuilder bool_values_;
  ByteArraySink sink_{false};

  bool has_dict_ = false;
  int64_t dict_count_ = 0;
  std::vector<uint8_t> dict_fixed_;
  std::unique_ptr<ByteArraySink> dict_sink_;

  std::vector<int16_t> def_out_, rep_out_, def_scratch_, rep_scratch_;
  ThreadScratch* page_buf_ = &LocalScratch().page;
  std::vector<uint8_t> scratch_;
  uint32_t* indices_ = nullptr;  // the thread's index scratch (ReaderScratch::indices)
  RleBitPackedDecoder level_decoder_;
  DictionaryIndexDecoder index_decoder_;
  std::array<std::unique_ptr<ValueDecoder>, 10> decoders_;
  ValueDecoder* decoder_ = nullptr;
};

}  // namespace

Result<LeafData> ReadColumnChunk(const io::RandomAccessFile& file, const ColumnChunk& chunk,
                                 const ColumnDescriptor& column, const FieldNode& node,
                                 const ColumnChunkReadOptions& options) {
  auto context = [&] {
    return fmt::format("column {}, row group {}, file {}", column.dotted_path, options.row_group, file.path());
  };
  if (chunk.file_path) {
    return Status::Unsupported(fmt::format("column chunk stored in another file '{}' ({})", *chunk.file_path, context()));
  }
  if (!chunk.meta_data) return Status::CorruptData(fmt::format("column chunk without meta_data ({})", context()));
  const ColumnMetaData& meta = *chunk.meta_data;
  if (meta.type != column.physical_type) {
    return Status::CorruptData(fmt::format("column chunk type {} differs from the schema's {} ({})", TypeName(meta.type),
                                           TypeName(column.physical_type), context()));
  }
  if (meta.num_values < 0) return Status::CorruptData(fmt::format("negative num_values ({})", context()));
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 && *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  const int64_t len = meta.total_compressed_size;
  if (start < 4 || len < 0 || start > file.size() || len > file.size() - start) {
    return Status::CorruptData(fmt::format("column chunk byte range [{}, +{}) lies outside the file of {} bytes ({})", start,
                                           len, file.size(), context()));
  }
  ChunkDecoder decoder(column, node, meta, options);
  DELTA_RETURN_NOT_OK_CTX(decoder.Init(), context());
  if (len > 0 && !file.zero_copy_reads()) {
    // Read into the thread's reused chunk buffer (see ThreadScratch).
    ReaderScratch& scratch = LocalScratch();
    uint8_t* bytes = scratch.chunk.Get(len);
    if (bytes == nullptr) return Status::OutOfMemory(fmt::format("cannot allocate {} bytes ({})", len, context()));
    DELTA_RETURN_NOT_OK(file.ReadAt(start, len, bytes));
    Status st = decoder.ReadPages(bytes, len);
    scratch.chunk.Trim();
    scratch.page.Trim();
    scratch.indices.Trim();
    DELTA_RETURN_NOT_OK_CTX(st, context());
  } else if (len > 0) {
    DELTA_ASSIGN_OR_RAISE(BufferPtr bytes, file.ReadBufferAt(start, len));
    Status st = decoder.ReadPages(bytes->data(), bytes->size());
    LocalScratch().page.Trim();
    LocalScratch().indices.Trim();
    DELTA_RETURN_NOT_OK_CTX(st, context());
  } else {
    DELTA_RETURN_NOT_OK_CTX(decoder.ReadPages(nullptr, 0), context());
  }
  auto res = decoder.Finish();
  if (!res.ok()) return res.status().WithContext(context());
  return res;
}

}  // namespace delta::parquet::reader
