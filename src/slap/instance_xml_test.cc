// Instance XML and JSON-in-XML, with the exact shapes SlapOS stores (spec §3.1, §3.2).
#include "slap/instance_xml.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace slapos::slap {
namespace {

TEST(SlapInstanceXmlTest, WritesTheExactDict2xmlShapes) {
  EXPECT_EQ(*InstanceXmlFromJson("{}"), "<?xml version='1.0' encoding='utf-8'?>\n<instance/>\n");
  EXPECT_EQ(*InstanceXmlFromJson(R"({"url":"mysql://..."})"),
            "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
            "  <parameter id=\"url\">mysql://...</parameter>\n</instance>\n");
}

TEST(SlapInstanceXmlTest, SortsKeysAndStringifiesLikePython) {
  Result<std::string> xml =
      InstanceXmlFromJson(R"({"z":1,"b":true,"a":null,"d":{"a":1},"e":[1,"x"],"f":"a<b&c>"})");
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(*xml,
            "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
            "  <parameter id=\"a\">None</parameter>\n"
            "  <parameter id=\"b\">True</parameter>\n"
            "  <parameter id=\"d\">{'a': 1}</parameter>\n"
            "  <parameter id=\"e\">[1, 'x']</parameter>\n"
            "  <parameter id=\"f\">a&lt;b&amp;c&gt;</parameter>\n"
            "  <parameter id=\"z\">1</parameter>\n"
            "</instance>\n");
  EXPECT_EQ(*InstanceXmlFromJson(R"({"k\"ey":"v"})"),
            "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
            "  <parameter id=\"k&quot;ey\">v</parameter>\n</instance>\n");
  EXPECT_EQ(InstanceXmlFromJson("[1]").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(InstanceXmlFromJson("nope").status().code(), Code::kInvalidArgument);
}

TEST(SlapInstanceXmlTest, ReadsBackStringsAndNullForEmpty) {
  EXPECT_EQ(*InstanceXmlToJson(""), "{}");
  EXPECT_EQ(*InstanceXmlToJson("<?xml version='1.0' encoding='utf-8'?>\n<instance/>\n"), "{}");
  Result<std::string> j = InstanceXmlToJson(
      "<?xml version='1.0' encoding='utf-8'?>\n<instance>\n"
      "  <parameter id=\"port\">8080</parameter>\n"
      "  <parameter id=\"empty\"></parameter>\n"
      "  <parameter id=\"f\">a&lt;b&amp;c&gt;</parameter>\n"
      "  <parameter id=\"cdata\"><![CDATA[x<y]]></parameter>\n"
      "</instance>\n");
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(*j),
            nlohmann::json::parse(R"({"port":"8080","empty":null,"f":"a<b&c>","cdata":"x<y"})"));
  EXPECT_EQ(*InstanceXmlToJson("<instance><parameter id=\"a\">x</parameter><parameter id=\"a\">y</parameter></instance>"),
            R"({"a":"x y"})");
  Result<std::string> bad = InstanceXmlToJson("<instance><parameter id=\"a\">x</instance>");
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("malformed"), std::string::npos);
}

TEST(SlapInstanceXmlTest, RoundTripTurnsValuesIntoStrings) {
  Result<std::string> xml = InstanceXmlFromJson(R"({"n":1,"s":"text","u":"été"})");
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(*InstanceXmlToJson(*xml), R"({"n":"1","s":"text","u":"été"})");
}

TEST(SlapInstanceXmlTest, JsonInXmlWrapAndUnwrap) {
  Result<std::string> wrapped = WrapJsonInXml(R"({"b":[1,2],"a":"é"})");
  ASSERT_TRUE(wrapped.ok());
  // Python's json.dumps(params, indent=2): key order kept, non-ASCII escaped.
  EXPECT_EQ(nlohmann::json::parse(*wrapped)["_"],
            "{\n  \"b\": [\n    1,\n    2\n  ],\n  \"a\": \"\\u00e9\"\n}");
  EXPECT_EQ(*WrapJsonInXml(R"({"_":"{}"})"), R"({"_":"{}"})");  // already wrapped

  EXPECT_EQ(*UnwrapJsonInXml(*wrapped), R"({"b":[1,2],"a":"é"})");
  EXPECT_EQ(*UnwrapJsonInXml(R"({"a":"1"})"), R"({"a":"1"})");
  EXPECT_EQ(*UnwrapJsonInXml(R"({"_":"x","b":"y"})"), R"({"_":"x","b":"y"})");
  EXPECT_EQ(UnwrapJsonInXml(R"({"_":"{not json"})").status().code(), Code::kInvalidArgument);

  // Through instance XML and back, as a json-in-xml software release sees it.
  Result<std::string> xml = InstanceXmlFromJson(*wrapped);
  ASSERT_TRUE(xml.ok());
  Result<std::string> read = InstanceXmlToJson(*xml);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*UnwrapJsonInXml(*read), R"({"b":[1,2],"a":"é"})");
}

TEST(SlapInstanceXmlTest, SerialisationFromSoftwareReleaseSchema) {
  EXPECT_EQ(*SerialisationFromSchema(R"({"name":"x"})", "default"), Serialisation::kXml);
  EXPECT_EQ(*SerialisationFromSchema(R"({"serialisation":"json-in-xml"})", "default"),
            Serialisation::kJsonInXml);
  const char* per_type = R"({"serialisation":"xml","software-type":{
      "default":{"serialisation":"json-in-xml"},"other":{"title":"o"}}})";
  EXPECT_EQ(*SerialisationFromSchema(per_type, "default"), Serialisation::kJsonInXml);
  EXPECT_EQ(*SerialisationFromSchema(per_type, "other"), Serialisation::kXml);
  EXPECT_EQ(SerialisationFromSchema(R"({"serialisation":"yaml"})", "default").status().message(),
            "unknown serialisation 'yaml' (expected 'xml' or 'json-in-xml')");
  EXPECT_FALSE(SerialisationFromSchema("<html>", "default").ok());
}

}  // namespace
}  // namespace slapos::slap
