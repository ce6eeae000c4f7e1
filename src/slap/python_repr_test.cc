#include "slap/python_repr.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace slapos::slap {
namespace {

using J = nlohmann::ordered_json;

TEST(SlapPythonReprTest, ScalarsAsPythonPrintsThem) {
  EXPECT_EQ(PythonStr(J(1)), "1");
  EXPECT_EQ(PythonStr(J(true)), "True");
  EXPECT_EQ(PythonStr(J(false)), "False");
  EXPECT_EQ(PythonStr(J(nullptr)), "None");
  EXPECT_EQ(PythonStr(J(1.5)), "1.5");
  EXPECT_EQ(PythonStr(J("text")), "text");
  EXPECT_EQ(PythonRepr(J("text")), "'text'");
}

TEST(SlapPythonReprTest, QuotesAndEscapesLikePython) {
  EXPECT_EQ(PythonStringRepr("it's"), "\"it's\"");
  EXPECT_EQ(PythonStringRepr("say \"hi\" it's"), "'say \"hi\" it\\'s'");
  EXPECT_EQ(PythonStringRepr("a\\b\nc\td"), "'a\\\\b\\nc\\td'");
  EXPECT_EQ(PythonStringRepr(std::string("\x01", 1)), "'\\x01'");
  EXPECT_EQ(PythonStringRepr("é"), "'é'");
}

TEST(SlapPythonReprTest, ContainersKeepOrder) {
  EXPECT_EQ(PythonStr(J::parse(R"({"a": 1})")), "{'a': 1}");
  EXPECT_EQ(PythonStr(J::parse(R"({"z": [1, "x", null], "a": {"b": false}})")),
            "{'z': [1, 'x', None], 'a': {'b': False}}");
  EXPECT_EQ(PythonStr(J::parse("[]")), "[]");
  EXPECT_EQ(PythonStr(J::parse("{}")), "{}");
}

}  // namespace
}  // namespace slapos::slap
