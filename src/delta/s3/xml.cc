#include "delta/s3/xml.h"

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::s3 {

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const auto& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

std::string_view XmlElement::ChildText(std::string_view child_name) const {
  const XmlElement* c = Child(child_name);
  return c ? std::string_view(c->text) : std::string_view();
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

namespace {

bool IsNameChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == ':' || u >= 0x80;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  Parser(std::string_view doc, std::string_view what, const XmlLimits& limits)
      : doc_(doc), what_(what), limits_(limits) {}

  Result<XmlElement> Parse() {
    if (static_cast<int64_t>(doc_.size()) > limits_.max_bytes) {
      return Error(fmt::format("document of {} bytes exceeds the limit of {} bytes", doc_.size(), limits_.max_bytes));
    }
    // Optional UTF-8 byte order mark.
    if (doc_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    DELTA_RETURN_NOT_OK(SkipMisc());
    if (pos_ >= doc_.size() || doc_[pos_] != '<') return Error("no root element");
    XmlElement root;
    DELTA_RETURN_NOT_OK(ParseElement(&root, 1));
    DELTA_RETURN_NOT_OK(SkipMisc());
    if (pos_ != doc_.size()) return Error("content after the root element");
    return root;
  }

 private:
  Status Error(std::string_view msg) const {
    return Status::CorruptData(fmt::format("malformed XML in {}: {} (at byte {})", what_, msg, pos_));
  }

  // Whitespace, comments and processing instructions (including the XML declaration) outside the
  // root element. DOCTYPE is refused: it is the door to entity expansion attacks.
  Status SkipMisc() {
    while (true) {
      while (pos_ < doc_.size() && IsSpace(doc_[pos_])) ++pos_;
      if (Rest().starts_with("<?")) {
        DELTA_RETURN_NOT_OK(SkipPast("?>", "processing instruction"));
      } else if (Rest().starts_with("<!--")) {
        DELTA_RETURN_NOT_OK(SkipPast("-->", "comment"));
      } else if (Rest().starts_with("<!")) {
        return Error("DOCTYPE and other declarations are not accepted");
      } else {
        return Status::OK();
      }
    }
  }

  std::string_view Rest() const { return doc_.substr(pos_); }

  Status SkipPast(std::string_view end, std::string_view what) {
    size_t e = doc_.find(end, pos_);
    if (e == std::string_view::npos) return Error(fmt::format("unterminated {}", what));
    pos_ = e + end.size();
    return Status::OK();
  }

  Result<std::string_view> ParseName() {
    size_t start = pos_;
    while (pos_ < doc_.size() && IsNameChar(doc_[pos_])) ++pos_;
    if (pos_ == start) return Error("expected a name");
    return doc_.substr(start, pos_ - start);
  }

  static std::string LocalName(std::string_view qname) {
    size_t colon = qname.rfind(':');
    return std::string(colon == std::string_view::npos ? qname : qname.substr(colon + 1));
  }

  // Decodes character data [start, end) (entities and character references) into out.
  Status DecodeText(std::string_view raw, std::string* out) {
    size_t i = 0;
    while (i < raw.size()) {
      char c = raw[i];
      if (c == '<') return Error("'<' in character data");
      if (c != '&') {
        out->push_back(c);
        ++i;
        continue;
      }
      size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos || semi - i > 12) return Error("unterminated entity reference");
      std::string_view ent = raw.substr(i + 1, semi - i - 1);
      if (ent == "amp") {
        out->push_back('&');
      } else if (ent == "lt") {
        out->push_back('<');
      } else if (ent == "gt") {
        out->push_back('>');
      } else if (ent == "quot") {
        out->push_back('"');
      } else if (ent == "apos") {
        out->push_back('\'');
      } else if (ent.size() >= 2 && ent[0] == '#') {
        uint32_t cp = 0;
        bool hex = ent[1] == 'x';
        std::string_view digits = ent.substr(hex ? 2 : 1);
        if (digits.empty()) return Error("empty character reference");
        for (char d : digits) {
          uint32_t v;
          if (d >= '0' && d <= '9') {
            v = static_cast<uint32_t>(d - '0');
          } else if (hex && d >= 'a' && d <= 'f') {
            v = static_cast<uint32_t>(d - 'a' + 10);
          } else if (hex && d >= 'A' && d <= 'F') {
            v = static_cast<uint32_t>(d - 'A' + 10);
          } else {
            return Error(fmt::format("bad character reference '&{};'", ent));
          }
          cp = cp * (hex ? 16 : 10) + v;
          if (cp > 0x10FFFF) return Error(fmt::format("character reference '&{};' out of range", ent));
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return Error(fmt::format("character reference '&{};' is not a valid character", ent));
        }
        AppendUtf8(cp, out);
      } else {
        return Error(fmt::format("unknown entity '&{};'", ent));
      }
      i = semi + 1;
    }
    return Status::OK();
  }

  Status ParseElement(XmlElement* el, int depth) {
    if (depth > limits_.max_depth) return Error(fmt::format("elements nested deeper than {}", limits_.max_depth));
    if (++elements_ > limits_.max_elements) return Error(fmt::format("more than {} elements", limits_.max_elements));
    ++pos_;  // '<'
    DELTA_ASSIGN_OR_RAISE(std::string_view qname, ParseName());
    el->name = LocalName(qname);
    // Attributes: checked for well-formedness, then dropped.
    while (true) {
      while (pos_ < doc_.size() && IsSpace(doc_[pos_])) ++pos_;
      if (pos_ >= doc_.size()) return Error(fmt::format("unterminated start tag <{}>", qname));
      if (doc_[pos_] == '/') {
        if (!Rest().starts_with("/>")) return Error("expected '/>'");
        pos_ += 2;
        return Status::OK();
      }
      if (doc_[pos_] == '>') {
        ++pos_;
        break;
      }
      DELTA_RETURN_NOT_OK(ParseName().status());
      while (pos_ < doc_.size() && IsSpace(doc_[pos_])) ++pos_;
      if (pos_ >= doc_.size() || doc_[pos_] != '=') return Error("expected '=' after attribute name");
      ++pos_;
      while (pos_ < doc_.size() && IsSpace(doc_[pos_])) ++pos_;
      if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) return Error("expected a quoted attribute value");
      char q = doc_[pos_++];
      size_t end = doc_.find(q, pos_);
      if (end == std::string_view::npos) return Error("unterminated attribute value");
      if (doc_.substr(pos_, end - pos_).find('<') != std::string_view::npos) return Error("'<' in attribute value");
      pos_ = end + 1;
    }
    // Content.
    while (true) {
      size_t lt = doc_.find('<', pos_);
      if (lt == std::string_view::npos) return Error(fmt::format("element <{}> is not closed", qname));
      DELTA_RETURN_NOT_OK(DecodeText(doc_.substr(pos_, lt - pos_), &el->text));
      pos_ = lt;
      if (Rest().starts_with("</")) {
        pos_ += 2;
        DELTA_ASSIGN_OR_RAISE(std::string_view close, ParseName());
        if (close != qname) return Error(fmt::format("</{}> closes <{}>", close, qname));
        while (pos_ < doc_.size() && IsSpace(doc_[pos_])) ++pos_;
        if (pos_ >= doc_.size() || doc_[pos_] != '>') return Error("expected '>'");
        ++pos_;
        return Status::OK();
      }
      if (Rest().starts_with("<!--")) {
        DELTA_RETURN_NOT_OK(SkipPast("-->", "comment"));
      } else if (Rest().starts_with("<![CDATA[")) {
        size_t start = pos_ + 9;
        size_t end = doc_.find("]]>", start);
        if (end == std::string_view::npos) return Error("unterminated CDATA section");
        el->text.append(doc_.substr(start, end - start));
        pos_ = end + 3;
      } else if (Rest().starts_with("<?")) {
        DELTA_RETURN_NOT_OK(SkipPast("?>", "processing instruction"));
      } else if (Rest().starts_with("<!")) {
        return Error("declarations are not accepted inside elements");
      } else {
        el->children.emplace_back();
        DELTA_RETURN_NOT_OK(ParseElement(&el->children.back(), depth + 1));
      }
    }
  }

  std::string_view doc_;
  std::string_view what_;
  XmlLimits limits_;
  size_t pos_ = 0;
  int64_t elements_ = 0;
};

}  // namespace

Result<XmlElement> ParseXml(std::string_view doc, std::string_view what, const XmlLimits& limits) {
  return Parser(doc, what, limits).Parse();
}

}  // namespace delta::s3
