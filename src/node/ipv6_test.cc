#include "node/ipv6.h"

#include <gtest/gtest.h>

namespace slapos::node {
namespace {

TEST(NodeIpv6Test, PartitionAddressesSkipHostOne) {
  auto base = ParseIpv6Network("fd00:1:2:3::7/64");
  ASSERT_TRUE(base.ok());
  EXPECT_EQ(Ipv6ToString(PartitionIpv6(*base, 0)), "fd00:1:2:3::2");
  EXPECT_EQ(Ipv6ToString(PartitionIpv6(*base, 9)), "fd00:1:2:3::b");
  // A tiny host space wraps and still skips 0 and 1.
  auto small = ParseIpv6Network("fd00::/126");
  EXPECT_EQ(Ipv6ToString(PartitionIpv6(*small, 0)), "fd00::2");
  EXPECT_EQ(Ipv6ToString(PartitionIpv6(*small, 2)), "fd00::2");
}

TEST(NodeIpv6Test, RangesAsTheSpecSays) {
  auto base = ParseIpv6Network("2001:db8::/64");
  auto r0 = PartitionIpv6Range(*base, 16, 0);
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(r0->ToString(), "2001:db8:0:0:4001::/80");
  EXPECT_EQ(PartitionIpv6Range(*base, 16, 1)->ToString(), "2001:db8:0:0:4002::/80");
  EXPECT_FALSE(PartitionIpv6Range(*ParseIpv6Network("fd00::/120"), 16, 0).ok());
}

TEST(NodeIpv6Test, Parse) {
  EXPECT_FALSE(ParseIpv6Network("fd00::/129").ok());
  EXPECT_FALSE(ParseIpv6Network("nope/64").ok());
  auto n = ParseIpv6Network("fd00::1/64");
  EXPECT_TRUE(n->Contains(*ParseIpv6("fd00::ffff")));
  EXPECT_FALSE(n->Contains(*ParseIpv6("fd00:0:0:1::1")));
}

}  // namespace
}  // namespace slapos::node
