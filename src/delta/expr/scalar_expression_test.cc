#include "delta/expr/scalar_expression.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "support/matchers.h"

namespace delta::expr {
namespace {

using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::Scalar;

constexpr int64_t kDay = 86400LL * 1000000;

// One row per test value: i32 (int), i64 (bigint), d (double), s (string), dt (date),
// ts (timestamp UTC), ntz (timestamp_ntz), st.inner (struct field).
struct Rows {
  std::vector<std::optional<int32_t>> i32;
  std::vector<std::optional<int64_t>> i64;
  std::vector<std::optional<double>> d;
  std::vector<std::optional<std::string>> s;
  std::vector<std::optional<int32_t>> dt;
  std::vector<std::optional<int64_t>> ts;
};

template <typename B, typename T>
ArrayPtr Build(std::unique_ptr<B> b, const std::vector<std::optional<T>>& v) {
  for (const auto& x : v) {
    if (x) {
      EXPECT_OK(b->Append(*x));
    } else {
      EXPECT_OK(b->AppendNull());
    }
  }
  return b->Finish().ValueOrDie();
}

RecordBatch MakeBatch(const Rows& r) {
  RecordBatch b;
  auto ts_type = columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC");
  auto ntz_type = columnar::Timestamp(columnar::TimeUnit::kMicro);
  ArrayPtr inner = Build(std::make_unique<columnar::Int32Builder>(), r.i32);
  auto st = std::make_shared<columnar::ArrayData>();
  st->type = columnar::Struct({columnar::MakeField("inner", columnar::Int32())});
  st->length = static_cast<int64_t>(r.i32.size());
  st->buffers = {nullptr};
  st->children = {inner};
  b.schema = std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("i32", columnar::Int32()), columnar::MakeField("i64", columnar::Int64()),
      columnar::MakeField("d", columnar::Float64()), columnar::MakeField("s", columnar::Utf8()),
      columnar::MakeField("dt", columnar::Date32()), columnar::MakeField("ts", ts_type),
      columnar::MakeField("ntz", ntz_type), columnar::MakeField("st", st->type)});
  b.num_rows = static_cast<int64_t>(r.i32.size());
  b.columns = {inner,
               Build(std::make_unique<columnar::Int64Builder>(), r.i64),
               Build(std::make_unique<columnar::DoubleBuilder>(), r.d),
               Build(std::make_unique<columnar::BinaryBuilder>(columnar::Utf8()), r.s),
               Build(std::make_unique<columnar::Int32Builder>(columnar::Date32()), r.dt),
               Build(std::make_unique<columnar::Int64Builder>(ts_type), r.ts),
               Build(std::make_unique<columnar::Int64Builder>(ntz_type), r.ts),
               st};
  return b;
}

// 2021-03-04 05:06:07.089 UTC and friends.
constexpr int64_t kTs1 = 1614834367089000;  // 2021-03-04 05:06:07.089
constexpr int64_t kTs2 = -1;                // 1969-12-31 23:59:59.999999

RecordBatch Sample() {
  Rows r;
  r.i32 = {1, std::numeric_limits<int32_t>::max(), std::nullopt, -7};
  r.i64 = {10, 0, 5, std::numeric_limits<int64_t>::min()};
  r.d = {1.5, 0.0, std::nullopt, -2.25};
  r.s = {std::string("  Hello "), std::string("2021-02-28"), std::nullopt, std::string("héllo wörld")};
  r.dt = {18690, 0, std::nullopt, -1};  // 2021-03-04, 1970-01-01, null, 1969-12-31
  r.ts = {kTs1, 0, std::nullopt, kTs2};
  return MakeBatch(r);
}

// Evaluates and returns row values as text (Scalar::ToString) for compact checks.
std::vector<std::string> Eval(const std::string& sql, const RecordBatch& batch, columnar::TypePtr to = nullptr) {
  auto e = ScalarExpression::Make(sql, *batch.schema);
  EXPECT_TRUE(e.ok()) << sql << ": " << e.status().ToString();
  if (!e.ok()) return {};
  auto arr = (*e)->Evaluate(batch, to);
  EXPECT_TRUE(arr.ok()) << sql << ": " << arr.status().ToString();
  if (!arr.ok()) return {};
  EXPECT_OK((*arr)->Validate());
  std::vector<std::string> out;
  for (int64_t i = 0; i < (*arr)->length; ++i) out.push_back(columnar::GetScalar(**arr, i).ValueOrDie().ToString());
  return out;
}

using V = std::vector<std::string>;

TEST(ScalarExpressionTest, IntegerArithmeticWrapsLikeJava) {
  RecordBatch b = Sample();
  EXPECT_EQ(Eval("i32 + 1", b), (V{"2", "-2147483648", "null", "-6"}));
  EXPECT_EQ(Eval("i32 * 2 - 1", b), (V{"1", "-3", "null", "-15"}));
  EXPECT_EQ(Eval("i64 - 1", b), (V{"9", "-1", "4", "9223372036854775807"}));
  EXPECT_EQ(Eval("-i64", b), (V{"-10", "0", "-5", "-9223372036854775808"}));
  EXPECT_EQ(Eval("i32 % 3", b), (V{"1", "1", "null", "-1"}));
  EXPECT_EQ(Eval("i64 % i64", b), (V{"0", "null", "0", "0"}));  // % 0 is NULL
  EXPECT_EQ(Eval("abs(i32)", b), (V{"1", "2147483647", "null", "7"}));
  auto e = ScalarExpression::Make("i32 + 1", *b.schema).ValueOrDie();
  EXPECT_EQ(e->type()->id(), columnar::TypeId::kInt32);
  auto e2 = ScalarExpression::Make("i32 + 1L", *b.schema).ValueOrDie();
  EXPECT_EQ(e2->type()->id(), columnar::TypeId::kInt64);
  auto e3 = ScalarExpression::Make("i32 + 3000000000", *b.schema).ValueOrDie();
  EXPECT_EQ(e3->type()->id(), columnar::TypeId::kInt64);
}

TEST(ScalarExpressionTest, DivisionIsDoubleAndByZeroIsNull) {
  RecordBatch b = Sample();
  EXPECT_EQ(Eval("i64 / 4", b), (V{"2.5", "0", "1.25", "-2.305843009213694e+18"}));
  EXPECT_EQ(Eval("i32 / (i64 - i64)", b), (V{"null", "null", "null", "null"}));
  EXPECT_EQ(Eval("d / 0", b), (V{"null", "null", "null", "null"}));
  EXPECT_EQ(Eval("d * 2 + 1.5", b), (V{"4.5", "1.5", "null", "-3"}));
}

TEST(ScalarExpressionTest, Casts) {
  RecordBatch b = Sample();
  EXPECT_EQ(Eval("CAST(d AS INT)", b), (V{"1", "0", "null", "-2"}));
  EXPECT_EQ(Eval("CAST(i64 AS INT)", b), (V{"10", "0", "5", "0"}));  // wraps
  EXPECT_EQ(Eval("CAST(s AS DATE)", b), (V{"null", "2021-02-28", "null", "null"}));
  EXPECT_EQ(Eval("cast(ts as date)", b), (V{"2021-03-04", "1970-01-01", "null", "1969-12-31"}));
  EXPECT_EQ(Eval("CAST(ts AS STRING)", b),
            (V{"'2021-03-04 05:06:07.089'", "'1970-01-01 00:00:00'", "null", "'1969-12-31 23:59:59.999999'"}));
  EXPECT_EQ(Eval("CAST(d AS STRING)", b), (V{"'1.5'", "'0.0'", "null", "'-2.25'"}));
  EXPECT_EQ(Eval("CAST(1e10 AS STRING)", b)[0], "'1.0E10'");
  EXPECT_EQ(Eval("CAST(' 42 ' AS BIGINT)", b)[0], "42");
  EXPECT_EQ(Eval("CAST('4.9' AS INT)", b)[0], "4");
  EXPECT_EQ(Eval("CAST('x' AS INT)", b)[0], "null");
  EXPECT_EQ(Eval("CAST('3000000000' AS INT)", b)[0], "null");
  EXPECT_EQ(Eval("CAST(1e20 AS INT)", b)[0], "2147483647");
  EXPECT_EQ(Eval("CAST(dt AS TIMESTAMP)", b)[1], "1970-01-01 00:00:00.000000Z");
  EXPECT_EQ(Eval("CAST('yes' AS BOOLEAN)", b)[0], "true");
  EXPECT_EQ(Eval("CAST(i32 AS VARCHAR(10))", b)[3], "'-7'");
  auto dec = ScalarExpression::Make("CAST(i32 AS DECIMAL(10,2))", *b.schema);
  EXPECT_EQ(dec.status().code(), StatusCode::kUnsupported) << dec.status().ToString();
}

TEST(ScalarExpressionTest, DateTimeFunctions) {
  RecordBatch b = Sample();
  EXPECT_EQ(Eval("year(ts)", b), (V{"2021", "1970", "null", "1969"}));
  EXPECT_EQ(Eval("MONTH(ts)", b), (V{"3", "1", "null", "12"}));
  EXPECT_EQ(Eval("day(dt)", b), (V{"4", "1", "null", "31"}));
  EXPECT_EQ(Eval("dayofmonth(ntz)", b), (V{"4", "1", "null", "31"}));
  EXPECT_EQ(Eval("hour(ts)", b), (V{"5", "0", "null", "23"}));
  EXPECT_EQ(Eval("minute(ts)", b), (V{"6", "0", "null", "59"}));
  EXPECT_EQ(Eval("second(ts)", b), (V{"7", "0", "null", "59"}));
  EXPECT_EQ(Eval("year(s)", b), (V{"null", "2021", "null", "null"}));
  EXPECT_EQ(Eval("to_date(ts)", b), (V{"2021-03-04", "1970-01-01", "null", "1969-12-31"}));
  EXPECT_EQ(Eval("DATE(s)", b), (V{"null", "2021-02-28", "null", "null"}));
  EXPECT_EQ(Eval("to_date(s, 'yyyy-MM-dd')", b), (V{"null", "2021-02-28", "null", "null"}));
  EXPECT_EQ(Eval("to_date('04/03/2021', 'dd/MM/yyyy')", b)[0], "2021-03-04");
  EXPECT_EQ(Eval("date_format(ts, 'yyyy-MM-dd HH:mm:ss')", b),
            (V{"'2021-03-04 05:06:07'", "'1970-01-01 00:00:00'", "null", "'1969-12-31 23:59:59'"}));
  EXPECT_EQ(Eval("date_format(ts, 'yyyyMM')", b)[0], "'202103'");
  EXPECT_EQ(Eval("date_format(dt, 'yyyy/MM')", b)[3], "'1969/12'");
  EXPECT_EQ(Eval("date_format(ts, 'dd MMM yy, h a, SSS')", b)[0], "'04 Mar 21, 5 AM, 089'");
  EXPECT_EQ(Eval("date_format(ts, \"yyyy-'Q'MM\")", b)[0], "'2021-Q03'");
  EXPECT_EQ(Eval("date_trunc('MONTH', ts)", b), (V{"2021-03-01 00:00:00.000000Z", "1970-01-01 00:00:00.000000Z", "null",
                                                  "1969-12-01 00:00:00.000000Z"}));
  EXPECT_EQ(Eval("date_trunc('hour', ts)", b)[0], "2021-03-04 05:00:00.000000Z");
  EXPECT_EQ(Eval("date_trunc('DAY', ts)", b)[3], "1969-12-31 00:00:00.000000Z");
  EXPECT_EQ(Eval("date_trunc('year', dt)", b)[0], "2021-01-01 00:00:00.000000Z");
  EXPECT_EQ(Eval("trunc(dt, 'MM')", b), (V{"2021-03-01", "1970-01-01", "null", "1969-12-01"}));
  EXPECT_EQ(Eval("trunc(ts, 'year')", b)[0], "2021-01-01");
  EXPECT_EQ(Eval("trunc(dt, 'day')", b)[0], "null");  // Spark's trunc knows no DAY unit
  EXPECT_EQ(Eval("dt + 1", b)[3], "1970-01-01");
  auto bad = ScalarExpression::Make("date_format(ts, 'yyyy-MM-dd G')", *b.schema);
  EXPECT_EQ(bad.status().code(), StatusCode::kUnsupported);
  auto nonlit = ScalarExpression::Make("date_format(ts, s)", *b.schema);
  EXPECT_EQ(nonlit.status().code(), StatusCode::kUnsupported);
}

TEST(ScalarExpressionTest, StringFunctions) {
  RecordBatch b = Sample();
  RecordBatch ascii = *b.Slice(0, 3);  // also checks that slice offsets are honoured
  EXPECT_EQ(Eval("upper(trim(s))", ascii), (V{"'HELLO'", "'2021-02-28'", "null"}));
  EXPECT_EQ(Eval("lower(s)", ascii)[0], "'  hello '");
  EXPECT_EQ(Eval("lcase(s)", *b.Slice(1, 1)), (V{"'2021-02-28'"}));
  EXPECT_EQ(Eval("i32 + 1", *b.Slice(1, 3)), (V{"-2147483648", "null", "-6"}));
  EXPECT_EQ(Eval("ltrim(s)", b)[0], "'Hello '");
  EXPECT_EQ(Eval("rtrim(s)", b)[0], "'  Hello'");
  EXPECT_EQ(Eval("length(s)", b), (V{"8", "10", "null", "11"}));
  EXPECT_EQ(Eval("substring(s, 1, 4)", b), (V{"'  He'", "'2021'", "null", "'héll'"}));
  EXPECT_EQ(Eval("substr(s, -5)", b)[3], "'wörld'");
  EXPECT_EQ(Eval("substr(s, 0, 2)", b)[1], "'20'");
  EXPECT_EQ(Eval("substring(s, 6, 100)", b)[1], "'02-28'");
  EXPECT_EQ(Eval("substring(s, -100, 2)", b)[1], "''");
  EXPECT_EQ(Eval("concat(s, '-', i32)", b), (V{"'  Hello -1'", "'2021-02-28-2147483647'", "null", "'héllo wörld--7'"}));
  EXPECT_EQ(Eval("coalesce(i32, i64, 0)", b), (V{"1", "2147483647", "5", "-7"}));
  EXPECT_EQ(Eval("coalesce(d, 9)", b)[2], "9");
  EXPECT_EQ(Eval("st.inner * 10", b), (V{"10", "-10", "null", "-70"}));
  EXPECT_EQ(Eval("`i32` + NULL", b), (V{"null", "null", "null", "null"}));
  // Non-ASCII case mapping is refused, never approximated.
  auto e = ScalarExpression::Make("upper(s)", *b.schema).ValueOrDie();
  auto r = e->Evaluate(b);
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported) << r.status().ToString();
}

TEST(ScalarExpressionTest, ResultCastToColumnType) {
  RecordBatch b = Sample();
  EXPECT_EQ(Eval("i32 + 1", b, columnar::Int64()), (V{"2", "-2147483648", "null", "-6"}));
  EXPECT_EQ(Eval("year(ts)", b, columnar::Utf8())[0], "'2021'");
}

TEST(ScalarExpressionTest, ErrorsNameTheProblem) {
  RecordBatch b = Sample();
  auto unknown = ScalarExpression::Make("nope + 1", *b.schema);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown column 'nope'"), std::string::npos);
  EXPECT_EQ(ScalarExpression::Make("i32 + ", *b.schema).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ScalarExpression::Make("CASE WHEN i32 > 1 THEN 1 ELSE 0 END", *b.schema).status().code(),
            StatusCode::kUnsupported);
  EXPECT_EQ(ScalarExpression::Make("md5(s)", *b.schema).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(ScalarExpression::Make("i32 > 1", *b.schema).status().code(), StatusCode::kUnsupported);
  EXPECT_EQ(ScalarExpression::Make("dt * 2", *b.schema).status().code(), StatusCode::kUnsupported);
  std::string deep(500, '(');
  EXPECT_EQ(ScalarExpression::Make(deep + "1" + std::string(500, ')'), *b.schema).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ScalarExpressionTest, NullSafeMismatch) {
  RecordBatch b = Sample();
  auto e = ScalarExpression::Make("i32 + 1", *b.schema).ValueOrDie();
  ArrayPtr expected = e->Evaluate(b, columnar::Int32()).ValueOrDie();
  ArrayPtr same = e->Evaluate(b, columnar::Int64()).ValueOrDie();
  ASSERT_OK_AND_ASSIGN(int64_t m, FirstNullSafeMismatch(*same, *expected));
  EXPECT_EQ(m, -1);
  ASSERT_OK_AND_ASSIGN(m, FirstNullSafeMismatch(*b.columns[0], *expected));
  EXPECT_EQ(m, 0);
}

TEST(ScalarExpressionTest, LargeBatchIsVectorised) {
  Rows r;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    r.i32.push_back(i);
    r.i64.push_back(i);
    r.d.push_back(i);
    r.s.push_back(std::nullopt);
    r.dt.push_back(i % 1000);
    r.ts.push_back(static_cast<int64_t>(i) * kDay / 24);
  }
  RecordBatch b = MakeBatch(r);
  auto e = ScalarExpression::Make("date_format(ts, 'yyyy-MM-dd')", *b.schema).ValueOrDie();
  auto start = std::chrono::steady_clock::now();
  ASSERT_OK_AND_ASSIGN(auto arr, e->Evaluate(b));
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("date_format over %d rows: %.1f ms\n", n, ms);
  EXPECT_EQ(arr->length, n);
  EXPECT_EQ(columnar::GetScalar(*arr, n - 1).ValueOrDie().ToString(), "'1992-10-25'");
}

}  // namespace
}  // namespace delta::expr
