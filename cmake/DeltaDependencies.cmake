# One small resolve function per dependency; every one comes from a Debian package.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)

function(delta_resolve_pkg target pkg)
  pkg_check_modules(${target} REQUIRED IMPORTED_TARGET ${pkg})
endfunction()

delta_resolve_pkg(ZSTD libzstd)
delta_resolve_pkg(LZ4 liblz4)
delta_resolve_pkg(ZLIB zlib)
delta_resolve_pkg(BROTLIDEC libbrotlidec)
delta_resolve_pkg(BROTLIENC libbrotlienc)

# simdjson ships a CMake package on Debian 12 (libsimdjson-dev).
find_package(simdjson CONFIG REQUIRED)

# snappy ships a CMake package on Debian 12.
find_package(Snappy CONFIG REQUIRED)

if(DELTA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(DELTA_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
