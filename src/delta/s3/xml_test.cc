// The XML reader on S3's documents and on hostile input.
#include "delta/s3/xml.h"

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::s3 {
namespace {

TEST(Xml, ListObjectsV2) {
  std::string doc = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>t/</Prefix><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>t/a&amp;b.json</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><Size>434234</Size></Contents>
  <Contents><Key><![CDATA[t/<c>]]></Key><Size>0</Size></Contents>
  <!-- a comment -->
</ListBucketResult>)";
  ASSERT_OK_AND_ASSIGN(XmlElement root, ParseXml(doc, "test"));
  EXPECT_EQ(root.name, "ListBucketResult");
  EXPECT_EQ(root.ChildText("IsTruncated"), "true");
  EXPECT_EQ(root.ChildText("NextContinuationToken"), "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  int n = 0;
  std::vector<std::string> keys;
  for (const auto& c : root.children) {
    if (c.name == "Contents") {
      ++n;
      keys.emplace_back(c.ChildText("Key"));
    }
  }
  ASSERT_EQ(n, 2);
  EXPECT_EQ(keys[0], "t/a&b.json");
  EXPECT_EQ(keys[1], "t/<c>");
  EXPECT_EQ(root.ChildText("Missing"), "");
}

TEST(Xml, EntitiesAndPrefixes) {
  ASSERT_OK_AND_ASSIGN(XmlElement e, ParseXml("<s3:Error a='1' b = \"2\"><Code>&#65;&#x42;&lt;&gt;&quot;&apos;</Code>"
                                              "<Msg>&#x1F600;</Msg><Empty/></s3:Error>",
                                              "test"));
  EXPECT_EQ(e.name, "Error");
  EXPECT_EQ(e.ChildText("Code"), "AB<>\"'");
  EXPECT_EQ(e.ChildText("Msg"), "\xF0\x9F\x98\x80");
  ASSERT_NE(e.Child("Empty"), nullptr);
}

TEST(Xml, HostileInputIsRefused) {
  const char* bad[] = {
      "",
      "   ",
      "not xml",
      "<a>",
      "<a></b>",
      "<a><b></a></b>",
      "<a>&unknown;</a>",
      "<a>&#0;</a>",
      "<a>&#xD800;</a>",
      "<a>&#x110000;</a>",
      "<a>&#99999999999999999999;</a>",
      "<a>&amp</a>",
      "<a>x</a><b/>",
      "<a>x</a>trailing",
      "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
      "<a><!DOCTYPE b></a>",
      "<a b=c></a>",
      "<a b='<'></a>",
      "<a><![CDATA[x</a>",
      "<a><!-- x</a>",
      "<?xml version='1.0'",
      "<a attr=\"unterminated></a>",
      "<>",
      "</a>",
  };
  for (const char* doc : bad) {
    auto r = ParseXml(doc, "hostile");
    ASSERT_FALSE(r.ok()) << "accepted: " << doc;
    EXPECT_TRUE(r.status().IsCorruptData()) << r.status().ToString();
    EXPECT_NE(r.status().message().find("hostile"), std::string::npos);
  }
}

TEST(Xml, LimitsHold) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  auto r = ParseXml(deep, "deep");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("deeper"), std::string::npos);

  std::string many = "<r>";
  for (int i = 0; i < 2000; ++i) many += "<c/>";
  many += "</r>";
  XmlLimits limits;
  limits.max_elements = 1000;
  r = ParseXml(many, "many", limits);
  ASSERT_FALSE(r.ok());
  limits.max_elements = 10000;
  limits.max_bytes = 100;
  r = ParseXml(many, "big", limits);
  ASSERT_FALSE(r.ok());
  ASSERT_OK(ParseXml(many, "fine").status());
}

TEST(Xml, TruncationsNeverCrash) {
  std::string doc = R"(<?xml version="1.0"?><R><A x="1">t&amp;<![CDATA[c]]><B/><!--c--></A><C>&#x41;</C></R>)";
  for (size_t n = 0; n < doc.size(); ++n) {
    auto r = ParseXml(std::string_view(doc).substr(0, n), "truncated");
    EXPECT_FALSE(r.ok()) << n;
  }
  ASSERT_OK(ParseXml(doc, "whole").status());
}

TEST(Xml, Escape) { EXPECT_EQ(XmlEscape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;"); }

}  // namespace
}  // namespace delta::s3
