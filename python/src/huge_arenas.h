// Python's small-object allocator (pymalloc) takes memory from the system in arenas (1 MiB in
// CPython 3.10+), one mmap each. Those mappings are too small and unaligned for transparent huge
// pages, so a DataFrame of tens of millions of str objects is faulted in 4 KiB pages; on virtual
// machines a fault of fresh memory costs microseconds, and faulting dominates to_pandas (50
// million strings: 17 s of 23 s were page faults on our development VM).
//
// InstallHugePageArenas() replaces pymalloc's arena allocator (the public
// PyObject_SetArenaAllocator hook) with one that cuts arenas out of 2 MiB-aligned regions of
// 16 MiB marked MADV_HUGEPAGE. A region is unmapped with its last arena. A freed arena in a
// region that still has live ones is kept backed for the next arena, up to 256 MiB in all
// (giving it back splits the huge page, and a following large conversion was 25% slower); beyond
// that it goes back to the system at once (MADV_DONTNEED), as with pymalloc's own munmap.
// Arenas made before the switch, and requests of another size, are passed to the allocator that
// was installed before.
//
// Installed at most once per process, on the first to_pandas(), and never removed (arenas
// handed out must be freed by us). Not installed when transparent huge pages are off
// (/sys/kernel/mm/transparent_hugepage/enabled is [never]) or when the environment variable
// DELTACPP_HUGE_ARENAS is 0.
// Thread-safety: InstallHugePageArenas needs the GIL; the allocator locks its own state.
#pragma once

namespace delta::python {

/// Installs the allocator if it is not yet and may be. Returns whether it is installed.
bool InstallHugePageArenas();

}  // namespace delta::python
