// JSON commit parsing with simdjson's DOM API, one line at a time: the whole file is copied once
// into a padded buffer, and every line is parsed in place (simdjson only needs the padding to be
// readable, which the rest of the buffer is).
#include "delta/protocol/actions.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cstring>

#include "delta/protocol/json_names.h"
#include "delta/util/macros.h"

namespace delta::protocol {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// Error context for one line of one file.
struct LineContext {
  std::string_view file;
  int64_t line;
  std::string_view action;
  Status Error(std::string_view what) const {
    return Status::CorruptData(fmt::format("invalid {} action at line {} of {}: {}", action, line, file, what));
  }
};

bool IsNull(const element& e) { return e.type() == element_type::NULL_VALUE; }

Result<std::string> GetString(const object& obj, std::string_view key, const LineContext& ctx) {
  element e;
  if (obj[key].get(e) != simdjson::SUCCESS || IsNull(e)) return ctx.Error(fmt::format("missing field '{}'", key));
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return ctx.Error(fmt::format("field '{}' is not a string", key));
  return std::string(s);
}

Result<std::optional<std::string>> GetOptString(const object& obj, std::string_view key, const LineContext& ctx) {
  element e;
  if (obj[key].get(e) != simdjson::SUCCESS || IsNull(e)) return std::optional<std::string>();
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return ctx.Error(fmt::format("field '{}' is not a string", key));
  return std::optional<std::string>(std::string(s));
}

// Integers may be written as JSON integers (the norm) or, by some writers, as floats with no
// fractional part; both are accepted.
Result<std::optional<int64_t>> GetOptInt(const object& obj, std::string_view key, const LineContext& ctx) {
  element e;
  if (obj[key].get(e) != simdjson::SUCCESS || IsNull(e)) return std::optional<int64_t>();
  int64_t v;
  if (e.get_int64().get(v) == simdjson::SUCCESS) return std::optional<int64_t>(v);
  uint64_t u;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) {
    return ctx.Error(fmt::format("field '{}' is out of the int64 range", key));
  }
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS && d == static_cast<double>(static_cast<int64_t>(d))) {
    return std::optional<int64_t>(static_cast<int64_t>(d));
  }
  return ctx.Error(fmt::format("field '{}' is not an integer", key));
}

Result<int64_t> GetInt(const object& obj, std::string_view key, const LineContext& ctx) {
  DELTA_ASSIGN_OR_RAISE(auto v, GetOptInt(obj, key, ctx));
  if (!v) return ctx.Error(fmt::format("missing field '{}'", key));
  return *v;
}

Result<std::optional<bool>> GetOptBool(const object& obj, std::string_view key, const LineContext& ctx) {
  element e;
  if (obj[key].get(e) != simdjson::SUCCESS || IsNull(e)) return std::optional<bool>();
  bool b;
  if (e.get_bool().get(b) != simdjson::SUCCESS) return ctx.Error(fmt::format("field '{}' is not a boolean", key));
  return std::optional<bool>(b);
}

// A JSON object of string values (tags, configuration, format options). Non-string values are
// kept as their JSON text: some writers put numbers in configuration maps.
Result<StringMap> GetStringMap(const object& obj, std::string_view key, const LineContext& ctx) {
  StringMap out;
  element e;
  if (obj[key].get(e) != simdjson::SUCCESS || IsNull(e)) return out;
  object m;
  if (e.get_object().get(m) != simdjson::SUCCESS) return ctx.Error(fmt::format("field '{}' is not an object", key));
  for (auto field : m) {
    std::string_view s;
    if (IsNull(field.value)) continue;
    if (field.value.get_string().get(s) == simdjson::SUCCESS) {
      out.emplace(std::string(field.key), std::string(s));
    } else {
      out.emplace(std::string(field.key), simdjson::minify(field.value));
    }
  }
  return out;
}

Result<PartitionValues> GetPartitionValues(const object& obj, const LineContext& ctx, bool required) {
  PartitionValues out;
  element e;
  if (obj[kPartitionValues].get(e) != simdjson::SUCCESS || IsNull(e)) {
    if (required) return ctx.Error("missing field 'partitionValues'");
    return out;
  }
  object m;
  if (e.get_object().get(m) != simdjson::SUCCESS) return ctx.Error("field 'partitionValues' is not an object");
  for (auto field : m) {
    if (IsNull(field.value)) {
      out.emplace_back(std::string(field.key), std::nullopt);
      continue;
    }
    std::string_view s;
    if (field.value.get_string().get(s) == simdjson::SUCCESS) {
      out.emplace_back(std::string(field.key), std::string(s));
    } else {
      // Non-string partition values are a writer bug seen in the wild (numbers); keep their text.
      out.emplace_back(std::string(field.key), simdjson::minify(field.value));
    }
  }
  return out;
}

Result<std::optional<std::vector<std::string>>> GetOptStringList(const object& obj, std::string_view key,
                                                                  const LineContext& ctx) {
  element e;
  if (obj[key].get(e) != simdjson::SUCCESS || IsNull(e)) return std::optional<std::vector<std::string>>();
  simdjson::dom::array arr;
  if (e.get_array().get(arr) != simdjson::SUCCESS) return ctx.Error(fmt::format("field '{}' is not an array", key));
  std::vector<std::string> out;
  for (auto item : arr) {
    std::string_view s;
    if (item.get_string().get(s) != simdjson::SUCCESS) {
      return ctx.Error(fmt::format("field '{}' has a non-string element", key));
    }
    out.emplace_back(s);
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<dv::DeletionVectorDescriptor>> GetDeletionVector(const object& obj, const LineContext& ctx) {
  element e;
  if (obj[kDeletionVector].get(e) != simdjson::SUCCESS || IsNull(e)) {
    return std::optional<dv::DeletionVectorDescriptor>();
  }
  object d;
  if (e.get_object().get(d) != simdjson::SUCCESS) return ctx.Error("field 'deletionVector' is not an object");
  LineContext dctx{ctx.file, ctx.line, "deletionVector of an"};
  dv::DeletionVectorDescriptor out;
  DELTA_ASSIGN_OR_RAISE(out.storage_type, GetString(d, kStorageType, dctx));
  DELTA_ASSIGN_OR_RAISE(out.path_or_inline_dv, GetString(d, kPathOrInlineDv, dctx));
  DELTA_ASSIGN_OR_RAISE(auto offset, GetOptInt(d, kOffset, dctx));
  if (offset) {
    if (*offset < 0 || *offset > INT32_MAX) return dctx.Error("offset out of range");
    out.offset = static_cast<int32_t>(*offset);
  }
  DELTA_ASSIGN_OR_RAISE(auto size, GetInt(d, kSizeInBytes, dctx));
  if (size < 0 || size > INT32_MAX) return dctx.Error("sizeInBytes out of range");
  out.size_in_bytes = static_cast<int32_t>(size);
  DELTA_ASSIGN_OR_RAISE(out.cardinality, GetInt(d, kCardinality, dctx));
  DELTA_ASSIGN_OR_RAISE(out.max_row_index, GetOptInt(d, kMaxRowIndex, dctx));
  if (out.cardinality < 0) return dctx.Error("negative cardinality");
  return std::optional<dv::DeletionVectorDescriptor>(std::move(out));
}

Result<std::string> GetStats(const object& obj, const ParseOptions& options, const LineContext& ctx) {
  if (!options.keep_stats) return std::string();
  DELTA_ASSIGN_OR_RAISE(auto s, GetOptString(obj, kStats, ctx));
  return s ? std::move(*s) : std::string();
}

Result<Action> ParseAdd(const object& o, const ParseOptions& options, const LineContext& ctx) {
  Add a;
  DELTA_ASSIGN_OR_RAISE(a.path, GetString(o, kPath, ctx));
  if (a.path.empty()) return ctx.Error("empty path");
  DELTA_ASSIGN_OR_RAISE(a.partition_values, GetPartitionValues(o, ctx, /*required=*/false));
  DELTA_ASSIGN_OR_RAISE(auto size, GetOptInt(o, kSize, ctx));
  a.size = size.value_or(0);
  DELTA_ASSIGN_OR_RAISE(auto mtime, GetOptInt(o, kModificationTime, ctx));
  a.modification_time = mtime.value_or(0);
  DELTA_ASSIGN_OR_RAISE(auto dc, GetOptBool(o, kDataChange, ctx));
  a.data_change = dc.value_or(true);
  DELTA_ASSIGN_OR_RAISE(a.stats, GetStats(o, options, ctx));
  DELTA_ASSIGN_OR_RAISE(a.tags, GetStringMap(o, kTags, ctx));
  DELTA_ASSIGN_OR_RAISE(a.deletion_vector, GetDeletionVector(o, ctx));
  DELTA_ASSIGN_OR_RAISE(a.base_row_id, GetOptInt(o, kBaseRowId, ctx));
  DELTA_ASSIGN_OR_RAISE(a.default_row_commit_version, GetOptInt(o, kDefaultRowCommitVersion, ctx));
  DELTA_ASSIGN_OR_RAISE(a.clustering_provider, GetOptString(o, kClusteringProvider, ctx));
  return Action(std::move(a));
}

Result<Action> ParseRemove(const object& o, const ParseOptions& options, const LineContext& ctx) {
  Remove r;
  DELTA_ASSIGN_OR_RAISE(r.path, GetString(o, kPath, ctx));
  if (r.path.empty()) return ctx.Error("empty path");
  DELTA_ASSIGN_OR_RAISE(r.deletion_timestamp, GetOptInt(o, kDeletionTimestamp, ctx));
  DELTA_ASSIGN_OR_RAISE(auto dc, GetOptBool(o, kDataChange, ctx));
  r.data_change = dc.value_or(true);
  DELTA_ASSIGN_OR_RAISE(auto ext, GetOptBool(o, kExtendedFileMetadata, ctx));
  r.extended_file_metadata = ext.value_or(false);
  DELTA_ASSIGN_OR_RAISE(r.partition_values, GetPartitionValues(o, ctx, /*required=*/false));
  DELTA_ASSIGN_OR_RAISE(r.size, GetOptInt(o, kSize, ctx));
  DELTA_ASSIGN_OR_RAISE(r.stats, GetStats(o, options, ctx));
  DELTA_ASSIGN_OR_RAISE(r.tags, GetStringMap(o, kTags, ctx));
  DELTA_ASSIGN_OR_RAISE(r.deletion_vector, GetDeletionVector(o, ctx));
  DELTA_ASSIGN_OR_RAISE(r.base_row_id, GetOptInt(o, kBaseRowId, ctx));
  DELTA_ASSIGN_OR_RAISE(r.default_row_commit_version, GetOptInt(o, kDefaultRowCommitVersion, ctx));
  return Action(std::move(r));
}

Result<Action> ParseMetadata(const object& o, const LineContext& ctx) {
  Metadata m;
  DELTA_ASSIGN_OR_RAISE(auto id, GetOptString(o, kId, ctx));
  m.id = id.value_or("");
  DELTA_ASSIGN_OR_RAISE(m.name, GetOptString(o, kName, ctx));
  DELTA_ASSIGN_OR_RAISE(m.description, GetOptString(o, kDescription, ctx));
  element fe;
  if (o[kFormat].get(fe) == simdjson::SUCCESS && !IsNull(fe)) {
    object f;
    if (fe.get_object().get(f) != simdjson::SUCCESS) return ctx.Error("field 'format' is not an object");
    DELTA_ASSIGN_OR_RAISE(auto provider, GetOptString(f, kProvider, ctx));
    if (provider) m.format.provider = *provider;
    DELTA_ASSIGN_OR_RAISE(m.format.options, GetStringMap(f, kOptions, ctx));
  }
  DELTA_ASSIGN_OR_RAISE(auto schema, GetOptString(o, kSchemaString, ctx));
  m.schema_string = schema.value_or("");
  DELTA_ASSIGN_OR_RAISE(auto pcols, GetOptStringList(o, kPartitionColumns, ctx));
  if (pcols) m.partition_columns = std::move(*pcols);
  DELTA_ASSIGN_OR_RAISE(m.created_time, GetOptInt(o, kCreatedTime, ctx));
  DELTA_ASSIGN_OR_RAISE(m.configuration, GetStringMap(o, kConfiguration, ctx));
  return Action(std::move(m));
}

Result<Action> ParseProtocol(const object& o, const LineContext& ctx) {
  Protocol p;
  DELTA_ASSIGN_OR_RAISE(auto r, GetInt(o, kMinReaderVersion, ctx));
  DELTA_ASSIGN_OR_RAISE(auto w, GetInt(o, kMinWriterVersion, ctx));
  if (r < 0 || r > INT32_MAX || w < 0 || w > INT32_MAX) return ctx.Error("version out of range");
  p.min_reader_version = static_cast<int32_t>(r);
  p.min_writer_version = static_cast<int32_t>(w);
  DELTA_ASSIGN_OR_RAISE(p.reader_features, GetOptStringList(o, kReaderFeatures, ctx));
  DELTA_ASSIGN_OR_RAISE(p.writer_features, GetOptStringList(o, kWriterFeatures, ctx));
  return Action(std::move(p));
}

Result<Action> ParseCommitInfo(const object& o, const LineContext& ctx) {
  CommitInfo c;
  c.json = simdjson::minify(o);
  // commitInfo is free-form: a field of an unexpected type is ignored rather than fatal.
  auto ts = GetOptInt(o, kTimestamp, ctx);
  if (ts.ok()) c.timestamp = *ts;
  auto ict = GetOptInt(o, kInCommitTimestamp, ctx);
  if (ict.ok()) c.in_commit_timestamp = *ict;
  auto op = GetOptString(o, kOperation, ctx);
  if (op.ok()) c.operation = *op;
  auto blind = GetOptBool(o, kIsBlindAppend, ctx);
  if (blind.ok()) c.is_blind_append = *blind;
  return Action(std::move(c));
}

Result<Action> ParseTxn(const object& o, const LineContext& ctx) {
  SetTransaction t;
  DELTA_ASSIGN_OR_RAISE(t.app_id, GetString(o, kAppId, ctx));
  DELTA_ASSIGN_OR_RAISE(t.version, GetInt(o, kVersion, ctx));
  DELTA_ASSIGN_OR_RAISE(t.last_updated, GetOptInt(o, kLastUpdated, ctx));
  return Action(std::move(t));
}

Result<Action> ParseCdc(const object& o, const LineContext& ctx) {
  AddCdcFile c;
  DELTA_ASSIGN_OR_RAISE(c.path, GetString(o, kPath, ctx));
  DELTA_ASSIGN_OR_RAISE(c.partition_values, GetPartitionValues(o, ctx, /*required=*/false));
  DELTA_ASSIGN_OR_RAISE(auto size, GetOptInt(o, kSize, ctx));
  c.size = size.value_or(0);
  DELTA_ASSIGN_OR_RAISE(auto dc, GetOptBool(o, kDataChange, ctx));
  c.data_change = dc.value_or(false);
  DELTA_ASSIGN_OR_RAISE(c.tags, GetStringMap(o, kTags, ctx));
  return Action(std::move(c));
}

Result<Action> ParseDomainMetadata(const object& o, const LineContext& ctx) {
  DomainMetadata d;
  DELTA_ASSIGN_OR_RAISE(d.domain, GetString(o, kDomain, ctx));
  DELTA_ASSIGN_OR_RAISE(auto conf, GetOptString(o, kConfiguration, ctx));
  d.configuration = conf.value_or("");
  DELTA_ASSIGN_OR_RAISE(auto removed, GetOptBool(o, kRemoved, ctx));
  d.removed = removed.value_or(false);
  return Action(std::move(d));
}

Result<Action> ParseCheckpointMetadata(const object& o, const LineContext& ctx) {
  CheckpointMetadata c;
  DELTA_ASSIGN_OR_RAISE(c.version, GetInt(o, kVersion, ctx));
  DELTA_ASSIGN_OR_RAISE(c.tags, GetStringMap(o, kTags, ctx));
  return Action(std::move(c));
}

Result<Action> ParseSidecar(const object& o, const LineContext& ctx) {
  Sidecar s;
  DELTA_ASSIGN_OR_RAISE(s.path, GetString(o, kPath, ctx));
  DELTA_ASSIGN_OR_RAISE(auto size, GetOptInt(o, kSizeInBytes, ctx));
  s.size_in_bytes = size.value_or(0);
  DELTA_ASSIGN_OR_RAISE(auto mtime, GetOptInt(o, kModificationTime, ctx));
  s.modification_time = mtime.value_or(0);
  DELTA_ASSIGN_OR_RAISE(s.tags, GetStringMap(o, kTags, ctx));
  return Action(std::move(s));
}

// Dispatches one action object. Returns std::nullopt for unknown action kinds (ignored, PROTOCOL.md
// "Actions": readers must ignore unknown actions... as long as the protocol permits them).
Result<std::optional<Action>> ParseActionObject(const object& line_obj, const ParseOptions& options,
                                                std::string_view file, int64_t line) {
  for (auto field : line_obj) {
    std::string_view kind = field.key;
    element value = field.value;
    if (IsNull(value)) continue;
    object o;
    auto get_obj = [&](std::string_view name) -> Status {
      if (value.get_object().get(o) != simdjson::SUCCESS) {
        return Status::CorruptData(fmt::format("invalid {} action at line {} of {}: not a JSON object", name, line, file));
      }
      return Status::OK();
    };
    LineContext ctx{file, line, kind};
    Result<Action> parsed = Status::Internal("unset");
    if (kind == kAdd) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseAdd(o, options, ctx);
    } else if (kind == kRemove) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseRemove(o, options, ctx);
    } else if (kind == kMetaData) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseMetadata(o, ctx);
    } else if (kind == kProtocol) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseProtocol(o, ctx);
    } else if (kind == kCommitInfo) {
      if (value.get_object().get(o) != simdjson::SUCCESS) continue;  // free-form; tolerate
      parsed = ParseCommitInfo(o, ctx);
    } else if (kind == kTxn) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseTxn(o, ctx);
    } else if (kind == kCdc) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseCdc(o, ctx);
    } else if (kind == kDomainMetadata) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseDomainMetadata(o, ctx);
    } else if (kind == kCheckpointMetadata) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseCheckpointMetadata(o, ctx);
    } else if (kind == kSidecar) {
      DELTA_RETURN_NOT_OK(get_obj(kind));
      parsed = ParseSidecar(o, ctx);
    } else {
      continue;  // unknown action kind
    }
    if (!parsed.ok()) return parsed.status();
    return std::optional<Action>(std::move(*parsed));
  }
  return std::optional<Action>();
}

}  // namespace

std::optional<int64_t> Add::NumLiveRecords() const {
  // Only the top-level numRecords is needed: find it without parsing the (possibly large) stats
  // document. Keys are matched at nesting depth 1 only, so a data column called "numRecords"
  // inside minValues / maxValues / nullCount is not mistaken for it.
  static constexpr std::string_view kKey = "\"numRecords\"";
  const size_t n = stats.size();
  int depth = 0;
  size_t pos = 0;
  while (pos < n) {
    char c = stats[pos];
    if (c == '"') {
      size_t begin = pos;
      ++pos;
      while (pos < n && stats[pos] != '"') pos += stats[pos] == '\\' ? 2 : 1;
      if (pos >= n) return std::nullopt;  // unterminated string
      ++pos;
      if (depth != 1 || std::string_view(stats).substr(begin, pos - begin) != kKey) continue;
      size_t q = pos;
      while (q < n && (stats[q] == ' ' || stats[q] == '\t' || stats[q] == '\n' || stats[q] == '\r')) ++q;
      if (q >= n || stats[q] != ':') continue;  // a string value, not a key
      ++q;
      while (q < n && (stats[q] == ' ' || stats[q] == '\t' || stats[q] == '\n' || stats[q] == '\r')) ++q;
      bool any = false;
      int64_t v = 0;
      while (q < n && stats[q] >= '0' && stats[q] <= '9') {
        if (v > (INT64_MAX - 9) / 10) return std::nullopt;
        v = v * 10 + (stats[q] - '0');
        any = true;
        ++q;
      }
      if (!any) return std::nullopt;
      if (deletion_vector) v -= deletion_vector->cardinality;
      return v;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ++pos;
  }
  return std::nullopt;
}

Result<std::vector<Action>> ParseJsonActions(std::string_view content, std::string_view file,
                                             const ParseOptions& options) {
  std::vector<Action> actions;
  simdjson::padded_string padded(content);
  simdjson::dom::parser parser;
  const char* base = padded.data();
  size_t n = padded.size();
  size_t pos = 0;
  int64_t line = 0;
  while (pos < n) {
    ++line;
    const char* nl = static_cast<const char*>(std::memchr(base + pos, '\n', n - pos));
    size_t end = nl ? static_cast<size_t>(nl - base) : n;
    size_t b = pos, e = end;
    while (b < e && (base[b] == ' ' || base[b] == '\t' || base[b] == '\r')) ++b;
    while (e > b && (base[e - 1] == ' ' || base[e - 1] == '\t' || base[e - 1] == '\r')) --e;
    pos = end + 1;
    if (b == e) continue;
    element doc;
    auto err = parser.parse(base + b, e - b, /*realloc_if_needed=*/false).get(doc);
    if (err != simdjson::SUCCESS) {
      return Status::CorruptData(
          fmt::format("invalid JSON at line {} of {}: {}", line, file, simdjson::error_message(err)));
    }
    object obj;
    if (doc.get_object().get(obj) != simdjson::SUCCESS) {
      return Status::CorruptData(fmt::format("line {} of {} is not a JSON object", line, file));
    }
    DELTA_ASSIGN_OR_RAISE(auto action, ParseActionObject(obj, options, file, line));
    if (action) actions.push_back(std::move(*action));
  }
  return actions;
}

std::string_view ActionName(const Action& action) {
  static constexpr std::string_view kNames[] = {kAdd,       kRemove,         kMetaData,           kProtocol, kCommitInfo,
                                                kTxn,       kCdc,            kDomainMetadata,     kCheckpointMetadata,
                                                kSidecar};
  return kNames[action.index()];
}

}  // namespace delta::protocol
