// The watchdog for real, as root: the node's supervisor runs `slapos node watchdog` as its
// [eventlistener:watchdog]; killing a deployed hello service (an etc/service program) makes it
// bang the partition on a real master (the partition's timestamp moves), once per deployment,
// and the next `node instance` reprocesses the partition. Plus `slapos node bang`.
#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "e2e_fixture.h"
#include "node/watchdog.h"

namespace slapos {
namespace {

using e2e::Slurp;

class NodeWatchdogE2ETest : public e2e::HelloNodeE2ETest {
 protected:
  NodeWatchdogE2ETest() { prefix = "wd"; }

  int64_t MasterTimestamp(const std::string& part) {
    auto p = client->GetPartition(computer, part);
    return p.ok() ? p->processing_timestamp : -1;
  }

  // Kills the hello service and waits until the supervisor has restarted it.
  void KillHello(const std::string& path) {
    long long pid = HelloPid(path);
    ASSERT_GT(pid, 0) << Slurp(path + "/var/run/hello.pid");
    ASSERT_EQ(kill(static_cast<pid_t>(pid), SIGKILL), 0);
    ASSERT_TRUE(testing::WaitFor([&] { return HelloPid(path) != 0 && HelloPid(path) != pid; }, 20))
        << "the supervisor did not restart the killed service";
  }
};

TEST_F(NodeWatchdogE2ETest, KilledServiceBangsOncePerDeploymentAndIsReprocessed) {
  std::string hello = SupplyHello();
  slap::Instance inst = Request("hello-watched", hello, "{}");
  std::string part = inst.compute_partition_id;
  ASSERT_FALSE(part.empty());
  std::string path = dir.Join("srv/" + part);
  ProcessResult first = SlaposNode({"instance"});
  ASSERT_EQ(first.exit_code, 0) << first.output << Slurp(path + "/.slapgrid/log/instance.log");
  EXPECT_NE(Slurp(dir.Join("srv/etc/supervisord.conf")).find("[eventlistener:watchdog]"),
            std::string::npos);
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        return Ctl({"status", "watchdog"}).output.find("RUNNING") != std::string::npos;
      },
      15))
      << Ctl({"status"}).output;
  const int64_t deployed_ts = MasterTimestamp(part);
  ASSERT_GT(deployed_ts, 0);
  ASSERT_EQ(Slurp(path + "/.timestamp"), std::to_string(deployed_ts));
  EXPECT_FALSE(PathExists(path + "/" + node::kLatestBangFile));

  // 1. Killed: the watchdog bangs; the master moves the partition's timestamp.
  ASSERT_NO_FATAL_FAILURE(KillHello(path));
  ASSERT_TRUE(testing::WaitFor([&] { return MasterTimestamp(part) > deployed_ts; }, 20))
      << "no bang reached the master\n"
      << Slurp(dir.Join("master.log"));
  const int64_t banged_ts = MasterTimestamp(part);
  EXPECT_TRUE(testing::WaitFor([&] { return PathExists(path + "/" + node::kLatestBangFile); }, 5));
  EXPECT_EQ(Slurp(path + "/" + node::kLatestBangFile), std::to_string(deployed_ts));

  // 2. Killed again before any redeployment: no second bang.
  ASSERT_NO_FATAL_FAILURE(KillHello(path));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // what a second bang would need, and more
  EXPECT_EQ(MasterTimestamp(part), banged_ts) << "banged twice for one deployment";

  // 3. The next pass reprocesses the partition (the timestamp changed) and records it.
  ProcessResult again = SlaposNode({"instance"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("1 deployed"), std::string::npos) << again.output;
  EXPECT_EQ(Slurp(path + "/.timestamp"), std::to_string(banged_ts));
  auto conn = Connection(inst.instance_guid);
  ASSERT_TRUE(conn.contains("url")) << conn.dump();
  std::string url6 = conn["url"];
  EXPECT_TRUE(Answers(url6, "Hello World!")) << Get(url6);

  // 4. A new deployment may bang again.
  ASSERT_NO_FATAL_FAILURE(KillHello(path));
  EXPECT_TRUE(testing::WaitFor([&] { return MasterTimestamp(part) > banged_ts; }, 20))
      << "no bang after redeployment";
}

TEST_F(NodeWatchdogE2ETest, NodeBangAndUsage) {
  ProcessResult help = SlaposNode({"bang", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--message"), std::string::npos) << help.output;
  ProcessResult no_message = SlaposNode({"bang"});
  EXPECT_EQ(no_message.exit_code, 5) << no_message.output;
  ProcessResult bang = SlaposNode({"bang", "-m", "rebooted"});
  EXPECT_EQ(bang.exit_code, 0) << bang.output << Slurp(dir.Join("master.log"));
  EXPECT_NE(bang.output.find("banged compute node " + computer), std::string::npos) << bang.output;
  // The master gone: a clear error naming it.
  master->Stop(SIGTERM);
  ProcessResult down = SlaposNode({"bang", "-m", "rebooted"});
  EXPECT_NE(down.exit_code, 0);
  EXPECT_NE(down.output.find(url), std::string::npos) << down.output;

  // The listener refuses input that is not supervisord's protocol.
  ProcessOptions o;
  o.argv = {testing::SlaposBinary(), "node",   "watchdog",        "--master-url", url,
            "--computer-id",         computer, "--instance-root", dir.Join("srv")};
  o.stdin_data = "not a header\n";
  o.timeout_seconds = 30;
  auto r = RunProcess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 1) << r->output;
  EXPECT_NE(r->output.find("READY"), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("not a header"), std::string::npos) << r->output;
}

}  // namespace
}  // namespace slapos
