#include "build/recipes/options.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::build::recipes {
namespace {

TEST(RecipeOptionsTest, BooleansAndModes) {
  Options o = {{"a", "yes"}, {"b", "False"}, {"c", "maybe"}, {"m", "0750"}, {"bad", "0998"}};
  EXPECT_TRUE(*GetBool("p", o, "a", false));
  EXPECT_FALSE(*GetBool("p", o, "b", true));
  EXPECT_TRUE(*GetBool("p", o, "missing", true));
  auto c = GetBool("p", o, "c", false);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "part [p]: option 'c' = 'maybe' is not a boolean; use true or false");
  EXPECT_EQ(*GetMode("p", o, "m", 0), 0750u);
  EXPECT_EQ(*GetMode("p", o, "missing", 0644), 0644u);
  EXPECT_FALSE(GetMode("p", o, "bad", 0).ok());
}

TEST(RecipeOptionsTest, RequireNamesPartAndOption) {
  auto r = Require("web", {{"url", "  "}}, "url");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "part [web]: option 'url' is required; add it to the section");
}

TEST(RecipeOptionsTest, LinesDropBlanksAndTrim) {
  EXPECT_EQ(Lines("\n  a b \n\n c\n"), (std::vector<std::string>{"a b", "c"}));
}

TEST(RecipeOptionsTest, ShellQuoteAndSplitRoundTrip) {
  EXPECT_EQ(ShellQuote("plain/path-1.2"), "plain/path-1.2");
  EXPECT_EQ(ShellQuote("it's"), "'it'\"'\"'s'");
  EXPECT_EQ(ShellQuote(""), "''");
  auto words = ShellSplit(R"(/bin/x --name 'a b' "c \"d\"" e\ f)");
  ASSERT_TRUE(words.ok());
  EXPECT_EQ(*words, (std::vector<std::string>{"/bin/x", "--name", "a b", "c \"d\"", "e f"}));
  EXPECT_FALSE(ShellSplit("echo 'open").ok());
}

TEST(RecipeOptionsTest, SharedLocationIsStableAndFindsFinishedBuilds) {
  testing::TempDir tmp;
  std::string a = tmp.Join("shared-a"), b = tmp.Join("shared-b");
  BuildContext ctx;
  ctx.section = [&](const std::string& s) -> Result<Options> {
    if (s == "buildout") return Options{{"shared-part-list", a + "\n" + b}};
    return NotFound(s);
  };
  Options opts = {{"url", "http://x/y.tar.gz"}, {"shared", "true"}};
  auto p1 = SharedLocation("zlib", opts, ctx);
  ASSERT_TRUE(p1.ok()) << p1.status().ToString();
  EXPECT_FALSE(p1->complete);
  EXPECT_TRUE(p1->location.rfind(b + "/zlib/", 0) == 0) << p1->location;  // the last directory
  // `location` does not enter the hash; other options do.
  opts["location"] = "/elsewhere";
  EXPECT_EQ(SharedLocation("zlib", opts, ctx)->location, p1->location);
  Options other = opts;
  other["configure-options"] = "--x";
  EXPECT_NE(SharedLocation("zlib", other, ctx)->location, p1->location);
  // A finished build in the first directory is found there.
  std::string in_a = a + p1->location.substr(b.size());
  ASSERT_TRUE(MakeDirs(in_a).ok());
  ASSERT_TRUE(WriteSharedSignature(in_a, opts).ok());
  auto p2 = SharedLocation("zlib", opts, ctx);
  EXPECT_TRUE(p2->complete);
  EXPECT_EQ(p2->location, in_a);
}

TEST(RecipeOptionsTest, WriteFileIfChangedSkipsIdenticalFiles) {
  testing::TempDir tmp;
  std::string path = tmp.Join("sub/f");
  ASSERT_TRUE(WriteFileIfChanged(path, "one", 0640).ok());
  EXPECT_EQ(*ReadFile(path), "one");
  struct stat before, after;
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  ASSERT_TRUE(WriteFileIfChanged(path, "one", 0640).ok());
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);  // not rewritten (an atomic write renames a new inode)
  ASSERT_TRUE(WriteFileIfChanged(path, "one", 0600).ok());  // the mode alone changed
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_mode & 0777, 0600u);
  ASSERT_TRUE(WriteFileIfChanged(path, "two", 0600).ok());
  EXPECT_EQ(*ReadFile(path), "two");
}

TEST(RecipeOptionsTest, SharedWithoutSharedPartListIsAClearError) {
  BuildContext ctx;
  ctx.section = [](const std::string&) -> Result<Options> { return Options{}; };
  auto p = SharedLocation("zlib", {{"shared", "true"}}, ctx);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("shared-part-list is empty"), std::string::npos);
}

}  // namespace
}  // namespace slapos::build::recipes
