#include "huge_arenas.h"

#include <Python.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>

namespace delta::python {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kRegionSize = size_t{16} << 20;
// Freed arenas inside live regions kept backed by memory, at most.
constexpr size_t kKeptLimit = size_t{256} << 20;

struct Region {
  char* base = nullptr;
  uint64_t used = 0;  // bit k: slot k holds an arena
  uint64_t kept = 0;  // bit k: slot k is free but still backed by memory (counted in State::kept_bytes)
  int live() const { return __builtin_popcountll(used); }
};

struct State {
  PyObjectArenaAllocator previous{};
  size_t arena_size = 0;  // the size of the first request; others go to `previous`
  int slots = 0;          // arenas per region
  std::map<uintptr_t, Region> regions;  // by base address
  size_t kept_bytes = 0;  // freed arenas still backed by memory, for a quick reuse
  // pymalloc calls us under the GIL, but interpreters with their own GIL (3.12+) share the
  // allocator: a lock costs nothing at one call per arena.
  std::mutex mu;
};

State* g_state = nullptr;

char* MapRegion() {
  // Over-allocate by a huge page and trim, so that the region starts on a 2 MiB boundary.
  size_t len = kRegionSize + kHugePage;
  void* p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  uintptr_t start = reinterpret_cast<uintptr_t>(p);
  uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) munmap(p, aligned - start);
  uintptr_t end = start + len;
  if (end > aligned + kRegionSize) munmap(reinterpret_cast<void*>(aligned + kRegionSize), end - aligned - kRegionSize);
  madvise(reinterpret_cast<void*>(aligned), kRegionSize, MADV_HUGEPAGE);
  return reinterpret_cast<char*>(aligned);
}

void* Alloc(void* ctx, size_t size) {
  auto* st = static_cast<State*>(ctx);
  std::unique_lock<std::mutex> lock(st->mu);
  if (st->arena_size == 0 && size > 0 && size <= kRegionSize / 4 && kRegionSize % size == 0) {
    st->arena_size = size;
    st->slots = static_cast<int>(kRegionSize / size);
  }
  if (size != st->arena_size || st->slots > 64) {
    lock.unlock();
    return st->previous.alloc(st->previous.ctx, size);
  }
  // The fullest region with room: arenas packed together let regions empty and be unmapped.
  Region* best = nullptr;
  for (auto& [base, r] : st->regions) {
    if (r.live() < st->slots && (best == nullptr || r.live() > best->live())) best = &r;
  }
  if (best == nullptr) {
    char* base = MapRegion();
    if (base == nullptr) {
      lock.unlock();
      return st->previous.alloc(st->previous.ctx, size);
    }
    best = &st->regions[reinterpret_cast<uintptr_t>(base)];
    best->base = base;
  }
  // A kept slot first: its memory is already there.
  const uint64_t free_slots = ~best->used & (st->slots == 64 ? ~uint64_t{0} : (uint64_t{1} << st->slots) - 1);
  int slot = __builtin_ctzll((best->kept & free_slots) != 0 ? (best->kept & free_slots) : free_slots);
  if (best->kept & (uint64_t{1} << slot)) {
    best->kept &= ~(uint64_t{1} << slot);
    st->kept_bytes -= st->arena_size;
  }
  best->used |= uint64_t{1} << slot;
  return best->base + static_cast<size_t>(slot) * st->arena_size;
}

void Free(void* ctx, void* ptr, size_t size) {
  auto* st = static_cast<State*>(ctx);
  std::unique_lock<std::mutex> lock(st->mu);
  uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  auto it = st->regions.upper_bound(p);
  if (it != st->regions.begin()) {
    --it;
    Region& r = it->second;
    if (p < it->first + kRegionSize) {
      int slot = static_cast<int>((p - it->first) / st->arena_size);
      r.used &= ~(uint64_t{1} << slot);
      if (r.used == 0) {
        st->kept_bytes -= static_cast<size_t>(__builtin_popcountll(r.kept)) * st->arena_size;
        munmap(r.base, kRegionSize);
        st->regions.erase(it);
      } else if (st->kept_bytes + st->arena_size <= kKeptLimit) {
        // Kept for the next arena: giving it back would split the huge page, and refaulting it
        // in 4 KiB pages cost a quarter of a large to_pandas() that followed a dropped frame.
        r.kept |= uint64_t{1} << slot;
        st->kept_bytes += st->arena_size;
      } else {
        // Beyond the bound, given back now as pymalloc's own munmap would: a region pinned by
        // one long-lived arena must not hold the memory of fifteen freed ones.
        madvise(ptr, st->arena_size, MADV_DONTNEED);
      }
      return;
    }
  }
  lock.unlock();
  st->previous.free(st->previous.ctx, ptr, size);
}

bool HugePagesAvailable() {
  std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return s.find("[always]") != std::string::npos || s.find("[madvise]") != std::string::npos;
}

}  // namespace

bool InstallHugePageArenas() {
  if (g_state != nullptr) return true;
  static bool refused = false;
  if (refused) return false;
  const char* env = std::getenv("DELTACPP_HUGE_ARENAS");
  if ((env != nullptr && std::strcmp(env, "0") == 0) || !HugePagesAvailable()) {
    refused = true;
    return false;
  }
  auto* st = new State();  // lives as long as the process: arenas may be freed at exit
  PyObject_GetArenaAllocator(&st->previous);
  if (st->previous.alloc == nullptr || st->previous.free == nullptr) {
    delete st;
    refused = true;
    return false;
  }
  PyObjectArenaAllocator mine{st, Alloc, Free};
  PyObject_SetArenaAllocator(&mine);
  g_state = st;
  return true;
}

}  // namespace delta::python
