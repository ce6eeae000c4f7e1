#include "build/jinja/value.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>

#include "build/jinja/json_value.h"
#include "build/jinja/pyformat.h"

namespace slapos::jinja {
namespace {

std::string Message(const std::function<void()>& f) {
  try {
    f();
  } catch (const TemplateError& e) {
    return e.message;
  }
  return "<no error>";
}

TEST(JinjaValueTest, FloatReprMatchesPython) {
  EXPECT_EQ(FloatRepr(0.1), "0.1");
  EXPECT_EQ(FloatRepr(1.0), "1.0");
  EXPECT_EQ(FloatRepr(-2.5), "-2.5");
  EXPECT_EQ(FloatRepr(1e16), "1e+16");
  EXPECT_EQ(FloatRepr(1e15), "1000000000000000.0");
  EXPECT_EQ(FloatRepr(0.0001), "0.0001");
  EXPECT_EQ(FloatRepr(0.00001), "1e-05");
  EXPECT_EQ(FloatRepr(1.5e-10), "1.5e-10");
  EXPECT_EQ(FloatRepr(123456789.125), "123456789.125");
  EXPECT_EQ(FloatRepr(-0.0), "-0.0");
}

TEST(JinjaValueTest, ReprOfStringsChoosesQuotes) {
  EXPECT_EQ(ReprString("a"), "'a'");
  EXPECT_EQ(ReprString("it's"), "\"it's\"");
  EXPECT_EQ(ReprString("both ' and \""), "'both \\' and \"'");
  EXPECT_EQ(ReprString("nl\n\x01"), "'nl\\n\\x01'");
  EXPECT_EQ(ReprString("é"), "'é'");
}

TEST(JinjaValueTest, DictKeepsInsertionOrderAndNumericKeysMatch) {
  Value d = MakeDict();
  d.dict->Set(MakeString("b"), MakeInt(1));
  d.dict->Set(MakeInt(1), MakeString("one"));
  d.dict->Set(MakeString("a"), MakeInt(2));
  d.dict->Set(MakeFloat(1.0), MakeString("uno"));  // 1 == 1.0: same key, as in Python
  EXPECT_EQ(Repr(d), "{'b': 1, 1: 'uno', 'a': 2}");
  EXPECT_TRUE(d.dict->Erase(MakeString("b")));
  EXPECT_EQ(Repr(d), "{1: 'uno', 'a': 2}");
  ASSERT_NE(d.dict->FindStr("a"), nullptr);
  EXPECT_EQ(d.dict->FindStr("a")->i, 2);
}

TEST(JinjaValueTest, UnhashableKey) {
  EXPECT_EQ(Message([] { HashKey(MakeList()); }), "unhashable type: 'list'");
  EXPECT_EQ(HashKey(MakeTuple({MakeInt(1), MakeString("a")})), HashKey(MakeTuple({MakeBool(true), MakeString("a")})));
}

TEST(JinjaValueTest, TruthinessAndLength) {
  EXPECT_FALSE(Truthy(MakeUndefined("x")));
  EXPECT_FALSE(Truthy(MakeString("")));
  EXPECT_TRUE(Truthy(MakeString("0")));
  EXPECT_FALSE(Truthy(MakeFloat(0.0)));
  EXPECT_TRUE(Truthy(MakeList({MakeNone()})));
  EXPECT_EQ(Length(MakeString("héllo")), 5);
  EXPECT_EQ(Message([] { Length(MakeInt(3)); }), "object of type 'int' has no len()");
}

TEST(JinjaValueTest, CompareAcrossTypes) {
  EXPECT_LT(Compare(MakeInt(1), MakeFloat(1.5)), 0);
  EXPECT_EQ(Compare(MakeBool(true), MakeInt(1)), 0);
  EXPECT_GT(Compare(MakeTuple({MakeInt(1), MakeInt(3)}), MakeTuple({MakeInt(1), MakeInt(2)})), 0);
  EXPECT_EQ(Message([] { Compare(MakeString("a"), MakeNone()); }),
            "'<' not supported between instances of 'str' and 'NoneType'");
}

TEST(JinjaValueTest, SelfContainingListFailsCleanly) {
  Value l = MakeList();
  l.list->push_back(l);
  EXPECT_EQ(Message([&] { Repr(l); }), "values nest too deeply (more than 500 levels; does a list or dict contain itself?)");
  EXPECT_NE(Message([&] { ToJson(l, {}); }).find("nest too deeply"), std::string::npos);
  l.list->clear();  // break the cycle
}

TEST(JinjaValueTest, JsonRoundTrip) {
  Value v = FromJson(nlohmann::json::parse(R"({"s": "x\u00e9", "i": -3, "f": 0.5, "b": false, "n": null, "l": [1, [2]]})"));
  JsonDumpOptions o;
  EXPECT_EQ(ToJson(v, o), R"({"b": false, "f": 0.5, "i": -3, "l": [1, [2]], "n": null, "s": "x\u00e9"})");
  o.html_safe = false;
  o.sort_keys = false;
  EXPECT_EQ(ToJson(MakeString("<&'>\x01"), o), R"("<&'>\u0001")");
  EXPECT_EQ(ToJson(MakeString("\xF0\x9F\x98\x80"), o), R"("\ud83d\ude00")");
}

TEST(JinjaValueTest, PercentAndFormat) {
  EXPECT_EQ(PercentFormat("%s:%d:%.1f:%5.2f%%", MakeTuple({MakeString("a"), MakeFloat(3.9), MakeFloat(2.25), MakeInt(1)})),
            "a:3:2.2: 1.00%");
  CallArgs args;
  args.args = {MakeString("x"), MakeInt(7)};
  args.kwargs = {{"k", MakeString("v")}};
  EXPECT_EQ(StrFormat("{}-{}-{k}-{1:+d}-{0!r}", args), "x-7-v-+7-'x'");
  EXPECT_EQ(FormatWithSpec(MakeInt(-42), "08d"), "-0000042");
  EXPECT_EQ(FormatWithSpec(MakeFloat(0.25), ".1%"), "25.0%");
  EXPECT_EQ(FormatWithSpec(MakeInt(5), "b"), "101");
  EXPECT_EQ(Message([] { FormatWithSpec(MakeString("s"), "d"); }), "unknown format code 'd' for object of type 'str'");
}

}  // namespace
}  // namespace slapos::jinja
