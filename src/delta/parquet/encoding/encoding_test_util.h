// Helpers shared by the encoding module's tests.
#pragma once

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "delta/parquet/encoding/encoding.h"

namespace delta::parquet::testing {

inline const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

/// The values held by a sink, as strings.
inline std::vector<std::string> SinkValues(ByteArraySink& sink) {
  std::vector<std::string> out;
  const uint8_t* data = sink.data().data();
  for (int64_t i = 0; i < sink.length(); ++i) {
    int64_t b, e;
    if (sink.large_offsets()) {
      const int64_t* o = reinterpret_cast<const int64_t*>(sink.offsets().data());
      b = o[i];
      e = o[i + 1];
    } else {
      const int32_t* o = reinterpret_cast<const int32_t*>(sink.offsets().data());
      b = o[i];
      e = o[i + 1];
    }
    out.emplace_back(reinterpret_cast<const char*>(data) + b, static_cast<size_t>(e - b));
  }
  return out;
}

/// Arrow-layout int32 offsets + data for a list of strings.
struct ByteArrays {
  std::vector<int32_t> offsets{0};
  std::string data;
  explicit ByteArrays(const std::vector<std::string>& values) {
    for (const auto& v : values) {
      data += v;
      offsets.push_back(static_cast<int32_t>(data.size()));
    }
  }
  const uint8_t* bytes() const { return reinterpret_cast<const uint8_t*>(data.data()); }
};

/// Raw little-endian bytes of a vector of fixed-width values.
template <typename T>
std::string RawBytes(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

}  // namespace delta::parquet::testing
