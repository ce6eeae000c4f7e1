#include "master/allocator.h"

#include <gtest/gtest.h>

namespace slapos::master {
namespace {

TEST(MasterAllocatorTest, ParseSlaSortsKeys) {
  auto c = ParseSla(R"({"computer_guid":"C","network_guid":"N","instance_guid":"h______0",
                        "mode":"unique_by_network","region":"eu","project_guid":"P","retention_delay":3.5,
                        "fw_restricted_access":"on"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->computer_guid, "C");
  EXPECT_EQ(c->network_guid, "N");
  EXPECT_EQ(c->instance_guid, "h______0");
  EXPECT_TRUE(c->unique_by_network);
  ASSERT_EQ(c->attributes.size(), 1u);  // project_guid, retention_delay, fw_* are not placement keys
  EXPECT_EQ(c->attributes.at("region"), "eu");
}

TEST(MasterAllocatorTest, ParseSlaRefusesBadValues) {
  EXPECT_EQ(ParseSla(R"({"mode":"spread"})").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(ParseSla(R"({"region":1})").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseSla(R"({"retention_delay":"x"})").status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(ParseSla("{}").ok());
}

}  // namespace
}  // namespace slapos::master
