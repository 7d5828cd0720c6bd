#include "delta/dv/deletion_vector.h"

#include <dirent.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <zlib.h>

#include "support/matchers.h"

namespace delta::dv {
namespace {

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// --- A small writer of the portable format, for building test inputs. ---
enum class Enc { kArray, kBitmap, kRun };

void PutLE(std::string* out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutBE32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Serialises `rows` (sorted, unique), choosing the container encoding with `choose(high48)`.
std::string Serialize(const std::vector<uint64_t>& rows, const std::function<Enc(uint64_t)>& choose) {
  std::map<uint32_t, std::map<uint16_t, std::vector<uint16_t>>> buckets;
  for (uint64_t r : rows) buckets[static_cast<uint32_t>(r >> 32)][static_cast<uint16_t>(r >> 16)].push_back(
      static_cast<uint16_t>(r));
  std::string out;
  PutLE(&out, 1681511377, 4);
  PutLE(&out, buckets.size(), 8);
  for (auto& [high, conts] : buckets) {
    PutLE(&out, high, 4);
    std::vector<Enc> encs;
    bool any_run = false;
    for (auto& [key, vals] : conts) {
      Enc e = choose((static_cast<uint64_t>(high) << 16) | key);
      if (e == Enc::kArray && vals.size() > 4096) e = Enc::kBitmap;
      if (e == Enc::kBitmap && vals.size() <= 4096) e = Enc::kArray;
      encs.push_back(e);
      any_run |= e == Enc::kRun;
    }
    uint32_t n = static_cast<uint32_t>(conts.size());
    if (any_run) {
      PutLE(&out, 12347 | ((n - 1) << 16), 4);
      std::string flags((n + 7) / 8, '\0');
      for (uint32_t i = 0; i < n; ++i)
        if (encs[i] == Enc::kRun) flags[i / 8] = static_cast<char>(flags[i / 8] | (1 << (i % 8)));
      out += flags;
    } else {
      PutLE(&out, 12346, 4);
      PutLE(&out, n, 4);
    }
    for (auto& [key, vals] : conts) {
      PutLE(&out, key, 2);
      PutLE(&out, vals.size() - 1, 2);
    }
    if (!any_run || n >= 4) {
      for (uint32_t i = 0; i < n; ++i) PutLE(&out, 0, 4);  // offsets: not used by the reader
    }
    uint32_t i = 0;
    for (auto& [key, vals] : conts) {
      switch (encs[i++]) {
        case Enc::kArray:
          for (uint16_t v : vals) PutLE(&out, v, 2);
          break;
        case Enc::kBitmap: {
          std::vector<uint64_t> words(1024, 0);
          for (uint16_t v : vals) words[v >> 6] |= 1ull << (v & 63);
          for (uint64_t w : words) PutLE(&out, w, 8);
          break;
        }
        case Enc::kRun: {
          std::vector<std::pair<uint16_t, uint16_t>> runs;
          for (uint16_t v : vals) {
            if (!runs.empty() && runs.back().first + runs.back().second + 1 == v) ++runs.back().second;
            else runs.push_back({v, 0});
          }
          PutLE(&out, runs.size(), 2);
          for (auto [s, l] : runs) {
            PutLE(&out, s, 2);
            PutLE(&out, l, 2);
          }
          break;
        }
      }
    }
  }
  return out;
}

std::string Frame(const std::string& bitmap) {
  std::string out;
  PutBE32(&out, static_cast<uint32_t>(bitmap.size()));
  out += bitmap;
  PutBE32(&out, static_cast<uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(bitmap.data()),
                                              static_cast<uInt>(bitmap.size()))));
  return out;
}

TEST(Z85, RfcVectorAndRoundTrip) {
  const std::string hello("\x86\x4F\xD2\x6F\xB5\x59\xF7\x5B", 8);
  ASSERT_OK_AND_ASSIGN(auto enc, Z85Encode(hello));
  EXPECT_EQ(enc, "HelloWorld");
  ASSERT_OK_AND_ASSIGN(auto dec, Z85Decode("HelloWorld"));
  EXPECT_EQ(dec, hello);
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  ASSERT_OK_AND_ASSIGN(enc, Z85Encode(all));
  ASSERT_OK_AND_ASSIGN(dec, Z85Decode(enc));
  EXPECT_EQ(dec, all);
  ASSERT_RAISES(CorruptData, Z85Decode("Hello"  "Worl"));
  ASSERT_RAISES(CorruptData, Z85Decode("Hell\"World"));
  ASSERT_RAISES(CorruptData, Z85Decode("#####"));  // 84*(85^4+...+1) > 2^32 - 1
  ASSERT_RAISES(InvalidArgument, Z85Encode("abc"));
}

TEST(Descriptor, UniqueIdAndPaths) {
  DeletionVectorDescriptor d{"u", "ab^-aqEH.-t@S}K{vb[*k^", 4, 40, 6};
  EXPECT_EQ(d.UniqueId(), "uab^-aqEH.-t@S}K{vb[*k^@4");
  // PROTOCOL.md "JSON Example 1".
  ASSERT_OK_AND_ASSIGN(auto path, DeletionVectorRelativePath(d));
  EXPECT_EQ(path, "ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
  d.path_or_inline_dv = "%?^-aqEH.-t@S}K{vb[*k^";  // a prefix that needs escaping
  ASSERT_OK_AND_ASSIGN(path, DeletionVectorRelativePath(d));
  EXPECT_EQ(path, "%25%3F/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
  d.path_or_inline_dv = "^-aqEH.-t@S}K{vb[*k^";
  ASSERT_OK_AND_ASSIGN(path, DeletionVectorRelativePath(d));
  EXPECT_EQ(path, "deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin");
  d.path_or_inline_dv = "short";
  ASSERT_RAISES(CorruptData, DeletionVectorRelativePath(d));

  DeletionVectorDescriptor p{"p", "s3://mytable/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", 4, 40, 6};
  ASSERT_OK_AND_ASSIGN(path, DeletionVectorRelativePath(p));
  EXPECT_EQ(path, p.path_or_inline_dv);
  DeletionVectorDescriptor i{"i", "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", std::nullopt, 40, 6};
  EXPECT_EQ(i.UniqueId(), "iwi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L");
  ASSERT_RAISES(InvalidArgument, DeletionVectorRelativePath(i));
  ASSERT_RAISES(CorruptData, DeletionVectorRelativePath(DeletionVectorDescriptor{"x", "", 0, 0, 0}));
}

TEST(Inline, DecodesPortableInlineVector) {
  // An inline DV as Delta Spark writes it (portable format, 38 bytes padded to 40): rows 1, 3, 5.
  DeletionVectorDescriptor d{"i", "^Bg9^0rr910000000000iXQKl0rr91000625c8Xg0rri41POJ5", std::nullopt, 38, 3};
  ASSERT_OK_AND_ASSIGN(auto rows, DecodeInlineDeletionVector(d));
  EXPECT_EQ(rows.cardinality(), 3);
  EXPECT_EQ(rows.ToVector(), (std::vector<uint64_t>{1, 3, 5}));
  EXPECT_TRUE(rows.Contains(3));
  EXPECT_FALSE(rows.Contains(4));
  d.cardinality = 4;
  ASSERT_RAISES(CorruptData, DecodeInlineDeletionVector(d));
  d.cardinality = 3;
  d.size_in_bytes = 30;
  ASSERT_RAISES(CorruptData, DecodeInlineDeletionVector(d));
  d.size_in_bytes = 41;
  ASSERT_RAISES(CorruptData, DecodeInlineDeletionVector(d));
  d.storage_type = "u";
  ASSERT_RAISES(InvalidArgument, DecodeInlineDeletionVector(d));
}

TEST(Inline, ProtocolExampleIsNativeLayoutAndRefused) {
  // PROTOCOL.md "JSON Example 3" holds the Java "native" layout written big-endian (magic
  // 1681511376), not the portable format the appendix specifies; Delta Spark refuses it too.
  DeletionVectorDescriptor d{"i", "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L", std::nullopt, 40, 6};
  auto r = DecodeInlineDeletionVector(d);
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("magic"), std::string::npos) << r.status().ToString();
}

// A mix of all container kinds across several buckets, checked against a std::set.
std::vector<uint64_t> MixedRows() {
  std::set<uint64_t> s;
  std::mt19937_64 rng(42);
  for (int i = 0; i < 300; ++i) s.insert(rng() % 200000);                      // sparse arrays
  for (uint64_t r = 70000; r < 75000; ++r) s.insert(r);                        // a long run
  for (uint64_t r = 131072; r < 131072 + 65536; r += 3) s.insert(r);          // a dense bitmap
  for (uint64_t r = (5ull << 32) + 10; r < (5ull << 32) + 20; ++r) s.insert(r);  // another bucket
  s.insert((5ull << 32) + 65535);
  s.insert((0x7FFFFFFFull << 32) | 0xFFFFFFFFull);                            // largest legal row
  return {s.begin(), s.end()};
}

Enc Choose(uint64_t high48) {
  switch (high48 % 3) {
    case 0: return Enc::kArray;
    case 1: return Enc::kRun;
    default: return Enc::kBitmap;
  }
}

TEST(DeletedRows, AllContainerKinds) {
  auto rows = MixedRows();
  for (int variant = 0; variant < 3; ++variant) {
    auto bytes = Serialize(rows, [&](uint64_t h) { return variant == 2 ? Choose(h) : (variant ? Enc::kRun : Enc::kArray); });
    ASSERT_OK_AND_ASSIGN(auto dv, DeletedRows::Deserialize(Span(bytes)));
    EXPECT_EQ(dv.cardinality(), static_cast<int64_t>(rows.size()));
    EXPECT_EQ(dv.ToVector(), rows);
    std::set<uint64_t> set(rows.begin(), rows.end());
    for (uint64_t r : {0ull, 3ull, 69999ull, 70000ull, 74999ull, 75000ull, 131072ull, 131073ull, 131075ull,
                       (5ull << 32) + 10, (5ull << 32) + 20, (5ull << 32) + 65535, ~0ull >> 1, ~0ull}) {
      EXPECT_EQ(dv.Contains(r), set.count(r) == 1) << "row " << r << " variant " << variant;
    }
    for (uint64_t r : rows) ASSERT_TRUE(dv.Contains(r));

    // ClearDeleted over unaligned windows, compared with a per-row reference.
    for (auto [first, n] : std::vector<std::pair<uint64_t, int64_t>>{
             {0, 200000}, {69997, 13}, {70001, 4998}, {131071, 70000}, {131075, 1}, {7, 9},
             {(5ull << 32) + 3, 70000}, {(0x7FFFFFFFull << 32) | 0xFFFFFF00ull, 256}, {300000, 1000}}) {
      std::vector<uint8_t> keep(static_cast<size_t>((n + 7) / 8), 0xFF);
      dv.ClearDeleted(first, n, keep.data());
      for (int64_t i = 0; i < n; ++i) {
        bool kept = (keep[i >> 3] >> (i & 7)) & 1;
        ASSERT_EQ(kept, set.count(first + static_cast<uint64_t>(i)) == 0)
            << "row " << first + i << " window " << first << "+" << n << " variant " << variant;
      }
      // Bits past n in the last byte are untouched.
      if (n % 8) {
        EXPECT_EQ(keep.back() >> (n % 8), 0xFF >> (n % 8));
      }
    }
  }
}

TEST(DeletedRows, HostileInputs) {
  auto bytes = Serialize(MixedRows(), Choose);
  // Every truncation fails cleanly.
  for (size_t len = 0; len < bytes.size(); len += (len < 200 ? 1 : 97)) {
    auto r = DeletedRows::Deserialize(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), len));
    ASSERT_RAISES(CorruptData, r);
  }
  ASSERT_RAISES(CorruptData, DeletedRows::Deserialize(Span(bytes + "x")));  // trailing byte
  std::string bad = bytes;
  bad[0] ^= 1;
  ASSERT_RAISES(CorruptData, DeletedRows::Deserialize(Span(bad)));  // magic
  bad = bytes;
  bad[4] = static_cast<char>(0xFF);  // absurd bucket count
  ASSERT_RAISES(CorruptData, DeletedRows::Deserialize(Span(bad)));
  // Top bit of a bucket key.
  auto top = Serialize({1ull << 63}, [](uint64_t) { return Enc::kArray; });
  auto r = DeletedRows::Deserialize(Span(top));
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("top bit"), std::string::npos);
  // Unsorted array values.
  auto arr = Serialize({1, 2}, [](uint64_t) { return Enc::kArray; });
  std::swap(arr[arr.size() - 1], arr[arr.size() - 3]);
  std::swap(arr[arr.size() - 2], arr[arr.size() - 4]);
  ASSERT_RAISES(CorruptData, DeletedRows::Deserialize(Span(arr)));
  // Random byte flips never crash (they may or may not decode).
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string m = bytes.substr(0, 400);
    for (int k = 0; k < 3; ++k) m[rng() % m.size()] = static_cast<char>(rng());
    (void)DeletedRows::Deserialize(Span(m));
  }
}

TEST(Stored, FramingChecks) {
  auto bitmap = Serialize({1, 5, 9}, [](uint64_t) { return Enc::kArray; });
  std::string file = std::string(1, '\x01') + Frame(bitmap);
  DeletionVectorDescriptor d{"u", "", 1, static_cast<int32_t>(bitmap.size()), 3};
  ASSERT_OK_AND_ASSIGN(auto rows, DecodeDeletionVectorFile(Span(file), d));
  EXPECT_EQ(rows.ToVector(), (std::vector<uint64_t>{1, 5, 9}));
  ASSERT_OK_AND_ASSIGN(rows, DecodeStoredDeletionVector(Span(file).subspan(1), d));
  EXPECT_EQ(rows.cardinality(), 3);

  auto wrong_size = d;
  wrong_size.size_in_bytes += 1;
  ASSERT_RAISES(CorruptData, DecodeDeletionVectorFile(Span(file), wrong_size));
  auto wrong_card = d;
  wrong_card.cardinality = 4;
  auto st = DecodeDeletionVectorFile(Span(file), wrong_card);
  ASSERT_RAISES(CorruptData, st);
  EXPECT_NE(st.status().message().find("cardinality 4"), std::string::npos);
  std::string flipped = file;
  flipped[file.size() - 6] ^= 0x10;  // inside the bitmap: the checksum catches it
  st = DecodeDeletionVectorFile(Span(flipped), d);
  ASSERT_RAISES(CorruptData, st);
  EXPECT_NE(st.status().message().find("checksum"), std::string::npos) << st.status().ToString();
  ASSERT_RAISES(CorruptData, DecodeDeletionVectorFile(Span(file.substr(0, file.size() - 1)), d));
  std::string v2 = file;
  v2[0] = 2;
  ASSERT_RAISES(CorruptData, DecodeDeletionVectorFile(Span(v2), d));
  auto far = d;
  far.offset = 1000;
  ASSERT_RAISES(CorruptData, DecodeDeletionVectorFile(Span(file), far));
}

// --- The real DV files of the shared tables. ---

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Reads the JSON string starting at s[pos] == '"' (no escapes occur in these fields' values
// except \/ in some paths).
std::string JsonString(const std::string& s, size_t pos) {
  std::string out;
  for (size_t i = pos + 1; i < s.size() && s[i] != '"'; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out.push_back(s[i]);
  }
  return out;
}

std::vector<DeletionVectorDescriptor> DescriptorsIn(const std::string& json) {
  std::vector<DeletionVectorDescriptor> out;
  const std::string tag = "\"deletionVector\":{";
  for (size_t pos = json.find(tag); pos != std::string::npos; pos = json.find(tag, pos + 1)) {
    DeletionVectorDescriptor d;
    size_t p = pos + tag.size();
    auto field = [&](const char* name) -> size_t {
      std::string key = std::string("\"") + name + "\":";
      size_t f = json.find(key, p);
      size_t line_end = json.find('\n', p);
      return (f == std::string::npos || f > line_end) ? std::string::npos : f + key.size();
    };
    size_t f = field("storageType");
    if (f == std::string::npos) continue;
    d.storage_type = JsonString(json, f);
    f = field("pathOrInlineDv");
    d.path_or_inline_dv = JsonString(json, f);
    p = f + d.path_or_inline_dv.size() + 2;
    if ((f = field("offset")) != std::string::npos && json.compare(f, 4, "null") != 0) d.offset = std::stoi(json.substr(f));
    if ((f = field("sizeInBytes")) != std::string::npos) d.size_in_bytes = std::stoi(json.substr(f));
    if ((f = field("cardinality")) != std::string::npos) d.cardinality = std::stoll(json.substr(f));
    out.push_back(d);
  }
  return out;
}

std::string PercentDecodeForTest(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

TEST(SharedTables, RealDeletionVectorFilesDecode) {
  std::string root = testing::SharedTablesDir();
  if (root.empty()) GTEST_SKIP() << "shared tables absent";
  int decoded = 0;
  for (const char* table : {"delta-rs/table-with-dv-small", "delta-rs/table_with_deletion_logs",
                            "delta-rs/cdf-table-with-cdc-and-dvs", "delta-kernel-java/basic-dv-no-checkpoint",
                            "kernel-rs-golden/dv-partitioned-with-checkpoint/delta"}) {
    std::string dir = root + "/" + table;
    DIR* log = ::opendir((dir + "/_delta_log").c_str());
    if (log == nullptr) continue;
    std::vector<std::string> jsons;
    while (auto* e = ::readdir(log)) {
      std::string n = e->d_name;
      if (n.size() > 5 && n.ends_with(".json")) jsons.push_back(n);
    }
    ::closedir(log);
    for (const auto& j : jsons) {
      for (const auto& d : DescriptorsIn(ReadFile(dir + "/_delta_log/" + j))) {
        SCOPED_TRACE(std::string(table) + " " + j + " " + d.UniqueId());
        if (d.storage_type == "i") {
          ASSERT_OK_AND_ASSIGN(auto rows, DecodeInlineDeletionVector(d));
          EXPECT_EQ(rows.cardinality(), d.cardinality);
          ++decoded;
          continue;
        }
        ASSERT_OK_AND_ASSIGN(auto rel, DeletionVectorRelativePath(d));
        std::string bytes = ReadFile(dir + "/" + PercentDecodeForTest(rel));
        ASSERT_FALSE(bytes.empty()) << rel;
        ASSERT_OK_AND_ASSIGN(auto rows, DecodeDeletionVectorFile(Span(bytes), d));
        EXPECT_EQ(rows.cardinality(), d.cardinality);
        EXPECT_GT(d.cardinality, 0);
        auto v = rows.ToVector();
        EXPECT_EQ(static_cast<int64_t>(v.size()), d.cardinality);
        for (uint64_t r : v) EXPECT_TRUE(rows.Contains(r));
        ++decoded;
      }
    }
  }
  if (decoded == 0) GTEST_SKIP() << "no deletion vectors found";
  EXPECT_GE(decoded, 10);
}

}  // namespace
}  // namespace delta::dv
