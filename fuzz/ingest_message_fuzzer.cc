// libFuzzer target for the message path of deltacpp-ingest (tools/ingest). The input's first
// line is a transform ("target.path: SOURCE"), the rest is the Kafka message payload (JSON, or
// gzip when it starts with the gzip magic, as the worker decides). The target compiles the
// transform (errors are fine), evaluates it on the message, lays the result over the message and
// appends the row to a RowBatchBuilder with a fixed schema (long, string, timestamp, double,
// decimal, list, nested struct). It checks that:
//   - a rejected row leaves the batch untouched and an accepted one adds exactly one row;
//   - the finished batch is a valid columnar batch of that many rows;
//   - schema inference and merging handle any object message, and a builder for the inferred
//     schema takes the row or rejects it cleanly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "delta/columnar/type.h"
#include "ingest/row_builder.h"
#include "ingest/transform.h"
#include "ingest/worker.h"

namespace {

using namespace delta::columnar;  // NOLINT

SchemaPtr FixedSchema() {
  static const SchemaPtr schema = std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("id", Int64()), MakeField("name", Utf8()), MakeField("ts", Timestamp(TimeUnit::kMicro, "UTC")),
      MakeField("ntz", Timestamp(TimeUnit::kMicro)), MakeField("score", Float64()),
      MakeField("price", Decimal128(10, 2)), MakeField("day", Date32()),
      MakeField("tags", List(MakeField("element", Utf8()))),
      MakeField("st", Struct({MakeField("x", Int64()), MakeField("y", Utf8()),
                              MakeField("inner", Struct({MakeField("when", Timestamp(TimeUnit::kMicro, "UTC")),
                                                         MakeField("ok", Bool())}))}))});
  return schema;
}

// Appends the row and checks the all-or-nothing contract, then finishes the batch.
void AppendAndCheck(delta::ingest::RowBatchBuilder* rows, simdjson::dom::element doc,
                    const delta::ingest::Overlay& overlay) {
  const int64_t before = rows->num_rows();
  const bool ok = rows->AppendRow(doc, overlay).ok();
  if (rows->num_rows() != before + (ok ? 1 : 0)) std::abort();
  auto batch = rows->Finish();
  if (!batch.ok()) std::abort();
  if ((*batch)->num_rows != before + (ok ? 1 : 0) || !(*batch)->Validate().ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view spec = nl == std::string_view::npos ? input : input.substr(0, nl);
  // Never a null pointer, even when empty (the worker guarantees the same before parsing).
  const std::string_view payload = nl == std::string_view::npos ? std::string_view("", 0) : input.substr(nl + 1);

  // The helpers the worker uses on raw text.
  int64_t micros = 0;
  if (delta::ingest::ParseIso8601(spec, false, &micros)) {
    volatile size_t n = delta::ingest::FormatIso8601Micros(micros).size();
    (void)n;
  }
  (void)delta::ingest::ParseIso8601(spec, true, &micros);

  // Gzip payloads are inflated first (bounded here to keep runs small).
  std::string inflated;
  std::string_view json = payload;
  auto gz = delta::ingest::Gunzip(payload, 1 << 20);
  if (gz.ok() && gz->size() > (1 << 20)) std::abort();
  if (payload.size() >= 2 && static_cast<unsigned char>(payload[0]) == 0x1f &&
      static_cast<unsigned char>(payload[1]) == 0x8b) {
    if (!gz.ok()) return 0;
    inflated = std::move(*gz);
    json = inflated;
  }

  auto transform = delta::ingest::CompileTransform(spec);
  static simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return 0;

  delta::ingest::KafkaMeta meta;
  meta.topic = "events";
  meta.partition = 3;
  meta.offset = 12345;
  meta.timestamp_ms = 1700000000000;
  meta.timestamp_type = 1;

  delta::ingest::Overlay overlay;
  delta::ingest::Value value;
  if (transform.ok()) {
    auto v = delta::ingest::Evaluate(*transform->source, doc, meta);
    if (v.ok()) {
      value = std::move(*v);
      volatile size_t n = value.ToJson().size();
      (void)n;
      overlay.Set(transform->target, &value);
    }
  }
  if (!doc.is_object()) return 0;  // the worker dead-letters these before building rows

  static auto rows = delta::ingest::RowBatchBuilder::Make(FixedSchema()).ValueOrDie();
  AppendAndCheck(rows.get(), doc, overlay);
  if (!overlay.empty()) AppendAndCheck(rows.get(), doc, delta::ingest::Overlay());

  // Schema inference (--auto_create) and merging (--schema_evolution merge).
  auto inferred = delta::ingest::InferSchema(doc);
  if (!inferred.ok()) return 0;
  (void)delta::ingest::MergeNewFields(*FixedSchema(), **inferred);
  auto own = delta::ingest::RowBatchBuilder::Make(*inferred);
  if (!own.ok()) return 0;
  AppendAndCheck(own->get(), doc, overlay);
  return 0;
}
