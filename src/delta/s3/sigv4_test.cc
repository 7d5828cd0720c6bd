// SigV4 against the published vectors: the generic AWS SigV4 test suite (credentials AKIDEXAMPLE,
// 2015-08-30T12:36:00Z, us-east-1, service "service", host example.amazonaws.com) and the worked
// S3 examples of the S3 API reference ("Signature Calculations for the Authorization Header",
// examplebucket, 2013-05-24). Expected signatures are the published ones.
#include "delta/s3/sigv4.h"

#include <gtest/gtest.h>

namespace delta::s3 {
namespace {

const Credentials kSuiteCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const Credentials kS3Creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kSuiteDate = "20150830T123600Z";
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SigningInput SuiteRequest(std::string method, std::string uri,
                          std::vector<std::pair<std::string, std::string>> query = {},
                          std::vector<std::pair<std::string, std::string>> extra_headers = {},
                          std::string payload = "") {
  SigningInput in;
  in.method = std::move(method);
  in.canonical_uri = std::move(uri);
  in.query = std::move(query);
  in.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kSuiteDate}};
  for (auto& h : extra_headers) in.headers.push_back(std::move(h));
  in.payload_hash = Sha256Hex(payload);
  return in;
}

TEST(SigV4Suite, GetVanilla) {
  SignatureResult r = SignV4(SuiteRequest("GET", "/"), kSuiteCreds, "us-east-1", "service", kSuiteDate);
  EXPECT_EQ(r.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
                std::string(kEmptyHash));
  EXPECT_EQ(r.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(r.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Suite, GetUnreserved) {
  std::string path = "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  EXPECT_EQ(UriEncode(path, false), path);
  SignatureResult r = SignV4(SuiteRequest("GET", path), kSuiteCreds, "us-east-1", "service", kSuiteDate);
  EXPECT_EQ(r.signature, "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f");
}

TEST(SigV4Suite, QueryOrderKeyCase) {
  SignatureResult r = SignV4(SuiteRequest("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}), kSuiteCreds,
                             "us-east-1", "service", kSuiteDate);
  EXPECT_NE(r.canonical_request.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(r.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(SigV4Suite, QueryOrderValue) {
  SignatureResult r = SignV4(SuiteRequest("GET", "/", {{"Param1", "value2"}, {"Param1", "value1"}}), kSuiteCreds,
                             "us-east-1", "service", kSuiteDate);
  EXPECT_NE(r.canonical_request.find("\nParam1=value1&Param1=value2\n"), std::string::npos);
  EXPECT_EQ(r.signature, "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694");
}

TEST(SigV4Suite, Utf8Query) {
  SignatureResult r = SignV4(SuiteRequest("GET", "/", {{"\xE1\x88\xB4", "bar"}}), kSuiteCreds, "us-east-1", "service",
                             kSuiteDate);
  EXPECT_NE(r.canonical_request.find("\n%E1%88%B4=bar\n"), std::string::npos);
  EXPECT_EQ(r.signature, "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04");
}

TEST(SigV4Suite, HeaderValueOrderAndDuplicates) {
  SignatureResult r = SignV4(SuiteRequest("GET", "/", {},
                                          {{"My-Header1", "value4"},
                                           {"My-Header1", "value1"},
                                           {"My-Header1", "value3"},
                                           {"My-Header1", "value2"}}),
                             kSuiteCreds, "us-east-1", "service", kSuiteDate);
  EXPECT_NE(r.canonical_request.find("my-header1:value4,value1,value3,value2\n"), std::string::npos);
  EXPECT_EQ(r.signature, "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01");

  r = SignV4(SuiteRequest("GET", "/", {}, {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
             kSuiteCreds, "us-east-1", "service", kSuiteDate);
  EXPECT_EQ(r.signature, "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
}

TEST(SigV4Suite, HeaderValueTrim) {
  SignatureResult r = SignV4(SuiteRequest("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", "\"a   b   c\""}}),
                             kSuiteCreds, "us-east-1", "service", kSuiteDate);
  EXPECT_NE(r.canonical_request.find("my-header1:value1\nmy-header2:\"a b c\"\n"), std::string::npos);
  EXPECT_EQ(r.signed_headers, "host;my-header1;my-header2;x-amz-date");
  EXPECT_EQ(r.signature, "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
}

TEST(SigV4Suite, PostFormUrlencoded) {
  SignatureResult r =
      SignV4(SuiteRequest("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}}, "Param1=value1"),
             kSuiteCreds, "us-east-1", "service", kSuiteDate);
  EXPECT_EQ(r.signature, "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
}

TEST(SigV4Suite, SessionToken) {
  Credentials creds = kSuiteCreds;
  creds.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  SignatureResult r = SignV4(SuiteRequest("GET", "/", {}, {{"X-Amz-Security-Token", creds.session_token}}), creds,
                             "us-east-1", "service", kSuiteDate);
  EXPECT_EQ(r.signed_headers, "host;x-amz-date;x-amz-security-token");
  EXPECT_EQ(r.signature, "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
}

// S3 API reference examples (the S3 flavour: x-amz-content-sha256 signed, path encoded once).
SigningInput S3Request(std::string method, std::string uri, std::vector<std::pair<std::string, std::string>> query,
                       std::vector<std::pair<std::string, std::string>> headers, std::string payload_hash) {
  SigningInput in;
  in.method = std::move(method);
  in.canonical_uri = std::move(uri);
  in.query = std::move(query);
  in.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"x-amz-date", "20130524T000000Z"},
                {"x-amz-content-sha256", payload_hash}};
  for (auto& h : headers) in.headers.push_back(std::move(h));
  in.payload_hash = std::move(payload_hash);
  return in;
}

TEST(SigV4S3Examples, GetObjectRange) {
  SignatureResult r = SignV4(S3Request("GET", "/test.txt", {}, {{"Range", "bytes=0-9"}}, kEmptyHash), kS3Creds,
                             "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(Sha256Hex(r.canonical_request), "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(r.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4S3Examples, PutObject) {
  std::string body = "Welcome to Amazon S3.";
  std::string hash = Sha256Hex(body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  EXPECT_EQ(UriEncode("test$file.text", false), "test%24file.text");
  SignatureResult r = SignV4(S3Request("PUT", "/" + UriEncode("test$file.text", false), {},
                                       {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                                        {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                                       hash),
                             kS3Creds, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(Sha256Hex(r.canonical_request), "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(r.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4S3Examples, GetBucketLifecycle) {
  SignatureResult r =
      SignV4(S3Request("GET", "/", {{"lifecycle", ""}}, {}, kEmptyHash), kS3Creds, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_NE(r.canonical_request.find("\nlifecycle=\n"), std::string::npos);
  EXPECT_EQ(r.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4S3Examples, ListObjects) {
  SignatureResult r = SignV4(S3Request("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {}, kEmptyHash), kS3Creds,
                             "us-east-1", "s3", "20130524T000000Z");
  EXPECT_EQ(Sha256Hex(r.canonical_request), "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(r.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4Helpers, Encoding) {
  EXPECT_EQ(UriEncode("a b/c+d%e", false), "a%20b/c%2Bd%25e");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b%2Fc");
  EXPECT_EQ(UriEncode("\xC3\xA9", true), "%C3%A9");
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
  EXPECT_EQ(AmzDate(1440938160), "20150830T123600Z");
  // RFC 1321 test vector "abc" -> 900150983cd24fb0d6963f7d28e17f72, in base64.
  EXPECT_EQ(Md5Base64("abc"), "kAFQmDzST7DWlj99KOF/cg==");
  EXPECT_EQ(Sha256Hex(std::string_view("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SigV4Helpers, SecretNeverInAuthorization) {
  SignatureResult r = SignV4(SuiteRequest("GET", "/"), kSuiteCreds, "us-east-1", "service", kSuiteDate);
  EXPECT_EQ(r.authorization.find(kSuiteCreds.secret_access_key), std::string::npos);
  EXPECT_EQ(r.canonical_request.find(kSuiteCreds.secret_access_key), std::string::npos);
}

}  // namespace
}  // namespace delta::s3
