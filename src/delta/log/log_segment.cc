#include "delta/log/log_segment.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <map>

#include "delta/util/macros.h"

namespace delta::log {
namespace {

constexpr size_t kVersionDigits = 20;

bool ParseDigits(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 20) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    if (v > (INT64_MAX - (c - '0')) / 10) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

std::string_view BaseName(std::string_view key) {
  size_t slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

}  // namespace

std::string_view LogFile::file_name() const { return BaseName(meta.key); }

std::string CommitFileName(int64_t version) { return fmt::format("{:020d}.json", version); }

std::optional<LogFile> ParseLogFileName(std::string_view name, const storage::ObjectMeta& meta) {
  // PROTOCOL.md: every log file name starts with the zero-padded 20-digit version.
  if (name.size() < kVersionDigits + 2) return std::nullopt;
  LogFile f;
  f.meta = meta;
  if (!ParseDigits(name.substr(0, kVersionDigits), &f.version)) return std::nullopt;
  std::string_view rest = name.substr(kVersionDigits);
  if (rest == ".json") {
    f.type = LogFileType::kCommit;
    return f;
  }
  if (rest == ".crc") {
    f.type = LogFileType::kChecksum;
    return f;
  }
  if (rest == ".checkpoint.parquet") {
    f.type = LogFileType::kClassicCheckpoint;
    return f;
  }
  if (StartsWith(rest, ".checkpoint.")) {
    std::string_view mid = rest.substr(12);
    // Multi-part: <part:10 digits>.<parts:10 digits>.parquet
    if (mid.size() == 10 + 1 + 10 + 8 && mid[10] == '.' && EndsWith(mid, ".parquet")) {
      int64_t part = 0, parts = 0;
      if (ParseDigits(mid.substr(0, 10), &part) && ParseDigits(mid.substr(11, 10), &parts)) {
        if (part < 1 || parts < 1 || part > parts || parts > INT32_MAX) return std::nullopt;
        f.type = LogFileType::kMultiPartCheckpoint;
        f.part = static_cast<int32_t>(part);
        f.num_parts = static_cast<int32_t>(parts);
        return f;
      }
    }
    // V2: <uuid>.json | <uuid>.parquet
    bool json = EndsWith(mid, ".json");
    bool parquet = EndsWith(mid, ".parquet");
    if (json || parquet) {
      std::string_view uuid = mid.substr(0, mid.size() - (json ? 5 : 8));
      if (!uuid.empty() && uuid.find('.') == std::string_view::npos) {
        f.type = LogFileType::kV2Checkpoint;
        f.is_json = json;
        return f;
      }
    }
    return std::nullopt;
  }
  // Compaction: <v1>.<v2>.compacted.json
  if (rest.size() == 1 + kVersionDigits + 15 && rest[0] == '.' && EndsWith(rest, ".compacted.json")) {
    if (!ParseDigits(rest.substr(1, kVersionDigits), &f.end_version)) return std::nullopt;
    if (f.end_version < f.version) return std::nullopt;
    f.type = LogFileType::kCompaction;
    return f;
  }
  return std::nullopt;
}

std::optional<LastCheckpointHint> ReadLastCheckpointHint(const storage::Location& log_root) {
  auto buf = log_root.store->Get(log_root.Child("_last_checkpoint").key);
  if (!buf.ok()) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto data = reinterpret_cast<const char*>((*buf)->data());
  if (parser.parse(data, static_cast<size_t>((*buf)->size()), true).get(doc) != simdjson::SUCCESS) return std::nullopt;
  LastCheckpointHint hint;
  if (doc["version"].get_int64().get(hint.version) != simdjson::SUCCESS || hint.version < 0) return std::nullopt;
  int64_t v;
  if (doc["size"].get_int64().get(v) == simdjson::SUCCESS) hint.size = v;
  if (doc["parts"].get_int64().get(v) == simdjson::SUCCESS) hint.parts = v;
  return hint;
}

int64_t LogSegment::VersionFileModificationTime() const {
  if (!commits.empty()) return commits.back().meta.last_modified_ms;
  if (!checkpoint_parts.empty()) return checkpoint_parts.front().meta.last_modified_ms;
  return 0;
}

namespace {

struct Listing {
  std::map<int64_t, LogFile> commits;
  // Checkpoints by version: candidate groups, each complete or not.
  struct Group {
    std::vector<LogFile> files;
    bool complete = false;
  };
  std::map<int64_t, std::vector<Group>> checkpoints;
  std::map<int64_t, LogFile> checksums;
  int64_t max_version = -1;
};

Result<Listing> ListLog(const storage::Location& log_root, std::string_view start_after) {
  std::string prefix = log_root.key.empty() ? std::string() : log_root.key + "/";
  DELTA_ASSIGN_OR_RAISE(auto metas, log_root.store->List(prefix, start_after));
  Listing l;
  std::map<std::pair<int64_t, int32_t>, std::vector<LogFile>> multipart;
  for (const auto& m : metas) {
    std::string_view rel = std::string_view(m.key).substr(prefix.size());
    if (rel.find('/') != std::string_view::npos) continue;  // _sidecars/, _staged_commits/, ...
    auto f = ParseLogFileName(rel, m);
    if (!f) continue;
    switch (f->type) {
      case LogFileType::kCommit:
        l.commits.emplace(f->version, *f);
        l.max_version = std::max(l.max_version, f->version);
        break;
      case LogFileType::kClassicCheckpoint:
      case LogFileType::kV2Checkpoint:
        l.checkpoints[f->version].push_back(Listing::Group{{*f}, true});
        l.max_version = std::max(l.max_version, f->version);
        break;
      case LogFileType::kMultiPartCheckpoint:
        multipart[{f->version, f->num_parts}].push_back(*f);
        break;
      case LogFileType::kChecksum:
        l.checksums.emplace(f->version, *f);
        break;
      case LogFileType::kCompaction:
        break;  // optional optimisation (PROTOCOL.md "Log Compaction Files"); commits suffice
    }
  }
  for (auto& [key, files] : multipart) {
    std::sort(files.begin(), files.end(), [](const LogFile& a, const LogFile& b) { return a.part < b.part; });
    files.erase(std::unique(files.begin(), files.end(), [](const LogFile& a, const LogFile& b) { return a.part == b.part; }),
                files.end());
    bool complete = static_cast<int64_t>(files.size()) == key.second;
    if (complete) l.max_version = std::max(l.max_version, key.first);
    l.checkpoints[key.first].push_back(Listing::Group{std::move(files), complete});
  }
  // Prefer, at one version, a complete classic/v2 checkpoint, then a complete multi-part one.
  for (auto& [v, groups] : l.checkpoints) {
    std::stable_sort(groups.begin(), groups.end(), [](const Listing::Group& a, const Listing::Group& b) {
      return a.complete > b.complete;
    });
  }
  return l;
}

Result<LogSegment> SegmentFromListing(const storage::Location& table_root, const storage::Location& log_root,
                                      const Listing& l, std::optional<int64_t> version) {
  if (l.max_version < 0) {
    return Status::NotFound(fmt::format("no Delta table at {}: _delta_log has no commit or checkpoint", table_root.uri()));
  }
  if (version && *version > l.max_version) {
    return Status::NotFound(fmt::format("version {} of {} does not exist (latest version is {})", *version,
                                        table_root.uri(), l.max_version));
  }
  if (version && *version < 0) return Status::InvalidArgument(fmt::format("invalid version {}", *version));
  int64_t target = version.value_or(l.max_version);
  LogSegment seg;
  seg.log_root = log_root;
  seg.version = target;
  seg.latest_version = l.max_version;
  // Newest complete checkpoint at or before the target.
  for (auto it = l.checkpoints.upper_bound(target); it != l.checkpoints.begin();) {
    --it;
    const auto& groups = it->second;
    if (!groups.empty() && groups.front().complete) {
      seg.checkpoint_version = it->first;
      seg.checkpoint_parts = groups.front().files;
      break;
    }
    if (it->first == target && l.commits.find(target) == l.commits.end()) {
      const auto& g = groups.front();
      return Status::CorruptData(fmt::format("checkpoint of version {} in {} is incomplete: {} of {} parts present",
                                             target, log_root.uri(), g.files.size(), g.files.front().num_parts));
    }
  }
  int64_t first = seg.checkpoint_version ? *seg.checkpoint_version + 1 : 0;
  for (int64_t v = first; v <= target; ++v) {
    auto it = l.commits.find(v);
    if (it == l.commits.end()) {
      if (v == 0 || (!seg.checkpoint_version && v == first)) {
        return Status::CorruptData(fmt::format(
            "cannot reconstruct version {} of {}: commit {} is missing and no checkpoint at or before version {}",
            target, table_root.uri(), CommitFileName(v), target));
      }
      return Status::CorruptData(fmt::format("cannot reconstruct version {} of {}: commit {} is missing (version gap in {})",
                                             target, table_root.uri(), CommitFileName(v), log_root.uri()));
    }
    seg.commits.push_back(it->second);
  }
  auto crc = l.checksums.find(target);
  if (crc != l.checksums.end()) seg.checksum = crc->second;
  return seg;
}

}  // namespace

Result<LogSegment> BuildLogSegment(const storage::Location& table_root, std::optional<int64_t> version) {
  storage::Location log_root = table_root.Child("_delta_log");
  std::optional<LastCheckpointHint> hint = ReadLastCheckpointHint(log_root);
  if (hint && (!version || *version >= hint->version)) {
    // List only from the hinted checkpoint on; fall back to a full listing when the hint is
    // stale (its checkpoint is missing or incomplete) or does not lead to a usable segment.
    std::string start_after = log_root.Child(fmt::format("{:020d}", hint->version)).key;
    auto partial = ListLog(log_root, start_after);
    if (partial.ok()) {
      auto it = partial->checkpoints.find(hint->version);
      if (it != partial->checkpoints.end() && !it->second.empty() && it->second.front().complete) {
        auto seg = SegmentFromListing(table_root, log_root, *partial, version);
        if (seg.ok()) return seg;
      }
    }
  }
  DELTA_ASSIGN_OR_RAISE(auto listing, ListLog(log_root, {}));
  if (listing.max_version < 0) {
    // Distinguish "not a table" from "empty log" for the message.
    auto head = table_root.store->List(log_root.key + "/");
    if (head.ok() && head->empty()) {
      return Status::NotFound(fmt::format("no Delta table at {}: no _delta_log directory or it is empty", table_root.uri()));
    }
  }
  return SegmentFromListing(table_root, log_root, listing, version);
}

Result<std::vector<LogFile>> ListCommitsAfter(const storage::Location& log_root, int64_t after_version) {
  std::string start_after = log_root.Child(fmt::format("{:020d}.json", after_version)).key;
  DELTA_ASSIGN_OR_RAISE(auto listing, ListLog(log_root, start_after));
  std::vector<LogFile> out;
  int64_t expect = after_version + 1;
  for (const auto& [v, f] : listing.commits) {
    if (v <= after_version) continue;
    if (v != expect) {
      return Status::CorruptData(fmt::format("version gap in {}: commit {} is missing", log_root.uri(), CommitFileName(expect)));
    }
    out.push_back(f);
    ++expect;
  }
  return out;
}

Result<std::vector<LogFile>> ListAllCommits(const storage::Location& log_root) {
  DELTA_ASSIGN_OR_RAISE(auto listing, ListLog(log_root, {}));
  std::vector<LogFile> out;
  for (const auto& [v, f] : listing.commits) out.push_back(f);
  return out;
}

}  // namespace delta::log
