#include "delta/scan/file_skipping.h"

#include <fmt/format.h>

#include <cctype>

#include "delta/expr/bind.h"
#include "delta/expr/data_skipping.h"
#include "delta/expr/stats.h"
#include "delta/schema/column_mapping.h"
#include "delta/util/macros.h"

namespace delta::scan {

namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

// The physical path of a logical column path; nullopt when a level is not found (binding will
// then report the unknown column against the logical schema anyway).
std::optional<std::vector<std::string>> PhysicalPath(const columnar::Schema& logical, const std::vector<std::string>& path) {
  std::vector<std::string> out;
  const std::vector<columnar::FieldPtr>* fields = &logical.fields();
  for (const auto& name : path) {
    const columnar::Field* hit = nullptr;
    for (const auto& f : *fields) {
      if (f->name == name) {
        hit = f.get();
        break;
      }
    }
    if (!hit) {
      for (const auto& f : *fields) {
        if (EqualsIgnoreCase(f->name, name)) {
          hit = f.get();
          break;
        }
      }
    }
    if (!hit) return std::nullopt;
    out.push_back(schema::PhysicalName(*hit).value_or(hit->name));
    fields = &hit->type->children();
  }
  return out;
}

Result<expr::ExprPtr> ToPhysical(const expr::ExprPtr& e, const columnar::Schema& logical) {
  using expr::ExprKind;
  switch (e->kind()) {
    case ExprKind::kLiteral:
      return e;
    case ExprKind::kColumn: {
      auto p = PhysicalPath(logical, e->path());
      if (!p) return Status::InvalidArgument(fmt::format("unknown column '{}'", expr::PathToSql(e->path())));
      return expr::ColPath(std::move(*p));
    }
    default: {
      std::vector<expr::ExprPtr> children;
      for (const auto& c : e->children()) {
        DELTA_ASSIGN_OR_RAISE(auto pc, ToPhysical(c, logical));
        children.push_back(std::move(pc));
      }
      if (e->kind() == ExprKind::kComparison) {
        return expr::Expression::MakeComparison(e->op(), children[0], children[1]);
      }
      return expr::Expression::MakeNode(e->kind(), std::move(children));
    }
  }
}

}  // namespace

Result<expr::FileStats> ParseFileStats(const table::Snapshot& snapshot, const protocol::Add& file) {
  DELTA_ASSIGN_OR_RAISE(auto physical, schema::PhysicalSchema(*snapshot.schema(), snapshot.column_mapping_mode()));
  if (file.stats.empty()) return expr::FileStats{};
  auto stats = expr::ParseStatsJson(file.stats, *physical);
  if (!stats.ok()) return stats.status().WithContext(fmt::format("statistics of {}", file.path));
  return stats;
}

Result<std::unique_ptr<FileSkipping>> FileSkipping::Make(const table::SnapshotPtr& snapshot,
                                                        const expr::ExprPtr& predicate) {
  std::unique_ptr<FileSkipping> s(new FileSkipping());
  const columnar::Schema& logical = *snapshot->schema();
  DELTA_ASSIGN_OR_RAISE(s->partition_bound_, expr::Bind(predicate, logical));
  auto mode = snapshot->column_mapping_mode();
  DELTA_ASSIGN_OR_RAISE(s->stats_schema_, schema::PhysicalSchema(logical, mode));
  if (mode == schema::ColumnMappingMode::kNone) {
    s->stats_bound_ = s->partition_bound_;
  } else {
    DELTA_ASSIGN_OR_RAISE(auto physical, ToPhysical(predicate, logical));
    auto bound = expr::Bind(physical, *s->stats_schema_);
    if (bound.ok()) s->stats_bound_ = *bound;  // else: no stats skipping, still correct
  }
  return s;
}

bool FileSkipping::PartitionMayMatch(const std::map<std::string, columnar::Scalar>& values) const {
  if (values.empty()) return true;
  return expr::PartitionMayMatch(partition_bound_, values);
}

Result<bool> FileSkipping::StatsMayMatch(const protocol::Add& add) const {
  if (!stats_bound_ || add.stats.empty()) return true;
  auto stats = expr::ParseStatsJson(add.stats, *stats_schema_);
  if (!stats.ok()) return true;  // unusable statistics never exclude a file
  return expr::MayMatch(stats_bound_, *stats);
}

}  // namespace delta::scan
