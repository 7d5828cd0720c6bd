// Helpers of the worker: base64 of dead letters, gzip payloads (and refusing bombs and garbage),
// the Prometheus exposition.
#include "ingest/worker.h"

#include <zlib.h>

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::ingest {
namespace {

std::string Compress(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\x00\x80", 3)), "/wCA");
}

TEST(Gunzip, RoundTripAndErrors) {
  std::string big(100000, 'a');
  ASSERT_OK_AND_ASSIGN(auto out, Gunzip(Compress(big)));
  EXPECT_EQ(out, big);
  ASSERT_OK_AND_ASSIGN(auto small, Gunzip(Compress("{\"a\":1}")));
  EXPECT_EQ(small, "{\"a\":1}");
  // A bomb beyond the limit, truncated data and garbage are errors, not crashes.
  ASSERT_RAISES(InvalidArgument, Gunzip(Compress(big), 1000));
  std::string z = Compress(big);
  ASSERT_RAISES(InvalidArgument, Gunzip(z.substr(0, z.size() / 2)));
  ASSERT_RAISES(InvalidArgument, Gunzip(std::string("\x1f\x8bgarbage", 9)));
}

TEST(Metrics, Exposition) {
  WorkerMetrics m;
  m.messages_in = 5;
  m.commits = 2;
  m.SetLagText("deltacpp_ingest_partition_lag{topic=\"t\",partition=\"0\"} 3\n");
  std::string text = FormatMetrics(m);
  EXPECT_NE(text.find("deltacpp_ingest_messages_total 5\n"), std::string::npos);
  EXPECT_NE(text.find("deltacpp_ingest_commits_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE deltacpp_ingest_partition_lag gauge"), std::string::npos);
  EXPECT_NE(text.find("partition=\"0\"} 3"), std::string::npos);
}

TEST(Worker, RejectsBadTransformsAtStart) {
  IngestOptions o;
  o.topics = {"t"};
  o.table_uri = "/nonexistent";
  o.transforms = {"x: substr("};
  ASSERT_RAISES(InvalidArgument, Worker::Make(o));
}

}  // namespace
}  // namespace delta::ingest
