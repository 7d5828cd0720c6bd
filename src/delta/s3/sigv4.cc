#include "delta/s3/sigv4.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace delta::s3 {

namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// SigV4 header value canonicalisation: trim leading/trailing whitespace and collapse inner runs
// of spaces to one space ("Create a canonical request", step "CanonicalHeaders").
std::string TrimAll(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool in_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), sizeof(md)));
}

std::string Sha256Hex(std::span<const uint8_t> data) {
  return Sha256Hex(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Md5Base64(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_md5(), nullptr);
  unsigned char out[64];
  int n = EVP_EncodeBlock(out, md, static_cast<int>(len));
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

std::string UriEncode(std::string_view s, bool encode_slash) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string AmzDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(UriEncode(k, true), UriEncode(v, true));
  // Sorted by encoded name, then encoded value, bytewise (std::string compares as unsigned char).
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (size_t i = 0; i < enc.size(); ++i) {
    if (i > 0) out.push_back('&');
    out += enc[i].first;
    out.push_back('=');
    out += enc[i].second;
  }
  return out;
}

SignatureResult SignV4(const SigningInput& in, const Credentials& creds, std::string_view region,
                       std::string_view service, std::string_view amz_date) {
  SignatureResult r;
  // Canonical headers: lower-case names sorted bytewise; values of repeated names joined by ','.
  std::map<std::string, std::string> headers;
  for (const auto& [name, value] : in.headers) {
    std::string key = ToLower(name);
    std::string v = TrimAll(value);
    auto [it, inserted] = headers.try_emplace(key, v);
    if (!inserted) {
      it->second.push_back(',');
      it->second += v;
    }
  }
  std::string canonical_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name;
    canonical_headers.push_back(':');
    canonical_headers += value;
    canonical_headers.push_back('\n');
    if (!r.signed_headers.empty()) r.signed_headers.push_back(';');
    r.signed_headers += name;
  }
  r.canonical_request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", in.method, in.canonical_uri.empty() ? "/" : in.canonical_uri,
                                    CanonicalQueryString(in.query), canonical_headers, r.signed_headers, in.payload_hash);
  std::string_view date = amz_date.substr(0, 8);
  std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
  r.string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, scope, Sha256Hex(r.canonical_request));
  std::string k = HmacSha256("AWS4" + creds.secret_access_key, date);
  k = HmacSha256(k, region);
  k = HmacSha256(k, service);
  k = HmacSha256(k, "aws4_request");
  r.signature = HexEncode(HmacSha256(k, r.string_to_sign));
  r.authorization = fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}", creds.access_key_id,
                                scope, r.signed_headers, r.signature);
  return r;
}

}  // namespace delta::s3
