#include "delta/expr/parser.h"

#include <cmath>

#include <gtest/gtest.h>

#include "delta/expr/literal_util.h"
#include "support/matchers.h"

namespace delta::expr {
namespace {

using columnar::Scalar;
using columnar::TypeId;

ExprPtr MustParse(std::string_view text) {
  auto r = ParsePredicate(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

void ExpectRoundTrip(std::string_view text) {
  ExprPtr e = MustParse(text);
  ASSERT_TRUE(e);
  const std::string sql = e->ToString();
  ASSERT_OK_AND_ASSIGN(ExprPtr again, ParsePredicate(sql));
  EXPECT_TRUE(e->Equals(*again)) << text << " -> " << sql << " -> " << again->ToString();
  EXPECT_EQ(again->ToString(), sql);
}

TEST(ParserTest, Comparisons) {
  ExprPtr e = MustParse("a = 1");
  ASSERT_EQ(e->kind(), ExprKind::kComparison);
  EXPECT_EQ(e->op(), CompareOp::kEq);
  EXPECT_EQ(e->child(0)->path(), std::vector<std::string>{"a"});
  EXPECT_EQ(e->child(1)->literal().type->id(), TypeId::kInt64);
  EXPECT_EQ(std::get<int64_t>(e->child(1)->literal().value), 1);

  const std::pair<const char*, CompareOp> ops[] = {
      {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<>", CompareOp::kNe}, {"<", CompareOp::kLt},
      {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe}, {"<=>", CompareOp::kNullSafeEq}};
  for (const auto& [text, op] : ops) {
    ExprPtr c = MustParse(std::string("x ") + text + " 'v'");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->op(), op) << text;
  }
  EXPECT_TRUE(MustParse("a.b.c>=-5")->Equals(*Ge(Col("a.b.c"), Lit(int64_t{-5}))));
  EXPECT_TRUE(MustParse("`we``ird`.`x.y` = 'it''s'")->Equals(*Eq(ColPath({"we`ird", "x.y"}), Lit("it's"))));
}

TEST(ParserTest, Literals) {
  auto lit = [](std::string_view text) { return MustParse(std::string("a = ") + std::string(text))->child(1)->literal(); };
  Scalar d = lit("1.50");
  EXPECT_EQ(d.type->id(), TypeId::kDecimal128);
  EXPECT_EQ(d.type->precision(), 3);
  EXPECT_EQ(d.type->scale(), 2);
  EXPECT_TRUE(std::get<__int128>(d.value) == 150);
  Scalar neg = lit("-0.25");
  EXPECT_TRUE(std::get<__int128>(neg.value) == -25);
  Scalar f = lit("1.5e3");
  EXPECT_EQ(f.type->id(), TypeId::kFloat64);
  EXPECT_EQ(std::get<double>(f.value), 1500.0);
  EXPECT_EQ(std::get<int64_t>(lit("-9223372036854775808").value), INT64_MIN);
  Scalar big = lit("99999999999999999999");
  EXPECT_EQ(big.type->id(), TypeId::kDecimal128);
  EXPECT_EQ(lit("TrUe").type->id(), TypeId::kBool);
  EXPECT_TRUE(lit("null").is_null());
  Scalar date = lit("DATE '2021-01-02'");
  EXPECT_EQ(date.type->id(), TypeId::kDate32);
  EXPECT_EQ(std::get<int64_t>(date.value), 18629);
  Scalar ts = lit("TIMESTAMP '2021-01-01 10:00:00.5Z'");
  EXPECT_EQ(ts.type->timezone(), "UTC");
  EXPECT_EQ(std::get<int64_t>(ts.value), (18628LL * 86400 + 36000) * 1000000 + 500000);
  Scalar ts_off = lit("timestamp '2021-01-01T11:00:00+01:00'");
  EXPECT_EQ(std::get<int64_t>(ts_off.value), (18628LL * 86400 + 36000) * 1000000);
  Scalar ntz = lit("TIMESTAMP_NTZ '1970-01-01 00:00:01.000001'");
  EXPECT_TRUE(ntz.type->timezone().empty());
  EXPECT_EQ(std::get<int64_t>(ntz.value), 1000001);
  Scalar bin = lit("X'00fF'");
  EXPECT_EQ(bin.type->id(), TypeId::kBinary);
  EXPECT_EQ(std::get<std::string>(bin.value), std::string("\x00\xff", 2));
  EXPECT_TRUE(std::isnan(std::get<double>(lit("DOUBLE 'NaN'").value)));
  // A column named like a type word is still a column.
  EXPECT_TRUE(MustParse("date = 1")->Equals(*Eq(Col("date"), Lit(int64_t{1}))));
}

TEST(ParserTest, PrecedenceAndSugar) {
  ExprPtr e = MustParse("a = 1 OR b = 2 AND NOT c = 3");
  EXPECT_TRUE(e->Equals(*Or({Eq(Col("a"), Lit(int64_t{1})),
                             And({Eq(Col("b"), Lit(int64_t{2})), Not(Eq(Col("c"), Lit(int64_t{3})))})})));
  EXPECT_TRUE(MustParse("a AND b AND c")->Equals(*And({Col("a"), Col("b"), Col("c")})));
  EXPECT_TRUE(MustParse("(a OR b) AND c")->Equals(*And({Or({Col("a"), Col("b")}), Col("c")})));
  EXPECT_TRUE(MustParse("x BETWEEN 1 AND 5 AND y")
                  ->Equals(*And({And({Ge(Col("x"), Lit(int64_t{1})), Le(Col("x"), Lit(int64_t{5}))}), Col("y")})));
  EXPECT_TRUE(MustParse("x not between 1 and 5")
                  ->Equals(*Not(And({Ge(Col("x"), Lit(int64_t{1})), Le(Col("x"), Lit(int64_t{5}))}))));
  EXPECT_TRUE(MustParse("x IS NOT NULL")->Equals(*IsNotNull(Col("x"))));
  EXPECT_TRUE(MustParse("x is null")->Equals(*IsNull(Col("x"))));
  EXPECT_TRUE(MustParse("x NOT IN (1, -2, NULL)")->Equals(*NotIn(Col("x"), {Lit(int64_t{1}), Lit(int64_t{-2}), NullLit()})));
  EXPECT_TRUE(MustParse("x IN ()")->Equals(*In(Col("x"), {})));
  EXPECT_TRUE(MustParse("NOT NOT x")->Equals(*Not(Not(Col("x")))));
}

TEST(ParserTest, RoundTrip) {
  for (const char* text : {
           "a = 1", "a.b.c <=> NULL", "`a b`.`c``d` != 'x''y'", "x >= -1.25 AND y < 1e-3 OR NOT z",
           "(a OR b) AND (c OR d)", "NOT (a = 1 AND b = 2)", "x IN (1, 2.5, 'a', NULL)", "x NOT IN ()",
           "d = DATE '2021-02-28'", "t < TIMESTAMP '2021-01-01 00:00:00.000001Z'", "t > TIMESTAMP_NTZ '1969-12-31 23:59:59.5'",
           "b = X'00FF10'", "f = DOUBLE 'NaN' OR f = DOUBLE '-Infinity' OR f = 1000.0e0", "(a = 1) = (b IS NULL)",
           "`and` = `NOT`", "x BETWEEN 1 AND 2", "a = 99999999999999999999999", "TRUE", "((((a))))",
           "v = -9223372036854775808", "`date` = DATE '0001-01-01'",
       }) {
    SCOPED_TRACE(text);
    ExpectRoundTrip(text);
  }
  // Factory-built trees with nested junctions print with the parentheses they need.
  ExprPtr e = Or({Or({Col("a"), Col("b")}), And({Col("c"), Not(Col("d"))})});
  ASSERT_OK_AND_ASSIGN(ExprPtr back, ParsePredicate(e->ToString()));
  EXPECT_TRUE(back->Equals(*e)) << e->ToString();
  EXPECT_EQ(Eq(Col("a"), Lit(1.0))->ToString(), "a = 1E0");
}

TEST(ParserTest, Errors) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"a IN (1, 2", "expected ')' at 10 in: a IN (1, 2"},
      {"", "expected a column, a literal or '(' at 0"},
      {"a =", "expected a column, a literal or '(' at 3"},
      {"a = 1 b", "expected end of input at 6"},
      {"a IS 1", "expected NOT or NULL at 5"},
      {"a = 'abc", "expected closing quote"},
      {"`a = 1", "expected closing backtick"},
      {"a BETWEEN 1 OR 2", "expected AND at 12"},
      {"a = DATE '2021-02-30'", "expected a date"},
      {"a = TIMESTAMP_NTZ '2021-01-01 00:00:00Z'", "expected a timestamp"},
      {"a IN (b)", "expected a literal at 6"},
      {"a = 1e", "expected exponent digits"},
      {"a = 12abc", "expected operator or end of number"},
      {"a ; b", "unexpected character ';' at 2"},
      {"a = X'0G'", "expected hex digits"},
      {"and = 1", "expected a column name at 0"},
      {"a = 1e999", "expected a finite number"},
      {"a.", "expected a column name at 2"},
      {"a = -b", "expected a number after '-' at 5"},
      {"a IN (25.)", "expected digits after '.' at 9"},
  };
  for (const auto& c : cases) {
    auto r = ParsePredicate(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << c.text << " gave " << r.status().message();
  }
  std::string deep(5000, '(');
  deep += "a";
  auto r = ParsePredicate(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting deeper"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  EXPECT_FALSE(ParsePredicate(nots + "a").ok());
}

TEST(LiteralUtilTest, DecimalsAndDates) {
  __int128 v;
  int32_t s;
  ASSERT_TRUE(ParseDecimalText("123.45", &v, &s));
  EXPECT_TRUE(v == 12345);
  EXPECT_EQ(s, 2);
  ASSERT_TRUE(ParseDecimalText("1.2345E+2", &v, &s));
  EXPECT_TRUE(v == 12345);
  EXPECT_EQ(s, 2);
  ASSERT_TRUE(ParseDecimalText("-5E3", &v, &s));
  EXPECT_TRUE(v == -5000);
  EXPECT_EQ(s, 0);
  EXPECT_FALSE(ParseDecimalText("1.2.3", &v, &s));
  EXPECT_FALSE(ParseDecimalText("123456789012345678901234567890123456789", &v, &s));
  EXPECT_TRUE(*Rescale(-15, 1, 0, Rounding::kFloor) == -2);
  EXPECT_TRUE(*Rescale(-15, 1, 0, Rounding::kCeil) == -1);
  EXPECT_FALSE(Rescale(15, 1, 0, Rounding::kExact).has_value());
  int64_t days;
  ASSERT_TRUE(ParseDateText("1970-01-01", &days));
  EXPECT_EQ(days, 0);
  ASSERT_TRUE(ParseDateText("2000-02-29", &days));
  EXPECT_EQ(days, 11016);
  EXPECT_FALSE(ParseDateText("1900-02-29", &days));
  int64_t us;
  ASSERT_TRUE(ParseTimestampText("1969-12-31T23:59:59.999Z", &us));
  EXPECT_EQ(us, -1000);
  EXPECT_FALSE(ParseTimestampText("860822-01-01", &us));  // beyond int64 microseconds
  ASSERT_TRUE(ParseDateText("860822-01-01", &days));
  auto cmp = CompareScalars(Scalar{columnar::Decimal128(5, 2), static_cast<__int128>(150)},
                            Scalar{columnar::Decimal128(3, 1), static_cast<__int128>(15)});
  EXPECT_EQ(cmp, 0);
  EXPECT_EQ(CompareScalars(Scalar{columnar::Int32(), int64_t{2}}, Scalar{columnar::Float64(), 1.5}), 1);
  EXPECT_EQ(CompareScalars(Scalar{columnar::Float64(), std::nan("")}, Scalar{columnar::Float64(), HUGE_VAL}), 1);
}

}  // namespace
}  // namespace delta::expr
