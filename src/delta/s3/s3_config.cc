#include "delta/s3/s3_config.h"

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::s3 {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Options by upper-cased key; the delta-rs spellings without the AWS_ prefix are accepted too.
class Sources {
 public:
  Sources(const storage::StorageOptions& options, const EnvLookup& env) : env_(env) {
    for (const auto& [k, v] : options) opts_[Upper(k)] = v;
  }

  const std::string* Option(std::string_view name) const {
    auto it = opts_.find(std::string(name));
    if (it != opts_.end()) return &it->second;
    if (name.starts_with("AWS_")) {
      it = opts_.find(std::string(name.substr(4)));
      if (it != opts_.end()) return &it->second;
    }
    return nullptr;
  }

  std::optional<std::string> Env(const char* name) const {
    const char* v = env_ ? env_(name) : std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  }

  // Option, then environment.
  std::optional<std::string> Get(const char* name) const {
    if (const std::string* o = Option(name)) return *o;
    return Env(name);
  }

 private:
  std::map<std::string, std::string> opts_;
  EnvLookup env_;
};

// A minimal INI reader for the AWS shared files: "[section]" headers, "key = value" lines,
// '#'/';' comments. Returns section -> key -> value.
Result<std::map<std::string, std::map<std::string, std::string>>> ReadIni(const std::string& path) {
  std::map<std::string, std::map<std::string, std::string>> out;
  std::ifstream in(path);
  if (!in) return out;  // a missing file is not an error: the source is simply absent
  std::string line, section;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      section = Trim(std::string_view(t).substr(1, t.size() - 2));
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    out[section][Lower(Trim(std::string_view(t).substr(0, eq)))] = Trim(std::string_view(t).substr(eq + 1));
  }
  if (in.bad()) return Status::IOError(fmt::format("cannot read AWS shared file {}", path));
  return out;
}

Result<bool> ParseBool(std::string_view name, std::string_view v) {
  std::string l = Lower(Trim(v));
  if (l == "true" || l == "1" || l == "yes" || l == "on") return true;
  if (l == "false" || l == "0" || l == "no" || l == "off" || l.empty()) return false;
  return Status::InvalidArgument(fmt::format("S3 option {}: expected true or false, got '{}'", name, v));
}

Status ParseInt(const Sources& src, const char* name, int64_t min, int64_t max, int64_t* out) {
  auto v = src.Get(name);
  if (!v) return Status::OK();
  char* end = nullptr;
  errno = 0;
  long long x = std::strtoll(v->c_str(), &end, 10);
  if (errno != 0 || end == v->c_str() || *end != '\0' || x < min || x > max) {
    return Status::InvalidArgument(
        fmt::format("S3 option {}: expected an integer in [{}, {}], got '{}'", name, min, max, *v));
  }
  *out = x;
  return Status::OK();
}

Result<std::string> NormalizeEndpoint(std::string_view name, std::string e, bool allow_http) {
  while (!e.empty() && e.back() == '/') e.pop_back();
  std::string l = Lower(e);
  if (!l.starts_with("http://") && !l.starts_with("https://")) {
    return Status::InvalidArgument(
        fmt::format("S3 option {}: endpoint '{}' must start with http:// or https://", name, e));
  }
  std::string_view rest = std::string_view(e).substr(l.starts_with("http://") ? 7 : 8);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format(
        "S3 option {}: endpoint '{}' must be scheme://host[:port] (no path, query or user info)", name, e));
  }
  if (l.starts_with("http://") && !allow_http) {
    return Status::InvalidArgument(fmt::format(
        "S3 endpoint '{}' uses plain http: set AWS_ALLOW_HTTP=true to allow unencrypted connections", e));
  }
  return e;
}

}  // namespace

std::string S3Config::Fingerprint() const {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", bucket, region, endpoint, allow_http, virtual_hosted,
                     credentials.access_key_id, Sha256Hex(credentials.secret_access_key + "\n" + credentials.session_token),
                     max_attempts, max_concurrency, stall_timeout_ms, static_cast<int>(commit_mode), dynamodb_table,
                     dynamodb_endpoint);
}

Result<S3Config> LoadS3Config(std::string bucket, const storage::StorageOptions& options, const EnvLookup& env) {
  Sources src(options, env);
  S3Config c;
  c.bucket = std::move(bucket);

  std::string profile = src.Get("AWS_PROFILE").value_or("default");
  std::string home = src.Env("HOME").value_or("");
  std::string cred_file = src.Get("AWS_SHARED_CREDENTIALS_FILE").value_or(home.empty() ? "" : home + "/.aws/credentials");
  std::string config_file = src.Get("AWS_CONFIG_FILE").value_or(home.empty() ? "" : home + "/.aws/config");
  std::map<std::string, std::string> cred_section, config_section;
  if (!cred_file.empty()) {
    DELTA_ASSIGN_OR_RAISE(auto ini, ReadIni(cred_file));
    if (auto it = ini.find(profile); it != ini.end()) cred_section = it->second;
  }
  if (!config_file.empty()) {
    DELTA_ASSIGN_OR_RAISE(auto ini, ReadIni(config_file));
    // ~/.aws/config names sections "[profile x]", except "[default]".
    auto it = ini.find(profile == "default" ? "default" : "profile " + profile);
    if (it == ini.end()) it = ini.find(profile);
    if (it != ini.end()) config_section = it->second;
  }
  auto from_profile = [&](const char* key) -> std::optional<std::string> {
    if (auto it = cred_section.find(key); it != cred_section.end() && !it->second.empty()) return it->second;
    if (auto it = config_section.find(key); it != config_section.end() && !it->second.empty()) return it->second;
    return std::nullopt;
  };

  // Credentials as a unit.
  if (const std::string* id = src.Option("AWS_ACCESS_KEY_ID"); id && !id->empty()) {
    c.credentials.access_key_id = *id;
    if (const std::string* s = src.Option("AWS_SECRET_ACCESS_KEY")) c.credentials.secret_access_key = *s;
    if (const std::string* t = src.Option("AWS_SESSION_TOKEN")) c.credentials.session_token = *t;
    else if (const std::string* t2 = src.Option("AWS_TOKEN")) c.credentials.session_token = *t2;
    c.credentials_source = "storage options";
  } else if (auto eid = src.Env("AWS_ACCESS_KEY_ID")) {
    c.credentials.access_key_id = *eid;
    c.credentials.secret_access_key = src.Env("AWS_SECRET_ACCESS_KEY").value_or("");
    c.credentials.session_token = src.Env("AWS_SESSION_TOKEN").value_or("");
    c.credentials_source = "environment";
  } else if (auto pid = from_profile("aws_access_key_id")) {
    c.credentials.access_key_id = *pid;
    c.credentials.secret_access_key = from_profile("aws_secret_access_key").value_or("");
    c.credentials.session_token = from_profile("aws_session_token").value_or("");
    c.credentials_source = fmt::format("profile '{}'", profile);
  }
  if (!c.credentials.anonymous() && c.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(fmt::format(
        "S3 credentials from {} have an access key id but no secret access key", c.credentials_source));
  }
  if (auto skip = src.Get("AWS_SKIP_SIGNATURE")) {
    DELTA_ASSIGN_OR_RAISE(bool s, ParseBool("AWS_SKIP_SIGNATURE", *skip));
    if (s) {
      c.credentials = Credentials{};
      c.credentials_source = "none (AWS_SKIP_SIGNATURE)";
    }
  }

  if (auto r = src.Get("AWS_REGION")) c.region = *r;
  else if (auto r2 = src.Get("AWS_DEFAULT_REGION")) c.region = *r2;
  else if (auto r3 = from_profile("region")) c.region = *r3;
  if (c.region.empty() || c.region.find_first_of("/ \n") != std::string::npos) {
    return Status::InvalidArgument(fmt::format("S3 region '{}' is not a valid region name", c.region));
  }

  if (auto a = src.Get("AWS_ALLOW_HTTP")) {
    DELTA_ASSIGN_OR_RAISE(c.allow_http, ParseBool("AWS_ALLOW_HTTP", *a));
  }
  std::optional<std::string> endpoint = src.Get("AWS_ENDPOINT_URL_S3");
  const char* endpoint_name = "AWS_ENDPOINT_URL_S3";
  if (!endpoint) {
    endpoint = src.Get("AWS_ENDPOINT_URL");
    endpoint_name = "AWS_ENDPOINT_URL";
  }
  if (!endpoint) {
    endpoint = src.Get("AWS_ENDPOINT");
    endpoint_name = "AWS_ENDPOINT";
  }
  if (!endpoint) {
    endpoint = from_profile("endpoint_url");
    endpoint_name = "endpoint_url";
  }
  if (endpoint) {
    DELTA_ASSIGN_OR_RAISE(c.endpoint, NormalizeEndpoint(endpoint_name, *endpoint, c.allow_http));
  }
  // AWS itself prefers virtual-hosted addressing; S3-compatible servers at a custom endpoint
  // mostly expect path-style (as delta-rs defaults).
  c.virtual_hosted = c.endpoint.empty() && c.bucket.find('.') == std::string::npos;
  if (auto v = src.Get("AWS_VIRTUAL_HOSTED_STYLE_REQUEST")) {
    DELTA_ASSIGN_OR_RAISE(c.virtual_hosted, ParseBool("AWS_VIRTUAL_HOSTED_STYLE_REQUEST", *v));
  }
  if (auto v = src.Get("AWS_S3_ADDRESSING_STYLE")) {
    std::string l = Lower(*v);
    if (l == "path") c.virtual_hosted = false;
    else if (l == "virtual") c.virtual_hosted = true;
    else if (l != "auto") {
      return Status::InvalidArgument(
          fmt::format("S3 option AWS_S3_ADDRESSING_STYLE: expected path, virtual or auto, got '{}'", *v));
    }
  }

  int64_t v = c.max_attempts;
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_MAX_ATTEMPTS", 1, 100, &v));
  c.max_attempts = static_cast<int>(v);
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_BACKOFF_BASE_MS", 0, 60000, &c.backoff_base_ms));
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_BACKOFF_MAX_MS", 0, 600000, &c.backoff_max_ms));
  v = c.max_concurrency;
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_MAX_CONCURRENCY", 1, 1024, &v));
  c.max_concurrency = static_cast<int>(v);
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_CONNECT_TIMEOUT_MS", 1, 600000, &c.connect_timeout_ms));
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_STALL_TIMEOUT_MS", 1000, 3600000, &c.stall_timeout_ms));
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_MULTIPART_PART_SIZE", 1 << 20, 5LL << 30, &c.multipart_part_size));
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_MULTIPART_THRESHOLD", 1 << 20, 5LL << 30, &c.multipart_threshold));
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_TAIL_READ_BYTES", 0, 64LL << 20, &c.tail_read_bytes));
  DELTA_RETURN_NOT_OK(ParseInt(src, "DELTA_S3_LIST_PAGE_SIZE", 0, 1000, &c.list_page_size));
  if (c.multipart_threshold < c.multipart_part_size) c.multipart_threshold = c.multipart_part_size;

  // Commit coordination (delta-rs names: AWS_S3_LOCKING_PROVIDER=dynamodb, DELTA_DYNAMO_TABLE_NAME,
  // AWS_S3_ALLOW_UNSAFE_RENAME; AWS_CONDITIONAL_PUT=etag|disabled).
  bool conditional = true;
  if (auto cp = src.Get("AWS_CONDITIONAL_PUT")) {
    std::string l = Lower(*cp);
    if (l == "etag" || l == "true") conditional = true;
    else if (l == "disabled" || l == "false" || l == "none") conditional = false;
    else {
      return Status::InvalidArgument(
          fmt::format("S3 option AWS_CONDITIONAL_PUT: expected etag or disabled, got '{}'", *cp));
    }
  }
  bool dynamo = false;
  if (auto lp = src.Get("AWS_S3_LOCKING_PROVIDER")) {
    std::string l = Lower(*lp);
    if (l == "dynamodb") dynamo = true;
    else if (!l.empty() && l != "none") {
      return Status::InvalidArgument(
          fmt::format("S3 option AWS_S3_LOCKING_PROVIDER: expected dynamodb, got '{}'", *lp));
    }
  }
  bool unsafe = false;
  if (auto u = src.Get("AWS_S3_ALLOW_UNSAFE_RENAME")) {
    DELTA_ASSIGN_OR_RAISE(unsafe, ParseBool("AWS_S3_ALLOW_UNSAFE_RENAME", *u));
  }
  if (dynamo) c.commit_mode = CommitMode::kDynamoDb;
  else if (conditional) c.commit_mode = CommitMode::kConditionalPut;
  else if (unsafe) c.commit_mode = CommitMode::kUnsafeSingleWriter;
  else c.commit_mode = CommitMode::kRefuse;
  if (auto t = src.Get("DELTA_DYNAMO_TABLE_NAME")) c.dynamodb_table = *t;
  if (auto e = src.Get("AWS_ENDPOINT_URL_DYNAMODB")) {
    DELTA_ASSIGN_OR_RAISE(c.dynamodb_endpoint, NormalizeEndpoint("AWS_ENDPOINT_URL_DYNAMODB", *e, c.allow_http));
  } else {
    c.dynamodb_endpoint = c.endpoint;
  }
  c.dynamodb_region = src.Get("DELTA_DYNAMO_REGION").value_or(c.region);
  return c;
}

}  // namespace delta::s3
