// NodeSupervisor against the real `slapos supervisord` daemon (no root needed: programs run as
// the current user).
#include "node/node_supervisor.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "supervise/client.h"
#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

using supervise::Fault;
using supervise::Value;

class NodeSupervisorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.instance_root = dir_.path();
    user_ = getpwuid(getuid())->pw_name;
  }
  void TearDown() override {
    if (sv_) {
      Fault f;
      (void)sv_->client().Call("supervisor.shutdown", {}, &f);
      auto pidfile = sv_->paths().pidfile;
      testing::WaitFor([&] { return !PathExists(sv_->paths().socket) || !PathExists(pidfile); }, 10);
    }
  }
  // A partition directory with one etc/service program that sleeps (and records its pid).
  PartitionPrograms MakePartition(const std::string& ref) {
    std::string path = dir_.Join(ref);
    EXPECT_TRUE(MakeDirs(path + "/etc/service").ok());
    EXPECT_TRUE(WriteFileAtomic(path + "/etc/service/sleeper", "#!/bin/sh\necho $$ > " + path + "/pid\nexec sleep 1000\n",
                                0755)
                    .ok());
    return PartitionPrograms{ref, path, user_, {}, {"sleeper"}, {}};
  }
  // The pid of <ref>:sleeper-on-watch when RUNNING, else 0.
  int64_t RunningPid(const std::string& ref) {
    Fault f;
    auto v = sv_->client().Call("supervisor.getProcessInfo", {Value::String(ref + ":sleeper-on-watch")}, &f);
    if (!v.ok() || f.code != 0 || v->GetString("statename") != "RUNNING") return 0;
    return v->GetInt("pid");
  }
  bool Gone(pid_t pid) { return kill(pid, 0) != 0; }

  testing::TempDir dir_{"node-supervisor"};
  NodeConfig config_;
  std::string user_;
  std::unique_ptr<NodeSupervisor> sv_;
};

TEST_F(NodeSupervisorTest, PathsFollowInstanceRoot) {
  auto p = SupervisorPathsOf(config_);
  EXPECT_EQ(p.config, dir_.Join("etc/supervisord.conf"));
  EXPECT_EQ(p.config_d, dir_.Join("etc/supervisord.conf.d"));
  EXPECT_EQ(p.socket, dir_.Join("sv.sock"));
  EXPECT_EQ(p.serverurl, "unix://" + dir_.Join("sv.sock"));
  EXPECT_EQ(p.pidfile, dir_.Join("var/run/supervisord.pid"));
  EXPECT_EQ(p.logfile, dir_.Join("var/log/supervisord.log"));
}

TEST_F(NodeSupervisorTest, EnsureLaunchesOnceAndIsIdempotent) {
  sv_ = std::make_unique<NodeSupervisor>(config_, testing::SlaposBinary());
  ASSERT_TRUE(sv_->Ensure().ok());
  struct stat st{};
  ASSERT_EQ(stat(sv_->paths().config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(stat(dir_.Join("etc").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  auto pid1 = sv_->client().CallOrError("supervisor.getPID");
  ASSERT_TRUE(pid1.ok());
  auto mtime = st.st_mtime;
  // A second NodeSupervisor (the next command run) finds the running daemon.
  NodeSupervisor again(config_, testing::SlaposBinary());
  ASSERT_TRUE(again.Ensure().ok());
  auto pid2 = again.client().CallOrError("supervisor.getPID");
  ASSERT_TRUE(pid2.ok());
  EXPECT_EQ(pid1->i, pid2->i);
  ASSERT_EQ(stat(sv_->paths().config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, mtime);
}

TEST_F(NodeSupervisorTest, ARunningDaemonTakesANewerConfigOnEnsure) {
  sv_ = std::make_unique<NodeSupervisor>(config_, testing::SlaposBinary());
  ASSERT_TRUE(sv_->Ensure().ok());
  auto pid1 = sv_->client().CallOrError("supervisor.getPID");
  ASSERT_TRUE(pid1.ok());
  Fault f;
  auto none = sv_->client().Call("supervisor.getProcessInfo", {Value::String("watchdog")}, &f);
  EXPECT_EQ(f.code, supervise::kBadName);
  // The node now has a master: its config gains the watchdog event listener.
  NodeConfig with_master = config_;
  with_master.master_url = "http://127.0.0.1:9";
  with_master.computer_id = "COMP-T";
  NodeSupervisor again(with_master, testing::SlaposBinary());
  ASSERT_TRUE(again.Ensure().ok());
  auto pid2 = again.client().CallOrError("supervisor.getPID");
  ASSERT_TRUE(pid2.ok());
  EXPECT_EQ(pid1->i, pid2->i);  // the same daemon, not a restart
  Fault f2;
  auto info = again.client().Call("supervisor.getProcessInfo", {Value::String("watchdog")}, &f2);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(f2.code, 0) << f2.text;
  EXPECT_EQ(info->GetString("group"), "watchdog");
}

TEST_F(NodeSupervisorTest, StartRestartsKilledServiceAndStopLeavesOthersAlone) {
  sv_ = std::make_unique<NodeSupervisor>(config_, testing::SlaposBinary());
  ASSERT_TRUE(sv_->Ensure().ok());
  auto a = MakePartition("slappart0");
  auto b = MakePartition("slappart1");
  ASSERT_TRUE(sv_->StartPartition(a).ok());
  ASSERT_TRUE(sv_->StartPartition(b).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return RunningPid("slappart0") && RunningPid("slappart1"); }, 10));
  int64_t pid_a = RunningPid("slappart0"), pid_b = RunningPid("slappart1");
  auto conf = ReadFile(dir_.Join("etc/supervisord.conf.d/slappart0.conf"));
  ASSERT_TRUE(conf.ok());
  EXPECT_NE(conf->find("[group:slappart0]"), std::string::npos);

  // Starting again with the same programs changes nothing.
  ASSERT_TRUE(sv_->StartPartition(a).ok());
  EXPECT_EQ(RunningPid("slappart0"), pid_a);

  // A killed etc/service program is restarted by the supervisor (our deviation, docs/node.md).
  kill(static_cast<pid_t>(pid_a), SIGKILL);
  ASSERT_TRUE(testing::WaitFor([&] { int64_t p = RunningPid("slappart0"); return p && p != pid_a; }, 15));
  int64_t pid_a2 = RunningPid("slappart0");

  // Stop removes the group and its process; the other partition keeps its process.
  ASSERT_TRUE(sv_->StopPartition("slappart0").ok());
  EXPECT_FALSE(PathExists(dir_.Join("etc/supervisord.conf.d/slappart0.conf")));
  EXPECT_TRUE(testing::WaitFor([&] { return Gone(static_cast<pid_t>(pid_a2)); }, 10));
  Fault f;
  (void)sv_->client().Call("supervisor.getProcessInfo", {Value::String("slappart0:sleeper-on-watch")}, &f);
  EXPECT_EQ(f.code, supervise::kBadName);
  EXPECT_EQ(RunningPid("slappart1"), pid_b);
  // Stopping a stopped partition is a no-op.
  EXPECT_TRUE(sv_->StopPartition("slappart0").ok());
  EXPECT_TRUE(sv_->StopPartition("slappart7").ok());
}

TEST_F(NodeSupervisorTest, ChangedProgramsAreRestartedWithTheNewCommand) {
  sv_ = std::make_unique<NodeSupervisor>(config_, testing::SlaposBinary());
  ASSERT_TRUE(sv_->Ensure().ok());
  auto a = MakePartition("slappart0");
  ASSERT_TRUE(sv_->StartPartition(a).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return RunningPid("slappart0") != 0; }, 10));
  int64_t before = RunningPid("slappart0");
  ASSERT_TRUE(WriteFileAtomic(a.path + "/etc/service/other", "#!/bin/sh\nexec sleep 1000\n", 0755).ok());
  a.service.push_back("other");
  ASSERT_TRUE(sv_->StartPartition(a).ok());
  ASSERT_TRUE(testing::WaitFor([&] {
    int64_t p = RunningPid("slappart0");
    return p && p != before;
  }, 10));
  EXPECT_TRUE(testing::WaitFor([&] { return Gone(static_cast<pid_t>(before)); }, 10));
  auto other = sv_->client().CallOrError("supervisor.getProcessInfo", {Value::String("slappart0:other-on-watch")});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
}

TEST_F(NodeSupervisorTest, PartitionWithoutProgramsIsANoOpAndRemovesItsOldGroup) {
  sv_ = std::make_unique<NodeSupervisor>(config_, testing::SlaposBinary());
  ASSERT_TRUE(sv_->Ensure().ok());
  auto a = MakePartition("slappart0");
  ASSERT_TRUE(sv_->StartPartition(a).ok());
  ASSERT_TRUE(testing::WaitFor([&] { return RunningPid("slappart0") != 0; }, 10));
  a.service.clear();
  ASSERT_TRUE(sv_->StartPartition(a).ok());
  EXPECT_FALSE(PathExists(dir_.Join("etc/supervisord.conf.d/slappart0.conf")));
  Fault f;
  (void)sv_->client().Call("supervisor.getProcessInfo", {Value::String("slappart0:sleeper-on-watch")}, &f);
  EXPECT_EQ(f.code, supervise::kBadName);
}

TEST_F(NodeSupervisorTest, UpdateBeforeEnsureIsAnError) {
  NodeSupervisor sv(config_, testing::SlaposBinary());
  EXPECT_FALSE(sv.Update().ok());
  EXPECT_FALSE(sv.StopPartition("slappart0").ok());
}

TEST_F(NodeSupervisorTest, LaunchFailureNamesTheConfig) {
  // instance_root's etc is a file: the skeleton cannot be written.
  ASSERT_TRUE(WriteFileAtomic(dir_.Join("etc"), "x").ok());
  NodeSupervisor sv(config_, testing::SlaposBinary());
  Status s = sv.Ensure();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(dir_.Join("etc")), std::string::npos) << s.message();
}

}  // namespace
}  // namespace slapos::node
