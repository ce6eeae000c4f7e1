// `slapos node report` against a real master, a real supervisor and real partition users
// (root): usage is posted, a partition requested destroyed is stopped, emptied, reported
// destroyed, and the master gives it to the next request. The "deployment" is made by hand
// here (a service in etc/run started through the node's supervisor, usage files) so that this
// test does not depend on `node instance`.
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "e2e_fixture.h"
#include "node/config.h"
#include "node/node_supervisor.h"
#include "node/usage.h"
#include "slap/slap_client.h"
#include "slap/usage.h"
#include "util/file.h"
#include "util/process.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;
using e2e::ProcessCountOf;
using e2e::Slurp;

class NodeReportE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates partition users and runs processes as them";
    UseTag("rp");
    computer = "COMP-" + tag;
    ASSERT_NO_FATAL_FAILURE(StartMaster());
    ASSERT_NO_FATAL_FAILURE(WriteNodeConfig(NodeConfigOfThisTest(computer, 2)));
    UnformatAtTearDown(cfg);
    ProcessResult f = SlaposNode({"format"});
    ASSERT_EQ(f.exit_code, 0) << f.output << MasterLog();
    auto config = node::LoadNodeConfig(cfg, node::ConfigUse::kSlapgrid);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    supervisor = std::make_unique<node::NodeSupervisor>(*config, testing::SlaposBinary());
    passwd* pw = getpwnam((tag + "u0").c_str());
    ASSERT_NE(pw, nullptr);
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }

  Result<slap::InstanceAnswer> Request(const std::string& title, slap::InstanceState state) {
    slap::InstanceRequest r;
    r.title = title;
    r.software_release_uri = "http://example.org/" + tag + "/software.cfg";
    r.state = state;
    r.sla_parameters = "{\"computer_guid\": \"" + computer + "\"}";
    return client->RequestInstance(r);
  }

  void Own(const std::string& path) { ASSERT_EQ(lchown(path.c_str(), uid, gid), 0) << path; }

  std::string computer;
  uid_t uid = 0;
  gid_t gid = 0;
  std::unique_ptr<node::NodeSupervisor> supervisor;
};

TEST_F(NodeReportE2ETest, UsagePostedThenDestroyedPartitionIsEmptiedFreedAndReused) {
  auto victim = Request("victim", slap::InstanceState::kStarted);
  ASSERT_TRUE(victim.ok()) << victim.status().ToString();
  ASSERT_TRUE(victim->ready);
  std::string ref = victim->instance.compute_partition_id;
  ASSERT_EQ(ref, tag + "p0");
  std::string part = dir.Join("srv/" + ref);

  // A deployed instance: one service running as the partition user, a timestamp, usage files.
  ASSERT_TRUE(MakeDirs(part + "/etc/run").ok());
  ASSERT_TRUE(MakeDirs(part + "/var/xml_report").ok());
  ASSERT_TRUE(WriteFileAtomic(part + "/etc/run/sleeper", "#!/bin/sh\nexec sleep 1000\n", 0755).ok());
  ASSERT_TRUE(WriteFileAtomic(part + "/.timestamp", "1700000000").ok());
  ASSERT_TRUE(WriteFileAtomic(part + "/var/xml_report/good.xml",
                              slap::WritePartitionConsumption({{"Backup", "", "", 3, 0, "", {}}}))
                  .ok());
  ASSERT_TRUE(WriteFileAtomic(part + "/var/xml_report/bad.xml", "<consumption>").ok());
  for (const char* p : {"/etc", "/etc/run", "/etc/run/sleeper", "/.timestamp", "/var", "/var/xml_report",
                        "/var/xml_report/good.xml", "/var/xml_report/bad.xml"})
    Own(part + p);
  ASSERT_TRUE(supervisor->Ensure().ok());
  node::PartitionPrograms programs;
  programs.reference = ref;
  programs.path = part;
  programs.user = tag + "u0";
  programs.run = {"sleeper"};
  Status started = supervisor->StartPartition(programs);
  ASSERT_TRUE(started.ok()) << started.ToString();
  ASSERT_TRUE(testing::WaitFor([&] { return ProcessCountOf(uid) >= 1; }, 15)) << "the service did not start";

  // Report with nothing to destroy: usage goes to the master, the valid file is consumed.
  ProcessResult r1 = Exec({testing::SlaposBinary(), "node", "report", "--cfg", cfg});
  ASSERT_EQ(r1.exit_code, 0) << r1.output << Slurp(dir.Join("master.log"));
  EXPECT_NE(r1.output.find("usage posted (1 usage files, 1 invalid left"), std::string::npos) << r1.output;
  EXPECT_NE(r1.output.find("0 destroyed"), std::string::npos) << r1.output;
  EXPECT_FALSE(PathExists(part + "/var/xml_report/good.xml"));
  EXPECT_TRUE(PathExists(part + "/var/xml_report/bad.xml"));
  EXPECT_GE(ProcessCountOf(uid), 1) << "report must not touch a started partition";

  // Requested destroyed: the next report stops, empties, reports.
  auto destroy = Request("victim", slap::InstanceState::kDestroyed);
  ASSERT_TRUE(destroy.ok()) << destroy.status().ToString();
  ProcessResult r2 = Exec({testing::SlaposBinary(), "node", "report", "--cfg", cfg});
  ASSERT_EQ(r2.exit_code, 0) << r2.output << Slurp(dir.Join("master.log"));
  EXPECT_NE(r2.output.find("destroyed " + ref), std::string::npos) << r2.output;
  EXPECT_TRUE(testing::WaitFor([&] { return ProcessCountOf(uid) == 0; }, 15)) << "a partition process survived";
  EXPECT_FALSE(PathExists(supervisor->paths().config_d + "/" + ref + ".conf"));
  struct stat st{};
  ASSERT_EQ(stat(part.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, uid);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(part)) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{".slapos-resource"});  // format's definition only
  EXPECT_TRUE(getpwnam((tag + "u0").c_str()) != nullptr) << "the partition user must stay";

  // The master freed it: nothing on the slot, and the next request gets it.
  auto slot = client->GetPartition(computer, ref);
  EXPECT_FALSE(slot.ok());
  auto next = Request("next", slap::InstanceState::kStarted);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  ASSERT_TRUE(next->ready);
  EXPECT_EQ(next->instance.compute_partition_id, ref);

  // Nothing left to destroy: a further report is quiet.
  ProcessResult r3 = Exec({testing::SlaposBinary(), "node", "report", "--cfg", cfg});
  EXPECT_EQ(r3.exit_code, 0) << r3.output;
  EXPECT_NE(r3.output.find("0 destroyed"), std::string::npos) << r3.output;
}

TEST_F(NodeReportE2ETest, SecondReportWhileOneRunsExits10) {
  // Hold the pidfile the way a running report does (an exclusive flock).
  std::string pidfile = dir.Join("ur.pid");
  int fd = open(pidfile.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  ProcessResult r = Exec({testing::SlaposBinary(), "node", "report", "--cfg", cfg});
  close(fd);
  EXPECT_EQ(r.exit_code, 10) << r.output;
  EXPECT_NE(r.output.find("another run holds"), std::string::npos) << r.output;
  // Released: the next report runs.
  ProcessResult ok = Exec({testing::SlaposBinary(), "node", "report", "--cfg", cfg});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

}  // namespace
}  // namespace slapos
