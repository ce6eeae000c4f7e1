#include "slap/model.h"

#include <gtest/gtest.h>

namespace slapos::slap {
namespace {

TEST(SlapModelTest, StatesParseAndPrint) {
  for (InstanceState s : {InstanceState::kStarted, InstanceState::kStopped, InstanceState::kDestroyed}) {
    EXPECT_EQ(*ParseInstanceState(ToString(s)), s);
  }
  EXPECT_EQ(*ParseSoftwareState("destroyed"), SoftwareState::kDestroyed);
  EXPECT_EQ(*ParseSoftwareReportedState("building"), SoftwareReportedState::kBuilding);
  EXPECT_EQ(ParseInstanceState("Started").status().message(),
            "'Started' is not one of ['started', 'stopped', 'destroyed']");
  EXPECT_FALSE(ParseSoftwareState("building").ok());
}

TEST(SlapModelTest, InstanceGuidsFollowTheJsonApiFormat) {
  EXPECT_EQ(MakeInstanceGuid({"MyFirstInstance", "", false}), "MyFirstInstance______0");
  EXPECT_EQ(MakeInstanceGuid({"MySharedInstance", "", true}), "MySharedInstance______1");
  EXPECT_EQ(MakeInstanceGuid({"child", "RootTitle", false}), "child___RootTitle___0");

  Result<InstanceGuid> g = ParseInstanceGuid("child___RootTitle___0");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->title, "child");
  EXPECT_EQ(g->requested_by, "RootTitle");
  EXPECT_FALSE(g->shared);
  Result<InstanceGuid> s = ParseInstanceGuid("MySharedInstance______1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->title, "MySharedInstance");
  EXPECT_EQ(s->requested_by, "");
  EXPECT_TRUE(s->shared);

  Result<InstanceGuid> bad = ParseInstanceGuid("foo");
  EXPECT_EQ(bad.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(bad.status().message(), "instance_guid foo not handled.");
  EXPECT_FALSE(ParseInstanceGuid("a___b___x").ok());
  EXPECT_FALSE(ParseInstanceGuid("a___b").ok());
}

}  // namespace
}  // namespace slapos::slap
