// `slapos configure local` for real, as root: a whole setup with non-default paths, names,
// interface and port (so it never meets this machine's own setup or other tests), its rerun,
// growing it in place (more partitions while everything keeps running), refused changes of
// options, and --remove leaving nothing behind.
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <string>
#include <vector>

#include "e2e_fixture.h"
#include "supervise/client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;

class ConfigureLocalE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates users, a bridge interface and addresses";
    UseTag("cl");
    int id = getpid() % 100000;
    iface = tag + "br";
    port = testing::PickFreePort();
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
    Defer([this] {
      if (PathExists(dir.Join("etc/configure-local.cfg")))
        Exec({testing::SlaposBinary(), "configure", "local", "--remove", "--slapos-configuration-directory",
              dir.Join("etc")});
      if (PathExists("/sys/class/net/" + iface)) Exec({"ip", "link", "del", iface});
    });
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
  // The pid of a program of the node's supervisor (0 when not running).
  pid_t ProgramPid(const std::string& name) {
    auto c = supervise::SupervisorClient::Open("unix://" + dir.Join("srv/sv.sock"));
    if (!c.ok()) return 0;
    auto info = c->CallOrError("supervisor.getProcessInfo", {supervise::Value::String(name)});
    if (!info.ok() || info->GetString("statename") != "RUNNING") return 0;
    return static_cast<pid_t>(info->GetInt("pid"));
  }
  bool MasterAnswers() {
    ProcessResult r = Exec({testing::SlaposBinary(), "computer", "list", "--master-url",
                            "http://127.0.0.1:" + std::to_string(port)},
                           30);
    return r.exit_code == 0 && r.output.find("COMP-" + tag) != std::string::npos;
  }

  std::string iface;
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

  // Options that cannot change in place: a clear error, nothing changed.
  ProcessResult other = Exec(Cmd({"--partition-number", "2"}));
  EXPECT_EQ(other.exit_code, 1) << other.output;
  EXPECT_NE(other.output.find("--partition-number 2 (the setup has 3: partitions are only ever added"),
            std::string::npos)
      << other.output;
  EXPECT_NE(other.output.find("--remove"), std::string::npos) << other.output;
  ProcessResult id = Exec({testing::SlaposBinary(), "configure", "local", "--slapos-configuration-directory",
                           dir.Join("etc"), "--computer-id", "OTHER-" + tag});
  EXPECT_EQ(id.exit_code, 1) << id.output;
  EXPECT_NE(id.output.find("--computer-id OTHER-" + tag + " (the setup has COMP-" + tag), std::string::npos)
      << id.output;
  EXPECT_EQ(*ReadFile(dir.Join("etc/slapos.cfg")), cfg_before);
  EXPECT_EQ(SupervisorPid(), supervisor);
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

TEST_F(ConfigureLocalE2ETest, GrowsInPlaceWhileEverythingKeepsRunning) {
  ProcessResult first = Exec(Cmd({"--partition-number", "3"}));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  // What runs now: the supervisor, the master, the node daemon (when this slapos has one), and
  // a process of partition 0's user; and what partition 0 holds.
  pid_t supervisor = SupervisorPid(), master_pid = 0;
  ASSERT_GT(supervisor, 0);
  // The master answers before its startsecs (1 s) are up: RUNNING comes a moment later.
  ASSERT_TRUE(testing::WaitFor([&] { return (master_pid = ProgramPid("slapos-master")) > 0; }, 15)) << first.output;
  bool daemon = first.output.find("no 'node daemon'") == std::string::npos;
  pid_t daemon_pid = 0;
  if (daemon) {  // RUNNING once up for startsecs (1 s)
    ASSERT_TRUE(testing::WaitFor([&] { return (daemon_pid = ProgramPid("slapos-node")) > 0; }, 15)) << first.output;
  }
  passwd* pw0 = getpwnam((tag + "u0").c_str());
  ASSERT_NE(pw0, nullptr);
  uid_t uid0 = pw0->pw_uid;
  ProcessResult bg = e2e::ExecAs({"/bin/sh", "-c", "sleep 300 >/dev/null 2>&1 </dev/null & echo $!"}, uid0);
  ASSERT_TRUE(bg.success()) << bg.output;
  long long sleep_pid = 0;
  ASSERT_TRUE(ParseInt64(Trim(bg.output), &sleep_pid)) << bg.output;
  // (--remove, here or at TearDown, kills what the partition users still run.)
  std::string data = dir.Join("srv/" + tag + "p0/data");
  ASSERT_TRUE(WriteFileAtomic(data, "kept").ok());
  auto def_before = nlohmann::json::parse(*ReadFile(dir.Join("opt/slapos.json")));
  ASSERT_EQ(def_before["partition_list"].size(), 3u);

  // More partitions: slapos.cfg says 5, format added partitions 3 and 4, nothing restarted.
  ProcessResult grown = Exec(Cmd({"--partition-amount", "5"}));
  ASSERT_EQ(grown.exit_code, 0) << grown.output;
  EXPECT_NE(grown.output.find("changed in place: --partition-number 3 -> 5"), std::string::npos) << grown.output;
  EXPECT_NE(ReadFile(dir.Join("etc/slapos.cfg"))->find("partition_amount = 5\n"), std::string::npos);
  for (int i = 3; i < 5; ++i) {
    SCOPED_TRACE(i);
    passwd* pw = getpwnam((tag + "u" + std::to_string(i)).c_str());
    ASSERT_NE(pw, nullptr);
    struct stat st{};
    ASSERT_EQ(stat(dir.Join("srv/" + tag + "p" + std::to_string(i)).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    EXPECT_EQ(st.st_uid, pw->pw_uid);
  }
  auto def = nlohmann::json::parse(*ReadFile(dir.Join("opt/slapos.json")));
  ASSERT_EQ(def["partition_list"].size(), 5u);
  for (int i = 0; i < 3; ++i) {  // the existing partitions keep their addresses
    EXPECT_EQ(def["partition_list"][i]["ipv4"], def_before["partition_list"][i]["ipv4"]) << i;
    EXPECT_EQ(def["partition_list"][i]["ipv6"], def_before["partition_list"][i]["ipv6"]) << i;
  }
  std::string addrs = Exec({"ip", "addr", "show", "dev", iface}).output;
  EXPECT_NE(addrs.find(def["partition_list"][4]["ipv4"].get<std::string>() + "/"), std::string::npos) << addrs;
  // The master knows the five partitions.
  ProcessResult listed = Exec({testing::SlaposBinary(), "computer", "info", "COMP-" + tag, "--master-url",
                               "http://127.0.0.1:" + std::to_string(port)},
                              30);
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("Partitions        : 5 (5 free)"), std::string::npos) << listed.output;
  EXPECT_EQ(SupervisorPid(), supervisor);
  EXPECT_EQ(ProgramPid("slapos-master"), master_pid);
  if (daemon) {
    EXPECT_EQ(ProgramPid("slapos-node"), daemon_pid);
  }
  EXPECT_EQ(kill(static_cast<pid_t>(sleep_pid), 0), 0) << "partition 0's process was killed";
  EXPECT_EQ(*ReadFile(data), "kept");
  EXPECT_EQ(getpwnam((tag + "u0").c_str())->pw_uid, uid0);

  // Run again with the new number, or none: nothing changes. Fewer: refused, nothing changes.
  ProcessResult again = Exec(Cmd({"--partition-number", "5"}));
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("nothing changed"), std::string::npos) << again.output;
  std::string cfg_now = *ReadFile(dir.Join("etc/slapos.cfg"));
  ProcessResult fewer = Exec(Cmd({"--partition-number", "4"}));
  EXPECT_EQ(fewer.exit_code, 1) << fewer.output;
  EXPECT_NE(fewer.output.find("partitions are only ever added"), std::string::npos) << fewer.output;
  EXPECT_EQ(*ReadFile(dir.Join("etc/slapos.cfg")), cfg_now);
  EXPECT_TRUE(UserExists(tag + "u4"));

  // --remove takes the grown setup away, the added partitions included.
  ProcessResult removed = Exec({testing::SlaposBinary(), "configure", "local", "--remove",
                                "--slapos-configuration-directory", dir.Join("etc")});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(UserExists(tag + "u" + std::to_string(i))) << i;
  EXPECT_FALSE(PathExists("/sys/class/net/" + iface));
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
