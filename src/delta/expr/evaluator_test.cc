#include "delta/expr/evaluator.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "delta/columnar/builder.h"
#include "delta/columnar/test_util_internal.h"
#include "delta/expr/bind.h"
#include "delta/expr/parser.h"
#include "support/matchers.h"

namespace delta::expr {
namespace {

using namespace delta::columnar;  // NOLINT

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

SchemaPtr TestSchema() {
  return std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("i8", Int8()), MakeField("i16", Int16()), MakeField("i32", Int32()), MakeField("i64", Int64()),
      MakeField("f32", Float32()), MakeField("f64", Float64()), MakeField("dec", Decimal128(10, 2)),
      MakeField("s", Utf8()), MakeField("bin", Binary()), MakeField("d", Date32()),
      MakeField("ts", Timestamp(TimeUnit::kMicro, "UTC")), MakeField("ntz", Timestamp(TimeUnit::kMicro)),
      MakeField("b", Bool()), MakeField("st", Struct({MakeField("x", Int32()), MakeField("y", Utf8())})),
      MakeField("ls", LargeUtf8())});
}

// Six rows; row 1 is null in every column.
RecordBatchPtr TestBatch() {
  auto builder = RecordBatchBuilder::Make(TestSchema()).ValueOrDie();
  const int64_t ints[] = {1, 0, -3, 4, 5, 127};
  const double floats[] = {1.5, 0, kNaN, -0.0, 2.5, kInf};
  const __int128 decs[] = {100, 0, -350, 425, 500, 99999};
  const char* strs[] = {"a", "", "abc", "b", "", "zz"};
  const std::string bins[] = {std::string("\x00", 1), "", "\x01\x02", "\xff", "", "\x7f"};
  const int64_t days[] = {0, 0, 18628, 18629, -1, 19000};
  const int64_t us_per_day = 86400LL * 1000000;
  const bool bools[] = {true, false, false, true, false, true};
  for (int r = 0; r < 6; ++r) {
    if (r == 1) {
      for (int c = 0; c < 15; ++c) EXPECT_OK(builder->field(c)->AppendNull());
      continue;
    }
    EXPECT_OK(builder->field_as<Int8Builder>(0)->Append(static_cast<int8_t>(ints[r])));
    EXPECT_OK(builder->field_as<Int16Builder>(1)->Append(static_cast<int16_t>(ints[r] * 100)));
    EXPECT_OK(builder->field_as<Int32Builder>(2)->Append(static_cast<int32_t>(ints[r] * 10000)));
    EXPECT_OK(builder->field_as<Int64Builder>(3)->Append(ints[r] * 10000000000LL));
    EXPECT_OK(builder->field_as<FloatBuilder>(4)->Append(static_cast<float>(floats[r])));
    EXPECT_OK(builder->field_as<DoubleBuilder>(5)->Append(floats[r]));
    EXPECT_OK(builder->field_as<Decimal128Builder>(6)->Append(decs[r]));
    EXPECT_OK(builder->field_as<BinaryBuilder>(7)->Append(strs[r]));
    EXPECT_OK(builder->field_as<BinaryBuilder>(8)->Append(bins[r]));
    EXPECT_OK(builder->field_as<Int32Builder>(9)->Append(static_cast<int32_t>(days[r])));
    EXPECT_OK(builder->field_as<Int64Builder>(10)->Append(days[r] * us_per_day + r));
    EXPECT_OK(builder->field_as<Int64Builder>(11)->Append(days[r] * us_per_day));
    EXPECT_OK(builder->field_as<BooleanBuilder>(12)->Append(bools[r]));
    auto* st = builder->field_as<StructBuilder>(13);
    if (r == 4) {
      EXPECT_OK(static_cast<Int32Builder*>(st->child(0))->Append(1000));  // hidden by the null struct
      EXPECT_OK(static_cast<BinaryBuilder*>(st->child(1))->Append("hidden"));
      EXPECT_OK(st->Append(false));
    } else {
      EXPECT_OK(static_cast<Int32Builder*>(st->child(0))->Append(static_cast<int32_t>(ints[r])));
      if (r == 3) {
        EXPECT_OK(st->child(1)->AppendNull());
      } else {
        EXPECT_OK(static_cast<BinaryBuilder*>(st->child(1))->Append(strs[r]));
      }
      EXPECT_OK(st->Append(true));
    }
    EXPECT_OK(builder->field_as<BinaryBuilder>(14)->Append(strs[r]));
  }
  return builder->Finish().ValueOrDie();
}

std::vector<int64_t> Rows(const RecordBatch& batch, std::string_view predicate) {
  auto parsed = ParsePredicate(predicate);
  EXPECT_TRUE(parsed.ok()) << predicate << ": " << parsed.status().ToString();
  if (!parsed.ok()) return {-1};
  auto bound = Bind(*parsed, *batch.schema);
  EXPECT_TRUE(bound.ok()) << predicate << ": " << bound.status().ToString();
  if (!bound.ok()) return {-1};
  auto sel = EvaluatePredicate(*bound, batch);
  EXPECT_TRUE(sel.ok()) << predicate << ": " << sel.status().ToString();
  if (!sel.ok()) return {-1};
  std::vector<int64_t> rows;
  for (int64_t i = 0; i < batch.num_rows; ++i) {
    if (bit_util::GetBit(sel->bitmap->data(), i)) rows.push_back(i);
  }
  EXPECT_EQ(sel->count, static_cast<int64_t>(rows.size()));
  EXPECT_EQ(sel->bitmap->size(), (batch.num_rows + 7) / 8);
  return rows;
}

using R = std::vector<int64_t>;

TEST(EvaluatorTest, Integers) {
  auto batch = TestBatch();
  EXPECT_EQ(Rows(*batch, "i8 > 3"), (R{3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i8 = 1000"), R{});
  EXPECT_EQ(Rows(*batch, "i8 < 1000"), (R{0, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "NOT (i8 > 3)"), (R{0, 2}));
  EXPECT_EQ(Rows(*batch, "3 < i8"), (R{3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i8 IS NULL"), (R{1}));
  EXPECT_EQ(Rows(*batch, "i8 IS NOT NULL"), (R{0, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i8 <=> NULL"), (R{1}));
  EXPECT_EQ(Rows(*batch, "i8 = NULL"), R{});
  EXPECT_EQ(Rows(*batch, "NOT (i8 = NULL)"), R{});
  EXPECT_EQ(Rows(*batch, "i8 <=> 4"), (R{3}));
  EXPECT_EQ(Rows(*batch, "NOT (i8 <=> 4)"), (R{0, 1, 2, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i16 BETWEEN -300 AND 400"), (R{0, 2, 3}));
  EXPECT_EQ(Rows(*batch, "i16 NOT BETWEEN -300 AND 400"), (R{4, 5}));
  EXPECT_EQ(Rows(*batch, "i32 IN (10000, 50000, 7)"), (R{0, 4}));
  EXPECT_EQ(Rows(*batch, "i32 NOT IN (10000, 50000)"), (R{2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "i32 NOT IN (10000, NULL)"), R{});
  EXPECT_EQ(Rows(*batch, "i32 IN (10000, NULL)"), (R{0}));
  EXPECT_EQ(Rows(*batch, "i32 < 10000.5"), (R{0, 2}));
  EXPECT_EQ(Rows(*batch, "i32 > 10000.5"), (R{3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i32 = 10000.5"), R{});
  EXPECT_EQ(Rows(*batch, "NOT (i32 = 10000.5)"), (R{0, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i32 != 10000.5"), (R{0, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i32 >= 4e4"), (R{3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i64 >= 40000000000"), (R{3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i64 < -1"), (R{2}));
}

TEST(EvaluatorTest, ColumnVsColumn) {
  auto batch = TestBatch();
  EXPECT_EQ(Rows(*batch, "i8 < i16"), (R{0, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "i8 = st.x"), (R{0, 2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "i8 <=> st.x"), (R{0, 1, 2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "s = ls"), (R{0, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "f32 = f64"), (R{0, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "(i8 > 3) = b"), (R{2, 3, 5}));
}

TEST(EvaluatorTest, Floats) {
  auto batch = TestBatch();
  for (const char* col : {"f32", "f64"}) {
    SCOPED_TRACE(col);
    const std::string c = col;
    EXPECT_EQ(Rows(*batch, c + " > 2"), (R{2, 4, 5}));  // NaN is above everything
    EXPECT_EQ(Rows(*batch, c + " = DOUBLE 'NaN'"), (R{2}));
    EXPECT_EQ(Rows(*batch, c + " = 0"), (R{3}));  // -0.0 == 0
    EXPECT_EQ(Rows(*batch, c + " < DOUBLE 'Infinity'"), (R{0, 3, 4}));
    EXPECT_EQ(Rows(*batch, c + " <= 1.5"), (R{0, 3}));
    EXPECT_EQ(Rows(*batch, "NOT (" + c + " < 2)"), (R{2, 4, 5}));
    EXPECT_EQ(Rows(*batch, c + " IN (2.5, DOUBLE 'NaN')"), (R{2, 4}));
  }
}

TEST(EvaluatorTest, DecimalStringBinary) {
  auto batch = TestBatch();
  EXPECT_EQ(Rows(*batch, "dec > 4.2"), (R{3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "dec = 4.25"), (R{3}));
  EXPECT_EQ(Rows(*batch, "dec = 4.250"), (R{3}));
  EXPECT_EQ(Rows(*batch, "dec = 4.251"), R{});
  EXPECT_EQ(Rows(*batch, "NOT (dec = 4.251)"), (R{0, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "dec < 4.251"), (R{0, 2, 3}));
  EXPECT_EQ(Rows(*batch, "dec >= 4.251"), (R{4, 5}));
  EXPECT_EQ(Rows(*batch, "dec < 4"), (R{0, 2}));
  EXPECT_EQ(Rows(*batch, "dec >= 1e0"), (R{0, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "dec IN (5, -3.5, 1.001)"), (R{2, 4}));
  EXPECT_EQ(Rows(*batch, "s >= 'b'"), (R{3, 5}));
  EXPECT_EQ(Rows(*batch, "s = ''"), (R{4}));
  EXPECT_EQ(Rows(*batch, "s IN ('a', 'zz')"), (R{0, 5}));
  EXPECT_EQ(Rows(*batch, "s < 'ab'"), (R{0, 4}));
  EXPECT_EQ(Rows(*batch, "ls > 'a'"), (R{2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "bin = X'00'"), (R{0}));
  EXPECT_EQ(Rows(*batch, "bin > X'7F'"), (R{3}));
  EXPECT_EQ(Rows(*batch, "bin = ''"), (R{4}));
}

TEST(EvaluatorTest, DatesTimestampsBooleans) {
  auto batch = TestBatch();
  EXPECT_EQ(Rows(*batch, "d > DATE '2020-01-01'"), (R{2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "d = '2021-01-01'"), (R{2}));
  EXPECT_EQ(Rows(*batch, "d < '1970-01-01'"), (R{4}));
  EXPECT_EQ(Rows(*batch, "d < TIMESTAMP '1970-01-01 00:00:01'"), (R{0, 4}));
  EXPECT_EQ(Rows(*batch, "d > TIMESTAMP '1970-01-01 00:00:01'"), (R{2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "ts >= TIMESTAMP '2021-01-01 00:00:00.000002'"), (R{2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "ts > TIMESTAMP '2021-01-01 00:00:00.000002'"), (R{3, 5}));
  EXPECT_EQ(Rows(*batch, "ts >= DATE '2021-01-01'"), (R{2, 3, 5}));
  EXPECT_EQ(Rows(*batch, "ts = '2021-01-01T00:00:00.000002Z'"), (R{2}));
  EXPECT_EQ(Rows(*batch, "ntz = TIMESTAMP_NTZ '2021-01-02 00:00:00'"), (R{3}));
  EXPECT_EQ(Rows(*batch, "b"), (R{0, 3, 5}));
  EXPECT_EQ(Rows(*batch, "NOT b"), (R{2, 4}));
  EXPECT_EQ(Rows(*batch, "b = FALSE"), (R{2, 4}));
  EXPECT_EQ(Rows(*batch, "b = 'true'"), (R{0, 3, 5}));
  EXPECT_EQ(Rows(*batch, "b AND i8 > 3"), (R{3, 5}));
  EXPECT_EQ(Rows(*batch, "b OR i8 IS NULL"), (R{0, 1, 3, 5}));
  EXPECT_EQ(Rows(*batch, "b OR TRUE"), (R{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "NULL OR b"), (R{0, 3, 5}));
  EXPECT_EQ(Rows(*batch, "NOT (b AND NULL)"), (R{2, 4}));
  EXPECT_EQ(Rows(*batch, "NOT (b OR NULL)"), R{});
  EXPECT_EQ(Rows(*batch, "1 = 1"), (R{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(Rows(*batch, "NULL IS NULL AND 1 IN (2, 1)"), (R{0, 1, 2, 3, 4, 5}));
}

TEST(EvaluatorTest, NestedAndSliced) {
  auto batch = TestBatch();
  EXPECT_EQ(Rows(*batch, "st.x > 1"), (R{3, 5}));  // row 4's child value is hidden by the null struct
  EXPECT_EQ(Rows(*batch, "st.y IS NULL"), (R{1, 3, 4}));
  EXPECT_EQ(Rows(*batch, "ST.Y = 'zz'"), (R{5}));
  auto sliced = batch->Slice(2, 4);
  EXPECT_EQ(Rows(*sliced, "i8 > 3"), (R{1, 2, 3}));
  EXPECT_EQ(Rows(*sliced, "st.x > 1"), (R{1, 3}));
  EXPECT_EQ(Rows(*sliced, "b"), (R{1, 3}));
  EXPECT_EQ(Rows(*sliced, "s IS NOT NULL AND s != ''"), (R{0, 1, 3}));
}

TEST(EvaluatorTest, ManyRows) {
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("v", Int64()), MakeField("s", Utf8())});
  auto builder = RecordBatchBuilder::Make(schema).ValueOrDie();
  for (int64_t i = 0; i < 1000; ++i) {
    if (i % 7 == 0) {
      ASSERT_OK(builder->field(0)->AppendNull());
    } else {
      ASSERT_OK(builder->field_as<Int64Builder>(0)->Append(i));
    }
    ASSERT_OK(builder->field_as<BinaryBuilder>(1)->Append(std::to_string(i % 10)));
  }
  ASSERT_OK_AND_ASSIGN(auto batch, builder->Finish());
  for (int64_t offset : {0, 1, 63, 64, 130}) {
    auto sliced = batch->Slice(offset, 1000 - offset - 3);
    R expected;
    for (int64_t i = offset; i < 997; ++i) {
      if (i % 7 != 0 && i >= 100 && i < 650 && i % 10 == 3) expected.push_back(i - offset);
    }
    EXPECT_EQ(Rows(*sliced, "v >= 100 AND v < 650 AND s = '3'"), expected) << offset;
  }
}

TEST(BindTest, Errors) {
  auto schema = TestSchema();
  auto bind_error = [&](std::string_view text) {
    auto parsed = ParsePredicate(text);
    EXPECT_TRUE(parsed.ok()) << text;
    auto r = Bind(*parsed, *schema);
    EXPECT_FALSE(r.ok()) << text;
    if (r.ok()) return std::string();
    EXPECT_TRUE(r.status().IsInvalidArgument()) << r.status().ToString();
    return r.status().message();
  };
  std::string m = bind_error("x = 1");
  EXPECT_NE(m.find("unknown column 'x' (columns: i8, i16, i32, i64, f32"), std::string::npos) << m;
  m = bind_error("st.z = 1");
  EXPECT_NE(m.find("unknown column 'st.z' (columns: x, y)"), std::string::npos) << m;
  m = bind_error("i8.z = 1");
  EXPECT_NE(m.find("not a struct"), std::string::npos) << m;
  m = bind_error("s > 1");
  EXPECT_NE(m.find(Utf8()->ToString()), std::string::npos) << m;
  EXPECT_NE(m.find("int64"), std::string::npos) << m;
  m = bind_error("i8 = 'abc'");
  EXPECT_NE(m.find("int8"), std::string::npos) << m;
  m = bind_error("d = 'not a date'");
  EXPECT_NE(m.find("not a date"), std::string::npos) << m;
  m = bind_error("i8");
  EXPECT_NE(m.find("not boolean"), std::string::npos) << m;
  m = bind_error("i8 AND b");
  EXPECT_NE(m.find("not boolean"), std::string::npos) << m;
  m = bind_error("i8 = s");
  EXPECT_NE(m.find("cannot compare"), std::string::npos) << m;
  m = bind_error("st = 1");
  EXPECT_NE(m.find("cannot compare"), std::string::npos) << m;
  m = bind_error("i32 = DOUBLE 'NaN'");
  EXPECT_NE(m.find("NaN"), std::string::npos) << m;
  m = bind_error("i64 < 99999999999999999999");
  EXPECT_NE(m.find("out of range"), std::string::npos) << m;
  m = bind_error("1 = 'a'");
  EXPECT_NE(m.find("cannot compare"), std::string::npos) << m;

  auto ambiguous = std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("ab", Int32()), MakeField("AB", Int32())});
  ASSERT_OK_AND_ASSIGN(auto p, ParsePredicate("Ab = 1"));
  auto r = Bind(p, *ambiguous);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("ambiguous column 'Ab' (matches ab, AB)"), std::string::npos) << r.status().message();
  ASSERT_OK_AND_ASSIGN(p, ParsePredicate("AB = 1"));
  ASSERT_OK_AND_ASSIGN(auto exact, Bind(p, *ambiguous));
  EXPECT_EQ(exact->child(0)->field_indices(), std::vector<int>{1});
}

TEST(BindTest, ResolvesAndCoerces) {
  auto schema = TestSchema();
  ASSERT_OK_AND_ASSIGN(auto p, ParsePredicate("5 < ST.X AND I16 = 3 AND dec > 1 AND d = '2021-01-01' AND f32 = 1"));
  ASSERT_OK_AND_ASSIGN(auto b, Bind(p, *schema));
  EXPECT_EQ(b->ToString(), "st.x > 5 AND i16 = 3 AND dec > 1.00 AND d = DATE '2021-01-01' AND f32 = 1E0");
  const Expression& x = *b->child(0)->child(0);
  EXPECT_EQ(x.field_indices(), (std::vector<int>{13, 0}));
  EXPECT_EQ(x.type()->id(), TypeId::kInt32);
  EXPECT_EQ(b->child(1)->child(1)->literal().type->id(), TypeId::kInt16);
  EXPECT_EQ(b->child(2)->child(1)->literal().type->scale(), 2);
  EXPECT_EQ(b->type()->id(), TypeId::kBool);
  ASSERT_OK_AND_ASSIGN(p, ParsePredicate("i32 < 1.5 OR i32 = 2.5"));
  ASSERT_OK_AND_ASSIGN(b, Bind(p, *schema));
  EXPECT_EQ(b->ToString(), "i32 <= 1 OR (i32 > 2 AND i32 < 3)");

  ASSERT_OK_AND_ASSIGN(p, ParsePredicate("a.b = 1 AND c > 2 OR a.b < 0 OR `x.y` IS NULL"));
  EXPECT_EQ(ReferencedColumns(p), (std::vector<std::vector<std::string>>{{"a", "b"}, {"c"}, {"x.y"}}));
}

// Expected result of filtering: the kept rows, one-row slices concatenated.
ArrayPtr ExpectedFilter(const ArrayPtr& a, const std::vector<uint8_t>& keep) {
  std::vector<ArrayPtr> parts;
  for (int64_t i = 0; i < a->length; ++i) {
    if (bit_util::GetBit(keep.data(), i)) parts.push_back(a->Slice(i, 1));
  }
  if (parts.empty()) return nullptr;
  return ConcatenateArrays(parts).ValueOrDie();
}

TEST(FilterTest, EveryTypeSlicedAndNot) {
  for (const auto& type : columnar::testing::AllTestTypes()) {
    SCOPED_TRACE(type->ToString());
    ASSERT_OK_AND_ASSIGN(auto full, columnar::testing::MakeSampleArray(type, 150, 3));
    for (auto [offset, length] : {std::pair<int64_t, int64_t>{0, 150}, {7, 100}, {64, 70}}) {
      auto a = full->Slice(offset, length);
      for (int pattern = 0; pattern < 3; ++pattern) {
        std::vector<uint8_t> keep(static_cast<size_t>((length + 7) / 8), 0);
        int64_t count = 0;
        for (int64_t i = 0; i < length; ++i) {
          const bool k = pattern == 0 ? (i % 3 != 1) : pattern == 1 ? (i % 17 == 5) : false;
          if (k) {
            bit_util::SetBit(keep.data(), i);
            ++count;
          }
        }
        ASSERT_OK_AND_ASSIGN(auto got, FilterArray(*a, keep.data(), count));
        ASSERT_OK(got->Validate());
        ASSERT_EQ(got->length, count);
        auto expected = ExpectedFilter(a, keep);
        if (expected) {
          std::string diff;
          EXPECT_TRUE(ArrayEquals(*expected, *got, &diff)) << "offset " << offset << " pattern " << pattern << ": " << diff;
          EXPECT_EQ(got->GetNullCount(), expected->GetNullCount());
        }
      }
    }
  }
}

TEST(FilterTest, BatchWithPredicate) {
  auto batch = TestBatch();
  ASSERT_OK_AND_ASSIGN(auto p, ParsePredicate("i8 > 3 OR st.y = 'a'"));
  ASSERT_OK_AND_ASSIGN(auto b, Bind(p, *batch->schema));
  ASSERT_OK_AND_ASSIGN(auto sel, EvaluatePredicate(b, *batch));
  ASSERT_EQ(sel.count, 4);
  ASSERT_OK_AND_ASSIGN(auto filtered, FilterBatch(*batch, sel.bitmap->data(), sel.count));
  ASSERT_OK(filtered.Validate());
  ASSERT_EQ(filtered.num_rows, 4);
  EXPECT_EQ(Rows(filtered, "i8 IN (1, 4, 5, 127)"), (R{0, 1, 2, 3}));
  EXPECT_EQ(Rows(filtered, "st IS NULL"), (R{2}));
  EXPECT_EQ(Rows(filtered, "s = 'zz'"), (R{3}));
  EXPECT_EQ(filtered.column(13)->GetNullCount(), 1);
  // All rows kept: columns shared.
  std::vector<uint8_t> all(1, 0x3f);
  ASSERT_OK_AND_ASSIGN(auto same, FilterBatch(*batch, all.data(), 6));
  EXPECT_EQ(same.column(0).get(), batch->column(0).get());
  ASSERT_RAISES(InvalidArgument, FilterBatch(*batch, all.data(), 5));
  std::vector<uint8_t> none(1, 0);
  ASSERT_OK_AND_ASSIGN(auto empty, FilterBatch(*batch, none.data(), 0));
  EXPECT_EQ(empty.num_rows, 0);
  ASSERT_OK(empty.Validate());
}

}  // namespace
}  // namespace delta::expr
