#include "delta/expr/parser.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/expr/literal_util.h"
#include "delta/util/macros.h"

namespace delta::expr {

using columnar::Scalar;

namespace {

constexpr int kMaxDepth = 1000;  // grammar levels; about 200 nested parentheses

enum class Tok {
  kEnd,
  kIdent,      // bare word (keywords too; text holds the spelling)
  kQuotedIdent,
  kString,     // 'text' (unescaped in text)
  kHexString,  // X'..' (hex digits in text)
  kNumber,     // digits [. digits] [e [+-] digits]
  kLParen,
  kRParen,
  kComma,
  kDot,
  kMinus,
  kOp,  // comparison operator, text holds it
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;
  size_t pos = 0;
};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool KeywordIs(const Token& t, std::string_view kw) {
  if (t.kind != Tok::kIdent || t.text.size() != kw.size()) return false;
  for (size_t i = 0; i < kw.size(); ++i) {
    char c = t.text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != kw[i]) return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<ExprPtr> Parse() {
    DELTA_RETURN_NOT_OK(Tokenize());
    DELTA_ASSIGN_OR_RAISE(ExprPtr e, ParseOr(0));
    if (Peek().kind != Tok::kEnd) return Error("expected end of input");
    return e;
  }

 private:
  Status Error(std::string_view expected, size_t pos) const {
    std::string shown(text_.substr(0, 200));
    if (text_.size() > 200) shown += "...";
    return Status::InvalidArgument(fmt::format("{} at {} in: {}", expected, pos, shown));
  }
  Status Error(std::string_view expected) const { return Error(expected, Peek().pos); }

  Status Tokenize() {
    size_t i = 0;
    const size_t n = text_.size();
    while (true) {
      while (i < n && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r')) ++i;
      Token t;
      t.pos = i;
      if (i >= n) {
        tokens_.push_back(std::move(t));
        return Status::OK();
      }
      const char c = text_[i];
      if ((c == 'x' || c == 'X') && i + 1 < n && text_[i + 1] == '\'') {
        size_t j = i + 2;
        while (j < n && text_[j] != '\'') ++j;
        if (j >= n) return Error("expected closing quote", i);
        t.kind = Tok::kHexString;
        t.text = std::string(text_.substr(i + 2, j - i - 2));
        i = j + 1;
      } else if (IsIdentStart(c)) {
        size_t j = i;
        while (j < n && IsIdentChar(text_[j])) ++j;
        t.kind = Tok::kIdent;
        t.text = std::string(text_.substr(i, j - i));
        i = j;
      } else if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(text_[i + 1]))) {
        size_t j = i;
        while (j < n && IsDigit(text_[j])) ++j;
        if (j < n && text_[j] == '.') {
          ++j;
          if (j >= n || !IsDigit(text_[j])) return Error("expected digits after '.'", j);
          while (j < n && IsDigit(text_[j])) ++j;
        }
        if (j < n && (text_[j] == 'e' || text_[j] == 'E')) {
          size_t k = j + 1;
          if (k < n && (text_[k] == '+' || text_[k] == '-')) ++k;
          if (k >= n || !IsDigit(text_[k])) return Error("expected exponent digits", k);
          while (k < n && IsDigit(text_[k])) ++k;
          j = k;
        }
        if (j < n && IsIdentChar(text_[j])) return Error("expected operator or end of number", j);
        t.kind = Tok::kNumber;
        t.text = std::string(text_.substr(i, j - i));
        i = j;
      } else if (c == '\'' || c == '`') {
        std::string s;
        size_t j = i + 1;
        bool closed = false;
        while (j < n) {
          if (text_[j] == c) {
            if (j + 1 < n && text_[j + 1] == c) {
              s += c;
              j += 2;
              continue;
            }
            closed = true;
            ++j;
            break;
          }
          s += text_[j++];
        }
        if (!closed) return Error(c == '\'' ? "expected closing quote" : "expected closing backtick", n);
        if (c == '`' && s.empty()) return Error("expected a non-empty quoted name", i);
        t.kind = c == '\'' ? Tok::kString : Tok::kQuotedIdent;
        t.text = std::move(s);
        i = j;
      } else if (c == '(' || c == ')' || c == ',' || c == '.' || c == '-') {
        t.kind = c == '(' ? Tok::kLParen : c == ')' ? Tok::kRParen : c == ',' ? Tok::kComma : c == '.' ? Tok::kDot : Tok::kMinus;
        t.text = std::string(1, c);
        ++i;
      } else if (c == '=' || c == '!' || c == '<' || c == '>') {
        static constexpr std::string_view kOps[] = {"<=>", "==", "!=", "<>", "<=", ">=", "=", "<", ">"};
        bool found = false;
        for (std::string_view op : kOps) {
          if (text_.substr(i, op.size()) == op) {
            t.kind = Tok::kOp;
            t.text = std::string(op);
            i += op.size();
            found = true;
            break;
          }
        }
        if (!found) return Error("expected an operator", i);
      } else {
        return Error(fmt::format("unexpected character '{}'", c), i);
      }
      tokens_.push_back(std::move(t));
    }
  }

  const Token& Peek(size_t ahead = 0) const {
    const size_t i = std::min(cur_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Next() {
    const Token& t = tokens_[cur_];
    if (cur_ + 1 < tokens_.size()) ++cur_;
    return t;
  }
  bool AcceptKeyword(std::string_view kw) {
    if (KeywordIs(Peek(), kw)) {
      Next();
      return true;
    }
    return false;
  }

  Status CheckDepth(int depth) const {
    if (depth > kMaxDepth) return Error(fmt::format("nesting deeper than {} levels", kMaxDepth));
    return Status::OK();
  }

  Result<ExprPtr> ParseOr(int depth) {
    DELTA_RETURN_NOT_OK(CheckDepth(depth));
    std::vector<ExprPtr> parts;
    DELTA_ASSIGN_OR_RAISE(ExprPtr first, ParseAnd(depth + 1));
    parts.push_back(std::move(first));
    while (AcceptKeyword("OR")) {
      DELTA_ASSIGN_OR_RAISE(ExprPtr next, ParseAnd(depth + 1));
      parts.push_back(std::move(next));
    }
    if (parts.size() == 1) return parts[0];
    return Or(std::move(parts));
  }

  Result<ExprPtr> ParseAnd(int depth) {
    std::vector<ExprPtr> parts;
    DELTA_ASSIGN_OR_RAISE(ExprPtr first, ParseNot(depth + 1));
    parts.push_back(std::move(first));
    while (AcceptKeyword("AND")) {
      DELTA_ASSIGN_OR_RAISE(ExprPtr next, ParseNot(depth + 1));
      parts.push_back(std::move(next));
    }
    if (parts.size() == 1) return parts[0];
    return And(std::move(parts));
  }

  Result<ExprPtr> ParseNot(int depth) {
    DELTA_RETURN_NOT_OK(CheckDepth(depth));
    if (AcceptKeyword("NOT")) {
      DELTA_ASSIGN_OR_RAISE(ExprPtr inner, ParseNot(depth + 1));
      return Not(std::move(inner));
    }
    return ParseTest(depth + 1);
  }

  Result<ExprPtr> ParseTest(int depth) {
    DELTA_ASSIGN_OR_RAISE(ExprPtr left, ParseOperand(depth + 1));
    const Token& t = Peek();
    if (t.kind == Tok::kOp) {
      const std::string op_text = Next().text;
      CompareOp op = CompareOp::kEq;
      if (op_text == "=" || op_text == "==") op = CompareOp::kEq;
      else if (op_text == "!=" || op_text == "<>") op = CompareOp::kNe;
      else if (op_text == "<") op = CompareOp::kLt;
      else if (op_text == "<=") op = CompareOp::kLe;
      else if (op_text == ">") op = CompareOp::kGt;
      else if (op_text == ">=") op = CompareOp::kGe;
      else op = CompareOp::kNullSafeEq;
      DELTA_ASSIGN_OR_RAISE(ExprPtr right, ParseOperand(depth + 1));
      return Compare(op, std::move(left), std::move(right));
    }
    if (AcceptKeyword("IS")) {
      const bool negated = AcceptKeyword("NOT");
      if (!AcceptKeyword("NULL")) return Error(negated ? "expected NULL" : "expected NOT or NULL");
      return negated ? IsNotNull(std::move(left)) : IsNull(std::move(left));
    }
    bool negated = false;
    if (KeywordIs(t, "NOT") && (KeywordIs(Peek(1), "IN") || KeywordIs(Peek(1), "BETWEEN"))) {
      Next();
      negated = true;
    }
    if (AcceptKeyword("IN")) {
      if (Peek().kind != Tok::kLParen) return Error("expected '('");
      Next();
      std::vector<ExprPtr> list;
      if (Peek().kind != Tok::kRParen) {
        while (true) {
          DELTA_ASSIGN_OR_RAISE(ExprPtr lit, ParseLiteral());
          if (!lit) return Error("expected a literal");
          list.push_back(std::move(lit));
          if (Peek().kind == Tok::kComma) {
            Next();
            continue;
          }
          break;
        }
      }
      if (Peek().kind != Tok::kRParen) return Error("expected ')'");
      Next();
      return negated ? NotIn(std::move(left), std::move(list)) : In(std::move(left), std::move(list));
    }
    if (AcceptKeyword("BETWEEN")) {
      DELTA_ASSIGN_OR_RAISE(ExprPtr low, ParseOperand(depth + 1));
      if (!AcceptKeyword("AND")) return Error("expected AND");
      DELTA_ASSIGN_OR_RAISE(ExprPtr high, ParseOperand(depth + 1));
      ExprPtr range = And({Ge(left, std::move(low)), Le(left, std::move(high))});
      return negated ? Not(std::move(range)) : range;
    }
    return left;
  }

  Result<ExprPtr> ParseOperand(int depth) {
    DELTA_RETURN_NOT_OK(CheckDepth(depth));
    const Token& t = Peek();
    if (t.kind == Tok::kLParen) {
      Next();
      DELTA_ASSIGN_OR_RAISE(ExprPtr inner, ParseOr(depth + 1));
      if (Peek().kind != Tok::kRParen) return Error("expected ')'");
      Next();
      return inner;
    }
    DELTA_ASSIGN_OR_RAISE(ExprPtr lit, ParseLiteral());
    if (lit) return lit;
    if (t.kind == Tok::kIdent || t.kind == Tok::kQuotedIdent) return ParseColumn();
    return Error("expected a column, a literal or '('");
  }

  // Reserved words cannot be bare column names (quote them with backticks).
  static bool IsReserved(const Token& t) {
    static constexpr std::string_view kWords[] = {"AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "BETWEEN"};
    for (std::string_view w : kWords) {
      if (KeywordIs(t, w)) return true;
    }
    return false;
  }

  Result<ExprPtr> ParseColumn() {
    std::vector<std::string> path;
    while (true) {
      const Token& t = Peek();
      if (t.kind == Tok::kQuotedIdent || (t.kind == Tok::kIdent && !IsReserved(t))) {
        path.push_back(Next().text);
      } else {
        return Error("expected a column name");
      }
      if (Peek().kind != Tok::kDot) break;
      Next();
    }
    return ColPath(std::move(path));
  }

  // A literal at the current token, nullptr (no error) when the token does not start one.
  Result<ExprPtr> ParseLiteral() {
    const Token& t = Peek();
    if (t.kind == Tok::kMinus) {
      if (Peek(1).kind != Tok::kNumber) return Error("expected a number after '-'", Peek(1).pos);
      Next();
      return ParseNumber(Next(), true);
    }
    if (t.kind == Tok::kNumber) return ParseNumber(Next(), false);
    if (t.kind == Tok::kString) return Lit(std::string_view(Next().text));
    if (t.kind == Tok::kHexString) {
      const Token& h = Next();
      if (h.text.size() % 2 != 0) return Error("expected an even number of hex digits", h.pos);
      std::string bytes;
      bytes.reserve(h.text.size() / 2);
      for (size_t i = 0; i < h.text.size(); i += 2) {
        int v = 0;
        for (size_t k = 0; k < 2; ++k) {
          const char c = h.text[i + k];
          int d;
          if (c >= '0' && c <= '9') d = c - '0';
          else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
          else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
          else return Error("expected hex digits", h.pos + 2 + i + k);
          v = v * 16 + d;
        }
        bytes += static_cast<char>(v);
      }
      return Lit(Scalar{columnar::Binary(), std::move(bytes)});
    }
    if (t.kind != Tok::kIdent) return ExprPtr();
    if (KeywordIs(t, "TRUE")) {
      Next();
      return Lit(true);
    }
    if (KeywordIs(t, "FALSE")) {
      Next();
      return Lit(false);
    }
    if (KeywordIs(t, "NULL")) {
      Next();
      return NullLit();
    }
    // Typed literals: the type word only counts as such when a string follows, so columns named
    // date or timestamp still work.
    if (Peek(1).kind != Tok::kString) return ExprPtr();
    if (KeywordIs(t, "DATE")) {
      Next();
      const Token& s = Next();
      int64_t days;
      if (!ParseDateText(s.text, &days) || days < INT32_MIN || days > INT32_MAX) {
        return Error("expected a date 'YYYY-MM-DD'", s.pos);
      }
      return Lit(Scalar{columnar::Date32(), days});
    }
    if (KeywordIs(t, "TIMESTAMP") || KeywordIs(t, "TIMESTAMP_NTZ")) {
      const bool ntz = KeywordIs(t, "TIMESTAMP_NTZ");
      Next();
      const Token& s = Next();
      int64_t micros;
      bool has_zone = false;
      if (!ParseTimestampText(s.text, &micros, &has_zone) || (ntz && has_zone)) {
        return Error(ntz ? "expected a timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff]'"
                         : "expected a timestamp 'YYYY-MM-DD HH:MM:SS[.ffffff][Z]'",
                     s.pos);
      }
      return Lit(Scalar{ntz ? columnar::Timestamp(columnar::TimeUnit::kMicro)
                            : columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC"),
                        micros});
    }
    if (KeywordIs(t, "DOUBLE")) {
      Next();
      const Token& s = Next();
      double v;
      if (s.text == "NaN") {
        v = std::nan("");
      } else if (s.text == "Infinity") {
        v = HUGE_VAL;
      } else if (s.text == "-Infinity") {
        v = -HUGE_VAL;
      } else {
        __int128 unscaled;
        int32_t scale;
        if (!ParseDecimalText(s.text, &unscaled, &scale)) return Error("expected a number, 'NaN' or 'Infinity'", s.pos);
        v = std::strtod(s.text.c_str(), nullptr);
      }
      return Lit(v);
    }
    return ExprPtr();
  }

  Result<ExprPtr> ParseNumber(const Token& t, bool negative) {
    const std::string& s = t.text;
    const bool has_exp = s.find_first_of("eE") != std::string::npos;
    const bool has_dot = s.find('.') != std::string::npos;
    if (has_exp) {
      const std::string full = negative ? "-" + s : s;
      const double v = std::strtod(full.c_str(), nullptr);
      if (!std::isfinite(v)) return Error("expected a finite number", t.pos);
      return Lit(v);
    }
    __int128 unscaled;
    int32_t scale;
    if (!ParseDecimalText(s, &unscaled, &scale)) return Error("expected a number of at most 38 digits", t.pos);
    if (negative) unscaled = -unscaled;
    if (!has_dot) {
      if (unscaled >= INT64_MIN && unscaled <= INT64_MAX) return Lit(static_cast<int64_t>(unscaled));
      return Lit(Scalar{columnar::Decimal128(38, 0), unscaled});
    }
    const int32_t precision = std::max(DecimalDigits(unscaled), scale == 0 ? 1 : scale);
    return Lit(Scalar{columnar::Decimal128(std::max(precision, 1), scale), unscaled});
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t cur_ = 0;
};

}  // namespace

Result<ExprPtr> ParsePredicate(std::string_view text) { return Parser(text).Parse(); }

}  // namespace delta::expr
