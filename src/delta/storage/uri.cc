#include "delta/storage/uri.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "delta/storage/local_store.h"
#include "delta/storage/memory_store.h"
#include "delta/storage/path.h"
#include "delta/util/macros.h"

namespace delta::storage {

namespace {

Result<Location> ResolveFileUri(std::string_view uri, const StorageOptions&) {
  // Accepted forms: file:/abs, file:///abs, file://localhost/abs (RFC 8089).
  std::string_view rest = uri.substr(uri.find(':') + 1);
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    std::string_view host = rest.substr(0, slash);
    if (!host.empty() && host != "localhost") {
      return Status::InvalidArgument(fmt::format("file URI with remote host '{}' is not supported (uri {})", host, uri));
    }
    rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  if (rest.empty() || rest.front() != '/') {
    return Status::InvalidArgument(fmt::format("file URI must have an absolute path (uri {})", uri));
  }
  DELTA_ASSIGN_OR_RAISE(std::string decoded, PercentDecode(rest));
  if (decoded.find('\0') != std::string::npos) {
    return Status::InvalidArgument(fmt::format("file URI decodes to a path with a NUL byte (uri {})", uri));
  }
  return Location{LocalStore(), NormalizeKeyPath(decoded)};
}

Result<Location> ResolveMemoryUri(std::string_view uri, const StorageOptions&) {
  std::string_view rest = uri.substr(uri.find(':') + 1);
  if (!rest.starts_with("//")) {
    return Status::InvalidArgument(fmt::format("memory URI must look like memory://<name>/<path> (uri {})", uri));
  }
  rest.remove_prefix(2);
  size_t slash = rest.find('/');
  std::string_view name = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  DELTA_ASSIGN_OR_RAISE(auto store, NamedMemoryStore(name));
  DELTA_ASSIGN_OR_RAISE(std::string decoded, PercentDecode(path));
  if (decoded.find('\0') != std::string::npos) {
    return Status::InvalidArgument(fmt::format("memory URI decodes to a path with a NUL byte (uri {})", uri));
  }
  return Location{std::move(store), NormalizeKeyPath(decoded)};
}

struct Registry {
  std::mutex mu;
  std::unordered_map<std::string, StoreFactory> factories;
  Registry() {
    factories["file"] = ResolveFileUri;
    factories["memory"] = ResolveMemoryUri;
  }
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();  // never destroyed: usable during static teardown
  return *registry;
}

}  // namespace

std::string Location::uri() const { return store ? store->base_uri() + key : key; }

Location Location::Child(std::string_view child) const {
  if (key.empty()) return Location{store, std::string(child)};
  std::string k;
  k.reserve(key.size() + 1 + child.size());
  k.append(key);
  k.push_back('/');
  k.append(child);
  return Location{store, std::move(k)};
}

void RegisterStoreFactory(std::string scheme, StoreFactory factory) {
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  Registry& r = GetRegistry();
  std::lock_guard<std::mutex> lock(r.mu);
  r.factories[std::move(scheme)] = std::move(factory);
}

Result<Location> ResolveUri(std::string_view uri, const StorageOptions& options) {
  if (uri.empty()) return Status::InvalidArgument("empty table location");
  if (uri.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("table location contains a NUL byte");
  }
  std::string scheme = UriScheme(uri);
  if (scheme.empty()) {
    // A plain local path, taken literally (no percent-decoding: '%' is a legal file name byte).
    if (uri.front() == '/') return Location{LocalStore(), NormalizeKeyPath(uri)};
    std::string cwd;
    {
      char buf[4096];
      if (::getcwd(buf, sizeof(buf)) == nullptr) {
        return Status::IOError(fmt::format("cannot resolve relative path '{}': getcwd failed: {}", uri,
                                           std::strerror(errno)));
      }
      cwd = buf;
    }
    cwd.push_back('/');
    cwd.append(uri);
    return Location{LocalStore(), NormalizeKeyPath(cwd)};
  }
  StoreFactory factory;
  {
    Registry& r = GetRegistry();
    std::lock_guard<std::mutex> lock(r.mu);
    auto it = r.factories.find(scheme);
    if (it != r.factories.end()) factory = it->second;
  }
  if (!factory) {
    return Status::Unsupported(fmt::format("no object store registered for scheme '{}' (uri {})", scheme, uri));
  }
  return factory(uri, options);
}

}  // namespace delta::storage
