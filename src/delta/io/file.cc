#include "delta/io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::io {

namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

class LocalFile final : public RandomAccessFile {
 public:
  LocalFile(std::string path, int fd, int64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalFile() override { ::close(fd_); }
  const std::string& path() const override { return path_; }
  int64_t size() const override { return size_; }
  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) const override {
    if (offset < 0 || n < 0 || offset > size_ || n > size_ - offset) {
      return Status::IOError(fmt::format("read of {} bytes at offset {} is beyond the end of {} ({} bytes)", n,
                                         offset, path_, size_));
    }
    int64_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out + done, static_cast<size_t>(n - done), static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(fmt::format("cannot read {}: {}", path_, ErrnoText(errno)));
      }
      if (r == 0) return Status::IOError(fmt::format("unexpected end of file in {} at offset {}", path_, offset + done));
      done += r;
    }
    return Status::OK();
  }

 private:
  std::string path_;
  int fd_;
  int64_t size_;
};

class BufferFile final : public RandomAccessFile {
 public:
  BufferFile(BufferPtr data, std::string name) : data_(std::move(data)), name_(std::move(name)) {}
  const std::string& path() const override { return name_; }
  int64_t size() const override { return data_->size(); }
  Status ReadAt(int64_t offset, int64_t n, uint8_t* out) const override {
    DELTA_RETURN_NOT_OK(Check(offset, n));
    std::memcpy(out, data_->data() + offset, static_cast<size_t>(n));
    return Status::OK();
  }
  Result<BufferPtr> ReadBufferAt(int64_t offset, int64_t n) const override {
    DELTA_RETURN_NOT_OK(Check(offset, n));
    return columnar::Buffer::Slice(data_, offset, n);
  }
  bool zero_copy_reads() const override { return true; }

 private:
  Status Check(int64_t offset, int64_t n) const {
    if (offset < 0 || n < 0 || offset > data_->size() || n > data_->size() - offset) {
      return Status::IOError(fmt::format("read of {} bytes at offset {} is beyond the end of {} ({} bytes)", n,
                                         offset, name_, data_->size()));
    }
    return Status::OK();
  }
  BufferPtr data_;
  std::string name_;
};

class LocalOutput final : public OutputStream {
 public:
  LocalOutput(std::string path, int fd) : path_(std::move(path)), fd_(fd) { buf_.reserve(kBufSize); }
  ~LocalOutput() override { (void)Close(); }
  const std::string& path() const override { return path_; }
  int64_t Tell() const override { return pos_; }
  Status Write(const void* data, int64_t n) override {
    if (fd_ < 0) return Status::IOError(fmt::format("write to closed file {}", path_));
    const auto* p = static_cast<const uint8_t*>(data);
    pos_ += n;
    if (buf_.size() + static_cast<size_t>(n) <= kBufSize) {
      buf_.insert(buf_.end(), p, p + n);
      return Status::OK();
    }
    DELTA_RETURN_NOT_OK(Flush());
    if (static_cast<size_t>(n) >= kBufSize) return WriteAll(p, n);
    buf_.insert(buf_.end(), p, p + n);
    return Status::OK();
  }
  Status Close() override {
    if (fd_ < 0) return Status::OK();
    Status st = Flush();
    if (::close(fd_) != 0 && st.ok()) st = Status::IOError(fmt::format("cannot close {}: {}", path_, ErrnoText(errno)));
    fd_ = -1;
    return st;
  }

 private:
  static constexpr size_t kBufSize = 1 << 20;
  Status Flush() {
    if (buf_.empty()) return Status::OK();
    Status st = WriteAll(buf_.data(), static_cast<int64_t>(buf_.size()));
    buf_.clear();
    return st;
  }
  Status WriteAll(const uint8_t* p, int64_t n) {
    while (n > 0) {
      ssize_t w = ::write(fd_, p, static_cast<size_t>(n));
      if (w < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(fmt::format("cannot write {}: {}", path_, ErrnoText(errno)));
      }
      p += w;
      n -= w;
    }
    return Status::OK();
  }
  std::string path_;
  int fd_;
  int64_t pos_ = 0;
  std::vector<uint8_t> buf_;
};

}  // namespace

Result<BufferPtr> RandomAccessFile::ReadBufferAt(int64_t offset, int64_t n) const {
  if (n < 0 || n > size()) {
    return Status::IOError(fmt::format("read of {} bytes at offset {} is beyond the end of {} ({} bytes)", n, offset,
                                       path(), size()));
  }
  DELTA_ASSIGN_OR_RAISE(auto buf, columnar::Buffer::Allocate(n));
  DELTA_RETURN_NOT_OK(ReadAt(offset, n, buf->mutable_data()));
  return buf;
}

Result<RandomAccessFilePtr> OpenLocalFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound(fmt::format("file not found: {}", path));
    return Status::IOError(fmt::format("cannot open {}: {}", path, ErrnoText(err)));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return Status::IOError(fmt::format("cannot stat {}: {}", path, ErrnoText(err)));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(fmt::format("{} is a directory, not a file", path));
  }
  return RandomAccessFilePtr(std::make_shared<LocalFile>(path, fd, static_cast<int64_t>(st.st_size)));
}

RandomAccessFilePtr MakeBufferFile(BufferPtr data, std::string name) {
  return std::make_shared<BufferFile>(std::move(data), std::move(name));
}

Result<OutputStreamPtr> OpenLocalOutput(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("cannot create {}: {}", path, ErrnoText(errno)));
  return OutputStreamPtr(std::make_shared<LocalOutput>(path, fd));
}

Status BufferOutputStream::Write(const void* data, int64_t n) { return builder_.Append(data, n); }

Result<BufferPtr> ReadWholeFile(const std::string& path) {
  DELTA_ASSIGN_OR_RAISE(auto f, OpenLocalFile(path));
  return f->ReadBufferAt(0, f->size());
}

}  // namespace delta::io
