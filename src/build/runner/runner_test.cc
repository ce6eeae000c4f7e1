#include "build/runner/runner.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "util/file.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::build::runner {
namespace {

struct Calls {
  std::vector<std::string> log;  // "install a", "update a", "uninstall a"
};

// Writes option `content` to `path` (default parts/<name>); fails when `fail = true`.
class FileRecipe : public Recipe {
 public:
  explicit FileRecipe(Calls* calls) : calls_(calls) {}
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    if (!options.count("path")) options["path"] = ctx.parts_directory + "/" + part;
    return Status::OK();
  }
  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext&) override {
    calls_->log.push_back("install " + part);
    if (options.count("fail") && options.at("fail") == "true") return IOError("boom in " + part);
    SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(options.at("path"), options.count("content") ? options.at("content") : ""));
    return std::vector<std::string>{options.at("path")};
  }
  Status Update(const std::string& part, const Options&, const BuildContext&) override {
    calls_->log.push_back("update " + part);
    return Status::OK();
  }
  Status Uninstall(const std::string& part, const Options&, const BuildContext&) override {
    calls_->log.push_back("uninstall " + part);
    return Status::OK();
  }

 private:
  Calls* calls_;
};

class RunnerTest : public ::testing::Test {
 protected:
  RunnerTest() {
    registry_.Register("test:file", [this] { return std::make_unique<FileRecipe>(&calls_); });
  }
  void Profile(const std::string& text) { ASSERT_TRUE(WriteFileAtomic(dir_.Join("buildout.cfg"), text).ok()); }
  Status Run(RunReport* report, std::vector<std::string> parts = {}) {
    calls_.log.clear();
    RunOptions o;
    o.config_file = dir_.Join("buildout.cfg");
    o.parts = std::move(parts);
    o.log = [this](const std::string& l) { lines_.push_back(l); };
    return RunBuildout(o, registry_, report);
  }
  std::string Read(const std::string& rel) {
    Result<std::string> r = ReadFile(dir_.Join(rel));
    return r.ok() ? *r : "<missing>";
  }
  slapos::testing::TempDir dir_{"slapos-runner-test"};
  RecipeRegistry registry_;
  Calls calls_;
  std::vector<std::string> lines_;
};

const char kTwoParts[] =
    "[buildout]\nparts = a\n"
    "[a]\nrecipe = test:file\ncontent = A uses ${b:path}\n"
    "[b]\nrecipe = test:file\ncontent = B\n"
    "[c]\nrecipe = test:file\ncontent = C\n";

TEST_F(RunnerTest, InstallThenNoOpRerun) {
  Profile(kTwoParts);
  RunReport r1;
  ASSERT_TRUE(Run(&r1).ok());
  EXPECT_EQ(r1.installed, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(Read("parts/a"), "A uses " + dir_.Join("parts/b"));
  EXPECT_EQ(Read("parts/b"), "B");
  EXPECT_TRUE(IsDirectory(dir_.Join("bin")));
  std::string state = Read(".installed.cfg");
  EXPECT_NE(state.find("parts = b a\n"), std::string::npos) << state;
  EXPECT_NE(state.find("__buildout_installed__ = " + dir_.Join("parts/a")), std::string::npos) << state;

  RunReport r2;
  ASSERT_TRUE(Run(&r2).ok());
  EXPECT_TRUE(r2.installed.empty());
  EXPECT_TRUE(r2.uninstalled.empty());
  EXPECT_EQ(r2.updated, (std::vector<std::string>{"b", "a"}));
  EXPECT_FALSE(r2.state_written);
  EXPECT_EQ(Read(".installed.cfg"), state);
}

TEST_F(RunnerTest, ChangedOptionsReinstallThePartAndItsDependents) {
  Profile(kTwoParts);
  ASSERT_TRUE(Run(nullptr).ok());
  // Only a's own option changes: b is updated, a reinstalled.
  Profile(ReplaceAll(kTwoParts, "A uses", "A now uses"));
  RunReport r;
  ASSERT_TRUE(Run(&r).ok());
  EXPECT_EQ(r.uninstalled, (std::vector<std::string>{"a"}));
  EXPECT_EQ(r.installed, (std::vector<std::string>{"a"}));
  EXPECT_EQ(r.updated, (std::vector<std::string>{"b"}));
  EXPECT_EQ(calls_.log, (std::vector<std::string>{"uninstall a", "update b", "install a"}));
  EXPECT_EQ(Read("parts/a"), "A now uses " + dir_.Join("parts/b"));
  // b changes: b and a (which references b) are both reinstalled.
  Profile(ReplaceAll(kTwoParts, "content = B", "content = B2"));
  ASSERT_TRUE(Run(&(r = RunReport{})).ok());
  EXPECT_EQ(r.uninstalled, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.installed, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(Read("parts/b"), "B2");
}

TEST_F(RunnerTest, RemovedPartIsUninstalled) {
  Profile(std::string(kTwoParts) + "[buildout]\nparts += c\n");
  ASSERT_TRUE(Run(nullptr).ok());
  EXPECT_EQ(Read("parts/c"), "C");
  Profile(kTwoParts);
  RunReport r;
  ASSERT_TRUE(Run(&r).ok());
  EXPECT_EQ(r.uninstalled, (std::vector<std::string>{"c"}));
  EXPECT_FALSE(PathExists(dir_.Join("parts/c")));
  EXPECT_EQ(Read(".installed.cfg").find("[c]"), std::string::npos);
  Profile("[buildout]\nparts =\n");
  ASSERT_TRUE(Run(&(r = RunReport{})).ok());
  EXPECT_EQ(r.uninstalled, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(PathExists(dir_.Join("parts/a")));
}

TEST_F(RunnerTest, EmptyStateFileLeftByACrashInstallsEverythingAgain) {
  // .installed.cfg is saved unsynced; a crash before the run's final sync may leave it empty.
  Profile(kTwoParts);
  ASSERT_TRUE(Run(nullptr).ok());
  std::string state = Read(".installed.cfg");
  ASSERT_TRUE(WriteFileAtomic(dir_.Join(".installed.cfg"), "").ok());
  RunReport r;
  ASSERT_TRUE(Run(&r).ok());
  EXPECT_EQ(r.installed, (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(r.state_written);
  EXPECT_EQ(Read(".installed.cfg"), state);
  EXPECT_EQ(Read("parts/a"), "A uses " + dir_.Join("parts/b"));
}

TEST_F(RunnerTest, MissingPathReinstalls) {
  Profile(kTwoParts);
  ASSERT_TRUE(Run(nullptr).ok());
  ASSERT_TRUE(RemoveAll(dir_.Join("parts/b")).ok());
  RunReport r;
  ASSERT_TRUE(Run(&r).ok());
  EXPECT_EQ(r.installed, (std::vector<std::string>{"b"}));
  EXPECT_EQ(Read("parts/b"), "B");
  EXPECT_EQ(lines_[lines_.size() - 3], "Uninstalling b ('" + dir_.Join("parts/b") + "' is missing).");
}

TEST_F(RunnerTest, FailingPartStopsTheRunAndKeepsTheState) {
  Profile(
      "[buildout]\nparts = a bad c\n"
      "[a]\nrecipe = test:file\n[bad]\nrecipe = test:file\nfail = true\n[c]\nrecipe = test:file\n");
  RunReport r;
  Status st = Run(&r);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "part 'bad' (recipe test:file) failed to install: boom in bad");
  EXPECT_EQ(r.installed, (std::vector<std::string>{"a"}));
  EXPECT_FALSE(PathExists(dir_.Join("parts/c")));
  std::string state = Read(".installed.cfg");
  EXPECT_NE(state.find("parts = a\n"), std::string::npos) << state;
  // Fixed: a is kept, the rest installed.
  Profile("[buildout]\nparts = a bad c\n[a]\nrecipe = test:file\n[bad]\nrecipe = test:file\n[c]\nrecipe = test:file\n");
  ASSERT_TRUE(Run(&(r = RunReport{})).ok());
  EXPECT_EQ(r.updated, (std::vector<std::string>{"a"}));
  EXPECT_EQ(r.installed, (std::vector<std::string>{"bad", "c"}));
}

TEST_F(RunnerTest, ResolveErrorInstallsNothing) {
  Profile(kTwoParts);
  ASSERT_TRUE(Run(nullptr).ok());
  std::string state = Read(".installed.cfg");
  Profile(std::string(kTwoParts) + "[a]\ncontent = ${nosuch:x}\n");
  Status st = Run(nullptr);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), dir_.Join("buildout.cfg") +
                              ":13: [a] option 'content': ${nosuch:x} refers to section [nosuch], which does not exist");
  EXPECT_EQ(Read(".installed.cfg"), state);
  EXPECT_TRUE(PathExists(dir_.Join("parts/a")));
}

TEST_F(RunnerTest, ExplicitPartsLeaveTheOthersAlone) {
  Profile(std::string(kTwoParts) + "[buildout]\nparts += c\n");
  RunReport r;
  ASSERT_TRUE(Run(&r, {"c"}).ok());
  EXPECT_EQ(r.installed, (std::vector<std::string>{"c"}));
  Profile(kTwoParts);  // c no longer listed, but only b is asked for
  ASSERT_TRUE(Run(&(r = RunReport{}), {"b"}).ok());
  EXPECT_EQ(r.installed, (std::vector<std::string>{"b"}));
  EXPECT_TRUE(r.uninstalled.empty());
  EXPECT_TRUE(PathExists(dir_.Join("parts/c")));
}

TEST_F(RunnerTest, ExplicitPartAlsoInstallsThePartsItReferences) {
  Profile("[buildout]\nparts = z\n[z]\nrecipe = test:file\ncontent = Z\n");
  RunReport r;
  ASSERT_TRUE(Run(&r).ok());
  EXPECT_EQ(r.installed, (std::vector<std::string>{"z"}));
  // a -> [mid] (no recipe) -> b -> c: installing a alone installs c, b, then a; z, no longer
  // listed and not asked for, stays installed; d (listed, not referenced) is not installed.
  const std::string chain =
      "[buildout]\nparts = d a\n"
      "[a]\nrecipe = test:file\ncontent = ${mid:x}\n"
      "[mid]\nx = ${b:path}\n"
      "[b]\nrecipe = test:file\ncontent = ${c:path}\n"
      "[c]\nrecipe = test:file\ncontent = C\n"
      "[d]\nrecipe = test:file\n";
  Profile(chain);
  ASSERT_TRUE(Run(&(r = RunReport{}), {"a"}).ok());
  EXPECT_EQ(r.installed, (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_TRUE(r.uninstalled.empty());
  EXPECT_EQ(Read("parts/a"), dir_.Join("parts/b"));
  EXPECT_EQ(Read("parts/b"), dir_.Join("parts/c"));
  EXPECT_EQ(Read("parts/z"), "Z");
  EXPECT_FALSE(PathExists(dir_.Join("parts/d")));
  std::string state = Read(".installed.cfg");
  EXPECT_NE(state.find("[z]"), std::string::npos) << state;
  // A changed dependency is reinstalled with its dependents; z still untouched.
  Profile(chain + "[c]\ncontent = C2\n");
  ASSERT_TRUE(Run(&(r = RunReport{}), {"a"}).ok());
  EXPECT_EQ(r.uninstalled, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.installed, (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(Read("parts/c"), "C2");
  EXPECT_EQ(Read("parts/z"), "Z");
  // Asking for b alone leaves a (its dependent) alone.
  ASSERT_TRUE(Run(&(r = RunReport{}), {"b"}).ok());
  EXPECT_TRUE(r.installed.empty());
  EXPECT_EQ(r.updated, (std::vector<std::string>{"c", "b"}));
}

TEST_F(RunnerTest, ExtraSectionsAndOverrides) {
  Profile("[buildout]\nparts = a\n[a]\nrecipe = test:file\ncontent = ${slap-connection:computer-id} ${:v}\nv = file\n");
  RunOptions o;
  o.config_file = dir_.Join("buildout.cfg");
  o.extra_sections["slap-connection"]["computer-id"] = "COMP-7";
  o.overrides = {"a:v=cli"};
  ASSERT_TRUE(RunBuildout(o, registry_).ok());
  EXPECT_EQ(Read("parts/a"), "COMP-7 cli");
}

TEST_F(RunnerTest, InstalledFileFollowsBuildoutInstalledOption) {
  Profile("[buildout]\nparts = a\ninstalled = .installed-sub.cfg\n[a]\nrecipe = test:file\n");
  ASSERT_TRUE(Run(nullptr).ok());
  EXPECT_TRUE(PathExists(dir_.Join(".installed-sub.cfg")));
  EXPECT_FALSE(PathExists(dir_.Join(".installed.cfg")));
}

}  // namespace
}  // namespace slapos::build::runner
