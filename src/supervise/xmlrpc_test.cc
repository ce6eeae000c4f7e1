#include "supervise/xmlrpc.h"

#include <gtest/gtest.h>

namespace slapos::supervise {
namespace {

TEST(SupervisorXmlRpc, ParsesPythonStyleCall) {
  // What Python's xmlrpc.client sends for supervisor.startProcess('web:x', True).
  const char* xml =
      "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n<params>\n"
      "<param>\n<value><string>web:x</string></value>\n</param>\n<param>\n<value><boolean>1</boolean></value>\n"
      "</param>\n</params>\n</methodCall>\n";
  auto call = ParseMethodCall(xml);
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  EXPECT_EQ(call->method, "supervisor.startProcess");
  ASSERT_EQ(call->params.size(), 2u);
  EXPECT_EQ(call->params[0].s, "web:x");
  EXPECT_EQ(call->params[1].type, Value::Type::kBool);
  EXPECT_TRUE(call->params[1].b);
}

TEST(SupervisorXmlRpc, UntypedValueIsStringAndNestedTypes) {
  auto call = ParseMethodCall(
      "<methodCall><methodName>m</methodName><params><param><value>plain</value></param>"
      "<param><value><array><data><value><i4>-3</i4></value><value><double>1.5</double></value></data></array></value></param>"
      "<param><value><struct><member><name>k</name><value><int>7</int></value></member></struct></value></param>"
      "</params></methodCall>");
  ASSERT_TRUE(call.ok()) << call.status().ToString();
  EXPECT_EQ(call->params[0].s, "plain");
  EXPECT_EQ(call->params[1].array[0].i, -3);
  EXPECT_DOUBLE_EQ(call->params[1].array[1].d, 1.5);
  EXPECT_EQ(call->params[2].GetInt("k"), 7);
}

TEST(SupervisorXmlRpc, MalformedInputIsAnErrorNotACrash) {
  EXPECT_FALSE(ParseMethodCall("").ok());
  EXPECT_FALSE(ParseMethodCall("<methodCall><methodName>x</methodName>").ok());
  EXPECT_FALSE(ParseMethodCall("<foo/>").ok());
  EXPECT_FALSE(ParseMethodCall("<methodCall></methodCall>").ok());
  EXPECT_FALSE(ParseMethodCall("<methodCall><methodName>m</methodName><params><param><value><int>x</int></value>"
                               "</param></params></methodCall>").ok());
  std::string deep = "<methodCall><methodName>m</methodName><params><param>";
  for (int i = 0; i < 100; ++i) deep += "<value><array><data>";
  for (int i = 0; i < 100; ++i) deep += "</data></array></value>";
  deep += "</param></params></methodCall>";
  EXPECT_FALSE(ParseMethodCall(deep).ok());
}

TEST(SupervisorXmlRpc, ResponseRoundTripAndEscaping) {
  Value s = Value::Struct();
  s.Set("name", Value::String("a<b>&c"));
  s.Set("pid", Value::Int(42));
  s.Set("ok", Value::Bool(true));
  s.Set("bin", Value::String(std::string("x\x01y\xff", 4)));
  std::string xml = EncodeResponse(Value::Array({s}));
  EXPECT_NE(xml.find("a&lt;b&gt;&amp;c"), std::string::npos);
  Fault f;
  auto v = ParseResponse(xml, &f);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(f.code, 0);
  const Value& back = v->array.at(0);
  EXPECT_EQ(back.GetString("name"), "a<b>&c");
  EXPECT_EQ(back.GetInt("pid"), 42);
  EXPECT_EQ(back.GetString("bin"), "x\xEF\xBF\xBDy\xEF\xBF\xBD");  // control and broken UTF-8 replaced
}

TEST(SupervisorXmlRpc, FaultCarriesCodeAndName) {
  Fault in = MakeFault(kBadName, "foo");
  EXPECT_EQ(in.text, "BAD_NAME: foo");
  EXPECT_EQ(MakeFault(kShutdownState).text, "SHUTDOWN_STATE");
  Fault out;
  auto v = ParseResponse(EncodeFault(in), &out);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(out.code, 10);
  EXPECT_EQ(out.text, "BAD_NAME: foo");
}

TEST(SupervisorXmlRpc, CallEncodingParsesBack) {
  MethodCall c{"supervisor.readLog", {Value::Int(-100), Value::Int(0)}};
  auto back = ParseMethodCall(EncodeMethodCall(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->method, "supervisor.readLog");
  EXPECT_EQ(back->params[0].i, -100);
}

}  // namespace
}  // namespace slapos::supervise
