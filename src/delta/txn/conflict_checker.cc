#include "delta/txn/conflict_checker.h"

#include <fmt/format.h>

#include <type_traits>
#include <variant>

#include "delta/scan/file_skipping.h"
#include "delta/util/macros.h"

namespace delta::txn {

namespace p = protocol;

ConflictChecker::~ConflictChecker() = default;

Result<std::unique_ptr<ConflictChecker>> ConflictChecker::Make(TransactionSummary summary) {
  std::unique_ptr<ConflictChecker> c(new ConflictChecker());
  c->summary_ = std::move(summary);
  if (!c->summary_.read_snapshot) {
    return Status::InvalidArgument("conflict checking needs the snapshot the transaction read");
  }
  if (c->summary_.read_predicate) {
    auto skipping = scan::FileSkipping::Make(c->summary_.read_snapshot, c->summary_.read_predicate);
    // A predicate we cannot evaluate leaves whole_table_ set: every file counts as read.
    if (skipping.ok()) {
      c->skipping_ = std::move(*skipping);
      c->whole_table_ = false;
    }
  }
  return c;
}

bool ConflictChecker::MayHaveRead(const p::Add& file) const {
  if (whole_table_) return true;
  const auto& snap = *summary_.read_snapshot;
  if (!snap.partition_columns().empty()) {
    auto values = snap.PartitionValues(file);
    // Unparsable partition values: assume the file may have been read.
    if (values.ok() && !skipping_->PartitionMayMatch(*values)) return false;
  }
  auto may = skipping_->StatsMayMatch(file);
  return !may.ok() || *may;
}

const p::Add* ConflictChecker::FindReadFile(const std::string& path) const {
  if (!read_index_built_) {
    const auto& files = summary_.read_snapshot->files();
    read_index_.reserve(files.size());
    for (size_t i = 0; i < files.size(); ++i) read_index_.emplace(files[i].path, i);
    read_index_built_ = true;
  }
  auto it = read_index_.find(path);
  return it == read_index_.end() ? nullptr : &summary_.read_snapshot->files()[it->second];
}

Status ConflictChecker::Check(int64_t winning_version, const std::vector<p::Action>& winning_actions) const {
  auto conflict = [&](std::string rule) {
    return Status::CommitConflict(fmt::format("conflict with the concurrent commit of version {}: {}", winning_version, rule));
  };
  // The winner's own isBlindAppend decides whether its adds matter under WriteSerializable
  // (Spark: blind-append adds of the winner are only checked under Serializable, or when this
  // transaction changes the metadata; we also check them when it rewrites data, so that an
  // overwrite never silently misses a concurrent append). Absent commitInfo or flag: not blind.
  bool winner_blind = false;
  for (const auto& a : winning_actions) {
    if (const auto* ci = std::get_if<p::CommitInfo>(&a)) winner_blind = ci->is_blind_append.value_or(false);
  }
  const bool we_read = !summary_.blind_append;
  const bool check_appends =
      we_read && (summary_.isolation == IsolationLevel::kSerializable || !winner_blind || summary_.removes_data ||
                  summary_.metadata_changed);

  for (const auto& a : winning_actions) {
    if (std::holds_alternative<p::Protocol>(a)) return conflict("protocol changed");
    if (std::holds_alternative<p::Metadata>(a)) return conflict("metadata changed");
    if (const auto* t = std::get_if<p::SetTransaction>(&a)) {
      if (summary_.app_ids.count(t->app_id)) {
        return conflict(fmt::format("concurrent transaction for appId {}", t->app_id));
      }
    } else if (const auto* d = std::get_if<p::DomainMetadata>(&a)) {
      if (summary_.domains.count(d->domain)) {
        return conflict(fmt::format("concurrent change of domain metadata '{}'", d->domain));
      }
    } else if (const auto* add = std::get_if<p::Add>(&a)) {
      if (check_appends && add->data_change && MayHaveRead(*add)) {
        return conflict(fmt::format("concurrent append into a partition this transaction read (file {})", add->path));
      }
    } else if (const auto* rm = std::get_if<p::Remove>(&a)) {
      // Delete-delete: whatever dataChange says, the file can be removed only once.
      if (summary_.removed_paths.count(rm->path)) {
        return conflict(fmt::format("concurrent delete of a file this transaction removes ({})", rm->path));
      }
      if (we_read && rm->data_change) {
        // Delete-read: judge the file by the add this transaction saw; when the path is not found
        // (another writer may spell it differently) fall back to the remove's own metadata.
        const p::Add* seen = FindReadFile(rm->path);
        bool read;
        if (seen != nullptr) {
          read = MayHaveRead(*seen);
        } else if (rm->extended_file_metadata || !rm->partition_values.empty() || !rm->stats.empty()) {
          p::Add probe;
          probe.path = rm->path;
          probe.partition_values = rm->partition_values;
          probe.stats = rm->stats;
          read = MayHaveRead(probe);
        } else {
          read = true;  // nothing to judge it by: assume it was read
        }
        if (read) {
          return conflict(fmt::format("concurrent delete of a file this transaction read ({})", rm->path));
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace delta::txn
