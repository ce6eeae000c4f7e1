#include "node/config.h"

#include <gtest/gtest.h>

namespace slapos::node {
namespace {

Result<NodeConfig> Parse(const std::string& text, ConfigUse use = ConfigUse::kFormat) {
  auto ini = ParseIni(text, "/etc/slapos.cfg");
  if (!ini.ok()) return ini.status();
  return ParseNodeConfig(*ini, use);
}

const char* kGood = R"([slapos]
computer_id = COMP-1
master_url = http://127.0.0.1:5000
[slapformat]
partition_amount = 10
interface_name = veth0
ipv4_local_network = 10.0.0.0/16
create_tap = false
)";

TEST(NodeConfigTest, DefaultsAsTheSpecSays) {
  auto c = Parse(kGood);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->software_root, "/opt/slapgrid");
  EXPECT_EQ(c->instance_root, "/srv/slapgrid");
  EXPECT_EQ(c->partition_base_name, "slappart");
  EXPECT_EQ(c->user_base_name, "slapuser");
  EXPECT_EQ(c->tap_base_name, "slaptap");
  EXPECT_EQ(c->software_user, "slapsoft");
  EXPECT_EQ(c->ipv6_prefixshift, 16);
  EXPECT_TRUE(c->alter_user);
  EXPECT_TRUE(c->alter_network);
  EXPECT_TRUE(c->partition_has_ipv6_range);
  EXPECT_FALSE(c->create_tap);
  EXPECT_EQ(c->promise_timeout, 20);
  EXPECT_EQ(c->maximum_periodicity, 86400);
  EXPECT_EQ(c->Ipv6Interface(), "veth0");
  EXPECT_EQ(c->PartitionPath(3), "/srv/slapgrid/slappart3");
  EXPECT_EQ(c->computer_json, "/opt/slapos/slapos.json");
}

TEST(NodeConfigTest, SlaposSectionWinsOverSlapformat) {
  auto c = Parse(std::string(kGood) + "[slapos]\n");
  EXPECT_FALSE(c.ok());  // duplicate section is an INI error
  auto d = Parse(R"([slapformat]
partition_amount = 2
interface_name = a
ipv4_local_network = 10.0.0.0/24
computer_xml = /opt/x/slapos.xml
[slapos]
computer_id = C
master_url = https://m
interface_name = b
)");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->interface_name, "b");
  EXPECT_EQ(d->computer_json, "/opt/x/slapos.json");
}

TEST(NodeConfigTest, ErrorsNameTheOption) {
  struct Case {
    std::string extra;
    std::string expect;
  } cases[] = {
      {"partition_amount = ten\n", "partition_amount"},
      {"create_tap = maybe\n", "create_tap"},
      {"ipv4_local_network = 10.0.0/16\n", "ipv4_local_network"},
      {"ipv4_local_network = 10.0.0.0/31\n", "too small"},
      {"bridge_name = br0\n", "bridge_name"},
      {"ipv6_prefixshift = 2\n", "ipv6_prefixshift"},
      {"create_tun = true\n", "create_tun"},
      {"partition_base_name = Slap/Part\n", "partition_base_name"},
      {"promise_timeout = -1\n", "promise_timeout"},
  };
  for (const auto& c : cases) {
    std::string text = kGood;
    text += c.extra;
    // Later keys of the same name would be a strict-INI error: rewrite in place instead.
    std::string key = c.extra.substr(0, c.extra.find(' '));
    size_t at = std::string(kGood).find(key + " =");
    if (at != std::string::npos) {
      text = kGood;
      size_t end = text.find('\n', at);
      text.replace(at, end - at + 1, c.extra);
    }
    auto r = Parse(text);
    ASSERT_FALSE(r.ok()) << c.extra;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("/etc/slapos.cfg"), std::string::npos) << r.status().message();
  }
}

TEST(NodeConfigTest, RequiredOptions) {
  auto r = Parse("[slapos]\nmaster_url = http://x\n[slapformat]\npartition_amount = 1\nalter_network = false\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("computer_id"), std::string::npos);
  r = Parse("[slapos]\ncomputer_id = C\nmaster_url = http://x\n[slapformat]\npartition_amount = 1\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("interface_name"), std::string::npos);
  r = Parse("[slapos]\ncomputer_id = C\nmaster_url = http://x\n[slapformat]\nalter_network = false\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("partition_amount"), std::string::npos);
  r = Parse("[slapos]\ncomputer_id = C\nmaster_url = ftp://x\n", ConfigUse::kSlapgrid);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("master_url"), std::string::npos);
  // Slapgrid commands do not need [slapformat].
  r = Parse("[slapos]\ncomputer_id = C\nmaster_url = http://x\n", ConfigUse::kSlapgrid);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST(NodeConfigTest, Ipv4Networks) {
  auto n = ParseIpv4Network("10.1.2.3/16");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->ToString(), "10.1.0.0/16");
  EXPECT_FALSE(ParseIpv4Network("10.1.2.3").ok());
  EXPECT_FALSE(ParseIpv4Network("10.1.2.3/33").ok());
  EXPECT_FALSE(ParseIpv4Network("300.1.2.3/8").ok());
}

}  // namespace
}  // namespace slapos::node
