#include "build/lang/substitution.h"

#include <gtest/gtest.h>

#include <vector>

namespace slapos::build::lang {
namespace {

TEST(BuildoutSubstitution, ReferencesEscapesAndWhatTheLookupSees) {
  std::vector<Reference> seen;
  SubstitutionOptions o;
  o.lookup = [&](const Reference& r) -> Result<std::string> {
    seen.push_back(r);
    return "<" + r.section + "|" + r.option + ">";
  };
  auto r = SubstituteReferences("a ${s:o} ${:x} $${lit:x} $$5 ${ open", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, "a <s|o> <|x> ${lit:x} $5 ${ open");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].text, "${s:o}");
  EXPECT_EQ(seen[0].offset, 2u);
  EXPECT_FALSE(seen[0].whole);
  seen.clear();
  EXPECT_EQ(*SubstituteReferences("${s:o}", o), "<s|o>");
  EXPECT_TRUE(seen[0].whole);
}

TEST(BuildoutSubstitution, TypedValuesAreTypedOnlyAsTheWholeText) {
  SubstitutionOptions o;
  o.lookup = [](const Reference&) -> Result<std::string> {
    return std::string("!json {\"a\": 1}");
  };
  EXPECT_EQ(*SubstituteReferences("${s:o}", o), "!json {\"a\": 1}");
  EXPECT_EQ(*SubstituteReferences("x=${s:o}", o), "x={\"a\": 1}");
  EXPECT_EQ(*SubstituteReferences("${s:o}${s:o}", o), "{\"a\": 1}{\"a\": 1}");
}

TEST(BuildoutSubstitution, SyntaxErrorsUseBuildoutsWordsAndTheCallersPrefix) {
  SubstitutionOptions o;
  o.lookup = [](const Reference&) -> Result<std::string> { return std::string("v"); };
  o.where = [](size_t offset) { return "at " + std::to_string(offset) + ": "; };
  EXPECT_EQ(SubstituteReferences("x ${HOME}", o).status().message(),
            "at 2: The substitution, ${HOME}, doesn't contain a colon (write $${HOME} for a "
            "literal ${HOME})");
  EXPECT_EQ(SubstituteReferences("${a:b:c}", o).status().message(),
            "at 0: The substitution, ${a:b:c}, has too many colons.");
  EXPECT_EQ(SubstituteReferences("${a:b!}", o).status().message(),
            "at 0: The substitution, ${a:b!}, has invalid characters.");
  EXPECT_EQ(SubstituteReferences("${a:}", o).status().message(),
            "at 0: The substitution, ${a:}, has invalid characters.");
  o.unterminated_is_error = true;
  EXPECT_EQ(SubstituteReferences("ok ${a:b", o).status().message(),
            "at 3: unterminated '${' (write $${ for a literal ${)");
  // The lookup's own errors pass through unchanged.
  o.lookup = [](const Reference& r) -> Result<std::string> { return NotFound("no " + r.text); };
  EXPECT_EQ(SubstituteReferences("${a:b}", o).status().message(), "no ${a:b}");
}

}  // namespace
}  // namespace slapos::build::lang
