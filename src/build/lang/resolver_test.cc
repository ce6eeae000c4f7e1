#include "build/lang/resolver.h"

#include <gtest/gtest.h>

#include "build/lang/loader.h"
#include "build/lang/parser.h"
#include "util/file.h"
#include "util/testing.h"

namespace slapos::build::lang {
namespace {

// A recipe that sets `location` at Init, as Buildout recipes do.
class LocationRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    if (!options.count("location")) options["location"] = ctx.parts_directory + "/" + part;
    return Status::OK();
  }
  Result<std::vector<std::string>> Install(const std::string&, const Options&, const BuildContext&) override {
    return std::vector<std::string>{};
  }
};

class BuildoutResolver : public ::testing::Test {
 protected:
  BuildoutResolver() {
    registry_.Register("test:location", [] { return std::make_unique<LocationRecipe>(); });
    registry_.Register("test:plain", [] { return std::make_unique<LocationRecipe>(); });
  }
  // Loads `text` as /tmp/.../buildout.cfg (with `more` files beside it).
  std::unique_ptr<Resolver> Make(const std::string& text,
                                 const std::map<std::string, std::string>& more = {}) {
    for (const auto& [name, body] : more) EXPECT_TRUE(WriteFileAtomic(dir_.Join(name), body).ok());
    EXPECT_TRUE(WriteFileAtomic(dir_.Join("buildout.cfg"), text).ok());
    Result<RawConfig> c = LoadProfile(dir_.Join("buildout.cfg"), {});
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    ResolveOptions o;
    o.registry = &registry_;
    return std::make_unique<Resolver>(c.ok() ? *c : RawConfig{}, o);
  }
  std::string Get(Resolver& r, const std::string& s, const std::string& k) {
    Result<Options> o = r.Section(s);
    if (!o.ok()) return "ERROR: " + o.status().message();
    auto it = o->find(k);
    return it == o->end() ? "<no option>" : it->second;
  }
  std::string Error(Resolver& r, const std::string& s) {
    Result<Options> o = r.Section(s);
    return o.ok() ? "<no error>" : o.status().message();
  }
  std::string F() { return dir_.Join("buildout.cfg"); }
  slapos::testing::TempDir dir_{"slapos-resolver-test"};
  RecipeRegistry registry_;
};

TEST_F(BuildoutResolver, SubstitutionIsLateBound) {
  auto r = Make("[buildout]\nextends = low.cfg\n[s]\ny = from-top\n",
                {{"low.cfg", "[s]\nonly-lower = ${:y}\ny = from-lower\nother = ${t:z}/x\n[t]\nz = ${s:y}!\n"}});
  EXPECT_EQ(Get(*r, "s", "only-lower"), "from-top");
  EXPECT_EQ(Get(*r, "s", "other"), "from-top!/x");
  EXPECT_EQ(Get(*r, "buildout", "directory"), dir_.path());
}

TEST_F(BuildoutResolver, DoubleDollarIsALiteralDollar) {
  auto r = Make("[s]\na = $${x:y} and $${HOME}\nb = cost $$5 ${:c}\nc = $$${:d}\nd = D\n");
  EXPECT_EQ(Get(*r, "s", "a"), "${x:y} and ${HOME}");
  EXPECT_EQ(Get(*r, "s", "b"), "cost $5 $D");
  EXPECT_EQ(Get(*r, "s", "c"), "$D");
}

TEST_F(BuildoutResolver, SubstitutedTextIsNotRescanned) {
  auto r = Make("[s]\na = $${s:b}\nb = B\nc = ${:a}\n");
  EXPECT_EQ(Get(*r, "s", "c"), "${s:b}");
}

TEST_F(BuildoutResolver, BuiltinSectionName) {
  auto r = Make("[s]\nme = ${:_buildout_section_name_}\nother = ${t:_buildout_section_name_}\n[t]\n");
  EXPECT_EQ(Get(*r, "s", "me"), "s");
  EXPECT_EQ(Get(*r, "s", "other"), "t");
}

TEST_F(BuildoutResolver, ReferenceErrors) {
  auto r = Make(
      "[a]\nx = ${nosuch:y}\n[b]\nx = ${a2:nope}\n[a2]\nv = 1\n[c]\nx = ${HOME}\n[d]\nx = ${a:b:c}\n"
      "[e]\nx = ${a:b/c}\n[f]\nx = ${:y}\ny = ${:x}\n[g]\nnot-closed = ${a:x\n");
  EXPECT_EQ(Error(*r, "a"), F() + ":2: [a] option 'x': ${nosuch:y} refers to section [nosuch], which does not exist");
  EXPECT_EQ(Error(*r, "b"), F() + ":4: [b] option 'x': ${a2:nope}: Referenced option does not exist: [a2] nope");
  EXPECT_EQ(Error(*r, "c"), F() + ":8: [c] option 'x': The substitution, ${HOME}, doesn't contain a colon "
                                  "(write $${HOME} for a literal ${HOME})");
  EXPECT_EQ(Error(*r, "d"), F() + ":10: [d] option 'x': The substitution, ${a:b:c}, has too many colons.");
  EXPECT_EQ(Error(*r, "e"), F() + ":12: [e] option 'x': The substitution, ${a:b/c}, has invalid characters.");
  EXPECT_EQ(Error(*r, "f"), F() + ":14: [f] option 'x': Circular reference in substitutions: f:x -> f:y -> f:x");
  EXPECT_EQ(Get(*r, "g", "not-closed"), "${a:x");
}

TEST_F(BuildoutResolver, CycleAcrossSections) {
  auto r = Make("[a]\nx = ${b:y}\n[b]\ny = ${a:x}\n");
  EXPECT_EQ(Error(*r, "a"), F() + ":4: [b] option 'y': Circular reference in substitutions: b:y -> a:x -> b:y");
}

TEST_F(BuildoutResolver, Macros) {
  auto r = Make(
      "[base]\nrecipe = test:plain\nurl = ${:_profile_base_location_}/${:filename}\nlist = a\n  b\nk = base\n"
      "[other]\nk = other\nextra = 1\n"
      "[use]\n<= base\nfilename = f.in\nlist += c\nlist -= a\n"
      "[use-two]\n<= base\n  other\nfilename = f\n"
      "[mid]\n<= base\nk = mid\n"
      "[use-chain]\n<= mid\nfilename = f\n"
      "[bad]\n<= base other\n"
      "[loop1]\n<= loop2\n[loop2]\n<= loop1\n");
  EXPECT_EQ(Get(*r, "use", "url"), dir_.path() + "/f.in");
  EXPECT_EQ(Get(*r, "use", "list"), "b\nc");
  EXPECT_EQ(Get(*r, "use", "<"), "<no option>");
  EXPECT_EQ(Get(*r, "use-two", "k"), "other");
  EXPECT_EQ(Get(*r, "use-two", "extra"), "1");
  EXPECT_EQ(Get(*r, "use-chain", "k"), "mid");
  EXPECT_EQ(Get(*r, "use-chain", "location"), dir_.Join("parts") + "/use-chain");
  EXPECT_EQ(Error(*r, "bad"), F() + ":26: [bad] option '<': No section named 'base other' (macros are listed one per line)");
  EXPECT_EQ(Error(*r, "loop1"), F() + ":28: [loop1] option '<': Infinite extending loop: loop1 <= loop2 <= loop1");
  // The macro itself is never accessed in a real run; accessing it directly fails.
  EXPECT_EQ(Error(*r, "base"), F() + ":3: [base] option 'url': ${:filename}: Referenced option does not exist: [base] filename");
}

TEST_F(BuildoutResolver, PartOrderFollowsReferences) {
  auto r = Make(
      "[buildout]\nparts = c a\n"
      "[a]\nrecipe = test:location\nuse = ${b:location}\n"
      "[b]\nrecipe = test:location\n"
      "[c]\nrecipe = test:location\n"
      "[never]\nrecipe = test:location\nbroken = ${nosuch:x}\n");
  ASSERT_TRUE(r->ResolveParts().ok());
  EXPECT_EQ(r->install_order(), (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(Get(*r, "a", "use"), dir_.Join("parts") + "/b");
  EXPECT_EQ(r->dependencies("a"), (std::set<std::string>{"b"}));
}

TEST_F(BuildoutResolver, AggregatorAndDependsIdioms) {
  auto r = Make(
      "[buildout]\nparts = promises late\n"
      "[promises]\nrecipe =\ninstance-promises =\n  ${p1:location}\n  ${p2:location}\n"
      "[p1]\nrecipe = test:location\n[p2]\nrecipe = test:location\n"
      "[gcc]\nrecipe = test:location\n"
      "[late]\nrecipe = test:location\ndepends = ${gcc:recipe}\n");
  ASSERT_TRUE(r->ResolveParts().ok());
  EXPECT_EQ(r->install_order(), (std::vector<std::string>{"p1", "p2", "gcc", "late"}));
}

TEST_F(BuildoutResolver, ListedSectionWithoutRecipeIsAnError) {
  auto r = Make("[buildout]\nparts = x missing\n[x]\nfoo = 1\n");
  Status st = r->ResolveParts();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), F() + ":3: [x] is listed in parts but has no 'recipe' option (MissingOption)");
  r = Make("[buildout]\nparts = missing\n");
  st = r->ResolveParts();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), F() + ":2: [buildout] option 'parts': part 'missing' has no section [missing]");
}

TEST_F(BuildoutResolver, UnknownRecipeListsTheAvailableOnes) {
  auto r = Make("[buildout]\nparts = x\n[x]\nrecipe = no.such:recipe\n");
  Status st = r->ResolveParts();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), F() + ":4: [x] option 'recipe': unknown recipe 'no.such:recipe'; available "
                                "recipes: test:location, test:plain");
}

TEST_F(BuildoutResolver, ParDependenciesForceInitialisation) {
  auto r = Make("[buildout]\nparts = a\n[a]\nrecipe = test:plain\n=> b\n[b]\nrecipe = test:plain\n");
  ASSERT_TRUE(r->ResolveParts().ok());
  EXPECT_EQ(r->install_order(), (std::vector<std::string>{"b", "a"}));
}

TEST_F(BuildoutResolver, ResolveRemainingReportsMacroOnlySections) {
  auto r = Make("[buildout]\nparts =\n[ok]\nx = 1\n[macro]\nu = ${:filename}\n");
  ASSERT_TRUE(r->ResolveParts().ok());
  auto failed = r->ResolveRemaining();
  EXPECT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed.count("macro"), 1u);
  EXPECT_EQ(r->sections().count("ok"), 1u);
  EXPECT_TRUE(r->install_order().empty());
}

TEST_F(BuildoutResolver, SubstituteTemplateText) {
  auto r = Make("[s]\nname = world\n");
  Result<std::string> t = r->Substitute("hello ${:name} $${keep:me}", "s");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, "hello world ${keep:me}");
}

TEST_F(BuildoutResolver, BuildoutContext) {
  auto r = Make("[buildout]\nparts =\noffline = true\ndownload-cache = dl\n");
  ASSERT_TRUE(r->ResolveParts().ok());
  EXPECT_TRUE(r->context().offline);
  EXPECT_FALSE(r->context().newest);
  EXPECT_EQ(r->context().download_cache, dir_.Join("dl"));
  EXPECT_EQ(r->context().parts_directory, dir_.Join("parts"));
  r = Make("[buildout]\nparts =\nnewest = maybe\n");
  Status st = r->ResolveParts();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), F() + ":3: [buildout] option 'newest': expected true or false, got 'maybe'");
}

}  // namespace
}  // namespace slapos::build::lang

namespace slapos::build::lang {
namespace {

// Typed (non-string) values, profiles.md §1.6 and build/typed_value.h: a whole-value reference
// keeps the value typed, a reference inside longer text inserts its JSON text.
TEST_F(BuildoutResolver, TypedValuesStayTypedThroughWholeReferencesOnly) {
  auto r = Make(
      "[buildout]\nparts =\n"
      "[slap]\nconfiguration = !json {\"a\": [1, 2], \"$b\": \"x\"}\nport = !json 8080\n"
      "[use]\nwhole = ${slap:configuration}\nport = ${slap:port}\n"
      "embedded = port=${slap:port} conf=${slap:configuration}\n"
      "chained = ${:whole}\n"
      "literal = $${slap:port}\n"
      "plain = !jsonish ${slap:port}\n");
  EXPECT_EQ(Get(*r, "use", "whole"), "!json {\"a\": [1, 2], \"$b\": \"x\"}");
  EXPECT_EQ(Get(*r, "use", "port"), "!json 8080");
  EXPECT_EQ(Get(*r, "use", "embedded"), "port=8080 conf={\"a\": [1, 2], \"$b\": \"x\"}");
  EXPECT_EQ(Get(*r, "use", "chained"), "!json {\"a\": [1, 2], \"$b\": \"x\"}");
  EXPECT_EQ(Get(*r, "use", "literal"), "${slap:port}");
  EXPECT_EQ(Get(*r, "use", "plain"), "!jsonish 8080");
}

}  // namespace
}  // namespace slapos::build::lang
