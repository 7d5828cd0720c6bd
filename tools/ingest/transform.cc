// The JMESPath subset of transforms: a recursive-descent parser to a small tree, evaluated per
// message against simdjson's DOM. Semantics follow the JMESPath specification where the subset
// overlaps it: a field of a non-object is null, an index out of range is null, a sub-expression
// of null is null, `a || b` is a unless a is false-like.
#include "ingest/transform.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "delta/util/civil_time.h"
#include "delta/util/json_string.h"
#include "delta/util/macros.h"

namespace delta::ingest {

namespace dom = simdjson::dom;

Value Value::Element(dom::element e) {
  Value v;
  if (e.is_null()) return v;
  v.kind = Kind::kElement;
  v.element = e;
  return v;
}

std::string Value::ToJson() const {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return b ? "true" : "false";
    case Kind::kInt:
      return fmt::format("{}", i);
    case Kind::kDouble:
      return std::isfinite(d) ? fmt::format("{}", d) : "null";
    case Kind::kString: {
      std::string out;
      util::AppendJsonString(s, &out);
      return out;
    }
    case Kind::kElement:
      return simdjson::minify(element);
    case Kind::kArray: {
      std::string out = "[";
      for (size_t k = 0; k < items.size(); ++k) {
        if (k) out += ',';
        out += items[k].ToJson();
      }
      return out + "]";
    }
    case Kind::kObject: {
      std::string out = "{";
      for (size_t k = 0; k < fields.size(); ++k) {
        if (k) out += ',';
        util::AppendJsonString(fields[k].first, &out);
        out += ':';
        out += fields[k].second.ToJson();
      }
      return out + "}";
    }
  }
  return "null";
}

std::string FormatIso8601Micros(int64_t micros) {
  int64_t days = util::FloorDiv(micros, 86400000000LL);
  int64_t rem = micros - days * 86400000000LL;
  std::string out;
  util::AppendDate(days, &out);
  int64_t secs = rem / 1000000, frac = rem % 1000000;
  out += fmt::format("T{:02d}:{:02d}:{:02d}", secs / 3600, (secs / 60) % 60, secs % 60);
  if (frac != 0) out += fmt::format(".{:06d}", frac);
  out += 'Z';
  return out;
}

// ---- The tree ----

enum class NodeKind { kCurrent, kField, kSub, kIndex, kLiteral, kPipe, kOr, kList, kHash, kFunction, kKafka };

enum class Function {
  kSubstr,
  kEpochSecondsToIso,
  kEpochMillisToIso,
  kEpochMicrosToIso,
  kEpochMillisToMicro,
  kToString,
  kToNumber,
  kLength,
  kLower,
  kUpper,
  kJoin,
  kNotNull,
};

enum class KafkaField { kPartition, kOffset, kTopic, kTimestamp, kTimestampType };

class Expression {
 public:
  NodeKind kind = NodeKind::kCurrent;
  std::string name;  // field name, hash key names in keys
  int64_t index = 0;
  Value literal;
  Function function = Function::kSubstr;
  KafkaField kafka = KafkaField::kOffset;
  std::vector<std::shared_ptr<const Expression>> children;
  std::vector<std::string> keys;
};

using ExprPtr = std::shared_ptr<const Expression>;

namespace {

Value OwnedFromElement(dom::element e) {
  switch (e.type()) {
    case dom::element_type::NULL_VALUE:
      return Value::Null();
    case dom::element_type::BOOL:
      return Value::Bool(bool(e.get_bool()));
    case dom::element_type::INT64:
      return Value::Int(int64_t(e.get_int64()));
    case dom::element_type::UINT64:
      return Value::Double(double(uint64_t(e.get_uint64())));
    case dom::element_type::DOUBLE:
      return Value::Double(double(e.get_double()));
    case dom::element_type::STRING:
      return Value::String(std::string(std::string_view(e.get_string())));
    case dom::element_type::ARRAY: {
      Value v;
      v.kind = Value::Kind::kArray;
      for (dom::element x : dom::array(e.get_array())) v.items.push_back(OwnedFromElement(x));
      return v;
    }
    case dom::element_type::OBJECT: {
      Value v;
      v.kind = Value::Kind::kObject;
      for (auto kv : dom::object(e.get_object())) v.fields.emplace_back(std::string(kv.key), OwnedFromElement(kv.value));
      return v;
    }
  }
  return Value::Null();
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<ExprPtr> ParseAll() {
    DELTA_ASSIGN_OR_RAISE(auto e, ParsePipe());
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected character");
    return e;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument(fmt::format("transform expression '{}': {} at position {}", text_, what, pos_));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool PeekTwo(char a, char b) {
    SkipSpace();
    return pos_ + 1 < text_.size() && text_[pos_] == a && text_[pos_ + 1] == b;
  }
  bool Accept(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  Status Expect(char c) {
    if (!Accept(c)) return Error(fmt::format("expected '{}'", c));
    return Status::OK();
  }
  static bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
  static bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  static ExprPtr Make(NodeKind kind, std::vector<ExprPtr> children = {}) {
    auto e = std::make_shared<Expression>();
    e->kind = kind;
    e->children = std::move(children);
    return e;
  }

  Result<ExprPtr> ParsePipe() {
    DELTA_ASSIGN_OR_RAISE(auto left, ParseOr());
    while (Peek('|') && !PeekTwo('|', '|')) {
      ++pos_;
      DELTA_ASSIGN_OR_RAISE(auto right, ParseOr());
      left = Make(NodeKind::kPipe, {left, right});
    }
    return left;
  }

  Result<ExprPtr> ParseOr() {
    DELTA_ASSIGN_OR_RAISE(auto left, ParsePostfix());
    while (PeekTwo('|', '|')) {
      pos_ += 2;
      DELTA_ASSIGN_OR_RAISE(auto right, ParsePostfix());
      left = Make(NodeKind::kOr, {left, right});
    }
    return left;
  }

  Result<std::string> ParseIdentifier() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '"') {
      // A quoted identifier is a JSON string.
      size_t start = pos_++;
      while (pos_ < text_.size() && text_[pos_] != '"') pos_ += (text_[pos_] == '\\') ? 2 : 1;
      if (pos_ >= text_.size()) return Error("unterminated quoted identifier");
      ++pos_;
      dom::parser p;
      std::string_view s;
      if (p.parse(std::string(text_.substr(start, pos_ - start))).get_string().get(s)) {
        return Error("invalid quoted identifier");
      }
      return std::string(s);
    }
    if (pos_ >= text_.size() || !IsIdentStart(text_[pos_])) return Error("expected an identifier");
    size_t start = pos_;
    while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<ExprPtr> ParseField() {
    DELTA_ASSIGN_OR_RAISE(auto name, ParseIdentifier());
    auto e = std::make_shared<Expression>();
    e->kind = NodeKind::kField;
    e->name = std::move(name);
    return ExprPtr(e);
  }

  Result<int64_t> ParseInteger() {
    SkipSpace();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), v);
    if (ec != std::errc()) return Error("expected an integer");
    pos_ = static_cast<size_t>(p - text_.data());
    return v;
  }

  Result<ExprPtr> ParsePostfix() {
    DELTA_ASSIGN_OR_RAISE(auto node, ParsePrimary());
    while (true) {
      if (Accept('.')) {
        ExprPtr rhs;
        if (Peek('[')) {
          ++pos_;
          DELTA_ASSIGN_OR_RAISE(rhs, ParseListRest());
        } else if (Peek('{')) {
          ++pos_;
          DELTA_ASSIGN_OR_RAISE(rhs, ParseHashRest());
        } else {
          DELTA_ASSIGN_OR_RAISE(rhs, ParseField());
        }
        if (node->kind == NodeKind::kField && node->name == "kafka" && rhs->kind == NodeKind::kField &&
            node == root_kafka_) {
          auto k = std::make_shared<Expression>();
          k->kind = NodeKind::kKafka;
          if (rhs->name == "partition") {
            k->kafka = KafkaField::kPartition;
          } else if (rhs->name == "offset") {
            k->kafka = KafkaField::kOffset;
          } else if (rhs->name == "topic") {
            k->kafka = KafkaField::kTopic;
          } else if (rhs->name == "timestamp") {
            k->kafka = KafkaField::kTimestamp;
          } else if (rhs->name == "timestamp_type") {
            k->kafka = KafkaField::kTimestampType;
          } else {
            return Error(fmt::format("unknown Kafka field '{}' (partition, offset, topic, timestamp, timestamp_type)",
                                     rhs->name));
          }
          node = k;
          continue;
        }
        node = Make(NodeKind::kSub, {node, rhs});
      } else if (Peek('[')) {
        ++pos_;
        auto e = std::make_shared<Expression>();
        e->kind = NodeKind::kIndex;
        DELTA_ASSIGN_OR_RAISE(e->index, ParseInteger());
        DELTA_RETURN_NOT_OK(Expect(']'));
        e->children = {node};
        node = e;
      } else {
        return node;
      }
    }
  }

  Result<ExprPtr> ParseListRest() {
    std::vector<ExprPtr> items;
    do {
      DELTA_ASSIGN_OR_RAISE(auto e, ParsePipe());
      items.push_back(std::move(e));
    } while (Accept(','));
    DELTA_RETURN_NOT_OK(Expect(']'));
    return Make(NodeKind::kList, std::move(items));
  }

  Result<ExprPtr> ParseHashRest() {
    auto e = std::make_shared<Expression>();
    e->kind = NodeKind::kHash;
    do {
      DELTA_ASSIGN_OR_RAISE(auto key, ParseIdentifier());
      DELTA_RETURN_NOT_OK(Expect(':'));
      DELTA_ASSIGN_OR_RAISE(auto v, ParsePipe());
      e->keys.push_back(std::move(key));
      e->children.push_back(std::move(v));
    } while (Accept(','));
    DELTA_RETURN_NOT_OK(Expect('}'));
    return ExprPtr(e);
  }

  Result<ExprPtr> ParseFunction(std::string name) {
    struct Spec {
      const char* name;
      Function f;
      int min_args, max_args;
    };
    static const Spec kSpecs[] = {
        {"substr", Function::kSubstr, 2, 3},
        {"epoch_seconds_to_iso8601", Function::kEpochSecondsToIso, 1, 1},
        {"epoch_millis_to_iso8601", Function::kEpochMillisToIso, 1, 1},
        {"epoch_micros_to_iso8601", Function::kEpochMicrosToIso, 1, 1},
        {"epoch_millis_to_micro", Function::kEpochMillisToMicro, 1, 1},
        {"to_string", Function::kToString, 1, 1},
        {"to_number", Function::kToNumber, 1, 1},
        {"length", Function::kLength, 1, 1},
        {"lower", Function::kLower, 1, 1},
        {"upper", Function::kUpper, 1, 1},
        {"join", Function::kJoin, 2, 2},
        {"not_null", Function::kNotNull, 1, 64},
    };
    const Spec* spec = nullptr;
    for (const auto& s : kSpecs) {
      if (name == s.name) spec = &s;
    }
    if (spec == nullptr) return Error(fmt::format("unknown function '{}'", name));
    auto e = std::make_shared<Expression>();
    e->kind = NodeKind::kFunction;
    e->function = spec->f;
    e->name = name;
    if (!Accept(')')) {
      do {
        DELTA_ASSIGN_OR_RAISE(auto arg, ParsePipe());
        e->children.push_back(std::move(arg));
      } while (Accept(','));
      DELTA_RETURN_NOT_OK(Expect(')'));
    }
    int n = static_cast<int>(e->children.size());
    if (n < spec->min_args || n > spec->max_args) {
      return Error(fmt::format("function {} takes {} argument(s), got {}", name,
                               spec->min_args == spec->max_args ? fmt::format("{}", spec->min_args)
                                                                : fmt::format("{} to {}", spec->min_args, spec->max_args),
                               n));
    }
    return ExprPtr(e);
  }

  Result<ExprPtr> ParsePrimary() {
    SkipSpace();
    if (pos_ >= text_.size()) return Error("unexpected end of expression");
    char c = text_[pos_];
    if (c == '@') {
      ++pos_;
      return Make(NodeKind::kCurrent);
    }
    if (c == '(') {
      ++pos_;
      DELTA_ASSIGN_OR_RAISE(auto e, ParsePipe());
      DELTA_RETURN_NOT_OK(Expect(')'));
      return e;
    }
    if (c == '`') {
      size_t start = ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '`') pos_ += (text_[pos_] == '\\') ? 2 : 1;
      if (pos_ >= text_.size()) return Error("unterminated literal");
      std::string json(text_.substr(start, pos_ - start));
      ++pos_;
      dom::parser p;
      dom::element el;
      if (p.parse(json).get(el)) return Error("invalid JSON literal");
      auto e = std::make_shared<Expression>();
      e->kind = NodeKind::kLiteral;
      e->literal = OwnedFromElement(el);
      return ExprPtr(e);
    }
    if (c == '\'') {
      std::string s;
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '\'') {
        if (text_[pos_] == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') ++pos_;
        s += text_[pos_++];
      }
      if (pos_ >= text_.size()) return Error("unterminated raw string");
      ++pos_;
      auto e = std::make_shared<Expression>();
      e->kind = NodeKind::kLiteral;
      e->literal = Value::String(std::move(s));
      return ExprPtr(e);
    }
    if (c == '[') {
      ++pos_;
      SkipSpace();
      // "[2]" at the start is an index of the current node; anything else a multiselect list.
      if (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-')) {
        auto e = std::make_shared<Expression>();
        e->kind = NodeKind::kIndex;
        DELTA_ASSIGN_OR_RAISE(e->index, ParseInteger());
        DELTA_RETURN_NOT_OK(Expect(']'));
        e->children = {Make(NodeKind::kCurrent)};
        return ExprPtr(e);
      }
      return ParseListRest();
    }
    if (c == '{') {
      ++pos_;
      return ParseHashRest();
    }
    if (c == '"') return ParseField();
    if (IsIdentStart(c)) {
      DELTA_ASSIGN_OR_RAISE(auto name, ParseIdentifier());
      if (Accept('(')) return ParseFunction(std::move(name));
      auto e = std::make_shared<Expression>();
      e->kind = NodeKind::kField;
      e->name = std::move(name);
      if (e->name == "kafka") root_kafka_ = e;
      return ExprPtr(e);
    }
    return Error(fmt::format("unexpected character '{}'", c));
  }

  std::string_view text_;
  size_t pos_ = 0;
  ExprPtr root_kafka_;  // a bare `kafka` identifier just parsed (kafka.<field> is Kafka metadata)
};

// ---- Evaluation ----

bool AsString(const Value& v, std::string_view* out) {
  if (v.kind == Value::Kind::kString) {
    *out = v.s;
    return true;
  }
  if (v.kind == Value::Kind::kElement && v.element.is_string()) {
    *out = std::string_view(v.element.get_string());
    return true;
  }
  return false;
}

// Numbers as int64 when integral and representable, else double.
bool AsNumber(const Value& v, bool* is_int, int64_t* i, double* d) {
  if (v.kind == Value::Kind::kInt) {
    *is_int = true;
    *i = v.i;
    return true;
  }
  if (v.kind == Value::Kind::kDouble) {
    *is_int = false;
    *d = v.d;
    return true;
  }
  if (v.kind != Value::Kind::kElement) return false;
  switch (v.element.type()) {
    case dom::element_type::INT64:
      *is_int = true;
      *i = int64_t(v.element.get_int64());
      return true;
    case dom::element_type::UINT64:
      *is_int = false;
      *d = double(uint64_t(v.element.get_uint64()));
      return true;
    case dom::element_type::DOUBLE:
      *is_int = false;
      *d = double(v.element.get_double());
      return true;
    default:
      return false;
  }
}

const char* KindName(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return "a boolean";
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      return "a number";
    case Value::Kind::kString:
      return "a string";
    case Value::Kind::kArray:
      return "an array";
    case Value::Kind::kObject:
      return "an object";
    case Value::Kind::kElement:
      switch (v.element.type()) {
        case dom::element_type::ARRAY:
          return "an array";
        case dom::element_type::OBJECT:
          return "an object";
        case dom::element_type::STRING:
          return "a string";
        case dom::element_type::BOOL:
          return "a boolean";
        case dom::element_type::NULL_VALUE:
          return "null";
        default:
          return "a number";
      }
  }
  return "a value";
}

bool IsFalseLike(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return !v.b;
    case Value::Kind::kString:
      return v.s.empty();
    case Value::Kind::kArray:
      return v.items.empty();
    case Value::Kind::kObject:
      return v.fields.empty();
    case Value::Kind::kElement:
      switch (v.element.type()) {
        case dom::element_type::BOOL:
          return !bool(v.element.get_bool());
        case dom::element_type::STRING:
          return std::string_view(v.element.get_string()).empty();
        case dom::element_type::ARRAY:
          return dom::array(v.element.get_array()).size() == 0;
        case dom::element_type::OBJECT:
          return dom::object(v.element.get_object()).size() == 0;
        default:
          return false;
      }
    default:
      return false;
  }
}

Status ArgError(const Expression& f, int arg, const Value& v, std::string_view expected) {
  return Status::InvalidArgument(
      fmt::format("function {}: argument {} must be {}, got {}", f.name, arg + 1, expected, KindName(v)));
}

Result<Value> EvalNode(const Expression& e, const Value& cur, const KafkaMeta& meta);

Result<Value> EpochToIso(const Expression& f, const Value& v, int64_t micros_per_unit) {
  if (v.is_null()) return Value::Null();
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
  if (!AsNumber(v, &is_int, &i, &d)) return ArgError(f, 0, v, "a number");
  int64_t micros = 0;
  if (is_int) {
    if (__builtin_mul_overflow(i, micros_per_unit, &micros)) {
      return Status::InvalidArgument(fmt::format("function {}: {} is out of range", f.name, i));
    }
  } else {
    double m = d * static_cast<double>(micros_per_unit);
    if (!std::isfinite(m) || std::fabs(m) > 9.2e18) {
      return Status::InvalidArgument(fmt::format("function {}: {} is out of range", f.name, d));
    }
    micros = static_cast<int64_t>(std::floor(m));
  }
  return Value::String(FormatIso8601Micros(micros));
}

Result<Value> CallFunction(const Expression& f, const Value& cur, const KafkaMeta& meta) {
  std::vector<Value> args;
  args.reserve(f.children.size());
  for (const auto& c : f.children) {
    DELTA_ASSIGN_OR_RAISE(auto v, EvalNode(*c, cur, meta));
    args.push_back(std::move(v));
  }
  switch (f.function) {
    case Function::kSubstr: {
      if (args[0].is_null()) return Value::Null();
      std::string_view s;
      if (!AsString(args[0], &s)) return ArgError(f, 0, args[0], "a string");
      bool is_int = false;
      int64_t start = 0, len = static_cast<int64_t>(s.size());
      double d = 0;
      if (!AsNumber(args[1], &is_int, &start, &d) || !is_int || start < 0) {
        return ArgError(f, 1, args[1], "a non-negative integer");
      }
      if (args.size() > 2 && (!AsNumber(args[2], &is_int, &len, &d) || !is_int || len < 0)) {
        return ArgError(f, 2, args[2], "a non-negative integer");
      }
      if (static_cast<size_t>(start) >= s.size()) return Value::String("");
      return Value::String(std::string(s.substr(static_cast<size_t>(start), static_cast<size_t>(len))));
    }
    case Function::kEpochSecondsToIso:
      return EpochToIso(f, args[0], 1000000);
    case Function::kEpochMillisToIso:
      return EpochToIso(f, args[0], 1000);
    case Function::kEpochMicrosToIso:
      return EpochToIso(f, args[0], 1);
    case Function::kEpochMillisToMicro: {
      if (args[0].is_null()) return Value::Null();
      bool is_int = false;
      int64_t i = 0, out = 0;
      double d = 0;
      if (!AsNumber(args[0], &is_int, &i, &d)) return ArgError(f, 0, args[0], "a number");
      if (!is_int) {
        if (!std::isfinite(d) || std::fabs(d) > 9.2e15) return ArgError(f, 0, args[0], "a number in range");
        return Value::Int(static_cast<int64_t>(std::llround(d * 1000)));
      }
      if (__builtin_mul_overflow(i, int64_t{1000}, &out)) {
        return Status::InvalidArgument(fmt::format("function {}: {} is out of range", f.name, i));
      }
      return Value::Int(out);
    }
    case Function::kToString: {
      std::string_view s;
      if (AsString(args[0], &s)) return Value::String(std::string(s));
      return Value::String(args[0].ToJson());
    }
    case Function::kToNumber: {
      bool is_int = false;
      int64_t i = 0;
      double d = 0;
      if (AsNumber(args[0], &is_int, &i, &d)) return is_int ? Value::Int(i) : Value::Double(d);
      std::string_view s;
      if (!AsString(args[0], &s)) return Value::Null();
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
      if (ec == std::errc() && p == s.data() + s.size()) return Value::Int(i);
      auto [q, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
      if (ec2 == std::errc() && q == s.data() + s.size()) return Value::Double(d);
      return Value::Null();
    }
    case Function::kLength: {
      const Value& v = args[0];
      std::string_view s;
      if (AsString(v, &s)) {
        int64_t n = 0;
        for (unsigned char c : s) n += (c & 0xC0) != 0x80;  // code points
        return Value::Int(n);
      }
      if (v.kind == Value::Kind::kArray) return Value::Int(static_cast<int64_t>(v.items.size()));
      if (v.kind == Value::Kind::kObject) return Value::Int(static_cast<int64_t>(v.fields.size()));
      if (v.kind == Value::Kind::kElement && v.element.is_array()) {
        return Value::Int(static_cast<int64_t>(dom::array(v.element.get_array()).size()));
      }
      if (v.kind == Value::Kind::kElement && v.element.is_object()) {
        return Value::Int(static_cast<int64_t>(dom::object(v.element.get_object()).size()));
      }
      return ArgError(f, 0, v, "a string, array or object");
    }
    case Function::kLower:
    case Function::kUpper: {
      if (args[0].is_null()) return Value::Null();
      std::string_view s;
      if (!AsString(args[0], &s)) return ArgError(f, 0, args[0], "a string");
      std::string out(s);
      for (char& c : out) {
        c = static_cast<char>(f.function == Function::kLower ? std::tolower(static_cast<unsigned char>(c))
                                                             : std::toupper(static_cast<unsigned char>(c)));
      }
      return Value::String(std::move(out));
    }
    case Function::kJoin: {
      std::string_view sep;
      if (!AsString(args[0], &sep)) return ArgError(f, 0, args[0], "a string");
      std::string out;
      auto add = [&](const Value& item, bool first) -> Status {
        std::string_view s;
        if (!AsString(item, &s)) return ArgError(f, 1, item, "an array of strings");
        if (!first) out += sep;
        out += s;
        return Status::OK();
      };
      if (args[1].kind == Value::Kind::kArray) {
        for (size_t k = 0; k < args[1].items.size(); ++k) DELTA_RETURN_NOT_OK(add(args[1].items[k], k == 0));
      } else if (args[1].kind == Value::Kind::kElement && args[1].element.is_array()) {
        bool first = true;
        for (dom::element x : dom::array(args[1].element.get_array())) {
          DELTA_RETURN_NOT_OK(add(Value::Element(x), first));
          first = false;
        }
      } else {
        return ArgError(f, 1, args[1], "an array of strings");
      }
      return Value::String(std::move(out));
    }
    case Function::kNotNull:
      for (auto& a : args) {
        if (!a.is_null()) return std::move(a);
      }
      return Value::Null();
  }
  return Status::Internal("unknown function");
}

Result<Value> EvalNode(const Expression& e, const Value& cur, const KafkaMeta& meta) {
  switch (e.kind) {
    case NodeKind::kCurrent:
      return cur;
    case NodeKind::kField: {
      if (cur.kind == Value::Kind::kElement && cur.element.is_object()) {
        dom::element child;
        if (dom::object(cur.element.get_object()).at_key(e.name).get(child)) return Value::Null();
        return Value::Element(child);
      }
      if (cur.kind == Value::Kind::kObject) {
        for (const auto& [k, v] : cur.fields) {
          if (k == e.name) return v;
        }
      }
      return Value::Null();
    }
    case NodeKind::kSub:
    case NodeKind::kPipe: {
      DELTA_ASSIGN_OR_RAISE(auto left, EvalNode(*e.children[0], cur, meta));
      if (left.is_null() && e.kind == NodeKind::kSub) return left;
      return EvalNode(*e.children[1], left, meta);
    }
    case NodeKind::kIndex: {
      DELTA_ASSIGN_OR_RAISE(auto base, EvalNode(*e.children[0], cur, meta));
      if (base.kind == Value::Kind::kElement && base.element.is_array()) {
        dom::array arr = base.element.get_array();
        int64_t n = static_cast<int64_t>(arr.size());
        int64_t k = e.index < 0 ? n + e.index : e.index;
        if (k < 0 || k >= n) return Value::Null();
        dom::element x;
        if (arr.at(static_cast<size_t>(k)).get(x)) return Value::Null();
        return Value::Element(x);
      }
      if (base.kind == Value::Kind::kArray) {
        int64_t n = static_cast<int64_t>(base.items.size());
        int64_t k = e.index < 0 ? n + e.index : e.index;
        if (k < 0 || k >= n) return Value::Null();
        return base.items[static_cast<size_t>(k)];
      }
      return Value::Null();
    }
    case NodeKind::kLiteral:
      return e.literal;
    case NodeKind::kOr: {
      DELTA_ASSIGN_OR_RAISE(auto left, EvalNode(*e.children[0], cur, meta));
      if (!IsFalseLike(left)) return left;
      return EvalNode(*e.children[1], cur, meta);
    }
    case NodeKind::kList: {
      if (cur.is_null()) return Value::Null();
      Value out;
      out.kind = Value::Kind::kArray;
      for (const auto& c : e.children) {
        DELTA_ASSIGN_OR_RAISE(auto v, EvalNode(*c, cur, meta));
        out.items.push_back(std::move(v));
      }
      return out;
    }
    case NodeKind::kHash: {
      if (cur.is_null()) return Value::Null();
      Value out;
      out.kind = Value::Kind::kObject;
      for (size_t k = 0; k < e.children.size(); ++k) {
        DELTA_ASSIGN_OR_RAISE(auto v, EvalNode(*e.children[k], cur, meta));
        out.fields.emplace_back(e.keys[k], std::move(v));
      }
      return out;
    }
    case NodeKind::kFunction:
      return CallFunction(e, cur, meta);
    case NodeKind::kKafka:
      switch (e.kafka) {
        case KafkaField::kPartition:
          return Value::Int(meta.partition);
        case KafkaField::kOffset:
          return Value::Int(meta.offset);
        case KafkaField::kTopic:
          return Value::String(std::string(meta.topic));
        case KafkaField::kTimestamp:
          // Micro-seconds, as KDI hands it out (ready for a timestamp column).
          return meta.timestamp_ms < 0 ? Value::Null() : Value::Int(meta.timestamp_ms * 1000);
        case KafkaField::kTimestampType:
          return Value::Int(meta.timestamp_type);
      }
  }
  return Status::Internal("unknown expression node");
}

}  // namespace

Result<ExprPtr> CompileExpression(std::string_view text) {
  Parser p(text);
  return p.ParseAll();
}

Result<Transform> CompileTransform(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("transform '{}': expected 'target.path: SOURCE'", text));
  }
  Transform t;
  t.text = std::string(text);
  std::string_view target = text.substr(0, colon);
  while (!target.empty() && std::isspace(static_cast<unsigned char>(target.back()))) target.remove_suffix(1);
  while (!target.empty() && std::isspace(static_cast<unsigned char>(target.front()))) target.remove_prefix(1);
  size_t start = 0;
  while (true) {
    size_t dot = target.find('.', start);
    std::string_view part = target.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part.empty()) return Status::InvalidArgument(fmt::format("transform '{}': empty target field name", text));
    t.target.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  auto expr = CompileExpression(text.substr(colon + 1));
  if (!expr.ok()) return expr.status().WithPrefix(fmt::format("transform '{}'", text));
  t.source = *expr;
  return t;
}

Result<Value> Evaluate(const Expression& expr, dom::element doc, const KafkaMeta& meta) {
  return EvalNode(expr, Value::Element(doc), meta);
}

}  // namespace delta::ingest
