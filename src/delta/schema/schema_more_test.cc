// Tests of column mapping, partition values, type widening and file-to-Delta coercion.
#include <cmath>
#include <fstream>
#include <limits>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "delta/schema/coerce.h"
#include "delta/schema/column_mapping.h"
#include "delta/schema/partition_values.h"
#include "delta/schema/schema_json.h"
#include "delta/schema/type_widening.h"
#include "support/matchers.h"

namespace delta::schema {
namespace {

using columnar::ArrayPtr;
using columnar::Scalar;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

// ---------------------------------------------------------------- column mapping

TEST(ColumnMappingTest, Mode) {
  ASSERT_OK_AND_ASSIGN(auto m0, ParseColumnMappingMode({}));
  EXPECT_EQ(m0, ColumnMappingMode::kNone);
  ASSERT_OK_AND_ASSIGN(auto m1, ParseColumnMappingMode({{"delta.columnMapping.mode", "id"}}));
  EXPECT_EQ(m1, ColumnMappingMode::kId);
  ASSERT_OK_AND_ASSIGN(auto m2, ParseColumnMappingMode({{"delta.columnMapping.mode", "Name"}}));
  EXPECT_EQ(m2, ColumnMappingMode::kName);
  ASSERT_OK_AND_ASSIGN(auto m3, ParseColumnMappingMode({{"delta.columnMapping.mode", "none"}}));
  EXPECT_EQ(m3, ColumnMappingMode::kNone);
  ASSERT_RAISES(InvalidArgument, ParseColumnMappingMode({{"delta.columnMapping.mode", "position"}}));
}

std::string ReadSchemaString(const std::string& log_file) {
  std::ifstream in(log_file);
  std::string line;
  simdjson::dom::parser parser;
  while (std::getline(in, line)) {
    simdjson::dom::element doc;
    std::string_view s;
    if (parser.parse(line).get(doc) == simdjson::SUCCESS &&
        doc["metaData"]["schemaString"].get_string().get(s) == simdjson::SUCCESS) {
      return std::string(s);
    }
  }
  return "";
}

TEST(ColumnMappingTest, PhysicalSchemaOfRealIdModeTable) {
  const std::string dir = testing::SharedTablesDir();
  if (dir.empty()) GTEST_SKIP() << "shared Delta tables not present";
  const std::string s =
      ReadSchemaString(dir + "/delta-golden/table-with-icebegCompatV2Enabled/_delta_log/00000000000000000000.json");
  ASSERT_FALSE(s.empty());
  ASSERT_OK_AND_ASSIGN(auto logical, ParseSchemaJson(s));
  ASSERT_EQ(logical->field(0)->name, "ByteType");
  EXPECT_EQ(ColumnMappingId(*logical->field(0)), 1);
  EXPECT_EQ(PhysicalName(*logical->field(0)), "col-150baa08-2441-4182-b1d2-6c33e9b2f6e6");

  ASSERT_OK_AND_ASSIGN(auto phys, PhysicalSchema(*logical, ColumnMappingMode::kId));
  ASSERT_EQ(phys->num_fields(), logical->num_fields());
  EXPECT_EQ(phys->field(0)->name, "col-150baa08-2441-4182-b1d2-6c33e9b2f6e6");
  EXPECT_EQ(phys->field(0)->GetMetadata("PARQUET:field_id"), "1");
  EXPECT_EQ(phys->field(11)->name, "col-1a000afa-7d0f-4822-85fc-6285cf51e460");
  EXPECT_EQ(phys->field(11)->GetMetadata("PARQUET:field_id"), "12");
  int structs = 0;
  for (int i = 0; i < phys->num_fields(); ++i) {
    const auto& lf = *logical->field(i);
    const auto& pf = *phys->field(i);
    EXPECT_EQ(pf.name, PhysicalName(lf));
    EXPECT_EQ(pf.type->id(), lf.type->id());
    if (pf.type->id() == TypeId::kStruct) {
      ++structs;
      for (size_t c = 0; c < pf.type->children().size(); ++c) {
        const auto& lc = *lf.type->children()[c];
        const auto& pc = *pf.type->children()[c];
        EXPECT_EQ(pc.name, PhysicalName(lc)) << lc.name;
        EXPECT_EQ(pc.GetMetadata("PARQUET:field_id"), std::to_string(*ColumnMappingId(lc)));
        EXPECT_NE(pc.name, lc.name);
      }
    }
  }
  EXPECT_GE(structs, 1);
  // Name mode: renamed, no field ids added.
  ASSERT_OK_AND_ASSIGN(auto by_name, PhysicalSchema(*logical, ColumnMappingMode::kName));
  EXPECT_EQ(by_name->field(0)->name, "col-150baa08-2441-4182-b1d2-6c33e9b2f6e6");
  EXPECT_FALSE(by_name->field(0)->GetMetadata("PARQUET:field_id").has_value());
  // None: unchanged.
  ASSERT_OK_AND_ASSIGN(auto none, PhysicalSchema(*logical, ColumnMappingMode::kNone));
  EXPECT_TRUE(none->Equals(*logical));
}

TEST(ColumnMappingTest, NestedInListAndMapAndErrors) {
  ASSERT_OK_AND_ASSIGN(auto logical, ParseSchemaJson(R"J({"type":"struct","fields":[
    {"name":"l","type":{"type":"array","elementType":{"type":"struct","fields":[
       {"name":"x","type":"long","nullable":true,"metadata":{"delta.columnMapping.id":3,"delta.columnMapping.physicalName":"p3"}}]},
       "containsNull":true},"nullable":true,"metadata":{"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"p1"}},
    {"name":"m","type":{"type":"map","keyType":"string","valueType":{"type":"struct","fields":[
       {"name":"y","type":"long","nullable":true,"metadata":{"delta.columnMapping.id":4,"delta.columnMapping.physicalName":"p4"}}]},
       "valueContainsNull":true},"nullable":true,"metadata":{"delta.columnMapping.id":2,"delta.columnMapping.physicalName":"p2"}}]})J"));
  ASSERT_OK_AND_ASSIGN(auto phys, PhysicalSchema(*logical, ColumnMappingMode::kId));
  EXPECT_EQ(phys->field(0)->name, "p1");
  const auto& elem = *phys->field(0)->type->children()[0];
  EXPECT_EQ(elem.name, "element");
  EXPECT_EQ(elem.type->children()[0]->name, "p3");
  EXPECT_EQ(elem.type->children()[0]->GetMetadata("PARQUET:field_id"), "3");
  const auto& value = *phys->field(1)->type->children()[0]->type->children()[1];
  EXPECT_EQ(value.name, "value");
  EXPECT_EQ(value.type->children()[0]->name, "p4");

  ASSERT_OK_AND_ASSIGN(auto bad, ParseSchemaJson(R"J({"type":"struct","fields":[
    {"name":"s","type":{"type":"struct","fields":[{"name":"inner","type":"long","nullable":true,"metadata":{}}]},
     "nullable":true,"metadata":{"delta.columnMapping.id":1,"delta.columnMapping.physicalName":"p1"}}]})J"));
  auto r = PhysicalSchema(*bad, ColumnMappingMode::kName);
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("s.inner"), std::string::npos) << r.status().ToString();
  ASSERT_OK_AND_ASSIGN(auto noid, ParseSchemaJson(R"J({"type":"struct","fields":[
    {"name":"a","type":"long","nullable":true,"metadata":{"delta.columnMapping.physicalName":"p1"}}]})J"));
  ASSERT_OK(PhysicalSchema(*noid, ColumnMappingMode::kName).status());
  ASSERT_RAISES(CorruptData, PhysicalSchema(*noid, ColumnMappingMode::kId));
}

// ---------------------------------------------------------------- partition values

Scalar Parse(const std::optional<std::string>& v, const TypePtr& t) {
  auto r = ParsePartitionValue("c", v, t);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Scalar::Null(t);
}

TEST(PartitionValueTest, Parse) {
  EXPECT_TRUE(Parse(std::nullopt, columnar::Int32()).is_null());
  EXPECT_TRUE(Parse("", columnar::Utf8()).is_null());
  EXPECT_TRUE(Parse("", columnar::Int64()).is_null());
  EXPECT_TRUE(Parse("true", columnar::Bool()).Equals(Scalar{columnar::Bool(), true}));
  EXPECT_TRUE(Parse("FALSE", columnar::Bool()).Equals(Scalar{columnar::Bool(), false}));
  EXPECT_TRUE(Parse("-128", columnar::Int8()).Equals(Scalar::Int(columnar::Int8(), -128)));
  EXPECT_TRUE(Parse("32767", columnar::Int16()).Equals(Scalar::Int(columnar::Int16(), 32767)));
  EXPECT_TRUE(Parse("-2147483648", columnar::Int32()).Equals(Scalar::Int(columnar::Int32(), -2147483648LL)));
  EXPECT_TRUE(Parse("9223372036854775807", columnar::Int64()).Equals(Scalar::Int64(std::numeric_limits<int64_t>::max())));
  EXPECT_TRUE(Parse("1.5", columnar::Float64()).Equals(Scalar::Float64(1.5)));
  EXPECT_TRUE(Parse("NaN", columnar::Float64()).Equals(Scalar::Float64(std::nan(""))));
  EXPECT_TRUE(Parse("-Infinity", columnar::Float32()).Equals(Scalar{columnar::Float32(), -INFINITY}));
  EXPECT_TRUE(Parse("Infinity", columnar::Float64()).Equals(Scalar::Float64(INFINITY)));
  EXPECT_TRUE(Parse("0.1", columnar::Float32()).Equals(Scalar{columnar::Float32(), static_cast<double>(0.1f)}));
  EXPECT_TRUE(Parse("1E10", columnar::Float64()).Equals(Scalar::Float64(1e10)));
  EXPECT_TRUE(Parse("1970-01-01", columnar::Date32()).Equals(Scalar::Int(columnar::Date32(), 0)));
  EXPECT_TRUE(Parse("2021-01-02", columnar::Date32()).Equals(Scalar::Int(columnar::Date32(), 18629)));
  EXPECT_TRUE(Parse("1969-12-31", columnar::Date32()).Equals(Scalar::Int(columnar::Date32(), -1)));
  EXPECT_TRUE(Parse("2000-02-29", columnar::Date32()).Equals(Scalar::Int(columnar::Date32(), 11016)));
  const TypePtr ts = columnar::Timestamp(TimeUnit::kMicro, "UTC");
  const TypePtr ntz = columnar::Timestamp(TimeUnit::kMicro);
  EXPECT_TRUE(Parse("1970-01-01 00:00:00", ts).Equals(Scalar::Int(ts, 0)));
  EXPECT_TRUE(Parse("1970-01-01 00:00:00.123456", ts).Equals(Scalar::Int(ts, 123456)));
  EXPECT_TRUE(Parse("1970-01-01 00:00:01.5", ts).Equals(Scalar::Int(ts, 1500000)));
  EXPECT_TRUE(Parse("1970-01-01 00:00:00.123456789", ts).Equals(Scalar::Int(ts, 123456)));
  EXPECT_TRUE(Parse("1970-01-01T00:00:00.123456Z", ts).Equals(Scalar::Int(ts, 123456)));
  EXPECT_TRUE(Parse("1970-01-01T01:00:00+01:00", ts).Equals(Scalar::Int(ts, 0)));
  EXPECT_TRUE(Parse("1969-12-31T23:00:00-0100", ts).Equals(Scalar::Int(ts, 0)));
  EXPECT_TRUE(Parse("2021-01-02 03:04:05", ts).Equals(Scalar::Int(ts, 1609556645000000)));
  EXPECT_TRUE(Parse("1969-12-31 23:59:59.999999", ntz).Equals(Scalar::Int(ntz, -1)));
  EXPECT_TRUE(Parse("1970-01-01 00:00:00.001", columnar::Timestamp(TimeUnit::kNano))
                  .Equals(Scalar::Int(columnar::Timestamp(TimeUnit::kNano), 1000000)));
  const TypePtr dec = columnar::Decimal128(5, 2);
  EXPECT_TRUE(Parse("-12.34", dec).Equals(Scalar::Decimal(5, 2, -1234)));
  EXPECT_TRUE(Parse("12.3", dec).Equals(Scalar::Decimal(5, 2, 1230)));
  EXPECT_TRUE(Parse("999.99", dec).Equals(Scalar::Decimal(5, 2, 99999)));
  EXPECT_TRUE(Parse("12.3400", dec).Equals(Scalar::Decimal(5, 2, 1234)));
  EXPECT_TRUE(Parse("7", dec).Equals(Scalar::Decimal(5, 2, 700)));
  EXPECT_TRUE(Parse("1E-2", dec).Equals(Scalar::Decimal(5, 2, 1)));
  EXPECT_TRUE(Parse("0", dec).Equals(Scalar::Decimal(5, 2, 0)));
  EXPECT_EQ(Parse("12345678901234567890123456789012345678", columnar::Decimal128(38, 0)).ToString(),
            "12345678901234567890123456789012345678");
  EXPECT_TRUE(Parse("a b/c=d", columnar::Utf8()).Equals(Scalar::String("a b/c=d")));
  EXPECT_TRUE(Parse("\x01\x02", columnar::Binary()).Equals(Scalar{columnar::Binary(), std::string("\x01\x02")}));
  EXPECT_TRUE(Parse("x", columnar::Null()).is_null());
}

TEST(PartitionValueTest, Errors) {
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "yes", columnar::Bool()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "128", columnar::Int8()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "-32769", columnar::Int16()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "2147483648", columnar::Int32()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "9223372036854775808", columnar::Int64()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "1.5", columnar::Int64()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", " 1", columnar::Int64()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "abc", columnar::Float64()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "2021-02-29", columnar::Date32()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "2021-13-01", columnar::Date32()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "2021-1-1", columnar::Date32()));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "2021-01-01x", columnar::Date32()));
  ASSERT_RAISES(InvalidArgument,
                ParsePartitionValue("c", "1970-01-01T00:00:00Z", columnar::Timestamp(TimeUnit::kMicro)));
  ASSERT_RAISES(InvalidArgument,
                ParsePartitionValue("c", "1970-01-01 24:00:00", columnar::Timestamp(TimeUnit::kMicro, "UTC")));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "1000.00", columnar::Decimal128(5, 2)));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "1.234", columnar::Decimal128(5, 2)));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "1.2.3", columnar::Decimal128(5, 2)));
  ASSERT_RAISES(InvalidArgument, ParsePartitionValue("c", "-", columnar::Decimal128(5, 2)));
  ASSERT_RAISES(Unsupported, ParsePartitionValue("c", "1", columnar::List(columnar::Int32())));
  auto r = ParsePartitionValue("year", "20x1", columnar::Int32());
  EXPECT_NE(r.status().message().find("year"), std::string::npos);
  EXPECT_NE(r.status().message().find("20x1"), std::string::npos);
}

TEST(PartitionValueTest, SerializeRoundTrip) {
  const TypePtr ts = columnar::Timestamp(TimeUnit::kMicro, "UTC");
  EXPECT_EQ(SerializePartitionValue(Scalar::Null(columnar::Int32())), std::nullopt);
  EXPECT_EQ(SerializePartitionValue(Scalar::Bool(true)), "true");
  EXPECT_EQ(SerializePartitionValue(Scalar::Int(columnar::Int16(), -5)), "-5");
  EXPECT_EQ(SerializePartitionValue(Scalar::Float64(1.0)), "1.0");
  EXPECT_EQ(SerializePartitionValue(Scalar::Float64(std::nan(""))), "NaN");
  EXPECT_EQ(SerializePartitionValue(Scalar::Int(columnar::Date32(), -1)), "1969-12-31");
  EXPECT_EQ(SerializePartitionValue(Scalar::Int(ts, -1)), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(SerializePartitionValue(Scalar::Int(columnar::Timestamp(TimeUnit::kNano), 1500)),
            "1970-01-01 00:00:00.000001");
  EXPECT_EQ(SerializePartitionValue(Scalar::Decimal(5, 2, -5)), "-0.05");
  EXPECT_EQ(SerializePartitionValue(Scalar::String("x=y")), "x=y");
  const Scalar samples[] = {Scalar::Int(ts, 1609556645123456),
                            Scalar::Int(columnar::Timestamp(TimeUnit::kMicro), -62135596800000000),
                            Scalar::Int(columnar::Date32(), 2932896),
                            Scalar::Decimal(38, 10, -(static_cast<__int128>(1) << 120)),
                            Scalar{columnar::Float32(), 0.1f},
                            Scalar::Float64(-1e-300),
                            Scalar::Int64(std::numeric_limits<int64_t>::min())};
  for (const auto& s : samples) {
    auto text = SerializePartitionValue(s);
    ASSERT_TRUE(text.has_value());
    ASSERT_OK_AND_ASSIGN(auto back, ParsePartitionValue("c", text, s.type));
    EXPECT_TRUE(back.Equals(s)) << *text << " -> " << back.ToString() << " vs " << s.ToString();
  }
}

// ---------------------------------------------------------------- type widening

template <typename B, typename T>
ArrayPtr Make(TypePtr type, std::initializer_list<std::optional<T>> values) {
  B b(type);
  for (const auto& v : values) {
    if (v) EXPECT_OK(b.Append(*v));
    else EXPECT_OK(b.AppendNull());
  }
  auto r = b.Finish();
  EXPECT_TRUE(r.ok());
  return *r;
}

ArrayPtr Ints(TypePtr t, std::initializer_list<std::optional<int32_t>> v) { return Make<columnar::Int32Builder, int32_t>(t, v); }
ArrayPtr Longs(TypePtr t, std::initializer_list<std::optional<int64_t>> v) { return Make<columnar::Int64Builder, int64_t>(t, v); }

void ExpectScalars(const ArrayPtr& a, const std::vector<Scalar>& expected) {
  ASSERT_OK(a->Validate());
  ASSERT_EQ(a->length, static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_OK_AND_ASSIGN(auto s, columnar::GetScalar(*a, static_cast<int64_t>(i)));
    EXPECT_TRUE(s.Equals(expected[i])) << i << ": " << s.ToString() << " vs " << expected[i].ToString();
  }
}

TEST(TypeWideningTest, Allowed) {
  using namespace columnar;  // NOLINT
  EXPECT_TRUE(IsWideningAllowed(*Int8(), *Int16()));
  EXPECT_TRUE(IsWideningAllowed(*Int8(), *Int64()));
  EXPECT_TRUE(IsWideningAllowed(*Int32(), *Int64()));
  EXPECT_FALSE(IsWideningAllowed(*Int64(), *Int32()));
  EXPECT_TRUE(IsWideningAllowed(*Float32(), *Float64()));
  EXPECT_TRUE(IsWideningAllowed(*Int32(), *Float64()));
  EXPECT_FALSE(IsWideningAllowed(*Int64(), *Float64()));
  EXPECT_FALSE(IsWideningAllowed(*Int32(), *Float32()));
  EXPECT_TRUE(IsWideningAllowed(*Date32(), *Timestamp(TimeUnit::kMicro)));
  EXPECT_FALSE(IsWideningAllowed(*Date32(), *Timestamp(TimeUnit::kMicro, "UTC")));
  EXPECT_TRUE(IsWideningAllowed(*Decimal128(10, 2), *Decimal128(12, 4)));
  EXPECT_TRUE(IsWideningAllowed(*Decimal128(10, 2), *Decimal128(12, 2)));
  EXPECT_FALSE(IsWideningAllowed(*Decimal128(10, 2), *Decimal128(11, 4)));
  EXPECT_FALSE(IsWideningAllowed(*Decimal128(10, 2), *Decimal128(10, 1)));
  EXPECT_TRUE(IsWideningAllowed(*Int32(), *Decimal128(10, 0)));
  EXPECT_TRUE(IsWideningAllowed(*Int8(), *Decimal128(12, 2)));
  EXPECT_FALSE(IsWideningAllowed(*Int32(), *Decimal128(11, 2)));
  EXPECT_TRUE(IsWideningAllowed(*Int64(), *Decimal128(20, 0)));
  EXPECT_FALSE(IsWideningAllowed(*Int64(), *Decimal128(38, 19)));
  EXPECT_FALSE(IsWideningAllowed(*Utf8(), *Binary()));
  EXPECT_TRUE(IsWideningAllowed(*List(Int32()), *List(Int64())));
  EXPECT_TRUE(IsWideningAllowed(*Map(Utf8(), Float32()), *Map(Utf8(), Float64())));
  EXPECT_TRUE(IsWideningAllowed(*Struct({MakeField("a", Int16())}), *Struct({MakeField("a", Int32())})));
  EXPECT_FALSE(IsWideningAllowed(*Struct({MakeField("a", Int16())}), *Struct({MakeField("b", Int32())})));
}

TEST(TypeWideningTest, CastValues) {
  using namespace columnar;  // NOLINT
  auto in = Ints(Int32(), {1, std::nullopt, -2147483647 - 1, 2147483647});
  ASSERT_OK_AND_ASSIGN(auto l, CastForWidening(in, Int64()));
  ExpectScalars(l, {Scalar::Int64(1), Scalar::Null(Int64()), Scalar::Int64(-2147483648LL), Scalar::Int64(2147483647)});
  ASSERT_OK_AND_ASSIGN(auto d, CastForWidening(in, Float64()));
  ExpectScalars(d, {Scalar::Float64(1), Scalar::Null(Float64()), Scalar::Float64(-2147483648.0), Scalar::Float64(2147483647.0)});
  ASSERT_OK_AND_ASSIGN(auto dec, CastForWidening(in, Decimal128(12, 2)));
  ExpectScalars(dec, {Scalar::Decimal(12, 2, 100), Scalar::Null(Decimal128(12, 2)), Scalar::Decimal(12, 2, -214748364800LL),
                      Scalar::Decimal(12, 2, 214748364700LL)});
  auto sliced = in->Slice(1, 3);
  ASSERT_OK_AND_ASSIGN(auto ls, CastForWidening(sliced, Int64()));
  ExpectScalars(ls, {Scalar::Null(Int64()), Scalar::Int64(-2147483648LL), Scalar::Int64(2147483647)});

  auto dates = Ints(Date32(), {0, -1, 18629});
  ASSERT_OK_AND_ASSIGN(auto ts, CastForWidening(dates, Timestamp(TimeUnit::kMicro)));
  const auto ntz = Timestamp(TimeUnit::kMicro);
  ExpectScalars(ts, {Scalar::Int(ntz, 0), Scalar::Int(ntz, -86400000000LL), Scalar::Int(ntz, 18629LL * 86400000000LL)});

  Decimal128Builder db(Decimal128(10, 2));
  ASSERT_OK(db.Append(static_cast<__int128>(-12345)));
  ASSERT_OK(db.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto decs, db.Finish());
  ASSERT_OK_AND_ASSIGN(auto wider, CastForWidening(decs, Decimal128(14, 5)));
  ExpectScalars(wider, {Scalar::Decimal(14, 5, -12345000), Scalar::Null(Decimal128(14, 5))});

  auto f = Make<FloatBuilder, float>(Float32(), {0.1f, std::nullopt});
  ASSERT_OK_AND_ASSIGN(auto fd, CastForWidening(f, Float64()));
  ExpectScalars(fd, {Scalar::Float64(static_cast<double>(0.1f)), Scalar::Null(Float64())});

  ASSERT_OK_AND_ASSIGN(auto same, CastForWidening(in, Int32()));
  EXPECT_EQ(same.get(), in.get());
  auto r = CastForWidening(l, Int32());
  ASSERT_RAISES(Unsupported, r);
  EXPECT_NE(r.status().message().find("long"), std::string::npos);
  EXPECT_NE(r.status().message().find("integer"), std::string::npos);
}

TEST(TypeWideningTest, NestedCast) {
  using namespace columnar;  // NOLINT
  ListBuilder lb(List(MakeField("element", Int16())), std::make_unique<Int16Builder>(Int16()));
  auto* vb = static_cast<Int16Builder*>(lb.value_builder());
  ASSERT_OK(lb.Append());
  ASSERT_OK(vb->Append(1));
  ASSERT_OK(vb->Append(-300));
  ASSERT_OK(lb.AppendNull());
  ASSERT_OK(lb.Append());
  ASSERT_OK(vb->Append(7));
  ASSERT_OK_AND_ASSIGN(auto list, lb.Finish());
  auto to = List(MakeField("element", Int64()));
  ASSERT_OK_AND_ASSIGN(auto out, CastForWidening(list, to));
  ASSERT_OK(out->Validate());
  EXPECT_TRUE(out->type->Equals(*to));
  EXPECT_TRUE(out->IsNull(1));
  ExpectScalars(out->children[0], {Scalar::Int64(1), Scalar::Int64(-300), Scalar::Int64(7)});
}

// ---------------------------------------------------------------- coercion of file columns

TEST(CoerceTest, Timestamps) {
  using namespace columnar;  // NOLINT
  const auto ts = Timestamp(TimeUnit::kMicro, "UTC");
  auto nanos = Longs(Timestamp(TimeUnit::kNano), {1999, -1, std::nullopt, -1000});
  ASSERT_OK_AND_ASSIGN(auto a, CoerceToDeltaType(nanos, ts, "t"));
  EXPECT_TRUE(a->type->Equals(*ts));
  ExpectScalars(a, {Scalar::Int(ts, 1), Scalar::Int(ts, -1), Scalar::Null(ts), Scalar::Int(ts, -1)});
  auto millis = Longs(Timestamp(TimeUnit::kMilli, "UTC"), {1, -2});
  ASSERT_OK_AND_ASSIGN(auto b, CoerceToDeltaType(millis, ts, "t"));
  ExpectScalars(b, {Scalar::Int(ts, 1000), Scalar::Int(ts, -2000)});
  auto huge = Longs(Timestamp(TimeUnit::kMilli), {std::numeric_limits<int64_t>::max()});
  ASSERT_RAISES(CorruptData, CoerceToDeltaType(huge, ts, "t"));
  // Zone relabelled, same unit.
  auto ntz_file = Longs(Timestamp(TimeUnit::kMicro), {5});
  ASSERT_OK_AND_ASSIGN(auto c, CoerceToDeltaType(ntz_file, ts, "t"));
  ExpectScalars(c, {Scalar::Int(ts, 5)});
}

TEST(CoerceTest, IntegersStringsAndErrors) {
  using namespace columnar;  // NOLINT
  auto wide = Ints(Int32(), {-128, 127, std::nullopt});
  ASSERT_OK_AND_ASSIGN(auto b, CoerceToDeltaType(wide, Int8(), "b"));
  ExpectScalars(b, {Scalar::Int(Int8(), -128), Scalar::Int(Int8(), 127), Scalar::Null(Int8())});
  auto too_big = Ints(Int32(), {128});
  auto r = CoerceToDeltaType(too_big, Int8(), "b");
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("'b'"), std::string::npos);
  auto u = Make<UInt32Builder, uint32_t>(UInt32(), {4294967295u});
  ASSERT_OK_AND_ASSIGN(auto ul, CoerceToDeltaType(u, Int64(), "u"));
  ExpectScalars(ul, {Scalar::Int64(4294967295LL)});
  ASSERT_RAISES(CorruptData, CoerceToDeltaType(u, Int32(), "u"));

  BinaryBuilder sb(Binary());
  ASSERT_OK(sb.Append("xy"));
  ASSERT_OK_AND_ASSIGN(auto bin, sb.Finish());
  ASSERT_OK_AND_ASSIGN(auto str, CoerceToDeltaType(bin, Utf8(), "s"));
  ExpectScalars(str, {Scalar::String("xy")});
  FixedSizeBinaryBuilder fb(FixedSizeBinary(2));
  ASSERT_OK(fb.Append(std::string_view("ab")));
  ASSERT_OK(fb.AppendNull());
  ASSERT_OK_AND_ASSIGN(auto fixed, fb.Finish());
  ASSERT_OK_AND_ASSIGN(auto fbin, CoerceToDeltaType(fixed, Binary(), "f"));
  ExpectScalars(fbin, {Scalar{Binary(), std::string("ab")}, Scalar::Null(Binary())});

  auto r2 = CoerceToDeltaType(bin, Int32(), "col");
  ASSERT_RAISES(Unsupported, r2);
  EXPECT_NE(r2.status().message().find("col"), std::string::npos);
  EXPECT_NE(r2.status().message().find("integer"), std::string::npos);
  // Widening applies (int -> long).
  ASSERT_OK_AND_ASSIGN(auto w, CoerceToDeltaType(wide, Int64(), "w"));
  ExpectScalars(w, {Scalar::Int64(-128), Scalar::Int64(127), Scalar::Null(Int64())});
  // Parquet UNKNOWN column -> nulls.
  ASSERT_OK_AND_ASSIGN(auto nulls, MakeArrayOfNulls(Null(), 2));
  ASSERT_OK_AND_ASSIGN(auto n, CoerceToDeltaType(nulls, Utf8(), "n"));
  ExpectScalars(n, {Scalar::Null(Utf8()), Scalar::Null(Utf8())});
}

TEST(CoerceTest, StructByNameAndColumnMapping) {
  using namespace columnar;  // NOLINT
  // File struct {z: int32 (id 9), phys_a: int16 (id 1), extra: int32}, sliced by one row.
  auto file_type = Struct({MakeField("z", Int32(), true, {{"PARQUET:field_id", "9"}}),
                           MakeField("phys_a", Int16(), true, {{"PARQUET:field_id", "1"}}),
                           MakeField("extra", Int32())});
  std::vector<ArrayBuilderPtr> kids;
  kids.push_back(std::make_unique<Int32Builder>(Int32()));
  kids.push_back(std::make_unique<Int16Builder>(Int16()));
  kids.push_back(std::make_unique<Int32Builder>(Int32()));
  StructBuilder sb(file_type, std::move(kids));
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(static_cast<Int32Builder*>(sb.child(0))->Append(100 + i));
    ASSERT_OK(static_cast<Int16Builder*>(sb.child(1))->Append(static_cast<int16_t>(i)));
    ASSERT_OK(static_cast<Int32Builder*>(sb.child(2))->Append(-i));
    ASSERT_OK(sb.Append(i != 1));
  }
  ASSERT_OK_AND_ASSIGN(auto whole, sb.Finish());
  auto file = whole->Slice(1, 2);

  // Plain names: a missing, z kept, extra dropped.
  auto delta_plain = Struct({MakeField("z", Int64()), MakeField("a", Utf8())});
  ASSERT_OK_AND_ASSIGN(auto p, CoerceToDeltaType(file, delta_plain, "s"));
  ASSERT_OK(p->Validate());
  EXPECT_TRUE(p->type->Equals(*delta_plain));
  EXPECT_TRUE(p->IsNull(0));
  EXPECT_TRUE(p->IsValid(1));
  ExpectScalars(p->children[0], {Scalar::Int64(101), Scalar::Int64(102)});
  ExpectScalars(p->children[1], {Scalar::Null(Utf8()), Scalar::Null(Utf8())});

  // Name mode: logical "a" has physical name phys_a.
  auto delta_cm = Struct({MakeField("a", Int32(), true, {{"delta.columnMapping.id", "1"}, {"delta.columnMapping.physicalName", "phys_a"}}),
                          MakeField("b", Int32(), true, {{"delta.columnMapping.id", "9"}, {"delta.columnMapping.physicalName", "nope"}})});
  ASSERT_OK_AND_ASSIGN(auto n, CoerceToDeltaType(file, delta_cm, "s", ColumnMappingMode::kName));
  ExpectScalars(n->children[0], {Scalar::Int(Int32(), 1), Scalar::Int(Int32(), 2)});
  ExpectScalars(n->children[1], {Scalar::Null(Int32()), Scalar::Null(Int32())});
  // Id mode: b has id 9 -> file field z.
  ASSERT_OK_AND_ASSIGN(auto id, CoerceToDeltaType(file, delta_cm, "s", ColumnMappingMode::kId));
  ExpectScalars(id->children[0], {Scalar::Int(Int32(), 1), Scalar::Int(Int32(), 2)});
  ExpectScalars(id->children[1], {Scalar::Int(Int32(), 101), Scalar::Int(Int32(), 102)});
}

TEST(CoerceTest, MapByPosition) {
  using namespace columnar;  // NOLINT
  auto file_type = Map(MakeField("key_value", Struct({MakeField("k", Utf8(), false), MakeField("v", Int32())}), false));
  MapBuilder mb(file_type, std::make_unique<BinaryBuilder>(Utf8()), std::make_unique<Int32Builder>(Int32()));
  ASSERT_OK(mb.Append());
  ASSERT_OK(static_cast<BinaryBuilder*>(mb.key_builder())->Append("x"));
  ASSERT_OK(static_cast<Int32Builder*>(mb.item_builder())->Append(5));
  ASSERT_OK_AND_ASSIGN(auto file, mb.Finish());
  auto delta = Map(Utf8(), Int64());
  ASSERT_OK_AND_ASSIGN(auto out, CoerceToDeltaType(file, delta, "m"));
  ASSERT_OK(out->Validate());
  EXPECT_TRUE(out->type->Equals(*delta));
  ExpectScalars(out->children[0]->children[1], {Scalar::Int64(5)});
}

}  // namespace
}  // namespace delta::schema
