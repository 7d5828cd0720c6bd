#include "delta/storage/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/util/macros.h"
#include "delta/util/thread_pool.h"

namespace delta::storage {

namespace {

std::string Errno(int err) { return std::strerror(err); }

std::string PathOf(std::string_view key) {
  std::string p;
  p.reserve(key.size() + 1);
  p.push_back('/');
  p.append(key);
  return p;
}

int64_t MtimeMs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

// Temporary files of in-flight writes: ".<name>.tmp-<16 hex digits>".
constexpr std::string_view kTmpMarker = ".tmp-";

bool IsTempName(std::string_view name) {
  if (name.empty() || name.front() != '.') return false;
  size_t p = name.rfind(kTmpMarker);
  return p != std::string_view::npos && p > 0 && name.size() - p - kTmpMarker.size() == 16;
}

std::string TempPathFor(const std::string& path) {
  thread_local std::mt19937_64 rng(std::random_device{}() ^ (static_cast<uint64_t>(::getpid()) << 32) ^
                                   reinterpret_cast<uintptr_t>(&rng));
  size_t slash = path.rfind('/');
  return fmt::format("{}.{}{}{:016x}", path.substr(0, slash + 1), path.substr(slash + 1), kTmpMarker, rng());
}

// Durability (docs/protocol-coverage.md "commits"): a log file's bytes, and the bytes and
// directory entries of every data file it references, are synced before it is linked / renamed
// into view, and the log directory is synced afterwards, so a commit that became visible survives
// a power loss together with the data files it references.
// DELTA_LOCAL_FSYNC=off (or 0 / false) turns every fsync of this store off: a process crash still
// loses nothing (the page cache survives it), only an operating system crash or power loss can.
bool FsyncEnabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("DELTA_LOCAL_FSYNC");
    if (v == nullptr) return true;
    std::string_view s(v);
    return !(s == "0" || s == "off" || s == "false" || s == "OFF" || s == "FALSE");
  }();
  return enabled;
}

// fsync(2) (directories) or fdatasync(2) (files: their size is part of the data it syncs, other
// metadata such as times is not needed to read them back) of a path. EINVAL / ENOTSUP
// (filesystems that cannot sync a directory) are not errors.
Status SyncFd(int fd, const std::string& path, bool directory) {
  const int rc = directory ? ::fsync(fd) : ::fdatasync(fd);
  if (rc != 0 && errno != EINVAL && errno != ENOTSUP) {
    return Status::IOError(fmt::format("cannot sync {}: {}", path, Errno(errno)));
  }
  return Status::OK();
}

Status SyncPath(const std::string& path, bool directory) {
  if (!FsyncEnabled()) return Status::OK();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
  if (fd < 0) {
    // A data file deleted (aborted write) before its deferred sync: nothing left to make durable.
    if (errno == ENOENT && !directory) return Status::OK();
    return Status::IOError(fmt::format("cannot open {} to sync it: {}", path, Errno(errno)));
  }
  Status st = SyncFd(fd, path, directory);
  ::close(fd);
  return st;
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? std::string("/") : path.substr(0, slash);
}

// The directory whose writes a commit (or a _last_checkpoint) publishes: the table root for a
// key inside "<root>/_delta_log/", otherwise the key's own directory. With a trailing '/'.
std::string PublishRootOf(const std::string& path) {
  constexpr std::string_view kLog = "/_delta_log/";
  size_t p = path.rfind(kLog);
  if (p != std::string::npos) return path.substr(0, p + 1);
  return ParentDir(path) + "/";
}

bool InLogDir(const std::string& path) { return path.find("/_delta_log/") != std::string::npos; }

// Deferred durability. A data file is only reachable through a commit that references it, so its
// bytes and its directory entry need to be durable before that commit is linked into the log, not
// when the file is closed. Closing a data file therefore starts write-back (sync_file_range) and
// records the file and its directory here; the next Put / PutIfAbsent under the same table root
// syncs every recorded path under it concurrently with the new log file's own sync, each
// directory once however many files were added to it, and only then links the log file. Paths
// stay recorded until a sync of them succeeded, so a concurrent commit never skips a path another
// thread is still syncing. Directories created for a write are recorded by their parent.
class PendingSyncs {
 public:
  static PendingSyncs& Get() {
    static PendingSyncs* instance = new PendingSyncs();  // never destroyed: used at exit too
    return *instance;
  }

  // Recording a path again (a directory that got another new entry) gives it a new generation,
  // so that a Flush that synced the older state does not forget the newer one.
  void Add(const std::string& path, bool directory) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_[path] = Entry{directory, ++generation_};
  }

  void Remove(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.erase(path);
  }

  // Syncs every recorded path below `root` (and every recorded directory above it, created for a
  // table root that did not exist) together with `extra_fd` (a new log file, or -1), all at once.
  Status Flush(const std::string& root, int extra_fd, const std::string& extra_path) {
    std::vector<std::pair<std::string, Entry>> todo;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto it = paths_.lower_bound(root); it != paths_.end() && it->first.starts_with(root); ++it) {
        todo.emplace_back(it->first, it->second);
      }
      // The root itself (its new entries) and the directories above it (created for it).
      std::string up = root.size() > 1 ? root.substr(0, root.size() - 1) : root;
      while (true) {
        auto it = paths_.find(up);
        if (it != paths_.end()) todo.emplace_back(it->first, it->second);
        if (up == "/" || up.empty()) break;
        up = ParentDir(up);
      }
    }
    const int64_t n = static_cast<int64_t>(todo.size()) + (extra_fd >= 0 ? 1 : 0);
    if (n == 0) return Status::OK();
    auto one = [&](int64_t i) -> Status {
      if (i == static_cast<int64_t>(todo.size())) return SyncFd(extra_fd, extra_path, false);
      return SyncPath(todo[static_cast<size_t>(i)].first, todo[static_cast<size_t>(i)].second.directory);
    };
    Status st;
    if (n == 1) {
      st = one(0);
    } else {
      // Concurrent syncs of one filesystem share journal commits: n syncs cost about one.
      st = pool_.ParallelFor(n, one);
    }
    DELTA_RETURN_NOT_OK(st);
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [path, synced] : todo) {
      auto it = paths_.find(path);
      // Recorded again while we synced (a new entry in that directory): keep it for the next flush.
      if (it != paths_.end() && it->second.generation == synced.generation) paths_.erase(it);
    }
    return Status::OK();
  }

 private:
  struct Entry {
    bool directory = false;
    uint64_t generation = 0;
  };
  PendingSyncs() : pool_(8) {}
  std::mutex mu_;
  uint64_t generation_ = 0;
  std::map<std::string, Entry> paths_;
  ThreadPool pool_;                    // blocking syscalls only, never CPU work
};

// mkdir -p of the directory containing `path`.
Status CreateParentDirs(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == 0 || slash == std::string::npos) return Status::OK();
  std::string dir = path.substr(0, slash);
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::OK();
    return Status::IOError(fmt::format("cannot create directory {}: a file of that name exists", dir));
  }
  DELTA_RETURN_NOT_OK(CreateParentDirs(dir));
  if (::mkdir(dir.c_str(), 0755) != 0) {
    if (errno == EEXIST) return Status::OK();
    return Status::IOError(fmt::format("cannot create directory {}: {}", dir, Errno(errno)));
  }
  // A new directory (a partition, _delta_log) must itself be durable in its parent before files
  // in it are referenced by a commit: recorded, synced with the commit (directories that already
  // existed are never synced for this).
  if (FsyncEnabled()) PendingSyncs::Get().Add(ParentDir(dir), true);
  return Status::OK();
}

Status WriteAllFd(int fd, const std::string& path, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(fmt::format("cannot write {}: {}", path, Errno(errno)));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

// Writes `data` to a new temporary file next to `path` and returns its name. The file's bytes
// and every pending write under `path`'s publish root are durable when it returns.
Result<std::string> WriteTemp(const std::string& path, std::span<const uint8_t> data) {
  DELTA_RETURN_NOT_OK(CreateParentDirs(path));
  std::string tmp = TempPathFor(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("cannot create {}: {}", tmp, Errno(errno)));
  Status st = WriteAllFd(fd, tmp, data.data(), data.size());
  if (st.ok() && FsyncEnabled()) st = PendingSyncs::Get().Flush(PublishRootOf(path), fd, tmp);
  if (::close(fd) != 0 && st.ok()) st = Status::IOError(fmt::format("cannot close {}: {}", tmp, Errno(errno)));
  if (!st.ok()) {
    ::unlink(tmp.c_str());
    return st;
  }
  return tmp;
}

// Streams into a temporary file through one descriptor with its own buffer; Close() renames it
// over the target. Files in a _delta_log directory (checkpoints: readers find them by listing)
// are synced before the rename; other files (data files, reachable only through a commit) start
// write-back at Close and are synced by the commit that publishes them (PendingSyncs).
class LocalWriteStream final : public io::OutputStream {
 public:
  static constexpr size_t kBufferSize = 1 << 20;

  LocalWriteStream(std::string path, std::string tmp, int fd)
      : path_(std::move(path)), tmp_(std::move(tmp)), fd_(fd) {
    buffer_.reserve(kBufferSize);
  }
  ~LocalWriteStream() override {
    if (!closed_) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }
  const std::string& path() const override { return path_; }
  using io::OutputStream::Write;
  Status Write(const void* data, int64_t n) override {
    if (closed_) return Status::IOError(fmt::format("write to closed stream {}", path_));
    if (n < 0) return Status::InvalidArgument(fmt::format("negative write of {} bytes to {}", n, path_));
    const auto* p = static_cast<const uint8_t*>(data);
    const size_t len = static_cast<size_t>(n);
    position_ += n;
    if (buffer_.size() + len <= kBufferSize) {
      buffer_.insert(buffer_.end(), p, p + len);
      return Status::OK();
    }
    DELTA_RETURN_NOT_OK(FlushBuffer());
    if (len >= kBufferSize) return WriteAllFd(fd_, tmp_, p, len);
    buffer_.insert(buffer_.end(), p, p + len);
    return Status::OK();
  }
  int64_t Tell() const override { return position_; }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    Status st = FlushBuffer();
    const bool fsync = FsyncEnabled();
    const bool log_file = InLogDir(path_);
    if (st.ok() && fsync) {
      if (log_file) {
        st = SyncFd(fd_, tmp_, false);  // the bytes are durable before the name appears
      } else {
        // Start write-back now so that the commit's fdatasync has little left to wait for.
        (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
      }
    }
    if (::close(fd_) != 0 && st.ok()) st = Status::IOError(fmt::format("cannot close {}: {}", tmp_, Errno(errno)));
    if (!st.ok()) {
      ::unlink(tmp_.c_str());
      return st;
    }
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp_.c_str());
      return Status::IOError(fmt::format("cannot rename {} to {}: {}", tmp_, path_, Errno(err)));
    }
    if (fsync) {
      if (!log_file) PendingSyncs::Get().Add(path_, false);
      PendingSyncs::Get().Add(ParentDir(path_), true);
    }
    return Status::OK();
  }

 private:
  Status FlushBuffer() {
    if (buffer_.empty()) return Status::OK();
    Status st = WriteAllFd(fd_, tmp_, buffer_.data(), buffer_.size());
    buffer_.clear();
    return st;
  }

  std::string path_;
  std::string tmp_;
  int fd_;
  std::vector<uint8_t> buffer_;
  int64_t position_ = 0;
  bool closed_ = false;
};

class LocalObjectStore final : public ObjectStore {
 public:
  Result<std::vector<ObjectMeta>> List(std::string_view prefix, std::string_view start_after) override {
    // Start at the longest directory part of the prefix; only its entries starting with the rest
    // of the prefix qualify, everything below those is included.
    size_t slash = prefix.rfind('/');
    std::string dir_key = slash == std::string_view::npos ? std::string() : std::string(prefix.substr(0, slash));
    std::string_view name_prefix = slash == std::string_view::npos ? prefix : prefix.substr(slash + 1);
    std::vector<ObjectMeta> out;
    DELTA_RETURN_NOT_OK(Walk(dir_key, name_prefix, start_after, /*top=*/true, &out));
    std::sort(out.begin(), out.end(), [](const ObjectMeta& a, const ObjectMeta& b) { return a.key < b.key; });
    return out;
  }

  Result<columnar::BufferPtr> Get(std::string_view key) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    DELTA_ASSIGN_OR_RAISE(auto file, io::OpenLocalFile(PathOf(key)));
    return file->ReadBufferAt(0, file->size());
  }

  Result<columnar::BufferPtr> GetRange(std::string_view key, int64_t offset, int64_t length) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    DELTA_ASSIGN_OR_RAISE(auto file, io::OpenLocalFile(PathOf(key)));
    if (offset < 0 || length < 0 || offset > file->size() || length > file->size() - offset) {
      return Status::InvalidArgument(fmt::format("range of {} bytes at offset {} is outside {} ({} bytes)", length,
                                                 offset, file->path(), file->size()));
    }
    return file->ReadBufferAt(offset, length);
  }

  Result<ObjectMeta> Head(std::string_view key) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    std::string path = PathOf(key);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      int err = errno;
      if (err == ENOENT || err == ENOTDIR) return Status::NotFound(fmt::format("file not found: {}", path));
      return Status::IOError(fmt::format("cannot stat {}: {}", path, Errno(err)));
    }
    if (S_ISDIR(st.st_mode)) return Status::NotFound(fmt::format("{} is a directory, not a file", path));
    return ObjectMeta{std::string(key), static_cast<int64_t>(st.st_size), MtimeMs(st)};
  }

  Status Put(std::string_view key, std::span<const uint8_t> data) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    std::string path = PathOf(key);
    DELTA_ASSIGN_OR_RAISE(std::string tmp, WriteTemp(path, data));
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return Status::IOError(fmt::format("cannot rename {} to {}: {}", tmp, path, Errno(err)));
    }
    return SyncLogDir(path);
  }

  Status PutIfAbsent(std::string_view key, std::span<const uint8_t> data) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    std::string path = PathOf(key);
    DELTA_ASSIGN_OR_RAISE(std::string tmp, WriteTemp(path, data));
    // link(2) fails with EEXIST instead of replacing: the complete file appears atomically and
    // exactly one of several racing writers wins (the Delta commit primitive).
    int rc = ::link(tmp.c_str(), path.c_str());
    int err = errno;
    ::unlink(tmp.c_str());
    if (rc == 0) return SyncLogDir(path);
    if (err == EEXIST) return Status::AlreadyExists(fmt::format("{} already exists", path));
    if (err == EPERM || err == ENOTSUP || err == ENOSYS || err == EXDEV) {
      // Filesystems without hard links: O_EXCL still guarantees a single winner, though a reader
      // may see the file before it is complete.
      return ExclusiveCreate(path, data);
    }
    return Status::IOError(fmt::format("cannot create {}: {}", path, Errno(err)));
  }

  Status Delete(std::string_view key) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    std::string path = PathOf(key);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
      return Status::IOError(fmt::format("cannot delete {}: {}", path, Errno(errno)));
    }
    if (FsyncEnabled()) PendingSyncs::Get().Remove(path);
    return Status::OK();
  }

  Result<std::shared_ptr<io::RandomAccessFile>> OpenRead(std::string_view key) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    return io::OpenLocalFile(PathOf(key));
  }

  Result<std::unique_ptr<io::OutputStream>> OpenWrite(std::string_view key) override {
    DELTA_RETURN_NOT_OK(ValidateKey(key));
    std::string path = PathOf(key);
    DELTA_RETURN_NOT_OK(CreateParentDirs(path));
    std::string tmp = TempPathFor(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IOError(fmt::format("cannot create {}: {}", tmp, Errno(errno)));
    return std::unique_ptr<io::OutputStream>(std::make_unique<LocalWriteStream>(std::move(path), std::move(tmp), fd));
  }

  std::string base_uri() const override { return "file:///"; }

 private:
  // fsync of the directory that received a new log-visible name (it is not pending any more).
  static Status SyncLogDir(const std::string& path) {
    if (!FsyncEnabled()) return Status::OK();
    const std::string dir = ParentDir(path);
    DELTA_RETURN_NOT_OK(SyncPath(dir, true));
    PendingSyncs::Get().Remove(dir);
    return Status::OK();
  }

  static Status ExclusiveCreate(const std::string& path, std::span<const uint8_t> data) {
    if (FsyncEnabled()) DELTA_RETURN_NOT_OK(PendingSyncs::Get().Flush(PublishRootOf(path), -1, std::string()));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) return Status::AlreadyExists(fmt::format("{} already exists", path));
      return Status::IOError(fmt::format("cannot create {}: {}", path, Errno(errno)));
    }
    Status st = WriteAllFd(fd, path, data.data(), data.size());
    if (st.ok() && FsyncEnabled()) st = SyncFd(fd, path, false);
    ::close(fd);
    if (st.ok()) st = SyncLogDir(path);
    return st;
  }

  // Appends the files below directory `dir_key`; at the top level only entries whose name starts
  // with `name_prefix` qualify. Subtrees entirely <= start_after are skipped.
  static Status Walk(const std::string& dir_key, std::string_view name_prefix, std::string_view start_after,
                     bool top, std::vector<ObjectMeta>* out) {
    std::string dir_path = PathOf(dir_key);
    DIR* dir = ::opendir(dir_path.c_str());
    if (dir == nullptr) {
      int err = errno;
      // A prefix whose directory does not exist matches nothing (object stores have no directories).
      if (top && (err == ENOENT || err == ENOTDIR)) return Status::OK();
      if (!top && err == ENOENT) return Status::OK();  // removed while listing
      return Status::IOError(fmt::format("cannot list directory {}: {}", dir_path, Errno(err)));
    }
    std::unique_ptr<DIR, int (*)(DIR*)> closer(dir, ::closedir);
    std::vector<std::string> subdirs;
    while (true) {
      errno = 0;
      struct dirent* ent = ::readdir(dir);
      if (ent == nullptr) {
        if (errno != 0) return Status::IOError(fmt::format("cannot list directory {}: {}", dir_path, Errno(errno)));
        break;
      }
      std::string_view name = ent->d_name;
      if (name == "." || name == "..") continue;
      if (top && !name.starts_with(name_prefix)) continue;
      std::string key = dir_key.empty() ? std::string(name) : dir_key + "/" + std::string(name);
      // Skip, without a stat, what the directory entry type already rules out: listing a log from
      // a start-after key must not cost one stat per file ever written.
      if (ent->d_type == DT_REG) {
        if (IsTempName(name)) continue;
        if (!start_after.empty() && std::string_view(key) <= start_after) continue;
      } else if (ent->d_type == DT_DIR && !start_after.empty()) {
        std::string with_slash = key + "/";
        if (std::string_view(with_slash) < start_after && !start_after.starts_with(with_slash)) continue;
      }
      struct stat st;
      if (::stat(PathOf(key).c_str(), &st) != 0) {
        if (errno == ENOENT) continue;  // removed while listing, or a dangling symlink
        return Status::IOError(fmt::format("cannot stat {}: {}", PathOf(key), Errno(errno)));
      }
      if (S_ISDIR(st.st_mode)) {
        std::string with_slash = key + "/";
        if (!start_after.empty() && std::string_view(with_slash) < start_after &&
            !start_after.starts_with(with_slash)) {
          continue;  // every key below sorts before start_after
        }
        subdirs.push_back(std::move(key));
        continue;
      }
      if (!S_ISREG(st.st_mode) || IsTempName(name)) continue;
      if (!start_after.empty() && std::string_view(key) <= start_after) continue;
      out->push_back(ObjectMeta{std::move(key), static_cast<int64_t>(st.st_size), MtimeMs(st)});
    }
    closer.reset();
    for (const auto& sub : subdirs) DELTA_RETURN_NOT_OK(Walk(sub, {}, start_after, false, out));
    return Status::OK();
  }
};

}  // namespace

std::shared_ptr<ObjectStore> LocalStore() {
  static std::shared_ptr<ObjectStore> store = std::make_shared<LocalObjectStore>();
  return store;
}

namespace {

Status RemoveStaleIn(const std::string& dir_path, int64_t older_than_ms, bool recursive, int64_t* removed) {
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
    return Status::IOError(fmt::format("cannot list {}: {}", dir_path, Errno(errno)));
  }
  std::vector<std::string> subdirs;
  Status st;
  while (struct dirent* e = ::readdir(dir)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    const bool temp = IsTempName(name);
    if (!temp && !(recursive && (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN))) continue;
    std::string path = dir_path + "/" + std::string(name);
    struct stat sb;
    if (::lstat(path.c_str(), &sb) != 0) continue;  // removed meanwhile
    if (S_ISDIR(sb.st_mode)) {
      if (recursive) subdirs.push_back(std::move(path));
      continue;
    }
    if (!temp || !S_ISREG(sb.st_mode) || MtimeMs(sb) >= older_than_ms) continue;
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) continue;
      st = Status::IOError(fmt::format("cannot delete {}: {}", path, Errno(errno)));
      break;
    }
    ++*removed;
  }
  ::closedir(dir);
  DELTA_RETURN_NOT_OK(st);
  for (const auto& d : subdirs) DELTA_RETURN_NOT_OK(RemoveStaleIn(d, older_than_ms, recursive, removed));
  return Status::OK();
}

}  // namespace

Status SyncLocalWrites(std::string_view key_prefix) {
  if (!FsyncEnabled()) return Status::OK();
  std::string root = PathOf(key_prefix);
  if (root.back() != '/') root.push_back('/');
  return PendingSyncs::Get().Flush(root, -1, std::string());
}

Result<int64_t> RemoveStaleTempFiles(std::string_view dir_key, int64_t older_than_ms, bool recursive) {
  std::string path = PathOf(dir_key);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  int64_t removed = 0;
  DELTA_RETURN_NOT_OK(RemoveStaleIn(path, older_than_ms, recursive, &removed));
  return removed;
}

}  // namespace delta::storage
