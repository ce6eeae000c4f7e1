// The per-partition decision of `slapos node instance` with a fake master and deployer, real
// partition files in a temporary directory, and a fake clock.
#include "node/instance.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <algorithm>
#include <map>
#include <set>

#include "util/file.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

using Kind = PartitionOutcome::Kind;

class FakeMaster : public InstanceMaster {
 public:
  Result<std::vector<InstanceTarget>> List() override {
    ++lists;
    if (!list_error.ok()) return list_error;
    return targets;
  }
  Status Started(const InstanceTarget& t) override {
    if (!started_error.ok()) return started_error;
    return Log("started " + t.reference);
  }
  Status Stopped(const InstanceTarget& t) override { return Log("stopped " + t.reference); }
  Status Error(const InstanceTarget& t, const std::string& m) override {
    errors[t.reference] = m;
    return Log("error " + t.reference);
  }
  Status Log(const std::string& s) {
    posts.push_back(s);
    return Status::OK();
  }
  std::vector<InstanceTarget> targets;
  Status list_error = Status::OK();
  Status started_error = Status::OK();
  std::vector<std::string> posts;
  std::map<std::string, std::string> errors;
  int lists = 0;
};

class FakeDeployer : public PartitionDeployer {
 public:
  Status Install(const PartitionSlot& s, const InstanceTarget& t) override {
    calls.push_back("install " + s.reference + " " + t.state);
    return install_error.count(s.reference) ? Internal(install_error[s.reference]) : Status::OK();
  }
  Status Start(const PartitionSlot& s) override {
    calls.push_back("start " + s.reference);
    return Status::OK();
  }
  Status Stop(const PartitionSlot& s) override {
    calls.push_back("stop " + s.reference);
    return Status::OK();
  }
  Result<std::vector<PromiseResult>> Promises(const PartitionSlot& s) override {
    calls.push_back("promises " + s.reference);
    bool fails = promise_fails.count(s.reference) > 0;
    if (promise_fail_times[s.reference] > 0) {
      --promise_fail_times[s.reference];
      fails = true;
    }
    PromiseResult r{"check", s.path + "/etc/promise/check", fails, false, fails ? "not answering" : "", 0};
    return std::vector<PromiseResult>{r};
  }
  std::vector<std::string> calls;
  std::map<std::string, std::string> install_error;
  std::set<std::string> promise_fails;
  std::map<std::string, int> promise_fail_times;  // fail this many runs, then keep
};

class NodeInstanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 3; ++i) {
      std::string ref = "slappart" + std::to_string(i);
      slots.push_back({ref, dir.Join(ref), "slapuser" + std::to_string(i), 0, 0});
      ASSERT_TRUE(MakeDirs(dir.Join(ref)).ok());
    }
    options.software_root = dir.Join("soft");
  }
  InstanceTarget Target(const std::string& ref, const std::string& state, const std::string& ts = "100") {
    return {ref, "SOFTINST-" + ref, "title-" + ref, "http://sr/" + ref + ".cfg", "default", state, ts, ""};
  }
  InstanceRunResult Run() {
    master.posts.clear();
    deployer.calls.clear();
    auto r = ProcessPartitions(options, slots, master, deployer, env);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : InstanceRunResult{};
  }
  std::string Timestamp(const std::string& ref) {
    auto r = ReadFile(dir.Join(ref + "/.timestamp"));
    return r.ok() ? *r : "(none)";
  }

  testing::TempDir dir{"node-instance"};
  std::vector<PartitionSlot> slots;
  InstanceOptions options;
  FakeMaster master;
  FakeDeployer deployer;
  FakeEnv env;
};

TEST_F(NodeInstanceTest, StartedPartitionIsDeployedThenSkippedWhileUnchanged) {
  master.targets = {Target("slappart1", "started")};
  auto r = Run();
  EXPECT_EQ(r.deployed, 1);
  EXPECT_EQ(r.ExitCode(), 0);
  EXPECT_EQ(deployer.calls, (std::vector<std::string>{"install slappart1 started", "start slappart1", "promises slappart1"}));
  EXPECT_EQ(master.posts, std::vector<std::string>{"started slappart1"});
  EXPECT_EQ(Timestamp("slappart1"), "100");

  // Unchanged, promise result fresh: no install, no promise run, no POST.
  env.Advance(10 * 1000000LL);
  r = Run();
  EXPECT_EQ(r.up_to_date, 1);
  EXPECT_EQ(r.deployed, 0);
  EXPECT_TRUE(deployer.calls.empty()) << Join(deployer.calls, ",");
  EXPECT_TRUE(master.posts.empty()) << Join(master.posts, ",");

  // After the promise periodicity the promises run again (anomaly check), still no POST.
  env.Advance(200 * 1000000LL);
  r = Run();
  EXPECT_EQ(deployer.calls, std::vector<std::string>{"promises slappart1"});
  EXPECT_TRUE(master.posts.empty());
}

TEST_F(NodeInstanceTest, AnyTimestampChangeRedeploys) {
  master.targets = {Target("slappart0", "started", "200")};
  Run();
  master.targets[0].timestamp = "150";  // older counts too
  auto r = Run();
  EXPECT_EQ(r.deployed, 1);
  EXPECT_EQ(Timestamp("slappart0"), "150");
}

TEST_F(NodeInstanceTest, PeriodicityForcesRedeployAndPeriodicityFileOverrides) {
  options.maximum_periodicity = 60;
  master.targets = {Target("slappart0", "stopped")};
  // .timestamp gets the real clock as mtime; move it to the fake clock after each deploy.
  std::string ts = dir.Join("slappart0/.timestamp");
  auto touch = [&] {
    struct utimbuf times{env.NowMicros() / 1000000, env.NowMicros() / 1000000};
    ASSERT_EQ(utime(ts.c_str(), &times), 0);
  };
  Run();
  touch();
  EXPECT_EQ(Run().up_to_date, 1);
  env.Advance(61 * 1000000LL);
  EXPECT_EQ(Run().deployed, 1);
  touch();
  // A negative periodicity in the release: never redeploy while unchanged.
  std::string sr = dir.Join("soft/" + Md5Hex("http://sr/slappart0.cfg"));
  ASSERT_TRUE(MakeDirs(sr).ok());
  ASSERT_TRUE(WriteFileAtomic(sr + "/periodicity", "-1\n").ok());
  env.Advance(1000 * 1000000LL);
  EXPECT_EQ(Run().up_to_date, 1);
  // 0: always redeploy.
  ASSERT_TRUE(WriteFileAtomic(sr + "/periodicity", "0").ok());
  EXPECT_EQ(Run().deployed, 1);
  touch();
  // A non-integer file is removed and maximum_periodicity applies (1000 s > 60 s: redeploy).
  env.Advance(1000 * 1000000LL);
  ASSERT_TRUE(WriteFileAtomic(sr + "/periodicity", "soon").ok());
  EXPECT_EQ(Run().deployed, 1);
  EXPECT_FALSE(PathExists(sr + "/periodicity"));
}

TEST_F(NodeInstanceTest, BuildoutFailureIsReportedKeepsNoTimestampAndIsRetried) {
  master.targets = {Target("slappart0", "started"), Target("slappart2", "started")};
  deployer.install_error["slappart0"] = "buildout of partition slappart0 failed (exit code 1)";
  auto r = Run();
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(r.deployed, 1);  // the loop goes on with the next partition
  EXPECT_EQ(r.ExitCode(), 1);
  EXPECT_EQ(Timestamp("slappart0"), "(none)");
  EXPECT_EQ(master.errors["slappart0"], "buildout of partition slappart0 failed (exit code 1)");
  auto log = ReadFile(dir.Join("slappart0/.slapgrid-slappart0-error.log"));
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("exit code 1"), std::string::npos);
  // Promises still ran on the failed started partition (state refresh), but it was not started.
  EXPECT_EQ(deployer.calls[0], "install slappart0 started");
  EXPECT_EQ(deployer.calls[1], "promises slappart0");
  EXPECT_NE(r.Summary().find("Error while processing the following partitions:\n  slappart0[default]: buildout"),
            std::string::npos)
      << r.Summary();

  deployer.install_error.clear();
  r = Run();
  EXPECT_EQ(r.deployed, 1);  // retried; slappart2 up to date
  EXPECT_EQ(r.up_to_date, 1);
  EXPECT_EQ(r.ExitCode(), 0);
  EXPECT_EQ(Timestamp("slappart0"), "100");
  EXPECT_FALSE(PathExists(dir.Join("slappart0/.slapgrid-slappart0-error.log")));
}

TEST_F(NodeInstanceTest, PromisesOfJustStartedServicesAreRetriedWithinTheStartGrace) {
  master.targets = {Target("slappart1", "started")};
  deployer.promise_fail_times["slappart1"] = 2;  // the service needs a moment to listen
  auto r = Run();
  EXPECT_EQ(r.promise_errors, 0);
  EXPECT_EQ(r.ExitCode(), 0);
  EXPECT_EQ(deployer.calls, (std::vector<std::string>{"install slappart1 started", "start slappart1",
                                                      "promises slappart1", "promises slappart1",
                                                      "promises slappart1"}));
  EXPECT_EQ(master.posts, std::vector<std::string>{"started slappart1"});
  EXPECT_NE(Timestamp("slappart1"), "(none)");
}

TEST_F(NodeInstanceTest, WithoutStartGracePromisesRunOnce) {
  options.promise_start_grace = 0;
  master.targets = {Target("slappart1", "started")};
  deployer.promise_fail_times["slappart1"] = 1;
  auto r = Run();
  EXPECT_EQ(r.promise_errors, 1);
  EXPECT_EQ(std::count(deployer.calls.begin(), deployer.calls.end(), "promises slappart1"), 1);
}

TEST_F(NodeInstanceTest, PromiseFailureExitsTwoPostsErrorOnceAndRetries) {
  master.targets = {Target("slappart1", "started")};
  deployer.promise_fails.insert("slappart1");
  auto r = Run();
  EXPECT_EQ(r.promise_errors, 1);
  EXPECT_EQ(r.ExitCode(), 2);
  EXPECT_EQ(Timestamp("slappart1"), "(none)");
  EXPECT_EQ(master.posts, std::vector<std::string>{"error slappart1"});
  EXPECT_EQ(master.errors["slappart1"], "Promise 'check' failed with output: not answering");
  EXPECT_NE(r.Summary().find("Error with promises for the following partitions:"), std::string::npos);
  // Next run: redeployed (no timestamp); fixed now: started is posted.
  deployer.promise_fails.clear();
  r = Run();
  EXPECT_EQ(r.deployed, 1);
  EXPECT_EQ(master.posts, std::vector<std::string>{"started slappart1"});
}

TEST_F(NodeInstanceTest, AnomalyCheckPostsErrorOnceThenStartedWhenHealed) {
  options.promise_periodicity = 0;
  master.targets = {Target("slappart1", "started")};
  Run();
  deployer.promise_fails.insert("slappart1");
  auto r = Run();
  EXPECT_EQ(r.promise_errors, 1);
  EXPECT_EQ(r.ExitCode(), 2);
  EXPECT_EQ(deployer.calls, std::vector<std::string>{"promises slappart1"});  // no redeploy
  EXPECT_EQ(master.posts, std::vector<std::string>{"error slappart1"});
  r = Run();
  EXPECT_TRUE(master.posts.empty()) << "the error was already reported";
  deployer.promise_fails.clear();
  r = Run();
  EXPECT_EQ(r.ExitCode(), 0);
  EXPECT_EQ(master.posts, std::vector<std::string>{"started slappart1"});
  r = Run();
  EXPECT_TRUE(master.posts.empty());
}

TEST_F(NodeInstanceTest, MasterAccessStatusDecidesWhatIsReported) {
  options.promise_periodicity = 0;
  master.targets = {Target("slappart1", "started")};
  Run();
  master.targets[0].access_status = "#error no data";  // the master still shows an old error
  Run();
  EXPECT_EQ(master.posts, std::vector<std::string>{"started slappart1"});
  master.targets[0].access_status = "#access started";
  deployer.promise_fails.insert("slappart1");
  Run();
  EXPECT_EQ(master.posts, std::vector<std::string>{"error slappart1"});
}

TEST_F(NodeInstanceTest, StoppedAndDestroyed) {
  master.targets = {Target("slappart0", "stopped"), Target("slappart1", "destroyed")};
  auto r = Run();
  EXPECT_EQ(r.deployed, 2);
  EXPECT_EQ(deployer.calls,
            (std::vector<std::string>{"install slappart0 stopped", "stop slappart0", "stop slappart1"}));
  EXPECT_EQ(master.posts, (std::vector<std::string>{"stopped slappart0", "stopped slappart1"}));
  // A stopped partition's services stop even when its buildout fails.
  master.targets[0].timestamp = "101";
  deployer.install_error["slappart0"] = "boom";
  r = Run();
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(deployer.calls, (std::vector<std::string>{"install slappart0 stopped", "stop slappart0"}));
  EXPECT_EQ(master.posts, std::vector<std::string>{"error slappart0"});
}

TEST_F(NodeInstanceTest, UnsupportedStateIsAnErrorOfThatPartition) {
  master.targets = {Target("slappart0", "paused")};
  auto r = Run();
  EXPECT_EQ(r.errors, 1);
  EXPECT_NE(master.errors["slappart0"].find("unsupported requested state 'paused'"), std::string::npos);
}

TEST_F(NodeInstanceTest, ForceRedeploysAndForceStopReportsNothing) {
  master.targets = {Target("slappart0", "started")};
  Run();
  options.force = true;
  EXPECT_EQ(Run().deployed, 1);
  options.force = false;
  options.force_stop = true;
  auto r = Run();
  EXPECT_EQ(deployer.calls, (std::vector<std::string>{"install slappart0 started", "stop slappart0"}));
  EXPECT_TRUE(master.posts.empty());
  EXPECT_EQ(Timestamp("slappart0"), "(none)");
}

TEST_F(NodeInstanceTest, OnlySelectsAndUnknownIsRefused) {
  master.targets = {Target("slappart0", "started"), Target("slappart1", "started")};
  options.only = {"slappart1"};
  auto r = Run();
  EXPECT_EQ(r.partitions.size(), 1u);
  EXPECT_EQ(r.partitions[0].reference, "slappart1");
  options.only = {"slappart9", "slappart7"};
  auto bad = ProcessPartitions(options, slots, master, deployer, env);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Unknown partition(s): slappart7, slappart9"), std::string::npos);
}

TEST_F(NodeInstanceTest, MissingDirectoryOrUnformattedPartitionIsReported) {
  master.targets = {Target("slappart5", "started"), Target("slappart2", "started")};
  ASSERT_TRUE(RemoveAll(dir.Join("slappart2")).ok());
  auto r = Run();
  EXPECT_EQ(r.errors, 2);
  EXPECT_NE(master.errors["slappart5"].find("not formatted on this node"), std::string::npos);
  EXPECT_NE(master.errors["slappart2"].find("does not exist"), std::string::npos);
  EXPECT_TRUE(deployer.calls.empty());
}

TEST_F(NodeInstanceTest, FreePartitionLosesStrayMarks) {
  ASSERT_TRUE(WriteFileAtomic(dir.Join("slappart2/.timestamp"), "5").ok());
  ASSERT_TRUE(MakeDirs(dir.Join("slappart2/.slapgrid/log")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("slappart2/.slapos-resource"), "{}").ok());
  auto r = Run();
  EXPECT_TRUE(r.partitions.empty());
  EXPECT_FALSE(PathExists(dir.Join("slappart2/.timestamp")));
  EXPECT_FALSE(PathExists(dir.Join("slappart2/.slapgrid")));
  EXPECT_TRUE(PathExists(dir.Join("slappart2/.slapos-resource")));
}

TEST_F(NodeInstanceTest, ListFailureFailsTheRun) {
  master.list_error = Unavailable("connection refused");
  auto r = ProcessPartitions(options, slots, master, deployer, env);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("connection refused"), std::string::npos);
}

TEST_F(NodeInstanceTest, MasterGoneWhileReportingStartedStopsThePass) {
  master.targets = {Target("slappart0", "started"), Target("slappart1", "started")};
  master.started_error = Unavailable("cannot connect to http://127.0.0.1:1");
  auto r = ProcessPartitions(options, slots, master, deployer, env);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("slappart0"), std::string::npos) << r.status().message();
  // slappart1 was not touched; slappart0 has no timestamp, so it is redeployed next time.
  EXPECT_EQ(Join(deployer.calls, ","),
            "install slappart0 started,start slappart0,promises slappart0,promises slappart0");
  EXPECT_EQ(Timestamp("slappart0"), "(none)");
  // A master refusing with 404 is a partition error, not an unreachable master.
  master.started_error = NotFound("no such instance");
  auto r2 = ProcessPartitions(options, slots, master, deployer, env);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(r2->errors, 2);
}

TEST_F(NodeInstanceTest, NoMasterTimestampMeansAlwaysDeploy) {
  master.targets = {Target("slappart0", "stopped", "")};
  Run();
  EXPECT_EQ(Timestamp("slappart0"), "(none)");
  EXPECT_EQ(Run().deployed, 1);
}

}  // namespace
}  // namespace slapos::node
