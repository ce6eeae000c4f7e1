// `slapos node format` for real, as root: 10 partitions on a veth pair the test creates.
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/file.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "e2e_fixture.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;

std::string Sh(const std::string& cmd) { return Exec({"/bin/sh", "-c", cmd}).output; }

class NodeFormatE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates users, addresses and a veth pair";
    UseTag("sf");
    veth = tag + "a";
    prefix = "fd5a:" + std::to_string(getpid() % 10000) + ":1:2";
    ASSERT_NO_FATAL_FAILURE(AddVethPair(veth, tag + "b", prefix + "::1/64"));
    WriteConfig(10, "");
    UnformatAtTearDown(cfg);
  }
  static std::string SLAPOS() { return testing::SlaposBinary(); }

  void WriteConfig(int amount, const std::string& extra) {
    e2e::TestNodeConfig c = NodeConfigOfThisTest("COMP-" + tag, amount);  // no master: --local
    c.interface_name = iface.empty() ? veth : iface;
    c.ipv4_local_network = ipv4_network;
    c.create_tap = true;
    c.tap_base_name = tag + "t";
    c.extra_slapformat = extra;
    ASSERT_NO_FATAL_FAILURE(WriteNodeConfig(c));
  }

  nlohmann::json Addresses() { return nlohmann::json::parse(Sh("ip -j addr show dev " + veth)); }
  bool HasAddress(const std::string& a, int len) {
    for (const auto& link : Addresses())
      for (const auto& ai : link["addr_info"])
        if (ai.value("local", "") == a && ai.value("prefixlen", 0) == len) return true;
    return false;
  }

  std::string veth, prefix, iface;
  // Tests of this class run in parallel (ctest -j): each formats in its own network, or one
  // would see another's addresses on its veth and replace them.
  std::string ipv4_network = "10.213.7.0/24";
};

TEST_F(NodeFormatE2ETest, TenPartitionsRerunNothingUnformatEverything) {
  ProcessResult first = Exec({SLAPOS(), "node", "format", "--cfg", cfg, "--now", "--local"});
  ASSERT_EQ(first.exit_code, 0) << first.output;

  passwd* soft = getpwnam((tag + "soft").c_str());
  ASSERT_NE(soft, nullptr);
  EXPECT_EQ(std::string(soft->pw_dir), dir.Join("soft"));
  struct stat st{};
  ASSERT_EQ(stat(dir.Join("soft").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, soft->pw_uid);
  EXPECT_EQ(st.st_mode & 07777, 0755u);

  auto def = nlohmann::json::parse(*ReadFile(dir.Join("state/slapos.json")));
  ASSERT_EQ(def["partition_list"].size(), 10u);
  std::set<std::string> ipv4s;
  for (int i = 0; i < 10; ++i) {
    SCOPED_TRACE(i);
    std::string user = tag + "u" + std::to_string(i), path = dir.Join("srv/" + tag + "p" + std::to_string(i));
    passwd* pw = getpwnam(user.c_str());
    ASSERT_NE(pw, nullptr);
    EXPECT_EQ(std::string(pw->pw_dir), path);
    EXPECT_EQ(std::string(pw->pw_shell), "/bin/sh");
    group* gr = getgrgid(pw->pw_gid);
    ASSERT_NE(gr, nullptr);
    EXPECT_EQ(std::string(gr->gr_name), user);
    EXPECT_NE(Sh("id -nG " + user).find(tag + "soft"), std::string::npos);
    EXPECT_EQ(SplitWhitespace(Sh("passwd -S " + user)).at(1), "L");
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0750u);
    EXPECT_EQ(st.st_uid, pw->pw_uid);
    EXPECT_EQ(st.st_gid, pw->pw_gid);
    const auto& p = def["partition_list"][i];
    std::string ipv4 = p["ipv4"], ipv6 = p["ipv6"];
    EXPECT_TRUE(StartsWith(ipv4, "10.213.7.")) << ipv4;
    ipv4s.insert(ipv4);
    EXPECT_TRUE(HasAddress(ipv4, 32)) << ipv4;
    EXPECT_EQ(ipv6, prefix + "::" + fmt::format("{:x}", i + 2));
    EXPECT_TRUE(HasAddress(ipv6, 64)) << ipv6;
    std::string owner = Sh("cat /sys/class/net/" + tag + "t" + std::to_string(i) + "/owner");
    EXPECT_EQ(std::string(Trim(owner)), std::to_string(pw->pw_uid));
    std::string range = p["ipv6_range"];
    EXPECT_NE(Sh("ip -6 route show table local type local dev lo"), "");
    EXPECT_NE(Sh("ip -6 route show table local type local dev lo").find(range.substr(0, range.find('/'))),
              std::string::npos)
        << range;
    EXPECT_TRUE(PathExists(path + "/.slapos-resource"));
  }
  EXPECT_EQ(ipv4s.size(), 10u);

  // A rerun changes nothing: same users, same addresses, same definition.
  std::string passwd_before = Sh("grep '^" + tag + "' /etc/passwd /etc/group /etc/shadow");
  std::string addr_before = Sh("ip addr show dev " + veth);
  std::string def_before = *ReadFile(dir.Join("state/slapos.json"));
  ProcessResult second = Exec({SLAPOS(), "node", "format", "--cfg", cfg, "--local"});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("10 partitions, 0 changes"), std::string::npos) << second.output;
  EXPECT_EQ(Sh("grep '^" + tag + "' /etc/passwd /etc/group /etc/shadow"), passwd_before);
  EXPECT_EQ(Sh("ip addr show dev " + veth), addr_before);
  EXPECT_EQ(*ReadFile(dir.Join("state/slapos.json")), def_before);

  // Fewer partitions is refused and changes nothing.
  WriteConfig(5, "");
  ProcessResult fewer = Exec({SLAPOS(), "node", "format", "--cfg", cfg, "--local"});
  EXPECT_EQ(fewer.exit_code, 1) << fewer.output;
  EXPECT_NE(fewer.output.find("partition_amount"), std::string::npos) << fewer.output;
  EXPECT_EQ(*ReadFile(dir.Join("state/slapos.json")), def_before);
  WriteConfig(10, "");

  ProcessResult removed = Exec({SLAPOS(), "node", "unformat", "--yes", "--cfg", cfg});
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(Sh("grep '^" + tag + "' /etc/passwd /etc/group"), "");
  EXPECT_FALSE(PathExists(dir.Join("srv/" + tag + "p0")));
  EXPECT_FALSE(PathExists("/sys/class/net/" + tag + "t0"));
  for (const auto& link : Addresses())
    for (const auto& ai : link["addr_info"]) {
      std::string a = ai.value("local", "");
      EXPECT_FALSE(StartsWith(a, "10.213.7.")) << a;
    }
  EXPECT_EQ(Sh("ip -6 route show table local type local dev lo | grep " + prefix.substr(0, 9)), "");
}

std::string Log(const std::string& path) {
  auto text = ReadFile(path);
  return text.ok() ? *text : "";
}

TEST_F(NodeFormatE2ETest, ASecondFormatWaitsForTheFirst) {
  ipv4_network = "10.213.9.0/24";
  ASSERT_NO_FATAL_FAILURE(WriteConfig(10, ""));
  // Hold the lock format and unformat take (beside the saved definition), as a running format would.
  std::string lock_path = dir.Join("state/slapos.json.lock");
  ASSERT_TRUE(MakeDirs(dir.Join("state")).ok());
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX), 0);
  std::string log = dir.Join("second-format.log");
  testing::ChildProcess second({SLAPOS(), "node", "format", "--cfg", cfg, "--now", "--local"}, log);
  ASSERT_TRUE(testing::WaitFor(
      [&] { return Log(log).find("waiting for another run") != std::string::npos; }, 20))
      << Log(log);
  EXPECT_TRUE(second.Running());
  EXPECT_FALSE(PathExists(dir.Join("state/slapos.json")));  // nothing done while it waits
  close(fd);
  ASSERT_TRUE(testing::WaitFor([&] { return !second.Running(); }, 120)) << Log(log);
  EXPECT_EQ(second.Stop(SIGTERM), 0) << Log(log);
  EXPECT_TRUE(PathExists(dir.Join("state/slapos.json"))) << Log(log);
}

TEST_F(NodeFormatE2ETest, BadConfigurationChangesNothing) {
  WriteConfig(10, "ipv6_prefixshift = 3\n");
  ProcessResult r = Exec({SLAPOS(), "node", "format", "--cfg", cfg});
  EXPECT_EQ(r.exit_code, 5) << r.output;
  EXPECT_NE(r.output.find("ipv6_prefixshift"), std::string::npos) << r.output;
  EXPECT_EQ(getpwnam((tag + "soft").c_str()), nullptr);
  EXPECT_FALSE(PathExists(dir.Join("srv")));

  iface = "nosuch" + tag;
  WriteConfig(10, "");
  r = Exec({SLAPOS(), "node", "format", "--cfg", cfg});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("nosuch"), std::string::npos) << r.output;
  EXPECT_EQ(getpwnam((tag + "soft").c_str()), nullptr);

  r = Exec({SLAPOS(), "node", "format", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("--alter_network"), std::string::npos);
}

}  // namespace
}  // namespace slapos
