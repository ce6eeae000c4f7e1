#include "build/recipes/substitute.h"

#include <gtest/gtest.h>

namespace slapos::build::recipes {
namespace {

struct Fixture {
  std::map<std::string, Options> sections = {
      {"buildout", {{"directory", "/srv/sw"}}},
      {"ports", {{"http", "8080"}}},
  };
  BuildContext ctx;
  Fixture() {
    ctx.section = [this](const std::string& s) -> Result<Options> {
      auto it = sections.find(s);
      if (it == sections.end()) return NotFound("section [" + s + "] does not exist");
      return it->second;
    };
  }
};

TEST(RecipeSubstituteTest, ReferencesEscapesAndOwnOptions) {
  Fixture f;
  Options own = {{"name", "web"}};
  auto r = SubstituteTemplate(
      "dir=${buildout:directory} port=${ports:http} me=${:name} keep=$${x:y} cost=$$5 $HOME\n",
      "cfg", own, f.ctx, "t.in");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "dir=/srv/sw port=8080 me=web keep=${x:y} cost=$5 $HOME\n");
}

TEST(RecipeSubstituteTest, ErrorsNameTemplateLineAndReference) {
  Fixture f;
  auto r = SubstituteTemplate("a\nb ${ports:https}\n", "cfg", {}, f.ctx, "t.in");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "part [cfg]: t.in:2: ${ports:https}: section [ports] has no option 'https'");
  r = SubstituteTemplate("x ${HOME}", "cfg", {}, f.ctx, "t.in");
  EXPECT_EQ(r.status().message(),
            "part [cfg]: t.in:1: The substitution, ${HOME}, doesn't contain a colon (write $${HOME} for a "
            "literal ${HOME})");
  r = SubstituteTemplate("${nope:x}", "cfg", {}, f.ctx, "t.in");
  EXPECT_EQ(r.status().message(),
            "part [cfg]: t.in:1: ${nope:x}: section [nope] does not exist");
  EXPECT_EQ(SubstituteTemplate("${a:b:c}", "cfg", {}, f.ctx, "t").status().message(),
            "part [cfg]: t:1: The substitution, ${a:b:c}, has too many colons.");
  EXPECT_EQ(SubstituteTemplate("x\n${a:b", "cfg", {}, f.ctx, "t").status().message(),
            "part [cfg]: t:2: unterminated '${' (write $${ for a literal ${)");
  EXPECT_EQ(SubstituteTemplate("${a!:b}", "cfg", {}, f.ctx, "t").status().message(),
            "part [cfg]: t:1: The substitution, ${a!:b}, has invalid characters.");
}

TEST(RecipeSubstituteTest, TypedValuesGiveTheirJsonTextInsideTemplates) {
  Fixture f;
  f.sections["slap"] = {{"ports", "!json [80, 443]"}};
  auto r = SubstituteTemplate("ports=${slap:ports}", "cfg", {}, f.ctx, "t");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "ports=[80, 443]");
  // A template that is one reference keeps the typed text (the whole value).
  EXPECT_EQ(*SubstituteTemplate("${slap:ports}", "cfg", {}, f.ctx, "t"), "!json [80, 443]");
}

}  // namespace
}  // namespace slapos::build::recipes
