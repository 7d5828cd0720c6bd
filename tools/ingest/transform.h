// Message transforms of deltacpp-ingest: "target.path: SOURCE" pairs that compute a value per
// message and place it at a (possibly nested) field of the row before it is coerced to the table
// schema. SOURCE is a subset of JMESPath (https://jmespath.org/specification.html) written for
// this daemon:
//   identifiers and "quoted identifiers", sub-expressions a.b.c, indexes a[0] / a[-1],
//   the current node @, literals `json` and 'raw strings', pipes a | b, multiselect lists
//   [a, b] and hashes {x: a, y: b}, and function calls f(arg, ...);
// plus the Kafka fields kafka.partition, kafka.offset, kafka.topic, kafka.timestamp,
// kafka.timestamp_type (also usable as function arguments), and the functions
//   substr(s, start, length)            characters of s (byte positions of UTF-8 text)
//   epoch_seconds_to_iso8601(n), epoch_millis_to_iso8601(n), epoch_micros_to_iso8601(n)
//                                       -> "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"
//   epoch_millis_to_micro(n)            -> n * 1000
//   to_string(x), to_number(x), length(x), lower(s), upper(s), join(sep, list), not_null(a, ...)
// A missing field evaluates to null (as JMESPath says); a function given the wrong type is an
// error that sends the message to the dead-letter table.
// Thread-safety: a compiled Transform is immutable and can be shared; evaluation uses only the
// caller's objects.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "delta/util/result.h"

namespace delta::ingest {

/// Where a message came from (the kafka.* fields of transforms).
struct KafkaMeta {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  /// Milliseconds since the epoch; -1 when the broker gave none.
  int64_t timestamp_ms = -1;
  /// 0 = not available, 1 = create time, 2 = log append time (librdkafka's numbering).
  int32_t timestamp_type = 0;
};

/// A value computed by a transform. Values taken from the message stay references into the
/// parsed document (kElement, valid while the parser holds it); computed ones own their data.
struct Value {
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kElement, kArray, kObject };
  // User-provided, not defaulted: clang with libstdc++ otherwise instantiates
  // std::pair<std::string, Value> while Value is still incomplete and rejects `fields`.
  Value() {}  // NOLINT(modernize-use-equals-default)
  Kind kind = Kind::kNull;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  simdjson::dom::element element;
  std::vector<Value> items;                            // kArray
  std::vector<std::pair<std::string, Value>> fields;  // kObject

  static Value Null() { return Value(); }
  static Value Int(int64_t v) {
    Value x;
    x.kind = Kind::kInt;
    x.i = v;
    return x;
  }
  static Value Double(double v) {
    Value x;
    x.kind = Kind::kDouble;
    x.d = v;
    return x;
  }
  static Value String(std::string v) {
    Value x;
    x.kind = Kind::kString;
    x.s = std::move(v);
    return x;
  }
  static Value Bool(bool v) {
    Value x;
    x.kind = Kind::kBool;
    x.b = v;
    return x;
  }
  /// A reference to part of a parsed document; JSON null becomes kNull.
  static Value Element(simdjson::dom::element e);

  bool is_null() const { return kind == Kind::kNull; }
  /// Minified JSON text of the value.
  std::string ToJson() const;
};

class Expression;

/// One compiled "target: source" transform.
struct Transform {
  /// The target field path, split at dots ("meta.kafka.offset" -> {"meta","kafka","offset"}).
  std::vector<std::string> target;
  std::shared_ptr<const Expression> source;
  /// The text as given (for messages).
  std::string text;
};

/// Compiles "target: source". InvalidArgument naming the position and what was expected for a
/// malformed expression, an unknown function or a wrong number of arguments.
Result<Transform> CompileTransform(std::string_view text);

/// Compiles a JMESPath-subset expression alone.
Result<std::shared_ptr<const Expression>> CompileExpression(std::string_view text);

/// Evaluates `expr` against `doc` (the message's JSON) and `meta`. InvalidArgument naming the
/// function and the offending argument for type errors (e.g. substr of a number).
Result<Value> Evaluate(const Expression& expr, simdjson::dom::element doc, const KafkaMeta& meta);

/// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" of microseconds since the epoch (fraction only when non-zero).
std::string FormatIso8601Micros(int64_t micros);

}  // namespace delta::ingest
