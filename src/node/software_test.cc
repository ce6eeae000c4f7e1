#include "node/software.h"

#include <set>

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

struct FakeMaster : SoftwareMaster {
  std::vector<SoftwareEntry> entries;
  std::vector<std::string> calls;
  Result<std::vector<SoftwareEntry>> List() override { return entries; }
  Status Building(const std::string& url) override { return Call("building " + url); }
  Status Available(const std::string& url) override { return Call("available " + url); }
  Status Destroyed(const std::string& url) override { return Call("destroyed " + url); }
  Status Error(const std::string& url, const std::string& log) override { return Call("error " + url + ": " + log); }
  Status Call(const std::string& c) {
    calls.push_back(c);
    return Status::OK();
  }
};

struct FakeBuilder : SoftwareBuilder {
  std::set<std::string> failing;
  int builds = 0;
  Status Build(const std::string& url, const std::string& dir) override {
    builds++;
    SLAPOS_RETURN_IF_ERROR(MakeDirs(dir));
    if (failing.count(url)) return IOError("make: *** [all] Error 1");
    return WriteFileAtomic(dir + "/instance.cfg", "[buildout]\n");
  }
};

TEST(NodeSoftwareTest, BuildsReportsSkipsRetriesAndDestroys) {
  testing::TempDir root("software-root");
  FakeMaster master;
  FakeBuilder builder;
  master.entries = {{"http://x/a.cfg", false}, {"http://x/b.cfg", false}};
  builder.failing = {"http://x/b.cfg"};
  auto r = ProcessSoftwareReleases(root.path(), master, builder);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->built, 1);
  EXPECT_EQ(r->failed, 1);
  EXPECT_EQ(master.calls, (std::vector<std::string>{"building http://x/a.cfg", "available http://x/a.cfg",
                                                    "building http://x/b.cfg",
                                                    "error http://x/b.cfg: make: *** [all] Error 1"}));
  std::string a = SoftwareDirectory(root.path(), "http://x/a.cfg");
  EXPECT_EQ(a, root.path() + "/" + Md5Hex("http://x/a.cfg"));
  EXPECT_TRUE(PathExists(a + "/.completed"));

  // Next run: a is done (no call), b is retried and now works.
  master.calls.clear();
  builder.failing.clear();
  r = ProcessSoftwareReleases(root.path(), master, builder);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->skipped, 1);
  EXPECT_EQ(r->built, 1);
  EXPECT_EQ(builder.builds, 3);
  EXPECT_EQ(master.calls, (std::vector<std::string>{"building http://x/b.cfg", "available http://x/b.cfg"}));

  // Destroyed: the directory goes, the master is told.
  master.calls.clear();
  master.entries = {{"http://x/a.cfg", true}};
  r = ProcessSoftwareReleases(root.path(), master, builder);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->destroyed, 1);
  EXPECT_FALSE(PathExists(a));
  EXPECT_EQ(master.calls, std::vector<std::string>{"destroyed http://x/a.cfg"});
}

TEST(NodeSoftwareTest, MissingSoftwareRootIsAnError) {
  FakeMaster master;
  FakeBuilder builder;
  auto r = ProcessSoftwareReleases("/nonexistent/slapgrid", master, builder);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("slapos node format"), std::string::npos);
}

}  // namespace
}  // namespace slapos::node
