// libFuzzer target for the Thrift metadata decoders: feeds the input to DeserializeFileMetaData
// and DeserializePageHeader. Besides memory safety (ASan/UBSan) it checks one property: whatever
// decodes, re-encodes to bytes that decode to the same value.
#include <cstddef>
#include <cstdint>
#include <string>

#include "delta/parquet/thrift/parquet_serde.h"

namespace {

void CheckFileMetaData(const uint8_t* data, size_t size) {
  auto md = delta::parquet::DeserializeFileMetaData(data, static_cast<int64_t>(size));
  if (!md.ok()) return;
  std::string again;
  delta::parquet::SerializeFileMetaData(*md, &again);
  auto back = delta::parquet::DeserializeFileMetaData(reinterpret_cast<const uint8_t*>(again.data()),
                                                      static_cast<int64_t>(again.size()));
  if (!back.ok() || !(*back == *md)) __builtin_trap();
}

void CheckPageHeader(const uint8_t* data, size_t size) {
  int64_t consumed = 0;
  auto header = delta::parquet::DeserializePageHeader(data, static_cast<int64_t>(size), &consumed);
  if (!header.ok()) return;
  if (consumed <= 0 || consumed > static_cast<int64_t>(size)) __builtin_trap();
  std::string again;
  delta::parquet::SerializePageHeader(*header, &again);
  int64_t consumed2 = 0;
  delta::parquet::PageHeader reused;
  delta::Status st = delta::parquet::DeserializePageHeader(reinterpret_cast<const uint8_t*>(again.data()),
                                                           static_cast<int64_t>(again.size()), &consumed2, &reused);
  if (!st.ok() || !(reused == *header) || consumed2 != static_cast<int64_t>(again.size())) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckFileMetaData(data, size);
  CheckPageHeader(data, size);
  return 0;
}
