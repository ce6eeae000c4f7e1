#include "node/offline.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

struct FakeSupervisor : OfflineSupervisor {
  std::vector<std::string> calls;
  std::string fail_stop;
  Status StopPartition(const std::string& reference) override {
    calls.push_back("stop " + reference);
    if (reference == fail_stop) return Unavailable("socket gone");
    return Status::OK();
  }
  Status StartAll() override {
    calls.push_back("start all");
    return Status::OK();
  }
};

TEST(OfflineTest, WhichFailuresMeanUnreachable) {
  EXPECT_TRUE(MasterUnreachable(Unavailable("cannot connect to http://127.0.0.1:1")));
  EXPECT_TRUE(MasterUnreachable(Status(Code::kInternal, "master answered HTTP 500")));
  EXPECT_TRUE(MasterUnreachable(PermissionDenied("HTTP 403")));
  EXPECT_FALSE(MasterUnreachable(NotFound("HTTP 404")));
  EXPECT_FALSE(MasterUnreachable(InvalidArgument("no master URL configured")));
  EXPECT_FALSE(MasterUnreachable(Status::OK()));
}

TEST(OfflineTest, StopsLegacyStoppedPartitionsThenStartsEverything) {
  testing::TempDir dir("offline");
  for (const char* p : {"slappart0", "slappart1", "slappart2", "slappart3"})
    ASSERT_TRUE(MakeDirs(dir.Join(p)).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("slappart1/.requested_state"), "stopped\n").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("slappart2/.requested_state"), "started").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("slappart3/.requested_state"), "stopped").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("notadir"), "stopped").ok());
  FakeSupervisor sup;
  sup.fail_stop = "slappart3";
  OfflineResult r = RunOffline(dir.path(), sup);
  EXPECT_EQ(sup.calls, (std::vector<std::string>{"stop slappart1", "stop slappart3", "start all"}));
  EXPECT_EQ(r.stopped, std::vector<std::string>{"slappart1"});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("slappart3"), std::string::npos);
  EXPECT_FALSE(PathExists(dir.Join("slappart1/.requested_state")));  // consumed
  EXPECT_TRUE(PathExists(dir.Join("slappart2/.requested_state")));   // not "stopped": left
  EXPECT_TRUE(
      PathExists(dir.Join("slappart3/.requested_state")));  // stop failed: kept for the next run
}

}  // namespace
}  // namespace slapos::node
