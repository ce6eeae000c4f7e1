#include "util/process.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace slapos {
namespace {

TEST(Process, CapturesOutputAndExitCode) {
  ProcessOptions o;
  o.argv = {"sh", "-c", "echo out; echo err >&2; exit 3"};
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_NE(r->output.find("out"), std::string::npos);
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(Process, StdinEnvAndCwd) {
  ProcessOptions o;
  o.argv = {"sh", "-c", "read x; echo $x-$FOO-$(pwd)"};
  o.stdin_data = "in\n";
  o.extra_env["FOO"] = "bar";
  o.cwd = "/tmp";
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->output, "in-bar-/tmp\n");
}

TEST(Process, MissingProgramIsAStartError) {
  ProcessOptions o;
  o.argv = {"/nonexistent/program"};
  auto r = RunProcess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("cannot start /nonexistent/program"), std::string::npos);
}

TEST(Process, TimeoutKillsTheGroup) {
  ProcessOptions o;
  o.argv = {"sh", "-c", "sleep 30 & sleep 30"};
  o.timeout_seconds = 0.2;
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->timed_out);
  EXPECT_FALSE(r->success());
}

// A throwaway user and groups (root only): the user switch sets the groups initgroups() would,
// and sees a membership added afterwards.
class ProcessAsUser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (creates a user and groups)";
    Cleanup();
    ASSERT_EQ(Sh("groupadd " + std::string(kGroupA) + " && groupadd " + kGroupB + " && useradd -M -N -g nogroup -G " +
                 kGroupA + " -s /usr/sbin/nologin " + kUser),
              0);
    struct passwd* pw = getpwnam(kUser);
    ASSERT_NE(pw, nullptr);
    uid_ = pw->pw_uid;
  }
  void TearDown() override {
    if (geteuid() == 0) Cleanup();
  }
  static int Sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }
  static void Cleanup() {
    Sh(std::string("userdel ") + kUser);
    Sh(std::string("groupdel ") + kGroupA);
    Sh(std::string("groupdel ") + kGroupB);
  }
  static std::string GidOf(const char* group) {
    struct group* g = getgrnam(group);
    return g ? std::to_string(g->gr_gid) : "?";
  }
  std::string IdAsUser() {
    ProcessOptions o;
    o.argv = {"sh", "-c", "id -u; id -G"};
    o.uid = uid_;
    auto r = RunProcess(o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->output : "";
  }
  static constexpr const char* kUser = "slapos-proc-test";
  static constexpr const char* kGroupA = "slapos-proc-ta";
  static constexpr const char* kGroupB = "slapos-proc-tb";
  uid_t uid_ = 0;
};

TEST_F(ProcessAsUser, GetsTheUsersGroupsAndLaterChanges) {
  std::string nogroup = GidOf("nogroup");
  EXPECT_EQ(IdAsUser(), std::to_string(uid_) + "\n" + nogroup + " " + GidOf(kGroupA) + "\n");
  ASSERT_EQ(Sh(std::string("usermod -a -G ") + kGroupB + " " + kUser), 0);
  EXPECT_EQ(IdAsUser(), std::to_string(uid_) + "\n" + nogroup + " " + GidOf(kGroupA) + " " + GidOf(kGroupB) + "\n");
}

}  // namespace
}  // namespace slapos
