// AWS Signature Version 4 (request signing for S3 and DynamoDB), written against the published
// algorithm: canonical request -> string to sign -> HMAC-SHA256 chain over the credential scope.
// Also the hashing/encoding helpers the S3 client needs (SHA-256, HMAC, MD5, hex, base64, RFC 3986
// percent-encoding), all on OpenSSL's libcrypto.
// Thread-safety: pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <ctime>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace delta::s3 {

/// Static AWS credentials. An empty access_key_id means anonymous (requests are not signed).
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  bool anonymous() const { return access_key_id.empty(); }
};

/// Lower-case hex of the SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);
std::string Sha256Hex(std::span<const uint8_t> data);
/// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);
/// Base64 of the raw MD5 of `data` (the Content-MD5 header S3's DeleteObjects requires).
std::string Md5Base64(std::string_view data);
/// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);

/// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters (A-Z a-z 0-9 - . _ ~) are
/// kept, every other byte becomes %XX with upper-case hex; '/' is kept when !encode_slash.
std::string UriEncode(std::string_view s, bool encode_slash);

/// "YYYYMMDDTHHMMSSZ" (ISO 8601 basic, UTC) for the x-amz-date header.
std::string AmzDate(std::time_t t);

/// What gets signed. The caller decides which headers are signed (all of `headers` are); names
/// may be of any case, values are trimmed and inner runs of spaces collapsed (SigV4 rules);
/// repeated names are joined with ',' in the given order.
struct SigningInput {
  std::string method;
  /// The path exactly as sent on the wire (already percent-encoded), e.g. "/bucket/a%20b".
  std::string canonical_uri;
  /// Decoded query parameters; encoded and sorted by the signer.
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  /// Hex SHA-256 of the payload, or "UNSIGNED-PAYLOAD".
  std::string payload_hash;
};

struct SignatureResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;
  /// The Authorization header value. Contains the access key id and the signature, never the
  /// secret; still not to be logged.
  std::string authorization;
};

/// Signs `in` for `region` and `service` at `amz_date` ("20150830T123600Z").
SignatureResult SignV4(const SigningInput& in, const Credentials& creds, std::string_view region,
                       std::string_view service, std::string_view amz_date);

/// The canonical query string of decoded parameters (encoded, sorted by name then value).
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace delta::s3
