#include "node/promise.h"

#include <pwd.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

class PromiseTest : public ::testing::Test {
 protected:
  void Promise(const std::string& name, const std::string& script, mode_t mode = 0755) {
    ASSERT_TRUE(MakeDirs(dir.Join("etc/promise")).ok());
    ASSERT_TRUE(WriteFileAtomic(dir.Join("etc/promise/" + name), "#!/bin/sh\n" + script + "\n", mode).ok());
  }
  PromiseRunOptions Options() {
    PromiseRunOptions o;
    o.partition_path = dir.path();
    o.timeout_seconds = 5;
    return o;
  }
  testing::TempDir dir{"promise-test"};
  FakeEnv env;
};

TEST_F(PromiseTest, NoDirectoryNoPromises) {
  auto r = RunPromises(Options(), env);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_FALSE(FirstPromiseFailure(*r));
}

TEST_F(PromiseTest, KeptAndBrokenInNameOrderWithOutput) {
  Promise("b-broken", "echo 'port 8080 is closed' >&2; exit 3");
  Promise("a-kept", "test \"$(pwd)\" = \"" + dir.path() + "\" && echo fine");
  Promise("c-not-executable", "exit 1", 0644);
  auto r = RunPromises(Options(), env);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "a-kept");
  EXPECT_FALSE((*r)[0].failed) << (*r)[0].message;
  EXPECT_EQ((*r)[0].message, "fine");
  EXPECT_TRUE((*r)[1].failed);
  EXPECT_EQ((*r)[1].message, "port 8080 is closed");
  EXPECT_EQ(FirstPromiseFailure(*r).value_or(""), "Promise 'b-broken' failed with output: port 8080 is closed");
  auto saved = ReadFile(dir.Join(".slapgrid/promise/result/b-broken.status.json"));
  ASSERT_TRUE(saved.ok());
  EXPECT_NE(saved->find("\"failed\": true"), std::string::npos) << *saved;
  EXPECT_NE(saved->find("Test Result"), std::string::npos);
}

TEST_F(PromiseTest, TimeoutIsAFailure) {
  Promise("slow", "sleep 30");
  auto o = Options();
  o.timeout_seconds = 0.2;
  auto r = RunPromises(o, env);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE((*r)[0].failed);
  EXPECT_TRUE((*r)[0].timed_out);
  EXPECT_EQ((*r)[0].message, "Error: Promise timed out after 0.2 seconds");
}

TEST_F(PromiseTest, RunsAsThePartitionUser) {
  if (!testing::IsRoot()) GTEST_SKIP() << "needs root to switch to the partition user";
  passwd* pw = getpwnam("nobody");
  ASSERT_NE(pw, nullptr);
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  Promise("whoami", "id -u");
  auto o = Options();
  o.uid = pw->pw_uid;
  o.gid = pw->pw_gid;
  auto r = RunPromises(o, env);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_FALSE((*r)[0].failed) << (*r)[0].message;
  EXPECT_EQ((*r)[0].message, std::to_string(pw->pw_uid));
}

}  // namespace
}  // namespace slapos::node
