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
# The package defines SIMDJSON_THREADS_ENABLED for its users, and the define changes the layout of
# simdjson's inline classes: every translation unit that includes <simdjson.h> (tests and tools
# too, not only the modules linking simdjson) must agree, or the binary holds two layouts.
add_compile_definitions(SIMDJSON_THREADS_ENABLED=1)

# snappy ships a CMake package on Debian 12.
find_package(Snappy CONFIG REQUIRED)

if(DELTA_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(DELTA_BUILD_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)

# Object storage (S3 over HTTP): libcurl and OpenSSL (SigV4 signing, hashing).
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
# Kafka client for the ingest daemon (and its mock cluster for tests).
delta_resolve_pkg(RDKAFKA rdkafka)
# The Python extension is built with Debian's pybind11 against Debian's python3.
if(DELTA_BUILD_PYTHON)
  # Debian's interpreter sees Debian's numpy/pandas/pybind11; the module it builds loads in any
  # CPython of the same minor version.
  if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 COMPONENTS Interpreter Development.Module REQUIRED)
  find_package(pybind11 CONFIG REQUIRED)
endif()
