// Offline mode for real, as root (node.md §4.9): two hello instances deployed, then the master
// stopped and the node's supervisor shut down (a reboot without master). `node instance` exits
// 3, installs nothing, stops the partition whose legacy .requested_state says stopped and
// starts every known process: the other instance answers again.
#include <signal.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "e2e_fixture.h"

namespace slapos {
namespace {

using e2e::ProcessesOf;
using e2e::Slurp;

class NodeOfflineE2ETest : public e2e::HelloNodeE2ETest {
 protected:
  NodeOfflineE2ETest() { prefix = "of"; }
};

TEST_F(NodeOfflineE2ETest, MasterDownRestartsStartedPartitionsAndExits3) {
  std::string hello = SupplyHello();
  slap::Instance on = Request("hello-on", hello, R"({"name": "On"})");
  slap::Instance off = Request("hello-off", hello, R"({"name": "Off"})");
  ASSERT_FALSE(on.compute_partition_id.empty());
  ASSERT_FALSE(off.compute_partition_id.empty());
  std::string on_path = dir.Join("srv/" + on.compute_partition_id);
  std::string off_path = dir.Join("srv/" + off.compute_partition_id);
  ProcessResult deployed = SlaposNode({"instance"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.output;
  auto c_on = Connection(on.instance_guid), c_off = Connection(off.instance_guid);
  ASSERT_TRUE(c_on.contains("url") && c_off.contains("url")) << c_on.dump() << c_off.dump();
  std::string url_on = c_on["url"], url_off = c_off["url"];
  ASSERT_TRUE(Answers(url_on, "Hello On!"));
  ASSERT_TRUE(Answers(url_off, "Hello Off!"));
  uid_t uid_on = UidOf(on.compute_partition_id), uid_off = UidOf(off.compute_partition_id);

  // A reboot without master: the master is gone, so is the node's supervisor and every service.
  ASSERT_NE(master->Stop(SIGTERM), -1);
  Ctl({"shutdown"});
  ASSERT_TRUE(testing::WaitFor(
      [&] { return ProcessesOf(uid_on).empty() && ProcessesOf(uid_off).empty(); }, 30));
  ASSERT_TRUE(WriteFileAtomic(off_path + "/.requested_state", "stopped\n").ok());
  struct stat before {};
  ASSERT_EQ(stat((on_path + "/buildout.cfg").c_str(), &before), 0);

  ProcessResult offline = SlaposNode({"instance"});
  EXPECT_EQ(offline.exit_code, 3) << offline.output;
  EXPECT_NE(offline.output.find("offline"), std::string::npos) << offline.output;
  EXPECT_NE(offline.output.find(url), std::string::npos)
      << "the reason names the master: " << offline.output;
  EXPECT_TRUE(Answers(url_on, "Hello On!", 15))
      << Get(url_on) << Slurp(dir.Join("srv/var/log/supervisord.log"));
  EXPECT_TRUE(ProcessesOf(uid_off).empty())
      << "the partition whose .requested_state says stopped must stay down";
  EXPECT_FALSE(PathExists(off_path + "/.requested_state"));
  EXPECT_FALSE(
      PathExists(dir.Join("srv/etc/supervisord.conf.d/" + off.compute_partition_id + ".conf")));
  struct stat after {};
  ASSERT_EQ(stat((on_path + "/buildout.cfg").c_str(), &after), 0);
  EXPECT_EQ(before.st_mtim.tv_sec, after.st_mtim.tv_sec);  // nothing installed
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);

  // Still offline: same answer, the started instance untouched.
  long long pid = HelloPid(on_path);
  ProcessResult again = SlaposNode({"instance"});
  EXPECT_EQ(again.exit_code, 3) << again.output;
  EXPECT_EQ(HelloPid(on_path), pid);
}

}  // namespace
}  // namespace slapos
