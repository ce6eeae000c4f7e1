#include "node/daemon.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

constexpr int64_t kSec = 1'000'000;

std::vector<DaemonStep> Steps() { return NodeDaemonSteps("/bin/slapos", "/etc/slapos.cfg", 86400, 60, 60, 86400); }

bool Has(const DaemonTick& t, const std::string& name) {
  return std::find(t.start.begin(), t.start.end(), name) != t.start.end();
}

TEST(NodeDaemonTest, StepsRunTheNodeCommands) {
  auto steps = Steps();
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].name, "format");
  EXPECT_TRUE(steps[0].first);
  EXPECT_EQ(steps[1].argv, (std::vector<std::string>{"/bin/slapos", "node", "software", "--cfg", "/etc/slapos.cfg"}));
  EXPECT_EQ(steps[2].interval_micros, 60 * kSec);
  EXPECT_EQ(steps[3].interval_micros, 86400 * kSec);
}

TEST(NodeDaemonTest, FormatFirstThenEverythingElse) {
  FakeEnv env;
  DaemonSchedule s(Steps(), env);
  DaemonTick t = s.Tick();
  EXPECT_EQ(t.start, std::vector<std::string>{"format"});
  env.Advance(5 * kSec);
  EXPECT_TRUE(s.Tick().start.empty());  // format still running: nothing else may start
  s.Finished("format", 1);              // even a failed format lets the node work on
  t = s.Tick();
  EXPECT_EQ(t.start, (std::vector<std::string>{"software", "instance", "report"}));
  EXPECT_EQ(s.LastExitCode("format"), 1);
}

TEST(NodeDaemonTest, LongSoftwareBuildNeverDelaysInstance) {
  FakeEnv env;
  DaemonSchedule s(Steps(), env);
  s.Tick();
  s.Finished("format", 0);
  s.Tick();  // software, instance, report start
  s.Finished("report", 0);
  // The build takes 10 minutes; instance runs each minute meanwhile, software is not doubled.
  for (int minute = 1; minute <= 10; ++minute) {
    s.Finished("instance", 0);
    env.Advance(60 * kSec);
    DaemonTick t = s.Tick();
    EXPECT_TRUE(Has(t, "instance")) << "minute " << minute;
    EXPECT_FALSE(Has(t, "software")) << "minute " << minute;
    EXPECT_FALSE(Has(t, "report"));
  }
  EXPECT_EQ(s.Runs("instance"), 11);
  EXPECT_EQ(s.Runs("software"), 1);
  // The build ends late: software is overdue and starts at once.
  s.Finished("software", 0);
  EXPECT_TRUE(Has(s.Tick(), "software"));
  EXPECT_EQ(s.Runs("software"), 2);
}

TEST(NodeDaemonTest, WakeUpIsTheNextDueStep) {
  FakeEnv env;
  DaemonSchedule s(Steps(), env);
  int64_t t0 = env.MonotonicMicros();
  s.Tick();
  s.Finished("format", 0);
  s.Tick();
  for (const char* n : {"software", "instance", "report"}) s.Finished(n, 0);
  env.Advance(10 * kSec);
  DaemonTick t = s.Tick();
  EXPECT_TRUE(t.start.empty());
  EXPECT_EQ(t.wake_micros, t0 + 60 * kSec);  // software and instance, 60 s after they started
  env.Advance(50 * kSec);
  t = s.Tick();
  EXPECT_EQ(t.start, (std::vector<std::string>{"software", "instance"}));
  // Report and format are daily.
  for (const char* n : {"software", "instance"}) s.Finished(n, 0);
  env.Advance(86400 * kSec);
  t = s.Tick();
  EXPECT_EQ(t.start, (std::vector<std::string>{"format", "software", "instance", "report"}));
}

TEST(NodeDaemonTest, EverythingRunningStillWakesUp) {
  FakeEnv env;
  DaemonSchedule s(Steps(), env);
  DaemonTick t = s.Tick();
  EXPECT_GT(t.wake_micros, env.MonotonicMicros());
  EXPECT_LE(t.wake_micros, env.MonotonicMicros() + 1 * kSec);
}

TEST(NodeDaemonTest, BootResetsTimestamps) {
  testing::TempDir dir("daemon-boot");
  ASSERT_TRUE(MakeDirs(dir.Join("p0")).ok());
  ASSERT_TRUE(MakeDirs(dir.Join("p1")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("p0/.timestamp"), "1").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("p0/keep"), "1").ok());
  auto n = ResetPartitionTimestamps({dir.Join("p0"), dir.Join("p1"), dir.Join("missing")});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(PathExists(dir.Join("p0/.timestamp")));
  EXPECT_TRUE(PathExists(dir.Join("p0/keep")));
}

}  // namespace
}  // namespace slapos::node
