#include "delta/log/log_replay.h"

#include "delta/util/json_string.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <cstring>
#include <mutex>
#include <unordered_set>

#include "delta/parquet/reader/file_reader.h"
#include "delta/protocol/json_names.h"
#include "delta/storage/path.h"
#include "delta/util/civil_time.h"
#include "delta/util/decimal_text.h"
#include "delta/util/macros.h"
#include "delta/util/thread_pool.h"

namespace delta::log {

using columnar::ArrayData;
using columnar::TypeId;
namespace p = protocol;

std::string FileActionKey(std::string_view table_root_path, std::string_view path,
                          const std::optional<dv::DeletionVectorDescriptor>& dv) {
  std::string key;
  // Fast path: a plain relative path needs no canonicalisation.
  bool plain = path.find_first_of("%:") == std::string_view::npos && !path.empty() && path[0] != '/';
  if (plain) {
    key.assign(path);
  } else {
    auto decoded = storage::PercentDecode(path);
    std::string s = decoded.ok() ? std::move(*decoded) : std::string(path);
    std::string_view v = s;
    // file:/p, file:///p and file://localhost/p all name the local path /p.
    if (v.substr(0, 5) == "file:") {
      v.remove_prefix(5);
      if (v.substr(0, 11) == "//localhost") v.remove_prefix(11);
      while (v.size() >= 2 && v[0] == '/' && v[1] == '/') v.remove_prefix(1);
    }
    if (!table_root_path.empty() && v.size() > table_root_path.size() + 1 &&
        v.substr(0, table_root_path.size()) == table_root_path && v[table_root_path.size()] == '/') {
      v.remove_prefix(table_root_path.size() + 1);
    }
    key.assign(v);
  }
  if (dv) {
    key.push_back('\0');
    key.append(dv->UniqueId());
  }
  return key;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Reading actions out of checkpoint Parquet batches. Struct children are addressed with the
// parent's offset added (Arrow layout), so every accessor takes the row in the parent.

const ArrayData* Child(const ArrayData* s, std::string_view name) {
  if (s == nullptr || s->type->id() != TypeId::kStruct) return nullptr;
  const auto& fields = s->type->children();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i]->name == name) return s->children[i].get();
  }
  return nullptr;
}

bool Valid(const ArrayData* a, int64_t i) { return a != nullptr && a->IsValid(i); }

std::optional<std::string> Str(const ArrayData* a, int64_t i) {
  if (!Valid(a, i) || !a->type->is_binary_like()) return std::nullopt;
  return std::string(a->GetView(i));
}

std::optional<int64_t> Int(const ArrayData* a, int64_t i) {
  if (!Valid(a, i)) return std::nullopt;
  switch (a->type->id()) {
    case TypeId::kInt8: return a->values<int8_t>()[i];
    case TypeId::kInt16: return a->values<int16_t>()[i];
    case TypeId::kInt32: return a->values<int32_t>()[i];
    case TypeId::kInt64: return a->values<int64_t>()[i];
    default: return std::nullopt;
  }
}

std::optional<bool> Bool(const ArrayData* a, int64_t i) {
  if (!Valid(a, i) || a->type->id() != TypeId::kBool) return std::nullopt;
  return a->GetBool(i);
}

// A map<string,string> value as ordered pairs; null values kept as nullopt.
template <typename Fn>
void ForEachMapEntry(const ArrayData* m, int64_t i, Fn&& fn) {
  if (!Valid(m, i) || m->type->id() != TypeId::kMap || m->children.empty()) return;
  auto [b, e] = m->GetListRange(i);
  const ArrayData* entries = m->children[0].get();
  if (entries->children.size() < 2) return;
  const ArrayData* keys = entries->children[0].get();
  const ArrayData* vals = entries->children[1].get();
  for (int64_t j = b; j < e; ++j) {
    int64_t k = entries->offset + j;
    auto key = Str(keys, k);
    if (!key) continue;
    fn(std::move(*key), Str(vals, k));
  }
}

p::StringMap StrMap(const ArrayData* m, int64_t i) {
  p::StringMap out;
  ForEachMapEntry(m, i, [&](std::string k, std::optional<std::string> v) {
    if (v) out.emplace(std::move(k), std::move(*v));
  });
  return out;
}

// One value of a stats_parsed struct as the JSON the `stats` column would hold
// (PROTOCOL.md "Per-file Statistics": dates as strings, timestamps as ISO-8601 strings).
void AppendStatsValue(const ArrayData& a, int64_t i, std::string* out) {
  if (!a.IsValid(i)) {
    out->append("null");
    return;
  }
  switch (a.type->id()) {
    case TypeId::kBool: out->append(a.GetBool(i) ? "true" : "false"); break;
    case TypeId::kInt8: out->append(std::to_string(a.values<int8_t>()[i])); break;
    case TypeId::kInt16: out->append(std::to_string(a.values<int16_t>()[i])); break;
    case TypeId::kInt32: out->append(std::to_string(a.values<int32_t>()[i])); break;
    case TypeId::kInt64: out->append(std::to_string(a.values<int64_t>()[i])); break;
    case TypeId::kFloat32: {
      float v = a.values<float>()[i];
      out->append(std::isfinite(v) ? fmt::format("{}", v) : "null");
      break;
    }
    case TypeId::kFloat64: {
      double v = a.values<double>()[i];
      out->append(std::isfinite(v) ? fmt::format("{}", v) : "null");
      break;
    }
    case TypeId::kString:
    case TypeId::kLargeString: util::AppendJsonString(a.GetView(i), out); break;
    case TypeId::kDate32: {
      int64_t y; unsigned m, d;
      util::CivilFromDays(a.values<int32_t>()[i], &y, &m, &d);
      out->append(fmt::format("\"{:04d}-{:02d}-{:02d}\"", y, m, d));
      break;
    }
    case TypeId::kTimestamp: {
      int64_t v = a.values<int64_t>()[i];
      int64_t micros = v;
      switch (a.type->unit()) {
        case columnar::TimeUnit::kSecond: micros = v * 1000000; break;
        case columnar::TimeUnit::kMilli: micros = v * 1000; break;
        case columnar::TimeUnit::kMicro: break;
        case columnar::TimeUnit::kNano: micros = v >= 0 ? v / 1000 : -((-v + 999) / 1000); break;
      }
      int64_t days = micros >= 0 ? micros / 86400000000LL : -((-micros + 86400000000LL - 1) / 86400000000LL);
      int64_t rem = micros - days * 86400000000LL;
      int64_t y; unsigned m, d;
      util::CivilFromDays(days, &y, &m, &d);
      int64_t secs = rem / 1000000;
      out->append(fmt::format("\"{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}{}\"", y, m, d, secs / 3600, (secs / 60) % 60,
                              secs % 60, (rem % 1000000) / 1000, a.type->timezone().empty() ? "" : "Z"));
      break;
    }
    case TypeId::kDecimal128: {
      __int128 v;
      std::memcpy(&v, a.GetFixed(i).data(), 16);
      util::AppendDecimalText(out, v, a.type->scale());
      break;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      bool first = true;
      const auto& fields = a.type->children();
      for (size_t c = 0; c < fields.size(); ++c) {
        if (!a.children[c]->IsValid(a.offset + i)) continue;
        if (!first) out->push_back(',');
        first = false;
        util::AppendJsonString(fields[c]->name, out);
        out->push_back(':');
        AppendStatsValue(*a.children[c], a.offset + i, out);
      }
      out->push_back('}');
      break;
    }
    default: out->append("null"); break;
  }
}

// Rebuilds the JSON `stats` of an add from a checkpoint's `stats_parsed` struct.
void StatsStructToJson(const ArrayData& stats, int64_t i, std::string* out) {
  AppendStatsValue(stats, i, out);
}

// What one checkpoint file holds: its add actions apart (the bulk, applied without variant
// wrapping or key hashing) and everything else.
struct CheckpointContent {
  std::vector<p::Add> adds;
  std::vector<p::Action> others;
  // When set, adds are decoded in place into slots[0 .. slot_capacity) instead of `adds`:
  // the caller pre-sized one vector for every part, so no add is moved after decoding.
  p::Add* slots = nullptr;
  int64_t slot_capacity = 0;
  int64_t slot_count = 0;

  p::Add* NextAdd() {
    if (slots != nullptr) return slot_count < slot_capacity ? &slots[slot_count++] : nullptr;
    return &adds.emplace_back();
  }
};

struct CheckpointColumns {
  // add
  const ArrayData* add_stats_parsed = nullptr;
  const ArrayData *add = nullptr, *add_path, *add_pv, *add_size, *add_mtime, *add_dc, *add_stats, *add_tags, *add_dv,
                  *add_base_row_id, *add_drcv, *add_cp;
  const ArrayData *dv_type = nullptr, *dv_path, *dv_offset, *dv_size, *dv_card;
  const ArrayData *remove = nullptr, *rm_path, *rm_dv, *rm_ts, *rm_dc;
  const ArrayData *rmdv_type = nullptr, *rmdv_path, *rmdv_offset, *rmdv_size, *rmdv_card;
  const ArrayData* meta = nullptr;
  const ArrayData* proto = nullptr;
  const ArrayData* txn = nullptr;
  const ArrayData* domain = nullptr;
  const ArrayData* sidecar = nullptr;
  const ArrayData* cpmeta = nullptr;
};

std::optional<dv::DeletionVectorDescriptor> ReadDv(const ArrayData* dv, const ArrayData* type, const ArrayData* path,
                                                   const ArrayData* off, const ArrayData* size, const ArrayData* card,
                                                   int64_t i) {
  if (!Valid(dv, i)) return std::nullopt;
  int64_t k = dv->offset + i;
  dv::DeletionVectorDescriptor d;
  d.storage_type = Str(type, k).value_or("");
  d.path_or_inline_dv = Str(path, k).value_or("");
  // Out-of-range values become -1, which the DV decoder refuses with a message, rather than
  // being truncated into plausible ones.
  if (auto o = Int(off, k)) d.offset = (*o < 0 || *o > INT32_MAX) ? -1 : static_cast<int32_t>(*o);
  int64_t size_in_bytes = Int(size, k).value_or(0);
  d.size_in_bytes = (size_in_bytes < 0 || size_in_bytes > INT32_MAX) ? -1 : static_cast<int32_t>(size_in_bytes);
  d.cardinality = Int(card, k).value_or(0);
  d.max_row_index = Int(Child(dv, p::kMaxRowIndex), k);
  return d;
}

Status CheckpointError(const storage::Location& file, int64_t row, std::string_view what) {
  return Status::CorruptData(fmt::format("invalid checkpoint {}: row {}: {}", file.uri(), row, what));
}

Status DecodeCheckpointBatch(const columnar::RecordBatch& batch, const storage::Location& file, int64_t row_base,
                             CheckpointContent* content) {
  std::vector<p::Action>* out = &content->others;
  CheckpointColumns c;
  auto col = [&](std::string_view name) -> const ArrayData* {
    int idx = batch.schema->GetFieldIndex(std::string(name));
    return idx < 0 ? nullptr : batch.columns[static_cast<size_t>(idx)].get();
  };
  c.add = col(p::kAdd);
  if (c.add) {
    c.add_path = Child(c.add, p::kPath);
    c.add_pv = Child(c.add, p::kPartitionValues);
    c.add_size = Child(c.add, p::kSize);
    c.add_mtime = Child(c.add, p::kModificationTime);
    c.add_dc = Child(c.add, p::kDataChange);
    c.add_stats = Child(c.add, p::kStats);
    c.add_stats_parsed = Child(c.add, "stats_parsed");
    c.add_tags = Child(c.add, p::kTags);
    c.add_dv = Child(c.add, p::kDeletionVector);
    c.add_base_row_id = Child(c.add, p::kBaseRowId);
    c.add_drcv = Child(c.add, p::kDefaultRowCommitVersion);
    c.add_cp = Child(c.add, p::kClusteringProvider);
    c.dv_type = Child(c.add_dv, p::kStorageType);
    c.dv_path = Child(c.add_dv, p::kPathOrInlineDv);
    c.dv_offset = Child(c.add_dv, p::kOffset);
    c.dv_size = Child(c.add_dv, p::kSizeInBytes);
    c.dv_card = Child(c.add_dv, p::kCardinality);
  }
  c.remove = col(p::kRemove);
  if (c.remove) {
    c.rm_path = Child(c.remove, p::kPath);
    c.rm_dv = Child(c.remove, p::kDeletionVector);
    c.rm_ts = Child(c.remove, p::kDeletionTimestamp);
    c.rm_dc = Child(c.remove, p::kDataChange);
    c.rmdv_type = Child(c.rm_dv, p::kStorageType);
    c.rmdv_path = Child(c.rm_dv, p::kPathOrInlineDv);
    c.rmdv_offset = Child(c.rm_dv, p::kOffset);
    c.rmdv_size = Child(c.rm_dv, p::kSizeInBytes);
    c.rmdv_card = Child(c.rm_dv, p::kCardinality);
  }
  c.meta = col(p::kMetaData);
  c.proto = col(p::kProtocol);
  c.txn = col(p::kTxn);
  c.domain = col(p::kDomainMetadata);
  c.sidecar = col(p::kSidecar);
  c.cpmeta = col(p::kCheckpointMetadata);

  for (int64_t i = 0; i < batch.num_rows; ++i) {
    if (Valid(c.add, i)) {
      int64_t k = c.add->offset + i;
      p::Add* slot = content->NextAdd();
      if (slot == nullptr) return CheckpointError(file, row_base + i, "more add actions than rows in the footer");
      p::Add& a = *slot;
      auto path = Str(c.add_path, k);
      if (!path || path->empty()) return CheckpointError(file, row_base + i, "add action without a path");
      a.path = std::move(*path);
      ForEachMapEntry(c.add_pv, k, [&](std::string key, std::optional<std::string> v) {
        a.partition_values.emplace_back(std::move(key), std::move(v));
      });
      a.size = Int(c.add_size, k).value_or(0);
      a.modification_time = Int(c.add_mtime, k).value_or(0);
      a.data_change = Bool(c.add_dc, k).value_or(true);
      if (c.add_stats) a.stats = Str(c.add_stats, k).value_or("");
      if (a.stats.empty() && c.add_stats_parsed && Valid(c.add_stats_parsed, k)) {
        StatsStructToJson(*c.add_stats_parsed, k, &a.stats);
      }
      if (c.add_tags) a.tags = StrMap(c.add_tags, k);
      a.deletion_vector = ReadDv(c.add_dv, c.dv_type, c.dv_path, c.dv_offset, c.dv_size, c.dv_card, k);
      a.base_row_id = Int(c.add_base_row_id, k);
      a.default_row_commit_version = Int(c.add_drcv, k);
      a.clustering_provider = Str(c.add_cp, k);
      continue;
    }
    if (Valid(c.remove, i)) {
      int64_t k = c.remove->offset + i;
      p::Remove r;
      auto path = Str(c.rm_path, k);
      if (!path || path->empty()) return CheckpointError(file, row_base + i, "remove action without a path");
      r.path = std::move(*path);
      r.deletion_timestamp = Int(c.rm_ts, k);
      r.data_change = Bool(c.rm_dc, k).value_or(false);
      r.deletion_vector = ReadDv(c.rm_dv, c.rmdv_type, c.rmdv_path, c.rmdv_offset, c.rmdv_size, c.rmdv_card, k);
      // Present only when the projection kept every remove column (tombstones requested).
      r.extended_file_metadata = Bool(Child(c.remove, "extendedFileMetadata"), k).value_or(false);
      r.size = Int(Child(c.remove, p::kSize), k);
      ForEachMapEntry(Child(c.remove, p::kPartitionValues), k, [&](std::string key, std::optional<std::string> v) {
        r.partition_values.emplace_back(std::move(key), std::move(v));
      });
      if (const ArrayData* tags = Child(c.remove, p::kTags)) r.tags = StrMap(tags, k);
      r.base_row_id = Int(Child(c.remove, p::kBaseRowId), k);
      r.default_row_commit_version = Int(Child(c.remove, p::kDefaultRowCommitVersion), k);
      out->emplace_back(std::move(r));
      continue;
    }
    if (Valid(c.meta, i)) {
      int64_t k = c.meta->offset + i;
      p::Metadata m;
      m.id = Str(Child(c.meta, p::kId), k).value_or("");
      m.name = Str(Child(c.meta, p::kName), k);
      m.description = Str(Child(c.meta, p::kDescription), k);
      const ArrayData* fmt_col = Child(c.meta, p::kFormat);
      if (Valid(fmt_col, k)) {
        int64_t fk = fmt_col->offset + k;
        m.format.provider = Str(Child(fmt_col, p::kProvider), fk).value_or("parquet");
        m.format.options = StrMap(Child(fmt_col, p::kOptions), fk);
      }
      m.schema_string = Str(Child(c.meta, p::kSchemaString), k).value_or("");
      const ArrayData* pcols = Child(c.meta, p::kPartitionColumns);
      if (Valid(pcols, k) && (pcols->type->id() == TypeId::kList || pcols->type->id() == TypeId::kLargeList)) {
        auto [b, e] = pcols->GetListRange(k);
        const ArrayData* items = pcols->children[0].get();
        for (int64_t j = b; j < e; ++j) {
          if (auto s = Str(items, j)) m.partition_columns.push_back(std::move(*s));
        }
      }
      m.created_time = Int(Child(c.meta, p::kCreatedTime), k);
      m.configuration = StrMap(Child(c.meta, p::kConfiguration), k);
      out->emplace_back(std::move(m));
      continue;
    }
    if (Valid(c.proto, i)) {
      int64_t k = c.proto->offset + i;
      p::Protocol pr;
      auto r = Int(Child(c.proto, p::kMinReaderVersion), k);
      auto w = Int(Child(c.proto, p::kMinWriterVersion), k);
      if (!r || !w) return CheckpointError(file, row_base + i, "protocol action without minReaderVersion/minWriterVersion");
      if (*r < 1 || *r > INT32_MAX || *w < 1 || *w > INT32_MAX) {
        return CheckpointError(file, row_base + i, fmt::format("protocol versions out of range ({}, {})", *r, *w));
      }
      pr.min_reader_version = static_cast<int32_t>(*r);
      pr.min_writer_version = static_cast<int32_t>(*w);
      auto read_list = [&](std::string_view name) -> std::optional<std::vector<std::string>> {
        const ArrayData* l = Child(c.proto, name);
        if (!Valid(l, k) || (l->type->id() != TypeId::kList && l->type->id() != TypeId::kLargeList)) return std::nullopt;
        std::vector<std::string> v;
        auto [b, e] = l->GetListRange(k);
        for (int64_t j = b; j < e; ++j) {
          if (auto s = Str(l->children[0].get(), j)) v.push_back(std::move(*s));
        }
        return v;
      };
      pr.reader_features = read_list(p::kReaderFeatures);
      pr.writer_features = read_list(p::kWriterFeatures);
      out->emplace_back(std::move(pr));
      continue;
    }
    if (Valid(c.txn, i)) {
      int64_t k = c.txn->offset + i;
      p::SetTransaction t;
      auto app = Str(Child(c.txn, p::kAppId), k);
      auto ver = Int(Child(c.txn, p::kVersion), k);
      if (!app || !ver) return CheckpointError(file, row_base + i, "txn action without appId/version");
      t.app_id = std::move(*app);
      t.version = *ver;
      t.last_updated = Int(Child(c.txn, p::kLastUpdated), k);
      out->emplace_back(std::move(t));
      continue;
    }
    if (Valid(c.domain, i)) {
      int64_t k = c.domain->offset + i;
      p::DomainMetadata d;
      auto dom = Str(Child(c.domain, p::kDomain), k);
      if (!dom) return CheckpointError(file, row_base + i, "domainMetadata action without domain");
      d.domain = std::move(*dom);
      d.configuration = Str(Child(c.domain, p::kConfiguration), k).value_or("");
      d.removed = Bool(Child(c.domain, p::kRemoved), k).value_or(false);
      out->emplace_back(std::move(d));
      continue;
    }
    if (Valid(c.sidecar, i)) {
      int64_t k = c.sidecar->offset + i;
      p::Sidecar s;
      auto path = Str(Child(c.sidecar, p::kPath), k);
      if (!path) return CheckpointError(file, row_base + i, "sidecar action without path");
      s.path = std::move(*path);
      s.size_in_bytes = Int(Child(c.sidecar, p::kSizeInBytes), k).value_or(0);
      s.modification_time = Int(Child(c.sidecar, p::kModificationTime), k).value_or(0);
      out->emplace_back(std::move(s));
      continue;
    }
    if (Valid(c.cpmeta, i)) {
      int64_t k = c.cpmeta->offset + i;
      p::CheckpointMetadata m;
      m.version = Int(Child(c.cpmeta, p::kVersion), k).value_or(0);
      out->emplace_back(std::move(m));
      continue;
    }
  }
  return Status::OK();
}

// The projection of a checkpoint file: what replay needs and nothing else.
std::vector<std::string> CheckpointProjection(const columnar::Schema& schema, bool keep_stats, bool keep_tombstones) {
  std::vector<std::string> cols;
  for (const auto& f : schema.fields()) {
    const std::string& name = f->name;
    if (name == p::kAdd && f->type->id() == TypeId::kStruct) {
      bool has_json_stats = false;
      for (const auto& c : f->type->children()) has_json_stats |= c->name == p::kStats;
      for (const auto& c : f->type->children()) {
        // partitionValues_parsed duplicates partitionValues; stats_parsed duplicates stats and
        // is only read when a checkpoint has no JSON stats column (then the add's stats are
        // rebuilt from it).
        if (c->name == "partitionValues_parsed") continue;
        if (c->name == "stats_parsed" && (has_json_stats || !keep_stats)) continue;
        if (c->name == p::kStats && !keep_stats) continue;
        cols.push_back(name + "." + c->name);
      }
    } else if (name == p::kRemove && f->type->id() == TypeId::kStruct) {
      for (const auto& c : f->type->children()) {
        if (keep_tombstones || c->name == p::kPath || c->name == p::kDeletionVector ||
            c->name == p::kDeletionTimestamp || c->name == p::kDataChange) {
          cols.push_back(name + "." + c->name);
        }
      }
    } else if (name == p::kMetaData || name == p::kProtocol || name == p::kTxn || name == p::kDomainMetadata ||
               name == p::kSidecar || name == p::kCheckpointMetadata) {
      cols.push_back(name);
    }
  }
  return cols;
}

}  // namespace

namespace {

// One checkpoint file being read: JSON files are parsed when opened; Parquet files are opened
// (footer, projection) first so every part's row count is known before any row is decoded.
struct CheckpointPart {
  storage::Location file;
  bool is_json = false;
  std::unique_ptr<parquet::FileReader> reader;
  int64_t rows = 0;
  CheckpointContent content;
};

Status OpenCheckpointPart(const ReplayOptions& options, CheckpointPart* part) {
  const storage::Location& file = part->file;
  if (part->is_json) {
    DELTA_ASSIGN_OR_RAISE(auto buf, file.store->Get(file.key));
    p::ParseOptions po;
    po.keep_stats = options.keep_stats;
    DELTA_ASSIGN_OR_RAISE(
        auto actions, p::ParseJsonActions(std::string_view(reinterpret_cast<const char*>(buf->data()),
                                                           static_cast<size_t>(buf->size())),
                                          file.uri(), po));
    for (auto& a : actions) {
      if (auto* add = std::get_if<p::Add>(&a)) {
        part->content.adds.push_back(std::move(*add));
      } else {
        part->content.others.push_back(std::move(a));
      }
    }
    return Status::OK();
  }
  DELTA_ASSIGN_OR_RAISE(auto raf, file.store->OpenRead(file.key));
  auto opened = parquet::FileReader::Open(raf);
  if (!opened.ok()) return opened.status().WithContext(fmt::format("checkpoint {}", file.uri()));
  std::vector<std::string> cols = CheckpointProjection(*(*opened)->schema(), options.keep_stats, options.keep_tombstones);
  if (cols.empty()) return Status::OK();
  parquet::ReaderOptions ro;
  ro.columns = std::move(cols);
  auto reader = parquet::FileReader::Open(raf, ro);
  if (!reader.ok()) return reader.status().WithContext(fmt::format("checkpoint {}", file.uri()));
  part->reader = std::move(*reader);
  part->rows = part->reader->num_rows();
  if (part->rows < 0) return Status::CorruptData(fmt::format("checkpoint {}: negative row count", file.uri()));
  return Status::OK();
}

Status DecodeCheckpointPart(CheckpointPart* part) {
  if (!part->reader) return Status::OK();
  int64_t row_base = 0;
  for (int rg = 0; rg < part->reader->num_row_groups(); ++rg) {
    auto batch = part->reader->ReadRowGroup(rg);
    if (!batch.ok()) return batch.status().WithContext(fmt::format("checkpoint {}", part->file.uri()));
    DELTA_RETURN_NOT_OK(DecodeCheckpointBatch(**batch, part->file, row_base, &part->content));
    row_base += (*batch)->num_rows;
  }
  part->reader.reset();
  return Status::OK();
}

Status ReadCheckpointContent(const storage::Location& file, bool is_json, const ReplayOptions& options,
                             CheckpointContent* content) {
  CheckpointPart part;
  part.file = file;
  part.is_json = is_json;
  DELTA_RETURN_NOT_OK(OpenCheckpointPart(options, &part));
  part.content.adds.reserve(static_cast<size_t>(part.rows));
  DELTA_RETURN_NOT_OK(DecodeCheckpointPart(&part));
  *content = std::move(part.content);
  return Status::OK();
}

}  // namespace

Result<std::vector<p::Action>> ReadCheckpointFile(const storage::Location& file, bool is_json,
                                                  const ReplayOptions& options) {
  CheckpointContent content;
  DELTA_RETURN_NOT_OK(ReadCheckpointContent(file, is_json, options, &content));
  std::vector<p::Action> out;
  out.reserve(content.adds.size() + content.others.size());
  for (auto& a : content.others) out.push_back(std::move(a));
  for (auto& a : content.adds) out.push_back(std::move(a));
  return out;
}

namespace {

// Reconciliation state shared by commits and checkpoint parts.
class Reconciler {
 public:
  Reconciler(std::string root_path, ReplayState* state, bool keep_tombstones = false)
      : root_path_(std::move(root_path)), state_(state), keep_tombstones_(keep_tombstones) {}

  void Apply(p::Action&& action, bool from_checkpoint) {
    switch (action.index()) {
      case 0: {  // add
        auto& a = std::get<p::Add>(action);
        if (seen_.insert(FileActionKey(root_path_, a.path, a.deletion_vector)).second) {
          state_->files.push_back(std::move(a));
        }
        break;
      }
      case 1: {  // remove
        auto& r = std::get<p::Remove>(action);
        if (from_checkpoint) {
          // Nothing older than a checkpoint to hide; kept only as a tombstone.
          if (keep_tombstones_ && (seen_.empty() || seen_.find(FileActionKey(root_path_, r.path, r.deletion_vector)) == seen_.end())) {
            state_->tombstones.push_back(std::move(r));
          }
          break;
        }
        if (seen_.insert(FileActionKey(root_path_, r.path, r.deletion_vector)).second && keep_tombstones_) {
          state_->tombstones.push_back(std::move(r));
        }
        break;
      }
      case 2:
        if (!state_->metadata) state_->metadata = std::move(std::get<p::Metadata>(action));
        break;
      case 3:
        if (!state_->protocol) state_->protocol = std::move(std::get<p::Protocol>(action));
        break;
      case 5: {
        auto& t = std::get<p::SetTransaction>(action);
        state_->transactions.try_emplace(t.app_id, std::move(t));
        break;
      }
      case 7: {
        auto& d = std::get<p::DomainMetadata>(action);
        if (domains_seen_.insert(d.domain).second && !d.removed) state_->domains.emplace(d.domain, std::move(d));
        break;
      }
      default:
        break;  // commitInfo, cdc, checkpointMetadata, sidecar: not part of the state
    }
  }

  // Within one commit, file actions of one key cannot conflict (PROTOCOL.md: a path appears at
  // most once per commit as add or remove); but a commit's remove must not hide the same commit's
  // add of a *different* DV for that path, which keys already separate.
  Status ApplyCommit(std::vector<p::Action>&& actions) {
    for (auto& a : actions) Apply(std::move(a), false);
    return Status::OK();
  }

  // Drops, from files [begin, end) of the state, those hidden by newer commits; returns the new
  // end. Order of the survivors is kept.
  size_t FilterHidden(size_t begin, size_t end) {
    auto& files = state_->files;
    if (seen_.empty()) return end;
    auto hidden = [&](const p::Add& a) {
      if (!a.deletion_vector && a.path.find_first_of("%:") == std::string::npos && !a.path.empty() && a.path[0] != '/') {
        return seen_.find(std::string_view(a.path)) != seen_.end();
      }
      return seen_.find(FileActionKey(root_path_, a.path, a.deletion_vector)) != seen_.end();
    };
    auto first = files.begin() + static_cast<std::ptrdiff_t>(begin);
    auto last = files.begin() + static_cast<std::ptrdiff_t>(end);
    return static_cast<size_t>(std::remove_if(first, last, hidden) - files.begin());
  }

  // A checkpoint holds each live file once (PROTOCOL.md "Checkpoints"), so its adds are only
  // looked up against the keys of newer commits, never inserted; plain relative paths are looked
  // up without building a key. The vector is consumed.
  void ApplyCheckpointAdds(std::vector<p::Add>&& adds) {
    if (!seen_.empty()) {
      auto hidden = [&](const p::Add& a) {
        if (!a.deletion_vector && a.path.find_first_of("%:") == std::string::npos && !a.path.empty() && a.path[0] != '/') {
          return seen_.find(std::string_view(a.path)) != seen_.end();
        }
        return seen_.find(FileActionKey(root_path_, a.path, a.deletion_vector)) != seen_.end();
      };
      adds.erase(std::remove_if(adds.begin(), adds.end(), hidden), adds.end());
    }
    if (state_->files.empty() && state_->files.capacity() < adds.size()) {
      state_->files = std::move(adds);
      return;
    }
    state_->files.reserve(state_->files.size() + adds.size());
    std::move(adds.begin(), adds.end(), std::back_inserter(state_->files));
    std::vector<p::Add>().swap(adds);
  }

  // Adds what an older state holds and newer commits did not supersede.
  void ApplyOlderState(const ReplayState& base) {
    for (const auto& f : base.files) {
      if (seen_.count(FileActionKey(root_path_, f.path, f.deletion_vector)) == 0) state_->files.push_back(f);
    }
    if (!state_->protocol) state_->protocol = base.protocol;
    if (!state_->metadata) state_->metadata = base.metadata;
    if (keep_tombstones_) {
      for (const auto& r : base.tombstones) {
        if (seen_.count(FileActionKey(root_path_, r.path, r.deletion_vector)) == 0) state_->tombstones.push_back(r);
      }
    }
    for (const auto& [k, t] : base.transactions) state_->transactions.try_emplace(k, t);
    for (const auto& [k, d] : base.domains) {
      if (domains_seen_.count(k) == 0) state_->domains.emplace(k, d);
    }
  }

 private:
  std::string root_path_;
  ReplayState* state_;
  bool keep_tombstones_ = false;
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view k) const { return std::hash<std::string_view>()(k); }
  };
  std::unordered_set<std::string, KeyHash, std::equal_to<>> seen_;
  std::unordered_set<std::string> domains_seen_;
};

std::string RootPathForKeys(const storage::Location& table_root) {
  // Absolute action paths are compared against the table root as a local path ("/x/y") or as a
  // URI ("s3://b/x/y"); file: URIs were reduced to paths by FileActionKey.
  std::string base = table_root.store->base_uri();
  if (base == "file:///") return "/" + table_root.key;
  return base + table_root.key;
}

}  // namespace

namespace {

// Applies JSON commits newest first; records the commitInfo of the newest one.
Status ApplyCommits(const std::vector<LogFile>& commits, const storage::ObjectStorePtr& store,
                    const ReplayOptions& options, Reconciler* rec, ReplayState* state) {
  p::ParseOptions po;
  po.keep_stats = options.keep_stats;
  for (auto it = commits.rbegin(); it != commits.rend(); ++it) {
    storage::Location loc{store, it->meta.key};
    auto buf = loc.store->Get(loc.key);
    if (!buf.ok()) return buf.status().WithContext(fmt::format("commit of version {}", it->version));
    DELTA_ASSIGN_OR_RAISE(
        auto actions, p::ParseJsonActions(std::string_view(reinterpret_cast<const char*>((*buf)->data()),
                                                           static_cast<size_t>((*buf)->size())),
                                          loc.uri(), po));
    if (it == commits.rbegin()) {
      for (auto& a : actions) {
        if (auto* ci = std::get_if<p::CommitInfo>(&a)) {
          state->latest_commit_info = *ci;
          break;
        }
      }
    }
    DELTA_RETURN_NOT_OK(rec->ApplyCommit(std::move(actions)));
  }
  return Status::OK();
}

}  // namespace

Result<ReplayState> ReplayIncremental(const storage::Location& table_root, const ReplayState& base,
                                      const std::vector<LogFile>& new_commits, const ReplayOptions& options) {
  ReplayState state;
  Reconciler rec(RootPathForKeys(table_root), &state, options.keep_tombstones);
  DELTA_RETURN_NOT_OK(ApplyCommits(new_commits, table_root.store, options, &rec, &state));
  rec.ApplyOlderState(base);
  return state;
}

Result<ReplayState> ReplayLog(const storage::Location& table_root, const LogSegment& segment,
                              const ReplayOptions& options) {
  ReplayState state;
  Reconciler rec(RootPathForKeys(table_root), &state, options.keep_tombstones);
  DELTA_RETURN_NOT_OK(ApplyCommits(segment.commits, segment.log_root.store, options, &rec, &state));
  // Checkpoint: parts (or the v2 top-level file and its sidecars) decoded in parallel, applied in
  // order.
  if (!segment.checkpoint_parts.empty()) {
    std::vector<storage::Location> files;
    std::vector<bool> is_json;
    for (const auto& f : segment.checkpoint_parts) {
      files.push_back(storage::Location{segment.log_root.store, f.meta.key});
      is_json.push_back(f.type == LogFileType::kV2Checkpoint && f.is_json);
    }
    // Opens every file (in parallel), sizes the live-file list once for all of them, decodes
    // each Parquet part in place into its slice (in parallel), then closes the gaps left by
    // rows that were not adds and drops files hidden by newer commits.
    auto read_apply = [&](const std::vector<storage::Location>& fs, const std::vector<bool>& js,
                          std::vector<storage::Location>* sidecars_out) -> Status {
      std::vector<CheckpointPart> parts(fs.size());
      for (size_t i = 0; i < fs.size(); ++i) {
        parts[i].file = fs[i];
        parts[i].is_json = js[i];
      }
      auto parallel = [&](const std::function<Status(CheckpointPart*)>& fn) -> Status {
        std::vector<Status> statuses(parts.size());
        auto work = [&](int64_t i) -> Status {
          statuses[static_cast<size_t>(i)] = fn(&parts[static_cast<size_t>(i)]);
          return Status::OK();
        };
        if (parts.size() > 1 && options.num_threads > 1) {
          ThreadPool pool(std::min<int>(options.num_threads, static_cast<int>(parts.size())));
          DELTA_RETURN_NOT_OK(pool.ParallelFor(static_cast<int64_t>(parts.size()), work));
        } else {
          for (size_t i = 0; i < parts.size(); ++i) DELTA_RETURN_NOT_OK(work(static_cast<int64_t>(i)));
        }
        for (auto& st : statuses) DELTA_RETURN_NOT_OK(st);
        return Status::OK();
      };
      DELTA_RETURN_NOT_OK(parallel([&](CheckpointPart* part) { return OpenCheckpointPart(options, part); }));
      size_t base = state.files.size();
      size_t total = base;
      for (const auto& part : parts) total += static_cast<size_t>(part.rows);
      state.files.resize(total);
      size_t offset = base;
      for (auto& part : parts) {
        part.content.slots = state.files.data() + offset;
        part.content.slot_capacity = part.rows;
        offset += static_cast<size_t>(part.rows);
      }
      DELTA_RETURN_NOT_OK(parallel(DecodeCheckpointPart));
      // Close the gaps: move each part's decoded prefix down to the write position.
      size_t write = base;
      offset = base;
      for (auto& part : parts) {
        for (int64_t i = 0; i < part.content.slot_count; ++i) {
          size_t from = offset + static_cast<size_t>(i);
          if (from != write) state.files[write] = std::move(state.files[from]);
          ++write;
        }
        offset += static_cast<size_t>(part.rows);
      }
      state.files.resize(rec.FilterHidden(base, write));
      for (auto& part : parts) {
        for (auto& a : part.content.others) {
          if (auto* sc = std::get_if<p::Sidecar>(&a); sc && sidecars_out) {
            // PROTOCOL.md "Sidecar File Information": relative paths live in _delta_log/_sidecars/.
            if (storage::IsAbsoluteUri(sc->path)) {
              DELTA_ASSIGN_OR_RAISE(auto loc, storage::ResolveUri(sc->path));
              sidecars_out->push_back(loc);
            } else {
              DELTA_ASSIGN_OR_RAISE(auto decoded, storage::PercentDecode(sc->path));
              DELTA_ASSIGN_OR_RAISE(auto key, storage::JoinRelativeKey(segment.log_root.Child("_sidecars").key, decoded));
              sidecars_out->push_back(storage::Location{segment.log_root.store, key});
            }
          }
          rec.Apply(std::move(a), true);
        }
        if (!part.content.adds.empty()) rec.ApplyCheckpointAdds(std::move(part.content.adds));
      }
      return Status::OK();
    };
    std::vector<storage::Location> sidecars;
    DELTA_RETURN_NOT_OK(read_apply(files, is_json, &sidecars));
    if (!sidecars.empty()) {
      Status st = read_apply(sidecars, std::vector<bool>(sidecars.size(), false), nullptr);
      if (!st.ok()) return st.WithContext(fmt::format("sidecar of checkpoint version {}", *segment.checkpoint_version));
    }
  }
  if (!state.protocol) {
    return Status::CorruptData(fmt::format("invalid Delta log {}: no protocol action in the snapshot of version {}",
                                           segment.log_root.uri(), segment.version));
  }
  if (!state.metadata) {
    return Status::CorruptData(fmt::format("invalid Delta log {}: no metaData action in the snapshot of version {}",
                                           segment.log_root.uri(), segment.version));
  }
  return state;
}

}  // namespace delta::log
