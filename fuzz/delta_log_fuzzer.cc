// libFuzzer target for the Delta log read path.
//   1. The whole input is one commit file for protocol::ParseJsonActions.
//   2. The input split on 0x1E (ASCII record separator) is a `_delta_log/` in an in-memory
//      store: part i becomes commit i, except parts starting with a two-byte marker:
//        "C:" the rest is a v2 JSON checkpoint at version i (no commit i),
//        "L:" the rest is `_last_checkpoint` (no version i),
//        "G:" no file at version i (a gap).
//      Then BuildLogSegment + ReplayLog + Snapshot::Make for the latest version and for
//      version 0, and Snapshot::Refresh.
// Checks memory safety and that every failure is a Status, never a crash. Seeds:
// fuzz/corpus/delta_log/ (small hand-written logs).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "delta/log/log_replay.h"
#include "delta/log/log_segment.h"
#include "delta/protocol/actions.h"
#include "delta/storage/memory_store.h"
#include "delta/table/table.h"

namespace {

using delta::storage::Location;

void Put(const delta::storage::ObjectStorePtr& store, const std::string& key, std::string_view content) {
  (void)store->Put(key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(content.data()), content.size()));
}

void LoadAndUse(const Location& root, std::optional<int64_t> version) {
  auto segment = delta::log::BuildLogSegment(root, version);
  if (!segment.ok()) return;
  delta::log::ReplayOptions ro;
  ro.num_threads = 1;
  auto state = delta::log::ReplayLog(root, *segment, ro);
  if (!state.ok()) return;
  delta::table::SnapshotOptions so;
  so.num_threads = 1;
  auto snap = delta::table::Snapshot::Make(root, *segment, *state, so);
  if (!snap.ok()) return;
  const auto& s = **snap;
  (void)s.NumRows();
  (void)s.CheckReadSupported();
  (void)s.TransactionVersion("app");
  for (const auto& f : s.files()) {
    (void)s.PartitionValues(f);
    (void)f.NumLiveRecords();
  }
  (void)s.Refresh();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  {
    auto actions = delta::protocol::ParseJsonActions(input, "fuzz.json");
    if (actions.ok()) {
      for (const auto& a : *actions) (void)delta::protocol::ActionName(a);
    }
  }

  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == '\x1e') {
      parts.push_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() > 64) return 0;  // keep one run cheap

  auto store = delta::storage::MakeMemoryStore();
  Location root{store, "t"};
  for (size_t v = 0; v < parts.size(); ++v) {
    std::string_view p = parts[v];
    std::string_view marker = p.substr(0, 2);
    if (marker == "C:") {
      // Sidecars may name absolute URIs, which would leave the in-memory store: not fuzzed here.
      if (p.find("sidecar") != std::string_view::npos) continue;
      Put(store, fmt::format("t/_delta_log/{:020d}.checkpoint.0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.json", v), p.substr(2));
    } else if (marker == "L:") {
      Put(store, "t/_delta_log/_last_checkpoint", p.substr(2));
    } else if (marker == "G:") {
      continue;
    } else {
      Put(store, fmt::format("t/_delta_log/{:020d}.json", v), p);
    }
  }
  LoadAndUse(root, std::nullopt);
  LoadAndUse(root, 0);
  return 0;
}
