#include "delta/table/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "delta/protocol/table_features.h"
#include "delta/schema/partition_values.h"
#include "delta/schema/schema_json.h"
#include "delta/util/macros.h"

namespace delta::table {

namespace p = protocol;

namespace {

bool InCommitTimestampsEnabled(const p::Metadata& m) {
  auto it = m.configuration.find("delta.enableInCommitTimestamps");
  return it != m.configuration.end() && it->second == "true";
}

std::optional<int64_t> IctEnablementVersion(const p::Metadata& m) {
  auto it = m.configuration.find("delta.inCommitTimestampEnablementVersion");
  if (it == m.configuration.end()) return std::nullopt;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return std::nullopt;
  }
}

Result<std::optional<p::CommitInfo>> ReadCommitInfo(const storage::Location& log_root, const log::LogFile& f) {
  storage::Location loc{log_root.store, f.meta.key};
  DELTA_ASSIGN_OR_RAISE(auto buf, loc.store->Get(loc.key));
  p::ParseOptions po;
  po.keep_stats = false;
  DELTA_ASSIGN_OR_RAISE(auto actions,
                        p::ParseJsonActions(std::string_view(reinterpret_cast<const char*>(buf->data()),
                                                             static_cast<size_t>(buf->size())),
                                            loc.uri(), po));
  for (auto& a : actions) {
    if (auto* ci = std::get_if<p::CommitInfo>(&a)) return std::optional<p::CommitInfo>(std::move(*ci));
  }
  return std::optional<p::CommitInfo>();
}

// The first field (path) under `t` whose values we cannot read: variant, geometry, geography.
std::optional<std::string> UnreadableField(const columnar::Field& f, const std::string& prefix) {
  std::string path = prefix.empty() ? f.name : prefix + "." + f.name;
  if (auto t = f.GetMetadata(schema::kUnreadableTypeKey)) return path + "' has type " + *t;
  if (f.GetMetadata(schema::kVariantMetadataKey)) return path + "' uses the variant type";
  for (const auto& c : f.type->children()) {
    if (auto hit = UnreadableField(*c, path)) return hit;
  }
  return std::nullopt;
}

}  // namespace

Result<std::shared_ptr<Table>> Table::Open(std::string_view uri, const storage::StorageOptions& options) {
  if (uri.empty()) return Status::InvalidArgument("empty table URI");
  DELTA_ASSIGN_OR_RAISE(auto loc, storage::ResolveUri(uri, options));
  return std::shared_ptr<Table>(new Table(std::move(loc), options));
}

Result<SnapshotPtr> Table::GetSnapshot(const SnapshotOptions& options) const {
  if (options.version && options.timestamp_ms) {
    return Status::InvalidArgument("give a snapshot version or a timestamp, not both");
  }
  std::optional<int64_t> version = options.version;
  if (options.timestamp_ms) {
    DELTA_ASSIGN_OR_RAISE(auto v, VersionAtTimestamp(*options.timestamp_ms));
    version = v;
  }
  DELTA_ASSIGN_OR_RAISE(auto segment, log::BuildLogSegment(location_, version));
  log::ReplayOptions ro;
  ro.keep_stats = options.with_stats;
  ro.num_threads = options.num_threads;
  ro.keep_tombstones = options.with_tombstones;
  DELTA_ASSIGN_OR_RAISE(auto state, log::ReplayLog(location_, segment, ro));
  return Snapshot::Make(location_, std::move(segment), std::move(state), options);
}

Result<std::vector<HistoryEntry>> Table::History(std::optional<int64_t> limit) const {
  storage::Location log_root = location_.Child("_delta_log");
  DELTA_ASSIGN_OR_RAISE(auto commits, log::ListAllCommits(log_root));
  if (commits.empty()) {
    // Distinguish an absent table from a checkpoint-only log.
    DELTA_ASSIGN_OR_RAISE(auto seg, log::BuildLogSegment(location_));
    (void)seg;
  }
  std::vector<HistoryEntry> out;
  for (auto it = commits.rbegin(); it != commits.rend(); ++it) {
    if (limit && static_cast<int64_t>(out.size()) >= *limit) break;
    HistoryEntry e;
    e.version = it->version;
    e.timestamp_ms = it->meta.last_modified_ms;
    DELTA_ASSIGN_OR_RAISE(auto ci, ReadCommitInfo(log_root, *it));
    if (ci) {
      e.commit_info_json = ci->json;
      e.operation = ci->operation;
      if (ci->in_commit_timestamp) {
        e.timestamp_ms = *ci->in_commit_timestamp;
      } else if (ci->timestamp) {
        e.timestamp_ms = *ci->timestamp;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<int64_t> Table::VersionAtTimestamp(int64_t timestamp_ms) const {
  storage::Location log_root = location_.Child("_delta_log");
  DELTA_ASSIGN_OR_RAISE(auto commits, log::ListAllCommits(log_root));
  if (commits.empty()) return Status::NotFound(fmt::format("no commits in {}", log_root.uri()));
  // In-commit timestamps (PROTOCOL.md "In-Commit Timestamps") apply from their enablement
  // version on; earlier commits use file modification times.
  DELTA_ASSIGN_OR_RAISE(auto latest, log::BuildLogSegment(location_));
  log::ReplayOptions ro;
  ro.keep_stats = false;
  std::optional<int64_t> ict_from;
  {
    DELTA_ASSIGN_OR_RAISE(auto state, log::ReplayLog(location_, latest, ro));
    if (InCommitTimestampsEnabled(*state.metadata)) ict_from = IctEnablementVersion(*state.metadata).value_or(0);
  }
  // Commit timestamps, made monotonic like Delta does for file times (a commit never has an
  // earlier timestamp than its predecessor).
  std::vector<int64_t> ts(commits.size());
  for (size_t i = 0; i < commits.size(); ++i) {
    int64_t t = commits[i].meta.last_modified_ms;
    if (ict_from && commits[i].version >= *ict_from) {
      DELTA_ASSIGN_OR_RAISE(auto ci, ReadCommitInfo(log_root, commits[i]));
      if (!ci || !ci->in_commit_timestamp) {
        return Status::CorruptData(fmt::format("commit {} has no inCommitTimestamp although in-commit timestamps are enabled",
                                               commits[i].meta.key));
      }
      t = *ci->in_commit_timestamp;
    } else if (i > 0 && t <= ts[i - 1]) {
      t = ts[i - 1] + 1;
    }
    ts[i] = t;
  }
  // With in-commit timestamps enabled at a later version, the two kinds of timestamps are not
  // comparable (file times of copied or restored tables can be later than every in-commit
  // timestamp): an instant at or after the first in-commit timestamp is searched among the
  // in-commit timestamps only, an earlier one among the file times of the commits before the
  // enablement (PROTOCOL.md "In-Commit Timestamps").
  size_t begin = 0;
  size_t end = ts.size();
  if (ict_from) {
    size_t first_ict = static_cast<size_t>(
        std::find_if(commits.begin(), commits.end(), [&](const log::LogFile& f) { return f.version >= *ict_from; }) -
        commits.begin());
    if (first_ict < ts.size() && timestamp_ms >= ts[first_ict]) {
      begin = first_ict;
    } else {
      end = first_ict;
    }
  }
  if (begin == end || timestamp_ms < ts[begin]) {
    size_t first = begin < ts.size() ? begin : 0;
    return Status::InvalidArgument(fmt::format("timestamp {} ms is before the earliest available commit (version {} at {} ms)",
                                               timestamp_ms, commits[first].version, ts[first]));
  }
  size_t idx = static_cast<size_t>(std::upper_bound(ts.begin() + static_cast<std::ptrdiff_t>(begin),
                                                    ts.begin() + static_cast<std::ptrdiff_t>(end), timestamp_ms) -
                                   ts.begin()) -
               1;
  return commits[idx].version;
}

Result<SnapshotPtr> Snapshot::Make(storage::Location table_root, log::LogSegment segment, log::ReplayState state,
                                   const SnapshotOptions& options) {
  std::shared_ptr<Snapshot> s(new Snapshot());
  s->table_root_ = std::move(table_root);
  s->segment_ = std::move(segment);
  s->state_ = std::move(state);
  s->options_ = options;
  DELTA_RETURN_NOT_OK(p::ValidateProtocol(*s->state_.protocol));
  const p::Metadata& m = *s->state_.metadata;
  if (m.schema_string.empty()) {
    return Status::CorruptData(fmt::format("invalid Delta log {}: metaData of version {} has no schemaString",
                                           s->segment_.log_root.uri(), s->segment_.version));
  }
  auto schema = schema::ParseSchemaJson(m.schema_string);
  if (!schema.ok()) {
    return schema.status().WithContext(fmt::format("metaData of {} at version {}", s->segment_.log_root.uri(),
                                                   s->segment_.version));
  }
  s->schema_ = *schema;
  for (const auto& pc : m.partition_columns) {
    if (s->schema_->GetFieldIndex(pc) < 0) {
      return Status::CorruptData(fmt::format("invalid Delta log {}: partition column '{}' is not in the schema",
                                             s->segment_.log_root.uri(), pc));
    }
  }
  auto mode = schema::ParseColumnMappingMode(m.configuration);
  if (!mode.ok()) return mode.status().WithContext(fmt::format("table {}", s->table_root_.uri()));
  s->mapping_mode_ = *mode;
  s->timestamp_ms_ = s->segment_.VersionFileModificationTime();
  if (InCommitTimestampsEnabled(m) && s->state_.latest_commit_info && s->state_.latest_commit_info->in_commit_timestamp) {
    s->timestamp_ms_ = *s->state_.latest_commit_info->in_commit_timestamp;
  }
  return SnapshotPtr(std::move(s));
}

std::optional<int64_t> Snapshot::NumRows() const {
  int64_t total = 0;
  for (const auto& f : state_.files) {
    auto n = f.NumLiveRecords();
    if (!n) return std::nullopt;
    total += *n;
  }
  return total;
}

std::optional<int64_t> Snapshot::TransactionVersion(const std::string& app_id) const {
  auto it = state_.transactions.find(app_id);
  if (it == state_.transactions.end()) return std::nullopt;
  return it->second.version;
}

Result<std::map<std::string, columnar::Scalar>> Snapshot::PartitionValues(const p::Add& file) const {
  std::map<std::string, columnar::Scalar> out;
  for (const auto& name : partition_columns()) {
    int idx = schema_->GetFieldIndex(name);
    const auto& field = schema_->field(idx);
    std::string key = name;
    if (mapping_mode_ != schema::ColumnMappingMode::kNone) {
      if (auto phys = schema::PhysicalName(*field)) key = *phys;
    }
    std::optional<std::string> raw;
    bool found = false;
    for (const auto& [k, v] : file.partition_values) {
      if (k == key) {
        raw = v;
        found = true;
        break;
      }
    }
    if (!found && key != name) {
      for (const auto& [k, v] : file.partition_values) {
        if (k == name) {
          raw = v;
          found = true;
          break;
        }
      }
    }
    if (!found) {
      return Status::CorruptData(fmt::format("add action for {} has no value for partition column '{}'", file.path, name));
    }
    DELTA_ASSIGN_OR_RAISE(auto scalar, schema::ParsePartitionValue(name, raw, field->type));
    out.emplace(name, std::move(scalar));
  }
  return out;
}

Status Snapshot::CheckReadSupported() const {
  Status st = p::CheckReadSupported(*state_.protocol);
  if (!st.ok()) return st.WithContext(fmt::format("table {}", table_root_.uri()));
  for (const auto& f : schema_->fields()) {
    if (auto what = UnreadableField(*f, "")) {
      return Status::Unsupported(fmt::format("table {}: column '{}, which this reader does not support",
                                             table_root_.uri(), *what));
    }
  }
  return Status::OK();
}

Result<SnapshotPtr> Snapshot::Refresh() const {
  DELTA_ASSIGN_OR_RAISE(auto new_commits, log::ListCommitsAfter(segment_.log_root, segment_.version));
  if (new_commits.empty()) return shared_from_this();
  log::ReplayOptions ro;
  ro.keep_stats = options_.with_stats;
  ro.num_threads = options_.num_threads;
  ro.keep_tombstones = options_.with_tombstones;
  DELTA_ASSIGN_OR_RAISE(auto state, log::ReplayIncremental(table_root_, state_, new_commits, ro));
  log::LogSegment seg = segment_;
  for (auto& c : new_commits) seg.commits.push_back(std::move(c));
  seg.version = seg.commits.back().version;
  seg.latest_version = std::max(seg.latest_version, seg.version);
  seg.checksum.reset();
  return Make(table_root_, std::move(seg), std::move(state), options_);
}

}  // namespace delta::table
