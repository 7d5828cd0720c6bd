// libFuzzer target for the predicate parser and binder. The input is predicate text. Checks memory
// safety, that a parsed predicate prints as SQL that parses back into an equal tree, and that
// binding against a fixed schema (every primitive type plus a nested struct) either fails cleanly
// or yields a boolean tree that evaluates over a small batch without error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "delta/columnar/builder.h"
#include "delta/expr/bind.h"
#include "delta/expr/evaluator.h"
#include "delta/expr/parser.h"

namespace {

using namespace delta::columnar;  // NOLINT

const RecordBatch& FixedBatch() {
  static const RecordBatchPtr batch = [] {
    auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{
        MakeField("i8", Int8()), MakeField("i16", Int16()), MakeField("i32", Int32()), MakeField("i64", Int64()),
        MakeField("f32", Float32()), MakeField("f64", Float64()), MakeField("dec", Decimal128(10, 2)),
        MakeField("s", Utf8()), MakeField("bin", Binary()), MakeField("d", Date32()),
        MakeField("ts", Timestamp(TimeUnit::kMicro, "UTC")), MakeField("ntz", Timestamp(TimeUnit::kMicro)),
        MakeField("b", Bool()), MakeField("st", Struct({MakeField("x", Int32()), MakeField("y", Utf8())}))});
    auto builder = RecordBatchBuilder::Make(schema).ValueOrDie();
    // Two rows: all nulls, then one value per column.
    for (int c = 0; c < schema->num_fields(); ++c) (void)builder->field(c)->AppendNull();
    (void)builder->field_as<Int8Builder>(0)->Append(1);
    (void)builder->field_as<Int16Builder>(1)->Append(2);
    (void)builder->field_as<Int32Builder>(2)->Append(3);
    (void)builder->field_as<Int64Builder>(3)->Append(4);
    (void)builder->field_as<FloatBuilder>(4)->Append(0.5f);
    (void)builder->field_as<DoubleBuilder>(5)->Append(1.5);
    (void)builder->field_as<Decimal128Builder>(6)->Append(static_cast<__int128>(125));
    (void)builder->field_as<BinaryBuilder>(7)->Append("abc");
    (void)builder->field_as<BinaryBuilder>(8)->Append("\x01");
    (void)builder->field_as<Int32Builder>(9)->Append(18628);
    (void)builder->field_as<Int64Builder>(10)->Append(1);
    (void)builder->field_as<Int64Builder>(11)->Append(2);
    (void)builder->field_as<BooleanBuilder>(12)->Append(true);
    auto* st = builder->field_as<StructBuilder>(13);
    (void)static_cast<Int32Builder*>(st->child(0))->Append(7);
    (void)static_cast<BinaryBuilder*>(st->child(1))->Append("y");
    (void)st->Append(true);
    return builder->Finish().ValueOrDie();
  }();
  return *batch;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = delta::expr::ParsePredicate(text);
  if (!parsed.ok()) return 0;
  const auto& expr = *parsed;
  auto again = delta::expr::ParsePredicate(expr->ToString());
  if (!again.ok() || !(*again)->Equals(*expr)) std::abort();  // ToString must round-trip
  const RecordBatch& batch = FixedBatch();
  auto bound = delta::expr::Bind(expr, *batch.schema);
  if (!bound.ok()) return 0;
  if (!(*bound)->type() || (*bound)->type()->id() != TypeId::kBool) std::abort();
  auto sel = delta::expr::EvaluatePredicate(*bound, batch);
  if (!sel.ok() || sel->count > batch.num_rows) std::abort();
  return 0;
}
