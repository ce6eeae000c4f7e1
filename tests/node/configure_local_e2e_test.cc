// `slapos configure local` for real, as root: a whole setup with non-default paths, names,
// interface and port (so it never meets this machine's own setup or other tests), its rerun,
// a refused change of options, and --remove leaving nothing behind.
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

#include "e2e_support.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;

class ConfigureLocalE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates users, a bridge interface and addresses";
    int id = getpid() % 100000;
    tag = "cl" + std::to_string(id);
    iface = tag + "br";
    port = testing::PickFreePort();
    chmod(dir.path().c_str(), 0755);
    base = {testing::SlaposBinary(), "configure", "local",
            "--interface-name", iface,
            "--ipv4-local-network", "10." + std::to_string(150 + id % 50) + ".0.0/16",
            "--ipv6-prefix", "fd5c:" + std::to_string(id % 10000) + ":7::/64",
            "--master-port", std::to_string(port),
            "--computer-id", "COMP-" + tag,
            "--slapos-instance-root", dir.Join("srv"),
            "--slapos-software-root", dir.Join("soft"),
            "--slapos-buildout-directory", dir.Join("opt"),
            "--slapos-configuration-directory", dir.Join("etc"),
            "--state-directory", dir.Join("lib"),
            "--client-configuration", dir.Join("home/.slapos/slapos-client.cfg"),
            "--partition-base-name", tag + "p",
            "--user-base-name", tag + "u",
            "--software-user", tag + "s"};
  }
  void TearDown() override {
    if (tag.empty()) return;
    if (PathExists(dir.Join("etc/configure-local.cfg")))
      Exec({testing::SlaposBinary(), "configure", "local", "--remove", "--slapos-configuration-directory",
            dir.Join("etc")});
    if (PathExists("/sys/class/net/" + iface)) Exec({"ip", "link", "del", iface});
  }
  std::vector<std::string> Cmd(std::vector<std::string> extra = {}) {
    std::vector<std::string> v = base;
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
  }
  bool UserExists(const std::string& name) { return getpwnam(name.c_str()) != nullptr; }
  pid_t SupervisorPid() {
    auto text = ReadFile(dir.Join("srv/var/run/supervisord.pid"));
    long long v = 0;
    return text.ok() && ParseInt64(Trim(*text), &v) ? static_cast<pid_t>(v) : 0;
  }
  bool MasterAnswers() {
    ProcessResult r = Exec({testing::SlaposBinary(), "computer", "list", "--master-url",
                            "http://127.0.0.1:" + std::to_string(port)},
                           30);
    return r.exit_code == 0 && r.output.find("COMP-" + tag) != std::string::npos;
  }

  testing::TempDir dir{"configure-local-e2e"};
  std::string tag, iface;
  int port = 0;
  std::vector<std::string> base;
};

TEST_F(ConfigureLocalE2ETest, SetupRerunRefusedChangeRemove) {
  ProcessResult first = Exec(Cmd({"--partition-number", "3"}));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("changes"), std::string::npos) << first.output;

  // Configuration, client configuration, record.
  auto cfg = ReadFile(dir.Join("etc/slapos.cfg"));
  ASSERT_TRUE(cfg.ok());
  EXPECT_NE(cfg->find("master_url = http://127.0.0.1:" + std::to_string(port)), std::string::npos) << *cfg;
  EXPECT_NE(cfg->find("computer_id = COMP-" + tag), std::string::npos);
  auto client = ReadFile(dir.Join("home/.slapos/slapos-client.cfg"));
  ASSERT_TRUE(client.ok());
  EXPECT_NE(client->find("master_url = http://127.0.0.1:" + std::to_string(port)), std::string::npos);
  EXPECT_TRUE(PathExists(dir.Join("etc/configure-local.cfg")));
  // Interface and addresses.
  EXPECT_TRUE(PathExists("/sys/class/net/" + iface));
  std::string addrs = Exec({"ip", "addr", "show", "dev", iface}).output;
  EXPECT_NE(addrs.find("fd5c:"), std::string::npos) << addrs;
  EXPECT_NE(addrs.find("inet 10."), std::string::npos) << addrs;  // the partitions' IPv4
  // Partitions, users, master (the node reported itself), supervisor.
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(UserExists(tag + "u" + std::to_string(i)));
    struct stat st{};
    ASSERT_EQ(stat(dir.Join("srv/" + tag + "p" + std::to_string(i)).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
  }
  EXPECT_TRUE(UserExists(tag + "s"));
  EXPECT_TRUE(PathExists(dir.Join("lib/master.db")));
  EXPECT_TRUE(MasterAnswers());
  pid_t supervisor = SupervisorPid();
  ASSERT_GT(supervisor, 0);
  EXPECT_EQ(kill(supervisor, 0), 0);

  // A rerun with the same options changes nothing; without the options too (they are recorded).
  std::string cfg_before = *cfg;
  ProcessResult again = Exec(Cmd({"--partition-number", "3"}));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("nothing changed"), std::string::npos) << again.output;
  EXPECT_EQ(*ReadFile(dir.Join("etc/slapos.cfg")), cfg_before);
  EXPECT_EQ(SupervisorPid(), supervisor);
  ProcessResult bare = Exec({testing::SlaposBinary(), "configure", "local", "--slapos-configuration-directory",
                             dir.Join("etc"), "--client-configuration", dir.Join("home/.slapos/slapos-client.cfg")});
  ASSERT_EQ(bare.exit_code, 0) << bare.output;
  EXPECT_NE(bare.output.find("nothing changed"), std::string::npos) << bare.output;

  // Other options on an existing setup: a clear error, nothing changed.
  ProcessResult other = Exec(Cmd({"--partition-number", "5"}));
  EXPECT_NE(other.exit_code, 0);
  EXPECT_NE(other.output.find("--partition-number 5 (the setup has 3)"), std::string::npos) << other.output;
  EXPECT_NE(other.output.find("--remove"), std::string::npos) << other.output;
  EXPECT_EQ(*ReadFile(dir.Join("etc/slapos.cfg")), cfg_before);
  EXPECT_FALSE(UserExists(tag + "u3"));

  // --remove leaves nothing behind.
  ProcessResult removed = Exec({testing::SlaposBinary(), "configure", "local", "--remove",
                                "--slapos-configuration-directory", dir.Join("etc")});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_TRUE(testing::WaitFor([&] { return kill(supervisor, 0) != 0 && errno == ESRCH; }, 10));
  EXPECT_FALSE(MasterAnswers());
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(UserExists(tag + "u" + std::to_string(i)));
    EXPECT_EQ(getgrnam((tag + "u" + std::to_string(i)).c_str()), nullptr);
  }
  EXPECT_FALSE(UserExists(tag + "s"));
  EXPECT_FALSE(PathExists("/sys/class/net/" + iface));
  for (const char* d : {"srv", "soft", "opt", "etc", "lib", "home/.slapos"}) EXPECT_FALSE(PathExists(dir.Join(d))) << d;
  int pgrep = Exec({"pgrep", "-u", tag + "u0"}).exit_code;
  EXPECT_TRUE(pgrep == 1 || pgrep == 2) << pgrep;  // no process (1) or user unknown (2)
  // Removing again: nothing to remove.
  ProcessResult twice = Exec({testing::SlaposBinary(), "configure", "local", "--remove",
                              "--slapos-configuration-directory", dir.Join("etc")});
  EXPECT_EQ(twice.exit_code, 0) << twice.output;
  EXPECT_NE(twice.output.find("nothing to remove"), std::string::npos) << twice.output;
}

TEST_F(ConfigureLocalE2ETest, BadInputChangesNothing) {
  ProcessResult bad = Exec(Cmd({"--partition-number", "0"}));
  EXPECT_EQ(bad.exit_code, 5) << bad.output;
  EXPECT_NE(bad.output.find("--partition-number 0"), std::string::npos) << bad.output;
  EXPECT_FALSE(PathExists(dir.Join("etc")));
  EXPECT_FALSE(PathExists("/sys/class/net/" + iface));
  ProcessResult help = Exec({testing::SlaposBinary(), "configure", "local", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--remove"), std::string::npos);
}

}  // namespace
}  // namespace slapos
