#include "node/format.h"

#include <gtest/gtest.h>

#include "node/fake_system.h"
#include "util/strings.h"

namespace slapos::node {
namespace {

class FormatTest : public ::testing::Test {
 protected:
  FormatTest() {
    sys.interfaces.insert("veth0");
    sys.addresses.push_back({"veth0", "fd5a::1", 64, true, true, false});
    sys.addresses.push_back({"eth0", "10.0.0.7", 24, false, true, false});
    config.path = "/etc/opt/slapos/slapos.cfg";
    config.computer_id = "COMP-1";
    config.master_url = "http://127.0.0.1:1";
    config.partition_amount = 3;
    config.interface_name = "veth0";
    config.ipv4_local_network = "10.0.0.0/24";
    config.create_tap = true;
    config.computer_json = "/opt/slapos/slapos.json";
  }
  Result<FormatResult> Run() { return Format(config, sys, env); }

  FakeSystem sys;
  FakeEnv env;
  NodeConfig config;
};

TEST_F(FormatTest, CreatesUsersDirectoriesAddressesTaps) {
  auto r = Run();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->computer.partitions.size(), 3u);
  ASSERT_TRUE(sys.users.count("slapsoft"));
  EXPECT_EQ(sys.users["slapsoft"].home, "/opt/slapgrid");
  EXPECT_TRUE(sys.users["slapsoft"].password_locked);
  EXPECT_EQ(sys.files["/opt/slapgrid"].uid, sys.users["slapsoft"].uid);
  EXPECT_EQ(sys.files["/srv/slapgrid"].mode, 0755u);
  std::set<std::string> ipv4s;
  for (int i = 0; i < 3; ++i) {
    std::string n = std::to_string(i);
    const UserInfo& u = sys.users.at("slapuser" + n);
    EXPECT_EQ(u.home, "/srv/slapgrid/slappart" + n);
    EXPECT_EQ(u.gid, sys.groups.at("slapuser" + n));
    EXPECT_EQ(u.groups, std::vector<std::string>{"slapsoft"});
    EXPECT_TRUE(u.password_locked);
    const auto& dir = sys.files.at("/srv/slapgrid/slappart" + n);
    EXPECT_EQ(dir.mode, 0750u);
    EXPECT_EQ(dir.uid, u.uid);
    EXPECT_EQ(sys.taps.at("slaptap" + n), u.uid);
    const PartitionDefinition& p = r->computer.partitions[i];
    EXPECT_EQ(p.ipv6, "fd5a::" + std::to_string(i + 2));
    EXPECT_EQ(p.ipv6_prefixlen, 64);
    EXPECT_EQ(p.ipv6_range, "fd5a::" + std::to_string(4001 + i) + ":0:0:0/80");
    EXPECT_TRUE(StartsWith(p.ipv4, "10.0.0.")) << p.ipv4;
    EXPECT_NE(p.ipv4, "10.0.0.7");  // used by another interface
    ipv4s.insert(p.ipv4);
    EXPECT_TRUE(sys.local_routes.count(p.ipv6_range));
    EXPECT_TRUE(sys.files.count(p.path + "/.slapos-resource"));
  }
  EXPECT_EQ(ipv4s.size(), 3u);
  EXPECT_TRUE(sys.nonlocal_bind);
  EXPECT_EQ(r->computer.address, "fd5a::1");
  EXPECT_TRUE(sys.files.count("/opt/slapos/slapos.json"));
}

TEST_F(FormatTest, RerunChangesNothing) {
  ASSERT_TRUE(Run().ok());
  int before = sys.mutations;
  std::string saved = sys.files["/opt/slapos/slapos.json"].data;
  auto again = Run();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->changes.empty()) << again->changes.front();
  EXPECT_EQ(sys.mutations, before);
  EXPECT_EQ(sys.files["/opt/slapos/slapos.json"].data, saved);
}

TEST_F(FormatTest, PartitionsOnlyGrowAndKeepTheirAddresses) {
  auto first = Run();
  ASSERT_TRUE(first.ok());
  config.partition_amount = 5;
  auto second = Run();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->computer.partitions.size(), 5u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(second->computer.partitions[i], first->computer.partitions[i]);
  config.partition_amount = 2;
  int before = sys.mutations;
  auto third = Run();
  ASSERT_FALSE(third.ok());
  EXPECT_NE(third.status().message().find("partition_amount"), std::string::npos);
  EXPECT_EQ(sys.mutations, before);
}

TEST_F(FormatTest, RepairsWhatWasBrokenAndRecreatesLostAddresses) {
  ASSERT_TRUE(Run().ok());
  sys.files["/srv/slapgrid/slappart1"].mode = 0777;
  sys.addresses.erase(sys.addresses.begin() + 2);  // first partition IPv4 gone (e.g. reboot)
  sys.users["slapuser2"].groups.clear();
  auto r = Run();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->changes.size(), 3u);
  EXPECT_EQ(sys.files["/srv/slapgrid/slappart1"].mode, 0750u);
  EXPECT_EQ(sys.users["slapuser2"].groups, std::vector<std::string>{"slapsoft"});
}

TEST_F(FormatTest, BadInputChangesNothing) {
  config.interface_name = "nosuch0";
  auto r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nosuch0"), std::string::npos);
  EXPECT_EQ(sys.mutations, 0);

  config.interface_name = "veth0";
  sys.addresses.clear();  // no global IPv6 to derive from
  r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("IPv6"), std::string::npos);
  EXPECT_EQ(sys.mutations, 0);

  config.ipv6_prefix = "fd77::/64";  // a configured prefix needs no address on the interface
  r = Run();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->computer.partitions[0].ipv6, "fd77::2");

  int before = sys.mutations;
  config.computer_id = "COMP-2";
  r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("COMP-1"), std::string::npos);
  EXPECT_EQ(sys.mutations, before);

  config.computer_id = "COMP-1";
  sys.files["/opt/slapos/slapos.json"].data = "{not json";
  r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption);
  EXPECT_EQ(sys.mutations, before);
}

TEST_F(FormatTest, SmallIpv4NetworkRunsOut) {
  config.ipv4_local_network = "10.9.0.0/30";  // two host addresses
  auto r = Run();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no free address"), std::string::npos);
}

TEST_F(FormatTest, WithoutNetworkOrUsers) {
  config.alter_network = false;
  config.alter_user = false;
  auto r = Run();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(sys.users.empty());
  EXPECT_EQ(sys.addresses.size(), 2u);
  EXPECT_TRUE(sys.taps.empty());
  EXPECT_EQ(sys.files.at("/srv/slapgrid/slappart0").mode, 0750u);
}

TEST_F(FormatTest, UnformatRemovesEverything) {
  ASSERT_TRUE(Run().ok());
  auto r = Unformat(config, sys);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(sys.users.empty());
  EXPECT_TRUE(sys.groups.empty());
  EXPECT_TRUE(sys.taps.empty());
  EXPECT_TRUE(sys.local_routes.empty());
  EXPECT_EQ(sys.addresses.size(), 2u);
  EXPECT_FALSE(sys.files.count("/srv/slapgrid/slappart0"));
  EXPECT_FALSE(sys.files.count("/opt/slapos/slapos.json"));
}

TEST_F(FormatTest, DefinitionRoundTrip) {
  auto r = Run();
  ASSERT_TRUE(r.ok());
  auto back = DecodeComputerJson(EncodeComputerJson(r->computer), "x");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, r->computer);
  auto p = DecodePartitionResource(EncodePartitionResource(r->computer.partitions[1]), "y");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, r->computer.partitions[1]);
}

}  // namespace
}  // namespace slapos::node
