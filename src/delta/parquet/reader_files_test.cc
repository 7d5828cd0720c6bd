// Reads every Parquet file of the shared Delta test tables, and cross-checks row counts and
// values against the statistics the Delta logs recorded for them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/parquet/reader/file_reader.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> AllParquetFiles(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (it->is_regular_file() && it->path().extension() == ".parquet") out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ReaderFilesTest, ReadsEveryParquetFileOfTheSharedTables) {
  const std::string root = testing::SharedTablesDir();
  if (root.empty()) GTEST_SKIP() << "shared tables not available";
  auto files = AllParquetFiles(root);
  if (files.empty()) GTEST_SKIP() << "no parquet files";
  std::vector<std::string> failures;
  int64_t total_rows = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& path = files[i];
    ReaderOptions opts;
    opts.num_threads = (i % 3 == 0) ? 2 : 1;  // exercise both paths
    auto reader = FileReader::OpenPath(path, opts);
    if (!reader.ok()) {
      failures.push_back(path + ": " + reader.status().ToString());
      continue;
    }
    auto batch = (*reader)->ReadAll();
    if (!batch.ok()) {
      failures.push_back(path + ": " + batch.status().ToString());
      continue;
    }
    Status st = (*batch)->Validate();
    if (!st.ok()) failures.push_back(path + ": invalid batch: " + st.ToString());
    if ((*batch)->num_rows != (*reader)->num_rows()) {
      failures.push_back(path + ": row count " + std::to_string((*batch)->num_rows) + " vs footer " +
                         std::to_string((*reader)->num_rows()));
    }
    total_rows += (*batch)->num_rows;
  }
  std::cout << "read " << files.size() << " Parquet files, " << total_rows << " rows\n";
  std::string msg;
  for (const auto& f : failures) msg += f + "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << files.size() << " files failed:\n" << msg;
  EXPECT_GT(total_rows, 0);
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Extracts (path, numRecords) of every add action with stats from a commit file. The stats are a
// JSON string inside JSON, so the key appears as \"numRecords\":N.
std::vector<std::pair<std::string, int64_t>> AddsWithNumRecords(const std::string& commit) {
  std::vector<std::pair<std::string, int64_t>> out;
  std::ifstream in(commit);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("{\"add\":", 0) != 0) continue;
    auto p = line.find("\"path\":\"");
    auto n = line.find("numRecords\\\":");
    if (p == std::string::npos || n == std::string::npos) continue;
    p += 8;
    auto pe = line.find('"', p);
    n += 13;
    size_t ne = n;
    while (ne < line.size() && std::isdigit(static_cast<unsigned char>(line[ne]))) ++ne;
    if (pe == std::string::npos || ne == n) continue;
    out.emplace_back(line.substr(p, pe - p), std::stoll(line.substr(n, ne - n)));
  }
  return out;
}

TEST(ReaderFilesTest, RowCountsAgreeWithDeltaLogStats) {
  const std::string root = testing::SharedTablesDir();
  if (root.empty()) GTEST_SKIP() << "shared tables not available";
  std::vector<std::string> failures;
  int checked = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    if (!it->is_regular_file() || p.extension() != ".json" || p.parent_path().filename() != "_delta_log") continue;
    const fs::path table = p.parent_path().parent_path();
    for (const auto& [rel, num] : AddsWithNumRecords(p.string())) {
      if (rel.find("://") != std::string::npos) continue;  // absolute URIs
      const fs::path file = table / PercentDecode(rel);
      if (!fs::exists(file)) continue;
      auto reader = FileReader::OpenPath(file.string());
      if (!reader.ok()) {
        failures.push_back(file.string() + ": " + reader.status().ToString());
        continue;
      }
      ++checked;
      if ((*reader)->num_rows() != num) {
        failures.push_back(file.string() + ": footer rows " + std::to_string((*reader)->num_rows()) + ", log says " +
                           std::to_string(num));
      }
    }
  }
  std::string msg;
  for (const auto& f : failures) msg += f + "\n";
  EXPECT_TRUE(failures.empty()) << msg;
  EXPECT_GT(checked, 50);
}

// dat/basic_append: the log records letter a..c, number 1..3, a_float 1.1..3.3 for the first file.
TEST(ReaderFilesTest, BasicAppendValues) {
  const std::string root = testing::SharedTablesDir();
  if (root.empty()) GTEST_SKIP() << "shared tables not available";
  const std::string path =
      root + "/dat/basic_append/delta/part-00000-3c9f01c2-6db4-4cbc-a744-dbc2f79eb78a-c000.snappy.parquet";
  if (!fs::exists(path)) GTEST_SKIP() << "fixture missing";
  ASSERT_OK_AND_ASSIGN(auto reader, FileReader::OpenPath(path));
  ASSERT_EQ(reader->schema()->ToString(), reader->projected_schema()->ToString());
  ASSERT_OK_AND_ASSIGN(auto batch, reader->ReadAll());
  ASSERT_EQ(batch->num_rows, 3);
  ASSERT_EQ(batch->num_columns(), 3);
  EXPECT_EQ(batch->schema->field(0)->name, "letter");
  EXPECT_EQ(batch->column(0)->type->id(), columnar::TypeId::kString);
  EXPECT_EQ(batch->column(1)->type->id(), columnar::TypeId::kInt64);
  EXPECT_EQ(batch->column(2)->type->id(), columnar::TypeId::kFloat64);
  std::vector<std::string> letters;
  int64_t sum = 0;
  double fmin = 1e9, fmax = -1e9;
  for (int64_t i = 0; i < 3; ++i) {
    letters.emplace_back(batch->column(0)->GetView(i));
    sum += batch->column(1)->values<int64_t>()[i];
    fmin = std::min(fmin, batch->column(2)->values<double>()[i]);
    fmax = std::max(fmax, batch->column(2)->values<double>()[i]);
  }
  std::sort(letters.begin(), letters.end());
  EXPECT_EQ(letters, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(sum, 6);
  EXPECT_DOUBLE_EQ(fmin, 1.1);
  EXPECT_DOUBLE_EQ(fmax, 3.3);

  // Projection by name keeps only that column; an unknown name is InvalidArgument.
  ReaderOptions opts;
  opts.columns = {"number"};
  ASSERT_OK_AND_ASSIGN(auto proj, FileReader::OpenPath(path, opts));
  ASSERT_OK_AND_ASSIGN(auto pb, proj->ReadAll());
  ASSERT_EQ(pb->num_columns(), 1);
  EXPECT_EQ(pb->schema->field(0)->name, "number");
  opts.columns = {"nope"};
  ASSERT_RAISES(InvalidArgument, FileReader::OpenPath(path, opts));

  // Row-group skipping from statistics: number is 1..3.
  ReaderOptions f;
  f.filters = {ColumnPredicate{"number", CompareOp::kGt, int64_t{3}}};
  ASSERT_OK_AND_ASSIGN(auto skip, FileReader::OpenPath(path, f));
  EXPECT_TRUE(skip->selected_row_groups().empty());
  f.filters = {ColumnPredicate{"number", CompareOp::kEq, int64_t{2}}};
  ASSERT_OK_AND_ASSIGN(auto keep, FileReader::OpenPath(path, f));
  EXPECT_EQ(keep->selected_row_groups().size(), 1u);
}

TEST(ReaderFilesTest, NotParquet) {
  const std::string root = testing::SharedTablesDir();
  if (root.empty()) GTEST_SKIP() << "shared tables not available";
  auto file = io::MakeBufferFile(*columnar::Buffer::CopyOf("this is certainly not a parquet file"), "x.parquet");
  auto r = FileReader::Open(file);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruptData());
  EXPECT_NE(r.status().message().find("bad magic"), std::string::npos);
  EXPECT_NE(r.status().message().find("x.parquet"), std::string::npos);
}

}  // namespace
}  // namespace delta::parquet
