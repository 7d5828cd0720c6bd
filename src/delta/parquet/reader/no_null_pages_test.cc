// Reader tests for nullable columns whose pages alternate between "no nulls" (definition levels
// one RLE run at the maximum, skipped without materialising levels or validity) and "some
// nulls": the validity bitmap and values must come out the same either way.
#include <gtest/gtest.h>

#include <string>

#include "delta/columnar/builder.h"
#include "delta/io/file.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/util/bit_util.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

using columnar::MakeField;

// Rows [0, 1000) and [3000, 4000) have no nulls; between them every 7th row is null.
bool IsNullRow(int i) { return i >= 1000 && i < 3000 && i % 7 == 0; }

void CheckPattern(bool v2, bool nulls_first) {
  constexpr int kRows = 4000;
  columnar::Int64Builder ib;
  columnar::StringBuilder sb;
  auto row_is_null = [&](int i) { return nulls_first ? (i < 1000 && i % 5 == 0) : IsNullRow(i); };
  for (int i = 0; i < kRows; ++i) {
    if (row_is_null(i)) {
      ASSERT_OK(ib.AppendNull());
      ASSERT_OK(sb.AppendNull());
    } else {
      ASSERT_OK(ib.Append(int64_t{i} * 3));
      ASSERT_OK(sb.Append("v" + std::to_string(i)));
    }
  }
  ASSERT_OK_AND_ASSIGN(auto ia, ib.Finish());
  ASSERT_OK_AND_ASSIGN(auto sa, sb.Finish());
  auto schema = std::make_shared<columnar::Schema>(
      std::vector{MakeField("i", columnar::Int64(), true), MakeField("s", columnar::Utf8(), true)});
  ASSERT_OK_AND_ASSIGN(auto batch, columnar::MakeRecordBatch(schema, {ia, sa}));
  WriterProperties props;
  props.data_page_row_limit = 500;  // 8 pages per chunk
  props.data_page_v2 = v2;
  props.dictionary_enabled = false;
  auto out = std::make_shared<io::BufferOutputStream>();
  ASSERT_OK_AND_ASSIGN(auto w, FileWriter::Open(out, schema, props));
  ASSERT_OK(w->WriteBatch(*batch));
  ASSERT_OK(w->Close());
  ASSERT_OK_AND_ASSIGN(auto buf, out->TakeBuffer());
  ASSERT_OK_AND_ASSIGN(auto r, FileReader::Open(io::MakeBufferFile(buf, "pages.parquet"), {}));
  ASSERT_OK_AND_ASSIGN(auto got, r->ReadAll());
  ASSERT_EQ(got->num_rows, kRows);
  const auto& iarr = *got->column(0);
  const auto& sarr = *got->column(1);
  int64_t nulls = 0;
  for (int i = 0; i < kRows; ++i) nulls += row_is_null(i);
  EXPECT_EQ(iarr.null_count, nulls);
  EXPECT_EQ(sarr.null_count, nulls);
  const uint8_t* ivalid = iarr.buffers[0] ? iarr.buffers[0]->data() : nullptr;
  const uint8_t* svalid = sarr.buffers[0] ? sarr.buffers[0]->data() : nullptr;
  ASSERT_NE(ivalid, nullptr);
  ASSERT_NE(svalid, nullptr);
  const auto* ivals = iarr.buffers[1]->data_as<int64_t>();
  const auto* offs = sarr.buffers[1]->data_as<int32_t>();
  const auto* bytes = reinterpret_cast<const char*>(sarr.buffers[2]->data());
  for (int i = 0; i < kRows; ++i) {
    const bool valid = !row_is_null(i);
    ASSERT_EQ(bit_util::GetBit(ivalid, i), valid) << "row " << i;
    ASSERT_EQ(bit_util::GetBit(svalid, i), valid) << "row " << i;
    if (!valid) continue;
    ASSERT_EQ(ivals[i], int64_t{i} * 3) << "row " << i;
    ASSERT_EQ(std::string(bytes + offs[i], static_cast<size_t>(offs[i + 1] - offs[i])), "v" + std::to_string(i))
        << "row " << i;
  }
}

TEST(NoNullPages, V1NullsInTheMiddle) { CheckPattern(false, false); }
TEST(NoNullPages, V2NullsInTheMiddle) { CheckPattern(true, false); }
TEST(NoNullPages, V1NullsFirst) { CheckPattern(false, true); }
TEST(NoNullPages, V2NullsFirst) { CheckPattern(true, true); }

}  // namespace
}  // namespace delta::parquet
