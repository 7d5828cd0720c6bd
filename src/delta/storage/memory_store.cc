#include "delta/storage/memory_store.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::storage {

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class MemoryObjectStore;

// Stream into a private buffer; Close() publishes it with Put.
class MemoryWriteStream final : public io::OutputStream {
 public:
  MemoryWriteStream(std::shared_ptr<ObjectStore> store, std::string key, std::string uri)
      : store_(std::move(store)), key_(std::move(key)), out_(std::move(uri)) {}
  const std::string& path() const override { return out_.path(); }
  using io::OutputStream::Write;
  Status Write(const void* data, int64_t n) override {
    if (closed_) return Status::IOError(fmt::format("write to closed stream {}", out_.path()));
    return out_.Write(data, n);
  }
  int64_t Tell() const override { return out_.Tell(); }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    DELTA_ASSIGN_OR_RAISE(auto buf, out_.TakeBuffer());
    return store_->Put(key_, std::span<const uint8_t>(buf->data(), static_cast<size_t>(buf->size())));
  }

 private:
  std::shared_ptr<ObjectStore> store_;
  std::string key_;
  io::BufferOutputStream out_;
  bool closed_ = false;
};

class MemoryObjectStore final : public ObjectStore, public std::enable_shared_from_this<MemoryObjectStore> {
 public:
  explicit MemoryObjectStore(std::string name) : base_uri_(fmt::format("memory://{}/", name)) {}

  Result<std::vector<ObjectMeta>> List(std::string_view prefix, std::string_view start_after) override {
    std::vector<ObjectMeta> out;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.lower_bound(prefix);
    if (!start_after.empty() && start_after >= prefix) it = objects_.upper_bound(start_after);
    for (; it != objects_.end() && std::string_view(it->first).starts_with(prefix); ++it) {
      out.push_back(ObjectMeta{it->first, it->second.data->size(), it->second.mtime_ms});
    }
    return out;
  }

  Result<columnar::BufferPtr> Get(std::string_view key) override {
    DELTA_ASSIGN_OR_RAISE(auto obj, Find(key));
    return obj.data;
  }

  Result<columnar::BufferPtr> GetRange(std::string_view key, int64_t offset, int64_t length) override {
    DELTA_ASSIGN_OR_RAISE(auto obj, Find(key));
    int64_t size = obj.data->size();
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      return Status::InvalidArgument(fmt::format("range of {} bytes at offset {} is outside {}{} ({} bytes)", length,
                                                 offset, base_uri_, key, size));
    }
    return columnar::Buffer::Slice(obj.data, offset, length);
  }

  Result<ObjectMeta> Head(std::string_view key) override {
    DELTA_ASSIGN_OR_RAISE(auto obj, Find(key));
    return ObjectMeta{std::string(key), obj.data->size(), obj.mtime_ms};
  }

  Status Put(std::string_view key, std::span<const uint8_t> data) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    DELTA_ASSIGN_OR_RAISE(auto buf, Copy(data));
    std::lock_guard<std::mutex> lock(mu_);
    objects_.insert_or_assign(std::string(key), Object{std::move(buf), NowMs()});
    return Status::OK();
  }

  Status PutIfAbsent(std::string_view key, std::span<const uint8_t> data) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    DELTA_ASSIGN_OR_RAISE(auto buf, Copy(data));
    std::lock_guard<std::mutex> lock(mu_);
    auto [it, inserted] = objects_.try_emplace(std::string(key), Object{std::move(buf), NowMs()});
    if (!inserted) return Status::AlreadyExists(fmt::format("{}{} already exists", base_uri_, key));
    return Status::OK();
  }

  Status Delete(std::string_view key) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key);
    if (it != objects_.end()) objects_.erase(it);
    return Status::OK();
  }

  Result<std::shared_ptr<io::RandomAccessFile>> OpenRead(std::string_view key) override {
    DELTA_ASSIGN_OR_RAISE(auto obj, Find(key));
    return io::MakeBufferFile(obj.data, base_uri_ + std::string(key));
  }

  Result<std::unique_ptr<io::OutputStream>> OpenWrite(std::string_view key) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    return std::unique_ptr<io::OutputStream>(
        std::make_unique<MemoryWriteStream>(shared_from_this(), std::string(key), base_uri_ + std::string(key)));
  }

  std::string base_uri() const override { return base_uri_; }

 private:
  struct Object {
    columnar::BufferPtr data;
    int64_t mtime_ms = 0;
  };

  static Result<columnar::BufferPtr> Copy(std::span<const uint8_t> data) {
    return columnar::Buffer::CopyOf(
        std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  }

  Result<Object> Find(std::string_view key) {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return Status::NotFound(fmt::format("object not found: {}{}", base_uri_, key));
    return it->second;
  }

  const std::string base_uri_;
  std::mutex mu_;
  std::map<std::string, Object, std::less<>> objects_;
};

struct NamedStores {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<ObjectStore>> strong;  // from URIs: live forever
  std::unordered_map<std::string, std::weak_ptr<ObjectStore>> weak;      // from MakeMemoryStore
};

NamedStores& GetNamedStores() {
  static NamedStores* stores = new NamedStores();  // never destroyed: usable during static teardown
  return *stores;
}

}  // namespace

std::shared_ptr<ObjectStore> MakeMemoryStore() {
  static std::atomic<uint64_t> counter{0};
  NamedStores& s = GetNamedStores();
  std::string name = fmt::format("anonymous-{}", counter.fetch_add(1));
  auto store = std::make_shared<MemoryObjectStore>(name);
  std::lock_guard<std::mutex> lock(s.mu);
  // Drop entries of stores that are gone, so the map does not grow without bound.
  for (auto it = s.weak.begin(); it != s.weak.end();) {
    it = it->second.expired() ? s.weak.erase(it) : std::next(it);
  }
  s.weak[name] = store;
  return store;
}

Result<std::shared_ptr<ObjectStore>> NamedMemoryStore(std::string_view name) {
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("invalid memory store name '{}'", name));
  }
  NamedStores& s = GetNamedStores();
  std::lock_guard<std::mutex> lock(s.mu);
  std::string n(name);
  if (auto it = s.strong.find(n); it != s.strong.end()) return it->second;
  if (auto it = s.weak.find(n); it != s.weak.end()) {
    if (auto live = it->second.lock()) return live;
  }
  auto store = std::make_shared<MemoryObjectStore>(n);
  s.strong[n] = store;
  return std::shared_ptr<ObjectStore>(store);
}

}  // namespace delta::storage
