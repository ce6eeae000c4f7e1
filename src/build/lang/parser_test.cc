#include "build/lang/parser.h"

#include <gtest/gtest.h>

namespace slapos::build::lang {
namespace {

RawConfig Parse(const std::string& text) {
  Result<RawConfig> r = ParseProfile(text, "t.cfg");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : RawConfig{};
}

std::string V(const RawConfig& c, const std::string& s, const std::string& k) {
  auto sec = c.sections.find(s);
  if (sec == c.sections.end()) return "<no section>";
  auto o = sec->second.options.find(k);
  return o == sec->second.options.end() ? "<no option>" : o->second.value;
}

TEST(BuildoutParser, CommentsOnlyInColumnZero) {
  RawConfig c = Parse("# top comment\n; also\n[a]\nx = 1 # c\n# dropped\ny = 2\n  # kept text\n");
  EXPECT_EQ(V(c, "a", "x"), "1 # c");
  EXPECT_EQ(V(c, "a", "y"), "2\n# kept text");
}

TEST(BuildoutParser, InlineMultiLineValueLosesIndentAndBlankLines) {
  RawConfig c = Parse("[a]\ninline = first\n    second\n\n      fourth  \n");
  EXPECT_EQ(V(c, "a", "inline"), "first\nsecond\nfourth");
}

TEST(BuildoutParser, BlockValueIsDedented) {
  RawConfig c = Parse("[a]\nb =\n    alpha\n      beta\n\n    gamma\n  # note\nc =\n");
  EXPECT_EQ(V(c, "a", "b"), "  alpha\n    beta\n\n  gamma\n# note");
  EXPECT_EQ(V(c, "a", "c"), "");
}

TEST(BuildoutParser, BlockValueDropsLeadingBlankLines) {
  RawConfig c = Parse("[a]\nb =\n\n\n  x\n   y\n\n");
  EXPECT_EQ(V(c, "a", "b"), "x\n y");
}

TEST(BuildoutParser, OperatorKeysAreStoredAsBuildoutDoes) {
  RawConfig c = Parse("[a]\np += x\nq+=y\nr -= z\nc++ = 2\n<= m\n< = n2\n=> d1 d2\n");
  EXPECT_EQ(V(c, "a", "p +"), "x");
  EXPECT_EQ(V(c, "a", "q+"), "y");
  EXPECT_EQ(V(c, "a", "r -"), "z");
  EXPECT_EQ(V(c, "a", "c++"), "2");
  EXPECT_EQ(V(c, "a", "<"), "n2");  // `< = x` is the same option as `<= x`; later wins
  EXPECT_EQ(V(c, "a", "<part-dependencies>"), "d1 d2");
}

TEST(BuildoutParser, ColonIsNotASeparatorAndSpacedOperatorIsAnError) {
  Result<RawConfig> r = ParseProfile("[a]\na: b\nok = 1\na + = x\n", "t.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "t.cfg:2: cannot parse line 'a: b' (expected [section], 'name = value', 'name += value' or "
            "'name -= value')\n"
            "t.cfg:4: cannot parse line 'a + = x' (expected [section], 'name = value', 'name += value' "
            "or 'name -= value')");
}

TEST(BuildoutParser, UnterminatedSectionHeaderIsAnError) {
  Result<RawConfig> r = ParseProfile("[buildout]\nparts =\n[abc\nx = 1\n", "p.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "p.cfg:3: bad section header '[abc' (expected [name] or [name:condition]; names may not "
            "contain spaces, '#', ';', ':', '[', ']', '{', '}')");
}

TEST(BuildoutParser, OptionBeforeAnySectionIsAnError) {
  Result<RawConfig> r = ParseProfile("\nx = 1\n[a]\n", "p.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "p.cfg:2: option 'x' comes before any [section] header");
}

TEST(BuildoutParser, ReopenedSectionMergesLaterWins) {
  RawConfig c = Parse("[a]\nx = 1\ny = 2\n[b]\nz = 3\n[a]  # again\ny = 3\nparts += p\n");
  EXPECT_EQ(V(c, "a", "x"), "1");
  EXPECT_EQ(V(c, "a", "y"), "3");
  EXPECT_EQ(V(c, "a", "parts +"), "p");
  EXPECT_EQ(c.sections.at("a").options.at("y").origin.line, 7);
}

TEST(BuildoutParser, ConditionalSections) {
  RawConfig c = Parse(
      "[a]\nx = 1\n"
      "[a:python2]\nx = py2\n  more\n"
      "[a:python3]\ny = py3\n"
      "[b:bits32]\nz = 1\n"
      "[c:python_version >= \"3.0\" and sys_platform == \"linux\"]\nm = 1\n");
  EXPECT_EQ(V(c, "a", "x"), "1");
  EXPECT_EQ(V(c, "a", "y"), "py3");
  EXPECT_EQ(c.sections.count("b"), 0u);
  EXPECT_EQ(V(c, "c", "m"), "1");
}

TEST(BuildoutParser, ConditionWithBracketsAndComment) {
  ConditionEnv env;
  env.os_release["ID"] = "debian";
  Result<RawConfig> r =
      ParseProfile("[a:platform.freedesktop_os_release()['ID'] == 'debian'] ; comment\nx = 1\n", "t.cfg", env);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(V(*r, "a", "x"), "1");
}

TEST(BuildoutParser, BadConditionNamesFileAndLine) {
  Result<RawConfig> r = ParseProfile("[a]\n[b:nosuchname]\nx = 1\n", "t.cfg");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "t.cfg:2: section [b]: cannot evaluate condition 'nosuchname': name 'nosuchname' is not defined");
}

TEST(BuildoutParser, DollarsAndBracesInValuesAreKept) {
  RawConfig c = Parse("[a]\ncmd = echo $${HOME} ${b:c} $$x\n");
  EXPECT_EQ(V(c, "a", "cmd"), "echo $${HOME} ${b:c} $$x");
}

}  // namespace
}  // namespace slapos::build::lang
