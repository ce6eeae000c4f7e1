// `slapos node daemon` with second-long intervals against a real master (root): it runs format
// first, then software, instance and report as child processes, repeats them, and on SIGTERM
// stops with no step process left behind. Also `slapos node status` launching the supervisor.
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "e2e_fixture.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;
using e2e::Slurp;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Processes whose command line mentions `needle`.
std::vector<int> ProcessesMentioning(const std::string& needle) {
  std::vector<int> pids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto cmd = ReadFile(e.path().string() + "/cmdline");
    if (!cmd.ok()) continue;
    std::replace(cmd->begin(), cmd->end(), '\0', ' ');
    if (cmd->find(needle) != std::string::npos && std::stoi(name) != getpid()) pids.push_back(std::stoi(name));
  }
  return pids;
}

class NodeDaemonE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: the daemon runs format, which creates users";
    UseTag("dm");
    ASSERT_NO_FATAL_FAILURE(StartMaster());
    ASSERT_NO_FATAL_FAILURE(WriteNodeConfig(NodeConfigOfThisTest("COMP-" + tag, 1)));
    UnformatAtTearDown(cfg);
  }
};

TEST_F(NodeDaemonE2ETest, RunsItsStepsRepeatedlyAndStopsCleanlyOnSigterm) {
  std::string log = dir.Join("daemon.log");
  testing::ChildProcess daemon({testing::SlaposBinary(), "node", "daemon", "--cfg", cfg, "--format-interval", "30",
                                "--software-interval", "1", "--instance-interval", "1", "--report-interval", "2",
                                "--stop-grace", "20"},
                               log);
  // format first, then the others, each more than once.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        std::string l = Slurp(log);
        return Count(l, "software started") >= 2 && Count(l, "instance started") >= 2 &&
               Count(l, "report started") >= 2;
      },
      90))
      << Slurp(log);
  std::string l = Slurp(log);
  size_t format_done = l.find("format finished");
  ASSERT_NE(format_done, std::string::npos) << l;
  EXPECT_LT(format_done, l.find("software started")) << l;
  EXPECT_LT(format_done, l.find("instance started")) << l;
  EXPECT_EQ(Count(l, "format started"), 1u) << l;
  EXPECT_TRUE(PathExists(dir.Join("srv/" + tag + "p0"))) << "format ran: the partition exists";

  // A second daemon on the same node is refused.
  ProcessResult second = Exec({testing::SlaposBinary(), "node", "daemon", "--cfg", cfg}, 20);
  EXPECT_EQ(second.exit_code, 10) << second.output;

  int status = daemon.Stop(SIGTERM, 30);
  ASSERT_NE(status, -1) << "daemon did not stop on SIGTERM\n" << Slurp(log);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << Slurp(log);
  EXPECT_NE(Slurp(log).find("node daemon: stopped"), std::string::npos) << Slurp(log);
  // No step left running: nothing mentions our configuration any more.
  EXPECT_TRUE(ProcessesMentioning(cfg).empty()) << Slurp(log);
}

TEST_F(NodeDaemonE2ETest, HangingStepAndWhatItStartedAreTerminatedOnSigterm) {
  // `node report` runs the partition's etc/report/* script as the partition user, in its own
  // process group; the script hangs. SIGTERM must end the step and the script.
  ASSERT_EQ(Exec({testing::SlaposBinary(), "node", "format", "--cfg", cfg}).exit_code, 0);
  slap::InstanceRequest req;
  req.title = "hangs";
  req.software_release_uri = "http://example.org/hangs.cfg";
  req.sla_parameters = "{\"computer_guid\": \"COMP-" + tag + "\"}";
  auto answer = client->RequestInstance(req);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  std::string part = dir.Join("srv/" + tag + "p0");
  ASSERT_TRUE(MakeDirs(part + "/etc/report").ok());
  ASSERT_TRUE(WriteFileAtomic(part + "/etc/report/hang", "#!/bin/sh\nexec sleep 1000\n", 0755).ok());
  passwd* pw = getpwnam((tag + "u0").c_str());
  ASSERT_NE(pw, nullptr);
  uid_t uid = pw->pw_uid;

  std::string log = dir.Join("daemon2.log");
  testing::ChildProcess daemon({testing::SlaposBinary(), "node", "daemon", "--cfg", cfg, "--stop-grace", "5"}, log);
  ASSERT_TRUE(testing::WaitFor([&] { return e2e::ProcessCountOf(uid) >= 1; }, 60)) << "the report script never ran\n"
                                                                           << Slurp(log);
  int status = daemon.Stop(SIGTERM, 30);
  ASSERT_NE(status, -1) << Slurp(log);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << Slurp(log);
  EXPECT_EQ(e2e::ProcessCountOf(uid), 0) << "the hanging report script survived the daemon\n" << Slurp(log);
  EXPECT_NE(Slurp(log).find("left by a step"), std::string::npos) << Slurp(log);
  EXPECT_TRUE(ProcessesMentioning(cfg).empty()) << Slurp(log);
}

TEST_F(NodeDaemonE2ETest, StatusLaunchesTheSupervisorAndBootResetsTimestamps) {
  ASSERT_EQ(Exec({testing::SlaposBinary(), "node", "format", "--cfg", cfg}).exit_code, 0);
  ProcessResult s = Exec({testing::SlaposBinary(), "node", "status", "--cfg", cfg});
  EXPECT_TRUE(PathExists(dir.Join("srv/sv.sock")));
  // Exit 0 once every program is RUNNING (3, as supervisorctl, while one is STARTING: the
  // watchdog event listener is, for its first second).
  EXPECT_TRUE(s.exit_code == 0 || testing::WaitFor(
                                      [&] {
                                        s = Exec({testing::SlaposBinary(), "node", "status", "--cfg", cfg});
                                        return s.exit_code == 0;
                                      },
                                      15))
      << s.exit_code << "\n"
      << s.output;
  EXPECT_TRUE(PathExists(dir.Join("srv/etc/supervisord.conf")));
  ProcessResult v = Exec({testing::SlaposBinary(), "node", "supervisorctl", "--cfg", cfg, "version"});
  EXPECT_EQ(v.exit_code, 0) << v.output;
  EXPECT_FALSE(v.output.empty());
  ProcessResult bad = Exec({testing::SlaposBinary(), "node", "start", "--cfg", cfg, "nosuch:thing"});
  EXPECT_NE(bad.exit_code, 0) << bad.output;

  std::string ts = dir.Join("srv/" + tag + "p0/.timestamp");
  ASSERT_TRUE(WriteFileAtomic(ts, "1").ok());
  ProcessResult b = Exec({testing::SlaposBinary(), "node", "boot", "--cfg", cfg, "--max-tries", "1"});
  EXPECT_EQ(b.exit_code, 0) << b.output;
  EXPECT_NE(b.output.find("1 partition timestamps reset"), std::string::npos) << b.output;
  EXPECT_FALSE(PathExists(ts));
}

}  // namespace
}  // namespace slapos
