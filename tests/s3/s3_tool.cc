// s3_tool: a small command-line helper for the S3 test scripts and benchmark, on our own store
// (credentials and endpoint from the environment, like the CLI).
//   s3_tool mb s3://bucket                      create the bucket
//   s3_tool upload LOCAL_DIR s3://bucket/prefix  upload every file below LOCAL_DIR (8 threads)
//   s3_tool ls s3://bucket/prefix                list keys and sizes
//   s3_tool get s3://bucket/key                  print the object
// Exit status 0 on success; the error on stderr otherwise.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "delta/io/file.h"
#include "delta/s3/s3_store.h"
#include "delta/util/macros.h"

namespace {

using namespace delta;  // NOLINT

Result<std::shared_ptr<s3::S3Store>> StoreOf(const storage::Location& loc) {
  auto s = std::dynamic_pointer_cast<s3::S3Store>(loc.store);
  if (!s) return Status::InvalidArgument("not an s3:// location");
  return s;
}

Status Upload(const std::string& dir, const std::string& uri) {
  DELTA_ASSIGN_OR_RAISE(auto root, s3::ResolveS3Uri(uri, {}));
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::atomic<size_t> next{0};
  std::mutex mu;
  Status first_error;
  auto worker = [&] {
    while (true) {
      size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      std::string rel = std::filesystem::relative(files[i], dir).generic_string();
      Status st = [&]() -> Status {
        DELTA_ASSIGN_OR_RAISE(auto buf, io::ReadWholeFile(files[i].string()));
        return root.store->Put(root.Child(rel).key, std::span<const uint8_t>(buf->data(), static_cast<size_t>(buf->size())));
      }();
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first_error.ok()) first_error = st;
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  DELTA_RETURN_NOT_OK(first_error);
  std::fprintf(stderr, "uploaded %zu files to %s\n", files.size(), uri.c_str());
  return Status::OK();
}

Status Run(int argc, char** argv) {
  if (argc < 3) return Status::InvalidArgument("usage: s3_tool mb|upload|ls|get ...");
  std::string cmd = argv[1];
  if (cmd == "mb") {
    DELTA_ASSIGN_OR_RAISE(auto loc, s3::ResolveS3Uri(argv[2], {}));
    DELTA_ASSIGN_OR_RAISE(auto store, StoreOf(loc));
    return store->CreateBucket();
  }
  if (cmd == "upload" && argc == 4) return Upload(argv[2], argv[3]);
  if (cmd == "ls") {
    DELTA_ASSIGN_OR_RAISE(auto loc, s3::ResolveS3Uri(argv[2], {}));
    DELTA_ASSIGN_OR_RAISE(auto list, loc.store->List(loc.key));
    for (const auto& m : list) std::printf("%lld %s\n", static_cast<long long>(m.size), m.key.c_str());
    return Status::OK();
  }
  if (cmd == "get") {
    DELTA_ASSIGN_OR_RAISE(auto loc, s3::ResolveS3Uri(argv[2], {}));
    DELTA_ASSIGN_OR_RAISE(auto buf, loc.store->Get(loc.key));
    std::fwrite(buf->data(), 1, static_cast<size_t>(buf->size()), stdout);
    return Status::OK();
  }
  return Status::InvalidArgument(fmt::format("unknown command '{}'", cmd));
}

}  // namespace

int main(int argc, char** argv) {
  Status st = Run(argc, argv);
  if (!st.ok()) {
    std::fprintf(stderr, "s3_tool: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
