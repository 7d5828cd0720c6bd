// Serialisation of log actions to commit-file JSON. Field order follows what Spark writes
// (PROTOCOL.md "Actions" lists the fields; readers must not depend on the order, except for
// commitInfo.inCommitTimestamp, which PROTOCOL.md "In-Commit Timestamps" requires to be first).
#include "delta/protocol/action_json.h"

#include "delta/util/json_string.h"

#include <fmt/format.h>

#include <cstring>
#include <type_traits>

#include "delta/protocol/json_names.h"

namespace delta::protocol {
namespace {


// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
// Small writer for one JSON object: tracks whether a comma is needed.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string* out) : out_(out) { out_->push_back('{'); }
  void End() { out_->push_back('}'); }

  void Key(std::string_view key) {
    if (!first_) out_->push_back(',');
    first_ = false;
    AppendJsonString(key, out_);
    out_->push_back(':');
  }
  void String(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(value, out_);
  }
  void Int(std::string_view key, int64_t value) {
    Key(key);
    fmt::format_int f(value);
    out_->append(f.data(), f.size());
  }
  void Bool(std::string_view key, bool value) {
    Key(key);
    out_->append(value ? "true" : "false");
  }
  // A value that is already JSON text; an empty text becomes null so the line stays valid.
  void Raw(std::string_view key, std::string_view json) {
    Key(key);
    if (json.empty()) {
      out_->append("null");
    } else {
      out_->append(json);
    }
  }
  void OptString(std::string_view key, const std::optional<std::string>& v) {
    if (v) String(key, *v);
  }
  void OptInt(std::string_view key, const std::optional<int64_t>& v) {
    if (v) Int(key, *v);
  }
  void StringMapField(std::string_view key, const StringMap& m) {
    Key(key);
    ObjectWriter o(out_);
    for (const auto& [k, v] : m) o.String(k, v);
    o.End();
  }
  void RawMapField(std::string_view key, const std::map<std::string, std::string>& m) {
    Key(key);
    ObjectWriter o(out_);
    for (const auto& [k, v] : m) o.Raw(k, v);
    o.End();
  }
  void PartitionValuesField(const PartitionValues& pv) {
    Key(kPartitionValues);
    ObjectWriter o(out_);
    for (const auto& [k, v] : pv) {
      if (v) {
        o.String(k, *v);
      } else {
        o.Raw(k, "null");
      }
    }
    o.End();
  }
  void StringList(std::string_view key, const std::vector<std::string>& list) {
    Key(key);
    out_->push_back('[');
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out_->push_back(',');
      AppendJsonString(list[i], out_);
    }
    out_->push_back(']');
  }
  void DeletionVector(const dv::DeletionVectorDescriptor& d) {
    Key(kDeletionVector);
    ObjectWriter o(out_);
    o.String(kStorageType, d.storage_type);
    o.String(kPathOrInlineDv, d.path_or_inline_dv);
    if (d.offset) o.Int(kOffset, *d.offset);
    o.Int(kSizeInBytes, d.size_in_bytes);
    o.Int(kCardinality, d.cardinality);
    if (d.max_row_index) o.Int(kMaxRowIndex, *d.max_row_index);
    o.End();
  }
  std::string* out() { return out_; }

 private:
  std::string* out_;
  bool first_ = true;
};

void WriteAdd(const Add& a, ObjectWriter& o) {
  o.String(kPath, a.path);
  o.PartitionValuesField(a.partition_values);
  o.Int(kSize, a.size);
  o.Int(kModificationTime, a.modification_time);
  o.Bool(kDataChange, a.data_change);
  if (!a.stats.empty()) o.String(kStats, a.stats);
  if (!a.tags.empty()) o.StringMapField(kTags, a.tags);
  if (a.deletion_vector) o.DeletionVector(*a.deletion_vector);
  o.OptInt(kBaseRowId, a.base_row_id);
  o.OptInt(kDefaultRowCommitVersion, a.default_row_commit_version);
  o.OptString(kClusteringProvider, a.clustering_provider);
}

void WriteRemove(const Remove& r, ObjectWriter& o) {
  o.String(kPath, r.path);
  o.OptInt(kDeletionTimestamp, r.deletion_timestamp);
  o.Bool(kDataChange, r.data_change);
  o.Bool(kExtendedFileMetadata, r.extended_file_metadata);
  // PROTOCOL.md "Add File and Remove File": partitionValues, size and tags are meaningful when
  // extendedFileMetadata is true; Spark then writes partitionValues even when empty.
  if (r.extended_file_metadata || !r.partition_values.empty()) o.PartitionValuesField(r.partition_values);
  o.OptInt(kSize, r.size);
  if (!r.tags.empty()) o.StringMapField(kTags, r.tags);
  if (r.deletion_vector) o.DeletionVector(*r.deletion_vector);
  o.OptInt(kBaseRowId, r.base_row_id);
  o.OptInt(kDefaultRowCommitVersion, r.default_row_commit_version);
  if (!r.stats.empty()) o.String(kStats, r.stats);
}

void WriteMetadata(const Metadata& m, ObjectWriter& o) {
  o.String(kId, m.id);
  o.OptString(kName, m.name);
  o.OptString(kDescription, m.description);
  o.Key(kFormat);
  {
    ObjectWriter f(o.out());
    f.String(kProvider, m.format.provider);
    f.StringMapField(kOptions, m.format.options);
    f.End();
  }
  o.String(kSchemaString, m.schema_string);
  o.StringList(kPartitionColumns, m.partition_columns);
  o.StringMapField(kConfiguration, m.configuration);
  o.OptInt(kCreatedTime, m.created_time);
}

void WriteProtocol(const Protocol& p, ObjectWriter& o) {
  o.Int(kMinReaderVersion, p.min_reader_version);
  o.Int(kMinWriterVersion, p.min_writer_version);
  if (p.reader_features) o.StringList(kReaderFeatures, *p.reader_features);
  if (p.writer_features) o.StringList(kWriterFeatures, *p.writer_features);
}

void WriteCommitInfo(const CommitInfo& c, ObjectWriter& o) {
  // PROTOCOL.md "In-Commit Timestamps": inCommitTimestamp must be the first field.
  o.OptInt(kInCommitTimestamp, c.in_commit_timestamp);
  o.OptInt(kTimestamp, c.timestamp);
  o.OptString(kOperation, c.operation);
  if (!c.operation_parameters.empty()) o.RawMapField("operationParameters", c.operation_parameters);
  o.OptInt("readVersion", c.read_version);
  o.OptString("isolationLevel", c.isolation_level);
  if (c.is_blind_append) o.Bool(kIsBlindAppend, *c.is_blind_append);
  if (!c.operation_metrics.empty()) o.RawMapField("operationMetrics", c.operation_metrics);
  o.OptString("engineInfo", c.engine_info);
  o.OptString("txnId", c.txn_id);
  for (const auto& [k, v] : c.custom) o.String(k, v);
}

void WriteTxn(const SetTransaction& t, ObjectWriter& o) {
  o.String(kAppId, t.app_id);
  o.Int(kVersion, t.version);
  o.OptInt(kLastUpdated, t.last_updated);
}

void WriteCdc(const AddCdcFile& c, ObjectWriter& o) {
  o.String(kPath, c.path);
  o.PartitionValuesField(c.partition_values);
  o.Int(kSize, c.size);
  o.Bool(kDataChange, c.data_change);
  if (!c.tags.empty()) o.StringMapField(kTags, c.tags);
}

void WriteDomainMetadata(const DomainMetadata& d, ObjectWriter& o) {
  o.String(kDomain, d.domain);
  o.String(kConfiguration, d.configuration);
  o.Bool(kRemoved, d.removed);
}

void WriteCheckpointMetadata(const CheckpointMetadata& c, ObjectWriter& o) {
  o.Int(kVersion, c.version);
  if (!c.tags.empty()) o.StringMapField(kTags, c.tags);
}

void WriteSidecar(const Sidecar& s, ObjectWriter& o) {
  o.String(kPath, s.path);
  o.Int(kSizeInBytes, s.size_in_bytes);
  o.Int(kModificationTime, s.modification_time);
  if (!s.tags.empty()) o.StringMapField(kTags, s.tags);
}

void AppendAction(const Action& action, std::string* out) {
  // A commitInfo given as whole JSON is written unchanged: it is free-form (PROTOCOL.md
  // "Commit Provenance Information").
  if (const auto* ci = std::get_if<CommitInfo>(&action); ci != nullptr && !ci->json.empty()) {
    out->append("{\"commitInfo\":");
    out->append(ci->json);
    out->push_back('}');
    return;
  }
  ObjectWriter line(out);
  line.Key(ActionName(action));
  ObjectWriter o(out);
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, Add>) {
          WriteAdd(a, o);
        } else if constexpr (std::is_same_v<T, Remove>) {
          WriteRemove(a, o);
        } else if constexpr (std::is_same_v<T, Metadata>) {
          WriteMetadata(a, o);
        } else if constexpr (std::is_same_v<T, Protocol>) {
          WriteProtocol(a, o);
        } else if constexpr (std::is_same_v<T, CommitInfo>) {
          WriteCommitInfo(a, o);
        } else if constexpr (std::is_same_v<T, SetTransaction>) {
          WriteTxn(a, o);
        } else if constexpr (std::is_same_v<T, AddCdcFile>) {
          WriteCdc(a, o);
        } else if constexpr (std::is_same_v<T, DomainMetadata>) {
          WriteDomainMetadata(a, o);
        } else if constexpr (std::is_same_v<T, CheckpointMetadata>) {
          WriteCheckpointMetadata(a, o);
        } else {
          static_assert(std::is_same_v<T, Sidecar>);
          WriteSidecar(a, o);
        }
      },
      action);
  o.End();
  line.End();
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  // RFC 8259 requires UTF-8: invalid bytes become U+FFFD so every line stays parseable.
  util::AppendJsonString(s, out, util::InvalidUtf8::kReplace);
}

std::string ActionToJson(const Action& action) {
  std::string out;
  out.reserve(256);
  AppendAction(action, &out);
  return out;
}

std::string ActionsToJson(const std::vector<Action>& actions) {
  std::string out;
  out.reserve(actions.size() * 256);
  for (const auto& a : actions) {
    AppendAction(a, &out);
    out.push_back('\n');
  }
  return out;
}

}  // namespace delta::protocol
