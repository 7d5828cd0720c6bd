// Writer tests for the early dictionary fallback: a chunk whose values are mostly distinct is
// written PLAIN without a dictionary page, one with few distinct values keeps its dictionary,
// and both read back unchanged.
#include <gtest/gtest.h>

#include <string>

#include "delta/columnar/builder.h"
#include "delta/io/file.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/writer/file_writer.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using columnar::MakeField;

TEST(EarlyDictionaryFallback, DistinctColumnsArePlainRepeatedKeepTheDictionary) {
  constexpr int kRows = 30000;
  columnar::Int64Builder ids;
  columnar::StringBuilder names;
  columnar::Int32Builder keys;
  for (int i = 0; i < kRows; ++i) {
    ASSERT_OK(ids.Append(int64_t{i} * 1000003));
    if (i % 11 == 0) {
      ASSERT_OK(names.AppendNull());
    } else {
      ASSERT_OK(names.Append("name-" + std::to_string(i) + std::string(static_cast<size_t>(i % 23), 'x')));
    }
    ASSERT_OK(keys.Append(i % 50));
  }
  ASSERT_OK_AND_ASSIGN(auto a, ids.Finish());
  ASSERT_OK_AND_ASSIGN(auto b, names.Finish());
  ASSERT_OK_AND_ASSIGN(auto c, keys.Finish());
  auto schema = std::make_shared<columnar::Schema>(std::vector{MakeField("id", columnar::Int64(), false),
                                                               MakeField("name", columnar::Utf8(), true),
                                                               MakeField("k", columnar::Int32(), false)});
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, {a, b, c}));
  auto out = std::make_shared<io::BufferOutputStream>();
  ASSERT_OK_AND_ASSIGN(auto w, FileWriter::Open(out, schema, WriterProperties{}));
  ASSERT_OK(w->WriteBatch(*batch));
  ASSERT_OK(w->Close());
  const FileMetaData md = *w->metadata();
  ASSERT_EQ(md.row_groups.size(), 1u);
  for (int col : {0, 1}) {
    const auto& m = *md.row_groups[0].columns[static_cast<size_t>(col)].meta_data;
    EXPECT_FALSE(m.dictionary_page_offset.has_value()) << "column " << col;
    for (const auto& e : m.encoding_stats) {
      EXPECT_NE(e.page_type, PageType::DICTIONARY_PAGE) << "column " << col;
      EXPECT_EQ(e.encoding, Encoding::PLAIN) << "column " << col;
    }
  }
  const auto& km = *md.row_groups[0].columns[2].meta_data;
  EXPECT_TRUE(km.dictionary_page_offset.has_value());

  ASSERT_OK_AND_ASSIGN(auto buf, out->TakeBuffer());
  ASSERT_OK_AND_ASSIGN(auto r, FileReader::Open(io::MakeBufferFile(buf, "fallback.parquet"), {}));
  ASSERT_OK_AND_ASSIGN(auto got, r->ReadAll());
  ASSERT_EQ(got->num_rows, kRows);
  for (int col = 0; col < 3; ++col) {
    std::string diff;
    EXPECT_TRUE(columnar::ArrayEquals(*batch->column(col), *got->column(col), &diff)) << "column " << col << ": " << diff;
  }
}

}  // namespace
}  // namespace delta::parquet
