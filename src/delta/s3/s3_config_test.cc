// Configuration resolution: options over environment over shared files; errors never show secrets.
#include "delta/s3/s3_config.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::s3 {
namespace {

struct FakeEnv {
  std::map<std::string, std::string> vars;
  EnvLookup Lookup() const {
    return [this](const char* name) -> const char* {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

class S3ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("s3cfg-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / ".aws");
    env_.vars["HOME"] = dir_.string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }

  std::filesystem::path dir_;
  FakeEnv env_;
};

TEST_F(S3ConfigTest, DefaultsWithNothingConfigured) {
  ASSERT_OK_AND_ASSIGN(S3Config c, LoadS3Config("bucket", {}, env_.Lookup()));
  EXPECT_TRUE(c.credentials.anonymous());
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_TRUE(c.endpoint.empty());
  EXPECT_TRUE(c.virtual_hosted);
  EXPECT_EQ(c.commit_mode, CommitMode::kConditionalPut);
}

TEST_F(S3ConfigTest, OptionsBeatEnvironmentBeatsProfile) {
  Write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n"
                            "[other]\naws_access_key_id=OTHERKEY\naws_secret_access_key=othersecret\n");
  Write(".aws/config", "[default]\nregion = eu-west-1\n[profile other]\nregion = ap-south-1\n"
                       "endpoint_url = http://127.0.0.1:9\n");
  ASSERT_OK_AND_ASSIGN(S3Config c, LoadS3Config("b", {}, env_.Lookup()));
  EXPECT_EQ(c.credentials.access_key_id, "FILEKEY");
  EXPECT_EQ(c.credentials.secret_access_key, "filesecret");
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.credentials_source, "profile 'default'");

  env_.vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env_.vars["AWS_SESSION_TOKEN"] = "envtoken";
  env_.vars["AWS_DEFAULT_REGION"] = "us-west-2";
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config("b", {}, env_.Lookup()));
  EXPECT_EQ(c.credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(c.credentials.session_token, "envtoken");
  EXPECT_EQ(c.region, "us-west-2");
  env_.vars["AWS_REGION"] = "us-west-1";
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config("b", {}, env_.Lookup()));
  EXPECT_EQ(c.region, "us-west-1");

  ASSERT_OK_AND_ASSIGN(c, LoadS3Config("b",
                                       {{"aws_access_key_id", "OPTKEY"},
                                        {"AWS_SECRET_ACCESS_KEY", "optsecret"},
                                        {"region", "sa-east-1"}},
                                       env_.Lookup()));
  EXPECT_EQ(c.credentials.access_key_id, "OPTKEY");
  EXPECT_EQ(c.credentials.secret_access_key, "optsecret");
  EXPECT_EQ(c.credentials.session_token, "");  // credentials are a unit: no env token mixed in
  EXPECT_EQ(c.region, "sa-east-1");
  EXPECT_EQ(c.credentials_source, "storage options");

  env_.vars.erase("AWS_ACCESS_KEY_ID");
  env_.vars.erase("AWS_REGION");
  env_.vars.erase("AWS_DEFAULT_REGION");
  env_.vars["AWS_PROFILE"] = "other";
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config("b", {{"AWS_ALLOW_HTTP", "true"}}, env_.Lookup()));
  EXPECT_EQ(c.credentials.access_key_id, "OTHERKEY");
  EXPECT_EQ(c.region, "ap-south-1");
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:9");
  EXPECT_FALSE(c.virtual_hosted);
}

TEST_F(S3ConfigTest, EndpointRules) {
  auto r = LoadS3Config("b", {{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000"}}, env_.Lookup());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("AWS_ALLOW_HTTP"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(S3Config c, LoadS3Config("b", {{"AWS_ENDPOINT_URL", "http://127.0.0.1:5000/"},
                                                      {"AWS_ALLOW_HTTP", "true"}},
                                                env_.Lookup()));
  EXPECT_EQ(c.endpoint, "http://127.0.0.1:5000");
  EXPECT_FALSE(c.virtual_hosted);
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config("b", {{"AWS_ENDPOINT_URL", "https://minio.local"},
                                             {"AWS_VIRTUAL_HOSTED_STYLE_REQUEST", "true"}},
                                       env_.Lookup()));
  EXPECT_TRUE(c.virtual_hosted);
  EXPECT_FALSE(LoadS3Config("b", {{"AWS_ENDPOINT_URL", "ftp://x"}}, env_.Lookup()).ok());
  EXPECT_FALSE(LoadS3Config("b", {{"AWS_ENDPOINT_URL", "https://x/path"}}, env_.Lookup()).ok());
  EXPECT_FALSE(LoadS3Config("b", {{"AWS_ENDPOINT_URL", "https://user:pw@x"}}, env_.Lookup()).ok());
}

TEST_F(S3ConfigTest, CommitModes) {
  ASSERT_OK_AND_ASSIGN(S3Config c, LoadS3Config("b", {{"AWS_CONDITIONAL_PUT", "disabled"}}, env_.Lookup()));
  EXPECT_EQ(c.commit_mode, CommitMode::kRefuse);
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config("b", {{"AWS_CONDITIONAL_PUT", "disabled"}, {"AWS_S3_ALLOW_UNSAFE_RENAME", "true"}},
                                       env_.Lookup()));
  EXPECT_EQ(c.commit_mode, CommitMode::kUnsafeSingleWriter);
  ASSERT_OK_AND_ASSIGN(c, LoadS3Config("b", {{"AWS_S3_LOCKING_PROVIDER", "dynamodb"}, {"DELTA_DYNAMO_TABLE_NAME", "locks"}},
                                       env_.Lookup()));
  EXPECT_EQ(c.commit_mode, CommitMode::kDynamoDb);
  EXPECT_EQ(c.dynamodb_table, "locks");
  EXPECT_FALSE(LoadS3Config("b", {{"AWS_S3_LOCKING_PROVIDER", "zookeeper"}}, env_.Lookup()).ok());
}

TEST_F(S3ConfigTest, ErrorsNeverShowSecrets) {
  auto r = LoadS3Config("b", {{"AWS_ACCESS_KEY_ID", "K"}, {"AWS_SECRET_ACCESS_KEY", "SUPERSECRET"}, {"AWS_ALLOW_HTTP", "maybe"}},
                        env_.Lookup());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("SUPERSECRET"), std::string::npos);
  r = LoadS3Config("b", {{"AWS_ACCESS_KEY_ID", "K"}}, env_.Lookup());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no secret access key"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(S3Config c, LoadS3Config("b", {{"AWS_ACCESS_KEY_ID", "K"}, {"AWS_SECRET_ACCESS_KEY", "SUPERSECRET"}},
                                                env_.Lookup()));
  EXPECT_EQ(c.Fingerprint().find("SUPERSECRET"), std::string::npos);
  EXPECT_FALSE(LoadS3Config("b", {{"DELTA_S3_MAX_ATTEMPTS", "0"}}, env_.Lookup()).ok());
  EXPECT_FALSE(LoadS3Config("b", {{"DELTA_S3_MAX_ATTEMPTS", "3x"}}, env_.Lookup()).ok());
}

}  // namespace
}  // namespace delta::s3
