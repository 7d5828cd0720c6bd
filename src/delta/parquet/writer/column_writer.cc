#include "delta/parquet/writer/column_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

#include "delta/parquet/compression/codec.h"
#include "delta/parquet/encoding/encoding.h"
#include "delta/parquet/thrift/parquet_serde.h"
#include "delta/parquet/writer/levels.h"
#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::parquet::writer {

using columnar::ArrayData;

// ---------------------------------------------------------------- statistics truncation
namespace {

bool IsUtf8Continuation(char c) { return (static_cast<uint8_t>(c) & 0xC0) == 0x80; }

// Largest cut <= max_len that does not split a UTF-8 sequence (value.size() > max_len).
size_t Utf8Cut(const std::string& value, size_t max_len) {
  size_t len = max_len;
  while (len > 0 && IsUtf8Continuation(value[len])) --len;
  return len;
}

}  // namespace

bool TruncateMinStat(std::string* value, int32_t max_len, bool utf8) {
  if (max_len <= 0 || value->size() <= static_cast<size_t>(max_len)) return false;
  // A prefix sorts before (or equal to) the value, so it is still a lower bound.
  value->resize(utf8 ? Utf8Cut(*value, static_cast<size_t>(max_len)) : static_cast<size_t>(max_len));
  return true;
}

bool TruncateMaxStat(std::string* value, int32_t max_len, bool utf8, bool* truncated) {
  *truncated = false;
  if (max_len <= 0 || value->size() <= static_cast<size_t>(max_len)) return true;
  *truncated = true;
  // A prefix with its last byte incremented sorts after every value with that prefix
  // (byte-wise unsigned order), so it is an upper bound.
  std::string s = value->substr(0, utf8 ? Utf8Cut(*value, static_cast<size_t>(max_len)) : static_cast<size_t>(max_len));
  while (!s.empty()) {
    if (!utf8) {
      if (static_cast<uint8_t>(s.back()) != 0xFF) {
        s.back() = static_cast<char>(static_cast<uint8_t>(s.back()) + 1);
        *value = std::move(s);
        return true;
      }
      s.pop_back();
      continue;
    }
    // UTF-8: find the last character. An ASCII character below 0x7F, or a multi-byte one whose
    // final continuation byte is below 0xBF, can be incremented in place and stays valid (only
    // the second byte of a sequence has lead-dependent limits, and a final byte of a 2-byte
    // sequence has none). Otherwise drop the character and try the one before.
    size_t start = s.size() - 1;
    while (start > 0 && IsUtf8Continuation(s[start])) --start;
    const uint8_t last = static_cast<uint8_t>(s.back());
    const bool single = start == s.size() - 1;
    if ((single && last < 0x7F) || (!single && last < 0xBF)) {
      s.back() = static_cast<char>(last + 1);
      *value = std::move(s);
      return true;
    }
    s.resize(start);
  }
  return false;
}

namespace {

// ---------------------------------------------------------------- statistics accumulation
// Compares equal-length big-endian two's complement integers (FLBA decimals).
int CompareSignedBE(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.compare(b);
  const int8_t x = static_cast<int8_t>(a[0]), y = static_cast<int8_t>(b[0]);
  if (x != y) return x < y ? -1 : 1;
  return a.substr(1).compare(b.substr(1));
}

class Stats {
 public:
  explicit Stats(StatsSortOrder order) : order_(order) {}
  void Reset() {
    has_ = false;
    null_count_ = 0;
  }
  void AddNulls(int64_t n) { null_count_ += n; }
  bool has_minmax() const { return has_; }

  // Tight min/max loops the compiler vectorises (no NaN branches: a NaN never compares less or
  // greater, so starting from +inf/-inf skips NaNs as the spec requires).
  template <typename T>
  void Update(const T* v, int64_t n) {
    if (n == 0) return;
    if constexpr (std::is_floating_point_v<T>) {
      T lo = std::numeric_limits<T>::infinity(), hi = -std::numeric_limits<T>::infinity();
      for (int64_t i = 0; i < n; ++i) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
      }
      if (!(lo <= hi)) return;  // only NaNs
      MergeDouble(lo, hi);
    } else {
      T lo = v[0], hi = v[0];
      for (int64_t i = 1; i < n; ++i) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
      }
      if constexpr (std::is_signed_v<T>) {
        MergeInt(lo, hi);
      } else {
        MergeUInt(lo, hi);
      }
    }
  }

  void MergeInt(int64_t lo, int64_t hi) {
    if (!has_) {
      ilo_ = lo, ihi_ = hi, has_ = true;
    } else {
      ilo_ = std::min(ilo_, lo), ihi_ = std::max(ihi_, hi);
    }
  }
  void MergeUInt(uint64_t lo, uint64_t hi) {
    if (!has_) {
      ulo_ = lo, uhi_ = hi, has_ = true;
    } else {
      ulo_ = std::min(ulo_, lo), uhi_ = std::max(uhi_, hi);
    }
  }
  void MergeDouble(double lo, double hi) {
    if (!has_) {
      dlo_ = lo, dhi_ = hi, has_ = true;
    } else {
      dlo_ = std::min(dlo_, lo), dhi_ = std::max(dhi_, hi);
    }
  }
  bool Less(std::string_view a, std::string_view b) const {
    return order_ == StatsSortOrder::kBytesSigned ? CompareSignedBE(a, b) < 0 : a < b;
  }
  void MergeBytes(std::string_view lo, std::string_view hi) {
    if (!has_) {
      slo_.assign(lo);
      shi_.assign(hi);
      has_ = true;
      return;
    }
    if (Less(lo, slo_)) slo_.assign(lo);
    if (Less(shi_, hi)) shi_.assign(hi);
  }

  void Merge(const Stats& o) {
    null_count_ += o.null_count_;
    if (!o.has_) return;
    switch (order_) {
      case StatsSortOrder::kSigned32:
      case StatsSortOrder::kSigned64: MergeInt(o.ilo_, o.ihi_); break;
      case StatsSortOrder::kBoolean:
      case StatsSortOrder::kUnsigned32:
      case StatsSortOrder::kUnsigned64: MergeUInt(o.ulo_, o.uhi_); break;
      case StatsSortOrder::kFloat:
      case StatsSortOrder::kDouble: MergeDouble(o.dlo_, o.dhi_); break;
      case StatsSortOrder::kBytesUnsigned:
      case StatsSortOrder::kBytesSigned: MergeBytes(o.slo_, o.shi_); break;
      case StatsSortOrder::kUnknown: break;
    }
  }

  // Encodes min/max as PLAIN values (README.md "Statistics": little-endian numbers, raw bytes
  // for binary without a length prefix).
  Statistics ToThrift(int32_t max_size, bool utf8) const {
    Statistics s;
    s.null_count = null_count_;
    if (!has_ || order_ == StatsSortOrder::kUnknown) return s;
    std::string lo, hi;
    auto put = [](std::string* out, const auto v) { out->assign(reinterpret_cast<const char*>(&v), sizeof(v)); };
    switch (order_) {
      case StatsSortOrder::kBoolean:
        lo.assign(1, static_cast<char>(ulo_ != 0));
        hi.assign(1, static_cast<char>(uhi_ != 0));
        break;
      case StatsSortOrder::kSigned32: put(&lo, static_cast<int32_t>(ilo_)), put(&hi, static_cast<int32_t>(ihi_)); break;
      case StatsSortOrder::kSigned64: put(&lo, ilo_), put(&hi, ihi_); break;
      case StatsSortOrder::kUnsigned32: put(&lo, static_cast<uint32_t>(ulo_)), put(&hi, static_cast<uint32_t>(uhi_)); break;
      case StatsSortOrder::kUnsigned64: put(&lo, ulo_), put(&hi, uhi_); break;
      case StatsSortOrder::kFloat:
      case StatsSortOrder::kDouble: {
        // Zeros: min is written as -0.0 and max as +0.0 (parquet.thrift ColumnOrder notes), so
        // readers that compare with either zero stay correct.
        double a = dlo_ == 0.0 ? -0.0 : dlo_;
        double b = dhi_ == 0.0 ? +0.0 : dhi_;
        if (order_ == StatsSortOrder::kFloat) {
          put(&lo, static_cast<float>(a)), put(&hi, static_cast<float>(b));
        } else {
          put(&lo, a), put(&hi, b);
        }
        break;
      }
      case StatsSortOrder::kBytesUnsigned:
      case StatsSortOrder::kBytesSigned: lo = slo_, hi = shi_; break;
      case StatsSortOrder::kUnknown: break;
    }
    bool lo_exact = true, hi_exact = true, have_hi = true;
    if (order_ == StatsSortOrder::kBytesUnsigned) {
      lo_exact = !TruncateMinStat(&lo, max_size, utf8);
      bool truncated = false;
      have_hi = TruncateMaxStat(&hi, max_size, utf8, &truncated);
      hi_exact = !truncated;
    }
    if (IsSignedOrder(order_)) {
      // The deprecated fields were defined with signed comparison; they are right here.
      s.min = lo;
      s.max = hi;
    }
    s.min_value = std::move(lo);
    s.is_min_value_exact = lo_exact;
    if (have_hi) {
      s.max_value = std::move(hi);
      s.is_max_value_exact = hi_exact;
    }
    return s;
  }

 private:
  StatsSortOrder order_;
  bool has_ = false;
  int64_t null_count_ = 0;
  int64_t ilo_ = 0, ihi_ = 0;
  uint64_t ulo_ = 0, uhi_ = 0;
  double dlo_ = 0, dhi_ = 0;
  std::string slo_, shi_;
};

// ---------------------------------------------------------------- levels
int BitWidthFor(int64_t max_value) { return max_value == 0 ? 0 : 64 - __builtin_clzll(static_cast<uint64_t>(max_value)); }

void AppendUleb(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// RLE/bit-packed hybrid (Encodings.md). The common case of a page whose levels are all equal
// (no nulls) is one RLE run written directly.
void EncodeLevels(const int16_t* levels, int64_t n, int bit_width, std::string* out) {
  bool same = n > 0;
  const int16_t first = n > 0 ? levels[0] : 0;
  for (int64_t i = 1; i < n && same; ++i) same = levels[i] == first;
  if (same) {
    AppendUleb(out, static_cast<uint64_t>(n) << 1);
    const int nbytes = (bit_width + 7) / 8;
    for (int i = 0; i < nbytes; ++i) out->push_back(static_cast<char>((first >> (8 * i)) & 0xFF));
    return;
  }
  RleBitPackedEncoder enc(bit_width);
  enc.PutBatch(levels, n);
  out->append(enc.Finish());
}

void AppendU32(std::string* out, uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }

bool IsDictionaryEncoding(Encoding e) { return e == Encoding::RLE_DICTIONARY || e == Encoding::PLAIN_DICTIONARY; }

// ---------------------------------------------------------------- the writer
class ColumnWriterImpl final : public ColumnChunkWriter {
 public:
  ColumnWriterImpl(const LeafColumn& col, const WriterProperties& props)
      : col_(col), props_(props), page_stats_(col.stats_order), chunk_stats_(col.stats_order) {}

  Status Init() {
    if (!IsCodecSupported(props_.compression)) {
      return Status::Unsupported(fmt::format("compression codec {} is not available", CodecName(props_.compression)));
    }
    const Type t = col_.physical_type;
    bool dict = props_.dictionary_enabled && t != Type::BOOLEAN && col_.value_kind != ValueKind::kNull;
    fallback_encoding_ = Encoding::PLAIN;
    auto it = props_.column_encodings.find(col_.dotted_path);
    if (it != props_.column_encodings.end()) {
      if (IsDictionaryEncoding(it->second)) {
        dict = col_.value_kind != ValueKind::kNull;
        dict_forced_ = dict;
      } else {
        dict = false;
        fallback_encoding_ = it->second;
      }
    }
    dict_enabled_ = dict;
    if (dict) dict_ = std::make_unique<DictionaryEncoder>(t, col_.type_length);
    DELTA_ASSIGN_OR_RAISE(enc_, MakeValueEncoder(fallback_encoding_, t, col_.type_length));
    use_dict_ = dict_enabled_;
    chunk_dict_ = dict_enabled_;
    def_bw_ = BitWidthFor(col_.max_def);
    rep_bw_ = BitWidthFor(col_.max_rep);
    return Status::OK();
  }

  Status Write(const ArrayData& column) override {
    DELTA_RETURN_NOT_OK(ShredLeaf(column, col_, &shred_));
    const int64_t n = shred_.num_levels;
    const bool has_def = col_.max_def > 0, has_rep = col_.max_rep > 0;
    const int16_t slot_def = SlotDefLevel(col_);
    const int16_t* def = shred_.def_levels.data();
    const int16_t* rep = shred_.rep_levels.data();
    size_t run_idx = 0;
    int64_t run_pos = 0;
    int64_t pos = 0;
    while (pos < n) {
      const int64_t want_rows = std::max<int64_t>(1, std::min<int64_t>(kMiniBatch, props_.data_page_row_limit - page_rows_));
      int64_t end, rows;
      if (!has_rep) {
        end = std::min(n, pos + want_rows);
        rows = end - pos;
      } else {
        // Pages end on row boundaries (a row starts where rep == 0).
        rows = 1;
        end = pos + 1;
        while (end < n) {
          if (rep[end] == 0) {
            if (rows >= want_rows || end - pos >= kMaxMiniBatchLevels) break;
            ++rows;
          }
          ++end;
        }
      }
      const int64_t count = end - pos;
      int64_t slots = count;
      if (has_def) {
        page_def_.insert(page_def_.end(), def + pos, def + end);
        int64_t nulls = 0;
        int64_t below_slot = 0;
        const int16_t max_def = col_.max_def;
        for (int64_t i = pos; i < end; ++i) {
          nulls += def[i] < max_def;
          below_slot += def[i] < slot_def;
        }
        page_nulls_ += nulls;
        page_stats_.AddNulls(nulls);
        if (!shred_.one_to_one) slots = count - below_slot;
      }
      if (has_rep) page_rep_.insert(page_rep_.end(), rep + pos, rep + end);
      // Consume `slots` leaf slots from the runs.
      while (slots > 0) {
        const auto& run = shred_.runs[run_idx];
        const int64_t take = std::min(slots, run.length - run_pos);
        DELTA_RETURN_NOT_OK(WriteSlots(*shred_.leaf, run.start + run_pos, take));
        run_pos += take;
        slots -= take;
        if (run_pos == run.length) {
          ++run_idx;
          run_pos = 0;
        }
      }
      page_levels_ += count;
      page_rows_ += rows;
      pos = end;
      if (use_dict_ && !dict_checked_ && !dict_forced_ && !dict_page_flushed_ &&
          static_cast<int64_t>(dict_->indices().size()) >= kDictionaryCheckValues) {
        // Early fallback: a dictionary with more than one entry per two values does not pay
        // (the entries cost as much as PLAIN values, and the indices come on top), so give it
        // up before any page depends on it: the pending values are re-encoded PLAIN and the
        // chunk has no dictionary page.
        dict_checked_ = true;
        if (dict_->num_entries() * 2 > static_cast<int64_t>(dict_->indices().size())) {
          DELTA_RETURN_NOT_OK(ReencodePendingPlain());
        }
      }
      if (use_dict_ && dict_->dict_encoded_size() > props_.dictionary_page_size_limit) {
        // Fallback (parquet-mr / Arrow behaviour): the dictionary so far is kept for the pages
        // already written; the rest of the chunk uses the fallback encoding.
        DELTA_RETURN_NOT_OK(FlushPage());
        use_dict_ = false;
      } else if (PageEstimate() >= props_.data_page_size || page_rows_ >= props_.data_page_row_limit) {
        DELTA_RETURN_NOT_OK(FlushPage());
      }
    }
    return Status::OK();
  }

  int64_t EstimatedSize() const override {
    return data_pages_size_ + PageEstimate() + (dict_ ? dict_->dict_encoded_size() : 0);
  }

  Status Finish(FinishedChunk* out) override {
    if (page_levels_ > 0) DELTA_RETURN_NOT_OK(FlushPage());
    out->dictionary_page.clear();
    ColumnMetaData& m = out->meta;
    m = ColumnMetaData();
    std::vector<Encoding> encodings;
    auto add_encoding = [&](Encoding e) {
      if (std::find(encodings.begin(), encodings.end(), e) == encodings.end()) encodings.push_back(e);
    };
    std::vector<PageEncodingStats> enc_stats;
    if (chunk_dict_) {
      // Dictionary page: PLAIN entries (Encodings.md "Dictionary Encoding"), compressed like
      // data pages, written first in the chunk.
      body_.resize(static_cast<size_t>(dict_->dict_encoded_size()));
      dict_->WriteDictionaryPage(reinterpret_cast<uint8_t*>(body_.data()));
      std::string_view payload = body_;
      if (props_.compression != CompressionCodec::UNCOMPRESSED) {
        DELTA_ASSIGN_OR_RAISE(payload, CompressPage(body_));
      }
      PageHeader h;
      h.type = PageType::DICTIONARY_PAGE;
      h.uncompressed_page_size = static_cast<int32_t>(body_.size());
      h.compressed_page_size = static_cast<int32_t>(payload.size());
      DictionaryPageHeader dh;
      dh.num_values = static_cast<int32_t>(dict_->num_entries());
      dh.encoding = Encoding::PLAIN;
      h.dictionary_page_header = dh;
      SerializePageHeader(h, &out->dictionary_page);
      const int64_t header_size = static_cast<int64_t>(out->dictionary_page.size());
      out->dictionary_page.append(payload);
      total_uncompressed_ += header_size + static_cast<int64_t>(body_.size());
      add_encoding(Encoding::PLAIN);
      enc_stats.push_back({PageType::DICTIONARY_PAGE, Encoding::PLAIN, 1});
      m.dictionary_page_offset = 0;
    }
    if (col_.max_def > 0 || col_.max_rep > 0) add_encoding(Encoding::RLE);
    for (const auto& [key, count] : page_counts_) {
      add_encoding(key.second);
      enc_stats.push_back({key.first, key.second, count});
    }
    out->data_pages = std::move(data_pages_);
    out->data_pages_size = data_pages_size_;
    m.type = col_.physical_type;
    m.encodings = std::move(encodings);
    m.path_in_schema = col_.path;
    m.codec = props_.compression;
    m.num_values = chunk_levels_;
    m.total_uncompressed_size = total_uncompressed_;
    m.total_compressed_size = out->size();
    m.data_page_offset = static_cast<int64_t>(out->dictionary_page.size());
    if (props_.write_statistics) m.statistics = chunk_stats_.ToThrift(props_.max_statistics_size, col_.is_utf8);
    m.encoding_stats = std::move(enc_stats);

    // Reset for the next row group.
    data_pages_ = std::vector<std::string>();
    data_pages_size_ = 0;
    chunk_levels_ = 0;
    total_uncompressed_ = 0;
    page_counts_.clear();
    chunk_stats_.Reset();
    if (dict_) dict_->Reset();
    use_dict_ = dict_enabled_;
    chunk_dict_ = dict_enabled_;
    dict_checked_ = false;
    dict_page_flushed_ = false;
    return Status::OK();
  }

 private:
  static constexpr int64_t kMiniBatch = 4096;
  static constexpr int64_t kMaxMiniBatchLevels = 65536;

  // Values put into a chunk's dictionary before the early fallback test (see Write).
  static constexpr int64_t kDictionaryCheckValues = 8192;

  // Moves the values pending in the dictionary (no dictionary page written yet) to the PLAIN
  // encoder, in order, and drops the dictionary for the rest of the chunk.
  Status ReencodePendingPlain() {
    const std::string entries = dict_->DictionaryPage();
    const std::vector<uint32_t>& idx = dict_->indices();
    const int64_t n = static_cast<int64_t>(idx.size());
    const auto* e = reinterpret_cast<const uint8_t*>(entries.data());
    const int w = dict_->value_width();
    if (w > 0) {
      std::unique_ptr<uint8_t[]> vals(new uint8_t[static_cast<size_t>(n * w)]);
      for (int64_t i = 0; i < n; ++i) {
        std::memcpy(vals.get() + i * w, e + static_cast<int64_t>(idx[static_cast<size_t>(i)]) * w, static_cast<size_t>(w));
      }
      enc_->Put(vals.get(), n);
    } else {
      // PLAIN BYTE_ARRAY entries: 4-byte length, then the bytes (written by ourselves).
      std::vector<int64_t> starts(static_cast<size_t>(dict_->num_entries()) + 1);
      int64_t pos = 0;
      for (int64_t k = 0; k < dict_->num_entries(); ++k) {
        uint32_t len;
        std::memcpy(&len, e + pos, 4);
        starts[static_cast<size_t>(k)] = pos + 4;
        pos += 4 + static_cast<int64_t>(len);
      }
      starts.back() = pos + 4;
      for (int64_t i = 0; i < n; ++i) {
        const uint32_t k = idx[static_cast<size_t>(i)];
        const int64_t b = starts[k];
        enc_->PutByteArray(e + b, starts[k + 1] - 4 - b);
      }
    }
    dict_->Reset();
    use_dict_ = false;
    chunk_dict_ = false;
    return Status::OK();
  }

  // Compresses `page` into the writer's reused scratch (grown to the codec's bound, never
  // zero-filled); the view is valid until the next call.
  Result<std::string_view> CompressPage(std::string_view page) {
    const auto len = static_cast<int64_t>(page.size());
    const int64_t bound = MaxCompressedLength(props_.compression, len);
    if (bound > comp_cap_) {
      comp_buf_.reset();
      comp_cap_ = std::max(bound, comp_cap_ + comp_cap_ / 2);
      comp_buf_.reset(new (std::nothrow) uint8_t[static_cast<size_t>(comp_cap_)]);
      if (!comp_buf_) {
        comp_cap_ = 0;
        return Status::OutOfMemory(fmt::format("cannot allocate {} bytes to compress a page", bound));
      }
    }
    int64_t n = 0;
    DELTA_RETURN_NOT_OK(CompressInto(props_.compression, reinterpret_cast<const uint8_t*>(page.data()), len,
                                     comp_buf_.get(), comp_cap_, &n, props_.compression_level));
    return std::string_view(reinterpret_cast<const char*>(comp_buf_.get()), static_cast<size_t>(n));
  }

  int64_t PageEstimate() const {
    int64_t v = use_dict_ ? static_cast<int64_t>(dict_->indices().size()) * std::max(1, dict_->index_bit_width()) / 8
                          : enc_->EstimatedSize();
    return v + page_levels_ * (def_bw_ + rep_bw_) / 8;
  }

  // ---- values
  // Puts `n` physical values (layout of encoding.h) and updates the page statistics with the
  // typed view `typed` of the same values.
  template <typename StatT>
  void PutPhysical(const void* values, int64_t n) {
    if (n == 0) return;
    if (props_.write_statistics) page_stats_.Update(static_cast<const StatT*>(values), n);
    if (use_dict_) {
      dict_->Put(static_cast<const uint8_t*>(values), n);
    } else {
      enc_->Put(static_cast<const uint8_t*>(values), n);
    }
  }

  // Null-free run test (a popcount over the bitmap).
  static bool RunHasNulls(const ArrayData& leaf, int64_t start, int64_t n) {
    if (leaf.null_count == 0 || leaf.buffers.empty() || !leaf.buffers[0]) return false;
    return bit_util::CountSetBits(leaf.buffers[0]->data(), leaf.offset + start, n) != n;
  }

  // Gathers the non-null values of slots [start, start+n) converted to Dst; returns a pointer to
  // them (the source itself when no copy is needed) and their count.
  template <typename Src, typename Dst, typename Conv>
  const Dst* Gather(const ArrayData& leaf, int64_t start, int64_t n, Conv conv, int64_t* count) {
    const Src* src = leaf.values<Src>() + start;
    const bool nulls = RunHasNulls(leaf, start, n);
    if constexpr (std::is_same_v<Src, Dst>) {
      if (!nulls && conv.identity) {
        *count = n;
        return src;
      }
    }
    scratch_.resize(static_cast<size_t>(n) * sizeof(Dst));
    Dst* out = reinterpret_cast<Dst*>(scratch_.data());
    if (!nulls) {
      for (int64_t i = 0; i < n; ++i) out[i] = conv(src[i]);
      *count = n;
    } else {
      const uint8_t* bits = leaf.buffers[0]->data();
      const int64_t off = leaf.offset + start;
      int64_t k = 0;
      for (int64_t i = 0; i < n; ++i) {
        out[k] = conv(src[i]);
        k += bit_util::GetBit(bits, off + i);
      }
      *count = k;
    }
    return out;
  }

  template <typename T>
  struct Identity {
    static constexpr bool identity = true;
    T operator()(T v) const { return v; }
  };
  template <typename Dst>
  struct Cast {
    static constexpr bool identity = false;
    template <typename T>
    Dst operator()(T v) const { return static_cast<Dst>(v); }
  };
  template <typename Dst, int64_t kScale>
  struct Scale {
    static constexpr bool identity = false;
    template <typename T>
    Dst operator()(T v) const { return static_cast<Dst>(static_cast<Dst>(v) * kScale); }
  };

  template <typename Src, typename Dst, typename StatT, typename Conv>
  void WriteFixed(const ArrayData& leaf, int64_t start, int64_t n, Conv conv) {
    int64_t count = 0;
    const Dst* v = Gather<Src, Dst>(leaf, start, n, conv, &count);
    PutPhysical<StatT>(v, count);
  }

  // Decimal128 (16-byte little-endian) to INT32/INT64: the low bytes (LogicalTypes.md
  // "DECIMAL"). A value that does not fit the physical type (beyond the declared precision) is
  // refused rather than silently wrapped.
  template <typename Dst>
  Status WriteDecimalInt(const ArrayData& leaf, int64_t start, int64_t n) {
    const uint8_t* src = leaf.buffers[1]->data() + (leaf.offset + start) * 16;
    const bool nulls = RunHasNulls(leaf, start, n);
    scratch_.resize(static_cast<size_t>(n) * sizeof(Dst));
    Dst* out = reinterpret_cast<Dst*>(scratch_.data());
    int64_t k = 0;
    bool fits = true;
    for (int64_t i = 0; i < n; ++i) {
      if (nulls && !leaf.IsValid(start + i)) continue;
      const __int128 v = bit_util::LoadLE<__int128>(src + i * 16);
      const Dst low = static_cast<Dst>(v);
      fits &= static_cast<__int128>(low) == v;
      out[k++] = low;
    }
    if (!fits) {
      return Status::InvalidArgument(fmt::format("column '{}': a decimal value exceeds precision {}", col_.dotted_path,
                                                 leaf.type->precision()));
    }
    PutPhysical<Dst>(out, k);
    return Status::OK();
  }

  // FIXED_LEN_BYTE_ARRAY values (fixed_size_binary, or decimal128 as big-endian two's
  // complement of type_length bytes).
  Status WriteFlba(const ArrayData& leaf, int64_t start, int64_t n, bool decimal) {
    const int w = col_.type_length;
    const int src_w = decimal ? 16 : w;
    const uint8_t* src = leaf.buffers[1]->data() + (leaf.offset + start) * src_w;
    const bool nulls = RunHasNulls(leaf, start, n);
    scratch_.resize(static_cast<size_t>(n) * static_cast<size_t>(w));
    uint8_t* out = reinterpret_cast<uint8_t*>(scratch_.data());
    int64_t k = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (nulls && !leaf.IsValid(start + i)) continue;
      uint8_t* o = out + k * w;
      const uint8_t* s = src + i * src_w;
      if (decimal) {
        // The dropped high bytes must be sign extension of the kept ones.
        if (w < 16) {
          const __int128 v = bit_util::LoadLE<__int128>(s);
          const __int128 top = v >> (8 * w - 1);
          if (top != 0 && top != -1) {
            return Status::InvalidArgument(fmt::format("column '{}': a decimal value exceeds precision {}",
                                                       col_.dotted_path, leaf.type->precision()));
          }
        }
        for (int b = 0; b < w; ++b) o[b] = s[w - 1 - b];  // low w bytes, reversed
      } else {
        std::memcpy(o, s, static_cast<size_t>(w));
      }
      ++k;
    }
    if (k == 0) return Status::OK();
    if (props_.write_statistics) {
      std::string_view lo(reinterpret_cast<const char*>(out), static_cast<size_t>(w)), hi = lo;
      for (int64_t i = 1; i < k; ++i) {
        std::string_view v(reinterpret_cast<const char*>(out + i * w), static_cast<size_t>(w));
        if (page_stats_.Less(v, lo)) lo = v;
        if (page_stats_.Less(hi, v)) hi = v;
      }
      page_stats_.MergeBytes(lo, hi);
    }
    if (use_dict_) {
      dict_->Put(out, k);
    } else {
      enc_->Put(out, k);
    }
    return Status::OK();
  }

  template <typename Offset>
  void PutBinaryRun(const ArrayData& leaf, int64_t start, int64_t n) {
    if (n == 0) return;
    const Offset* offs = leaf.buffers[1]->data_as<Offset>() + leaf.offset + start;
    static const uint8_t kEmpty = 0;
    const uint8_t* data = leaf.buffers.size() > 2 && leaf.buffers[2] ? leaf.buffers[2]->data() : &kEmpty;
    if (props_.write_statistics) {
      const char* d = reinterpret_cast<const char*>(data);
      std::string_view lo(d + offs[0], static_cast<size_t>(offs[1] - offs[0])), hi = lo;
      for (int64_t i = 1; i < n; ++i) {
        std::string_view v(d + offs[i], static_cast<size_t>(offs[i + 1] - offs[i]));
        if (v < lo) lo = v;
        if (hi < v) hi = v;
      }
      page_stats_.MergeBytes(lo, hi);
    }
    constexpr bool large = sizeof(Offset) == 8;
    if (use_dict_) {
      dict_->PutByteArrays(offs, large, data, n);
    } else {
      enc_->PutByteArrays(offs, large, data, n);
    }
  }

  template <typename Offset>
  void WriteBinary(const ArrayData& leaf, int64_t start, int64_t n) {
    if (!RunHasNulls(leaf, start, n)) {
      PutBinaryRun<Offset>(leaf, start, n);
      return;
    }
    // Split into maximal runs of valid values.
    int64_t i = 0;
    while (i < n) {
      while (i < n && !leaf.IsValid(start + i)) ++i;
      int64_t j = i;
      while (j < n && leaf.IsValid(start + j)) ++j;
      PutBinaryRun<Offset>(leaf, start + i, j - i);
      i = j;
    }
  }

  Status WriteSlots(const ArrayData& leaf, int64_t start, int64_t n) {
    switch (col_.value_kind) {
      case ValueKind::kNull: return Status::OK();
      case ValueKind::kBool: {
        scratch_.resize(static_cast<size_t>(n));
        uint8_t* out = reinterpret_cast<uint8_t*>(scratch_.data());
        const bool nulls = RunHasNulls(leaf, start, n);
        const uint8_t* bits = leaf.buffers[1]->data();
        int64_t k = 0;
        for (int64_t i = 0; i < n; ++i) {
          if (nulls && !leaf.IsValid(start + i)) continue;
          out[k++] = bit_util::GetBit(bits, leaf.offset + start + i) ? 1 : 0;
        }
        PutPhysical<uint8_t>(out, k);
        return Status::OK();
      }
      case ValueKind::kInt8: WriteFixed<int8_t, int32_t, int32_t>(leaf, start, n, Cast<int32_t>()); break;
      case ValueKind::kInt16: WriteFixed<int16_t, int32_t, int32_t>(leaf, start, n, Cast<int32_t>()); break;
      case ValueKind::kInt32: WriteFixed<int32_t, int32_t, int32_t>(leaf, start, n, Identity<int32_t>()); break;
      case ValueKind::kUInt8: WriteFixed<uint8_t, int32_t, uint32_t>(leaf, start, n, Cast<int32_t>()); break;
      case ValueKind::kUInt16: WriteFixed<uint16_t, int32_t, uint32_t>(leaf, start, n, Cast<int32_t>()); break;
      case ValueKind::kUInt32: WriteFixed<int32_t, int32_t, uint32_t>(leaf, start, n, Identity<int32_t>()); break;
      case ValueKind::kInt64:
        if (col_.stats_order == StatsSortOrder::kUnsigned64) {
          WriteFixed<int64_t, int64_t, uint64_t>(leaf, start, n, Identity<int64_t>());
        } else {
          WriteFixed<int64_t, int64_t, int64_t>(leaf, start, n, Identity<int64_t>());
        }
        break;
      case ValueKind::kTime32Sec: WriteFixed<int32_t, int32_t, int32_t>(leaf, start, n, Scale<int32_t, 1000>()); break;
      case ValueKind::kTimestampSec: {
        // Seconds are stored as milliseconds; refuse values that do not fit.
        const int64_t* src = leaf.values<int64_t>() + start;
        constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / 1000;
        for (int64_t i = 0; i < n; ++i) {
          if ((src[i] > kLimit || src[i] < -kLimit) && leaf.IsValid(start + i)) {
            return Status::InvalidArgument(
                fmt::format("column '{}': timestamp {}s overflows milliseconds", col_.dotted_path, src[i]));
          }
        }
        WriteFixed<int64_t, int64_t, int64_t>(leaf, start, n, Scale<int64_t, 1000>());
        break;
      }
      case ValueKind::kFloat: WriteFixed<float, float, float>(leaf, start, n, Identity<float>()); break;
      case ValueKind::kDouble: WriteFixed<double, double, double>(leaf, start, n, Identity<double>()); break;
      case ValueKind::kDecimalInt32: return WriteDecimalInt<int32_t>(leaf, start, n);
      case ValueKind::kDecimalInt64: return WriteDecimalInt<int64_t>(leaf, start, n);
      case ValueKind::kDecimalFlba: return WriteFlba(leaf, start, n, true);
      case ValueKind::kFixedBinary: return WriteFlba(leaf, start, n, false);
      case ValueKind::kBinary: WriteBinary<int32_t>(leaf, start, n); break;
      case ValueKind::kLargeBinary: WriteBinary<int64_t>(leaf, start, n); break;
    }
    return Status::OK();
  }

  // ---- pages
  Status FlushPage() {
    const bool dict_page = use_dict_;
    if (dict_page) dict_page_flushed_ = true;
    std::string values = dict_page ? dict_->FlushIndices() : enc_->Finish();
    const Encoding encoding = dict_page ? Encoding::RLE_DICTIONARY : fallback_encoding_;
    levels_.clear();
    int64_t rep_len = 0, def_len = 0;
    const bool v2 = props_.data_page_v2;
    if (col_.max_rep > 0) {
      if (!v2) levels_.append(4, '\0');
      EncodeLevels(page_rep_.data(), static_cast<int64_t>(page_rep_.size()), rep_bw_, &levels_);
      rep_len = static_cast<int64_t>(levels_.size()) - (v2 ? 0 : 4);
      if (!v2) {
        const uint32_t l = static_cast<uint32_t>(rep_len);  // little-endian length prefix
        std::memcpy(levels_.data(), &l, 4);
      }
    }
    if (col_.max_def > 0) {
      const size_t at = levels_.size();
      if (!v2) levels_.append(4, '\0');
      EncodeLevels(page_def_.data(), static_cast<int64_t>(page_def_.size()), def_bw_, &levels_);
      def_len = static_cast<int64_t>(levels_.size() - at) - (v2 ? 0 : 4);
      if (!v2) {
        const uint32_t l = static_cast<uint32_t>(def_len);
        std::memcpy(levels_.data() + at, &l, 4);
      }
    }
    PageHeader h;
    std::optional<Statistics> stats;
    if (props_.write_statistics) stats = page_stats_.ToThrift(props_.max_statistics_size, col_.is_utf8);
    std::string* payload;
    int64_t uncompressed;
    if (!v2) {
      // v1: levels and values are compressed together (README.md "Data Pages").
      std::string* body = &values;
      if (!levels_.empty()) {
        levels_.append(values);
        body = &levels_;
      }
      uncompressed = static_cast<int64_t>(body->size());
      payload = body;
      if (props_.compression != CompressionCodec::UNCOMPRESSED) {
        DELTA_ASSIGN_OR_RAISE(std::string_view comp, CompressPage(*body));
        compressed_.assign(comp.data(), comp.size());  // exact size: the page is kept until Finish
        payload = &compressed_;
      }
      h.type = PageType::DATA_PAGE;
      DataPageHeader dh;
      dh.num_values = static_cast<int32_t>(page_levels_);
      dh.encoding = encoding;
      dh.definition_level_encoding = Encoding::RLE;
      dh.repetition_level_encoding = Encoding::RLE;
      dh.statistics = std::move(stats);
      h.data_page_header = std::move(dh);
    } else {
      // v2: levels stay uncompressed in front of the (compressed) values.
      uncompressed = static_cast<int64_t>(levels_.size() + values.size());
      const bool compress = props_.compression != CompressionCodec::UNCOMPRESSED;
      if (compress) {
        DELTA_ASSIGN_OR_RAISE(std::string_view comp, CompressPage(values));
        levels_.append(comp);
      } else {
        levels_.append(values);
      }
      payload = &levels_;
      h.type = PageType::DATA_PAGE_V2;
      DataPageHeaderV2 dh;
      dh.num_values = static_cast<int32_t>(page_levels_);
      dh.num_nulls = static_cast<int32_t>(page_nulls_);
      dh.num_rows = static_cast<int32_t>(page_rows_);
      dh.encoding = encoding;
      dh.definition_levels_byte_length = static_cast<int32_t>(def_len);
      dh.repetition_levels_byte_length = static_cast<int32_t>(rep_len);
      dh.is_compressed = compress;
      dh.statistics = std::move(stats);
      h.data_page_header_v2 = std::move(dh);
    }
    if (uncompressed > std::numeric_limits<int32_t>::max() ||
        static_cast<int64_t>(payload->size()) > std::numeric_limits<int32_t>::max()) {
      return Status::InvalidArgument(fmt::format("column '{}': a data page of {} bytes is too large", col_.dotted_path,
                                                 uncompressed));
    }
    h.uncompressed_page_size = static_cast<int32_t>(uncompressed);
    h.compressed_page_size = static_cast<int32_t>(payload->size());
    std::string header;
    SerializePageHeader(h, &header);
    total_uncompressed_ += static_cast<int64_t>(header.size()) + uncompressed;
    data_pages_size_ += static_cast<int64_t>(header.size() + payload->size());
    data_pages_.push_back(std::move(header));
    data_pages_.push_back(std::move(*payload));  // moved, not copied; the scratch regrows
    ++page_counts_[{h.type, encoding}];

    chunk_levels_ += page_levels_;
    chunk_stats_.Merge(page_stats_);
    page_stats_.Reset();
    page_def_.clear();
    page_rep_.clear();
    page_levels_ = page_rows_ = page_nulls_ = 0;
    return Status::OK();
  }

  const LeafColumn& col_;
  const WriterProperties& props_;
  ShreddedLeaf shred_;
  bool dict_enabled_ = false;
  bool use_dict_ = false;
  bool chunk_dict_ = false;         // this chunk has a dictionary page
  bool dict_forced_ = false;        // configured RLE_DICTIONARY: no early fallback
  bool dict_checked_ = false;       // the early fallback test ran for this chunk
  bool dict_page_flushed_ = false;  // a dictionary-encoded data page was written in this chunk
  Encoding fallback_encoding_ = Encoding::PLAIN;
  std::unique_ptr<DictionaryEncoder> dict_;
  std::unique_ptr<ValueEncoder> enc_;
  int def_bw_ = 0, rep_bw_ = 0;
  // open page
  std::vector<int16_t> page_def_, page_rep_;
  int64_t page_levels_ = 0, page_rows_ = 0, page_nulls_ = 0;
  Stats page_stats_;
  // chunk
  Stats chunk_stats_;
  std::vector<std::string> data_pages_;
  int64_t data_pages_size_ = 0;
  int64_t chunk_levels_ = 0;
  int64_t total_uncompressed_ = 0;
  std::map<std::pair<PageType, Encoding>, int32_t> page_counts_;
  // scratch
  std::string scratch_, levels_, compressed_, body_;
  std::unique_ptr<uint8_t[]> comp_buf_;  // compression scratch, see CompressPage
  int64_t comp_cap_ = 0;
};

}  // namespace

Result<std::unique_ptr<ColumnChunkWriter>> MakeColumnChunkWriter(const LeafColumn& column,
                                                                 const WriterProperties& props) {
  auto w = std::make_unique<ColumnWriterImpl>(column, props);
  DELTA_RETURN_NOT_OK(w->Init().WithContext(fmt::format("column '{}'", column.dotted_path)));
  return std::unique_ptr<ColumnChunkWriter>(std::move(w));
}

}  // namespace delta::parquet::writer
