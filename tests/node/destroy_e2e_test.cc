// Issue 5's proof, as root with the bundled hello release: a deployed instance requested
// destroyed is stopped by `node instance` (no process left), emptied and reported destroyed by
// `node report` (directory and user kept), the master frees the partition, and the next
// request lands on it and answers.
#include <pwd.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "e2e_fixture.h"

namespace slapos {
namespace {

using e2e::ProcessesOf;
using e2e::Slurp;

class NodeDestroyE2ETest : public e2e::HelloNodeE2ETest {
 protected:
  NodeDestroyE2ETest() { prefix = "nd"; }
};

TEST_F(NodeDestroyE2ETest, DestroyedHelloIsStoppedEmptiedFreedAndItsPartitionReused) {
  std::string hello = SupplyHello();
  slap::Instance first = Request("hello-first", hello, R"({"name": "Ada"})");
  std::string part = first.compute_partition_id;
  ASSERT_FALSE(part.empty());
  std::string path = dir.Join("srv/" + part);
  ProcessResult deployed = SlaposNode({"instance"});
  ASSERT_EQ(deployed.exit_code, 0)
      << deployed.output << Slurp(path + "/.slapgrid/log/instance.log");
  auto conn = Connection(first.instance_guid);
  ASSERT_TRUE(conn.contains("url")) << conn.dump();
  std::string url6 = conn["url"];
  EXPECT_TRUE(Answers(url6, "Hello Ada!")) << Get(url6);
  uid_t uid = UidOf(part);
  ASSERT_NE(uid, 0u);

  // Requested destroyed: `node instance` stops it (its files stay until `node report`).
  Request("hello-first", hello, R"({"name": "Ada"})", slap::InstanceState::kDestroyed);
  ProcessResult stopped = SlaposNode({"instance"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_TRUE(testing::WaitFor([&] { return ProcessesOf(uid).empty(); }, 15))
      << "a process of " << part << " survived";
  EXPECT_NE(Get(url6).find("no answer"), std::string::npos);
  EXPECT_TRUE(PathExists(path + "/buildout.cfg"));
  EXPECT_FALSE(PathExists(dir.Join("srv/etc/supervisord.conf.d/" + part + ".conf")));

  // `node report` destroys it: emptied, reported, freed on the master.
  ProcessResult report = SlaposNode({"report"});
  ASSERT_EQ(report.exit_code, 0) << report.output << Slurp(dir.Join("master.log"));
  EXPECT_NE(report.output.find("destroyed " + part), std::string::npos) << report.output;
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0) << "the partition directory must stay";
  EXPECT_EQ(st.st_uid, uid);
  EXPECT_EQ(st.st_mode & 07777, 0750u);
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(path))
    left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{".slapos-resource"});
  EXPECT_NE(getpwnam((tag + "u0").c_str()), nullptr) << "the partition user must stay";
  EXPECT_FALSE(client->GetPartition(computer, part).ok())
      << "the master still has an instance on " << part;

  // The next request gets the freed partition (the lowest free one) and answers there.
  slap::Instance next = Request("hello-next", hello, R"({"name": "Bob"})");
  EXPECT_EQ(next.compute_partition_id, part);
  ProcessResult redeployed = SlaposNode({"instance"});
  EXPECT_EQ(redeployed.exit_code, 0)
      << redeployed.output << Slurp(path + "/.slapgrid/log/instance.log");
  auto conn2 = Connection(next.instance_guid);
  ASSERT_TRUE(conn2.contains("url")) << conn2.dump();
  std::string url_next = conn2["url"];
  EXPECT_TRUE(Answers(url_next, "Hello Bob!")) << Get(url_next);
  EXPECT_EQ(UidOf(part), uid);
}

}  // namespace
}  // namespace slapos
