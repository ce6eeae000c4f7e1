// slapos.recipe.build:gitclone against a local repository the test creates with git.
#include <gtest/gtest.h>

#include "recipe_fixture.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::testing_support {
namespace {

class RecipeGitCloneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo = b.Path("origin");
    ASSERT_TRUE(MakeDirs(repo).ok());
    Git({"init", "--quiet", "--initial-branch=main"});
    Commit("v1");
    first = std::string(Trim(Git({"rev-parse", "HEAD"})));
    Commit("v2");
    Git({"branch", "stable", first});
  }
  std::string Git(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"git", "-c", "user.name=t", "-c", "user.email=t@example.org"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunOk(argv, repo);
  }
  void Commit(const std::string& v) {
    Write(repo + "/VERSION", v + "\n");
    Git({"add", "VERSION"});
    Git({"commit", "--quiet", "-m", v});
  }
  FakeBuildout b;
  std::string repo, first;
};

TEST_F(RecipeGitCloneTest, ClonesTheDefaultBranchAndFollowsItOnUpdate) {
  Options o = {{"repository", repo}};
  auto paths = b.Install("slapos.recipe.build:gitclone", "src", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("parts/src")});
  EXPECT_EQ(ReadOr(b.Path("parts/src/VERSION")), "v2\n");
  Commit("v3");
  ASSERT_TRUE(b.Update("slapos.recipe.build:gitclone", "src", o).ok());
  EXPECT_EQ(ReadOr(b.Path("parts/src/VERSION")), "v3\n");
}

TEST_F(RecipeGitCloneTest, RevisionWinsOverBranch) {
  Options o = {{"repository", repo}, {"branch", "main"}, {"revision", first},
               {"location", b.Path("checkout")}};
  ASSERT_TRUE(b.Install("slapos.recipe.build:gitclone", "src", o).ok());
  EXPECT_EQ(ReadOr(b.Path("checkout/VERSION")), "v1\n");
  Options br = {{"repository", repo}, {"branch", "stable"}};
  ASSERT_TRUE(b.Install("slapos.recipe.build:gitclone", "stable", br).ok());
  EXPECT_EQ(ReadOr(b.Path("parts/stable/VERSION")), "v1\n");
}

TEST_F(RecipeGitCloneTest, BadRevisionFailsAndLeavesNothing) {
  Options o = {{"repository", repo}, {"revision", std::string(40, 'a')}};
  auto paths = b.Install("slapos.recipe.build:gitclone", "src", o);
  ASSERT_FALSE(paths.ok());
  EXPECT_NE(paths.status().message().find("part [src]: git checkout"), std::string::npos)
      << paths.status().message();
  EXPECT_FALSE(PathExists(b.Path("parts/src")));
  Options missing = {{"repository", b.Path("no-such-repo")}};
  EXPECT_FALSE(b.Install("slapos.recipe.build:gitclone", "m", missing).ok());
}

}  // namespace
}  // namespace slapos::build::testing_support
