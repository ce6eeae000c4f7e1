// Two compute nodes on one machine (root): separate roots, separate users, each formatted inside
// its own network namespace (`ip netns exec`) on a veth pair whose other end stays on the host,
// where one `slapos master` listens. Node attributes are set through the master's extension
// (put.WIP.compute_node_attribute_dict); requests by computer_guid and by attribute must land
// on the right node, which the test reads back from the master (the partition's node); then
// each node's `slapos node software` and `slapos node instance` (run inside its namespace)
// deploy exactly the instances placed on it. Namespaces and interfaces are always removed.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_fixture.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;

struct Node {
  std::string name;       // COMP-...
  std::string netns;      // network namespace
  std::string host_if;    // veth end on the host
  std::string ns_if;      // veth end inside the namespace
  std::string host_ip;    // host side address (the master is reached through it)
  std::string cfg;        // slapos.cfg
};

class NodeTwoNodesE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: network namespaces, veth pairs, partition users";
    if (!Exec({"ip", "netns", "list"}).success()) GTEST_SKIP() << "'ip netns' is not usable here";
    UseTag("tn");
    const int net = 20 + getpid() % 200;  // 10.<net>.{1,2}.0/24 between host and namespaces
    for (int k = 1; k <= 2; ++k) {
      Node n;
      std::string K = std::to_string(k);
      n.name = "COMP-" + tag + "-" + K;
      n.netns = tag + "ns" + K;
      n.host_if = tag + "h" + K;
      n.ns_if = tag + "n" + K;
      n.host_ip = "10." + std::to_string(net) + "." + K + ".1";
      std::string ns_ip = "10." + std::to_string(net) + "." + K + ".2";
      nodes.push_back(n);
      Node& m = nodes.back();
      ASSERT_NO_FATAL_FAILURE(AddNetns(m.netns));
      ASSERT_NO_FATAL_FAILURE(AddVethPair(m.host_if, m.ns_if));
      ASSERT_TRUE(Exec({"ip", "link", "set", m.ns_if, "netns", m.netns}).success());
      ASSERT_TRUE(Exec({"ip", "addr", "add", m.host_ip + "/24", "dev", m.host_if}).success());
      ASSERT_TRUE(InNs(m, {"ip", "link", "set", "lo", "up"}).success());
      ASSERT_TRUE(InNs(m, {"ip", "addr", "add", ns_ip + "/24", "dev", m.ns_if}).success());
      ASSERT_TRUE(InNs(m, {"ip", "link", "set", m.ns_if, "up"}).success());
      ASSERT_TRUE(InNs(m, {"ip", "route", "add", "default", "via", m.host_ip}).success());
      ASSERT_TRUE(InNs(m, {"ip", "-6", "addr", "add", "fd5c:" + std::to_string(getpid() % 10000) + ":" + K + ":1::1/64",
                           "dev", m.ns_if, "nodad"})
                      .success());
    }
    // The master listens on node 1's host-side address; node 2 reaches it through its default
    // route (the host answers for its own address on any interface).
    ASSERT_NO_FATAL_FAILURE(StartMaster(nodes[0].host_ip));
    // A small release: a service, and the node id the instance finds itself on, published.
    software = dir.Join("release/software.cfg");
    ASSERT_TRUE(MakeDirs(dir.Join("release"), 0755).ok());
    ASSERT_TRUE(WriteFileAtomic(software,
                                "[buildout]\nparts = instance\n[instance]\nrecipe = slapos.recipe.template\n"
                                "output = ${buildout:directory}/instance.cfg\ninline =\n"
                                "  [buildout]\n  parts = directory sleeper publish\n"
                                "  [slap-configuration]\n  recipe = slapos.cookbook:slapconfiguration\n"
                                "  computer = $${slap-connection:computer-id}\n"
                                "  partition = $${slap-connection:partition-id}\n"
                                "  url = $${slap-connection:server-url}\n"
                                "  [directory]\n  recipe = slapos.cookbook:mkdirectory\n"
                                "  service = $${buildout:directory}/etc/service\n"
                                "  [sleeper]\n  recipe = slapos.cookbook:wrapper\n  command-line = /bin/sleep 3600\n"
                                "  wrapper-path = $${directory:service}/sleeper\n"
                                "  [publish]\n  recipe = slapos.cookbook:publish\n"
                                "  node = $${slap-configuration:slap-computer-id}\n"
                                "  partition = $${slap-configuration:slap-computer-partition-id}\n",
                                0644)
                    .ok());
    for (size_t i = 0; i < nodes.size(); ++i) {
      Node& n = nodes[i];
      std::string root = dir.Join("node" + std::to_string(i + 1));
      std::string letter(1, static_cast<char>('a' + i));
      n.cfg = root + "/slapos.cfg";
      ASSERT_TRUE(MakeDirs(root).ok());
      chmod(root.c_str(), 0755);
      e2e::TestNodeConfig c;
      c.computer_id = n.name;
      c.master_url = url;
      c.root = root;
      c.partition_amount = 2;
      c.interface_name = n.ns_if;
      c.ipv4_local_network = "10.217." + std::to_string(i + 1) + ".0/24";
      c.user_base_name = tag + letter + "u";
      c.software_user = tag + letter + "soft";
      ASSERT_NO_FATAL_FAILURE(WriteNodeConfig(c, n.cfg));
      UnformatAtTearDown(n.cfg, n.netns);
      ProcessResult f = InNs(n, {testing::SlaposBinary(), "node", "format", "--cfg", n.cfg, "--now"});
      ASSERT_EQ(f.exit_code, 0) << f.output << MasterLog();
    }
  }

  ProcessResult InNs(const Node& n, std::vector<std::string> argv) { return InNetns(n.netns, std::move(argv)); }

  // Requests `title` with `sla`; returns "<node>/<partition>" as the master placed it.
  std::string Place(const std::string& title, const std::string& sla) {
    slap::InstanceRequest req;
    req.title = title;
    req.software_release_uri = software;
    req.sla_parameters = sla;
    auto answer = client->RequestInstance(req);
    if (!answer.ok()) return "error: " + answer.status().message();
    if (!answer->ready) return "not ready";
    // Read it back as stored (the partition's node), not only the request's answer.
    auto inst = client->GetInstance(answer->instance.instance_guid);
    if (!inst.ok()) return "error: " + inst.status().message();
    return inst->computer_guid + "/" + inst->compute_partition_id;
  }

  std::string software;
  std::vector<Node> nodes;
};

TEST_F(NodeTwoNodesE2ETest, AllocationByNodeIdAndByAttributeLandsOnTheRightNode) {
  // Both nodes reported their partitions, with the addresses format gave them in their namespace.
  for (const auto& n : nodes) {
    auto info = client->GetComputeNode(n.name);
    ASSERT_TRUE(info.ok()) << info.status().ToString();
    EXPECT_EQ(info->partition_count, 2) << n.name;
    ASSERT_TRUE(client->Supply(software, n.name).ok());
  }
  ASSERT_TRUE(client->SetComputeNodeAttributes({nodes[1].name, {{"region", "moon"}}}).ok());
  ASSERT_TRUE(client->SetComputeNodeAttributes({nodes[0].name, {{"region", "earth"}}}).ok());

  // By node id: each lands where asked, also on the node registered second.
  EXPECT_TRUE(StartsWith(Place("by-id-2", R"({"computer_guid": ")" + nodes[1].name + R"("})"), nodes[1].name + "/"));
  EXPECT_TRUE(StartsWith(Place("by-id-1", R"({"computer_guid": ")" + nodes[0].name + R"("})"), nodes[0].name + "/"));
  // By attribute: region=moon is only node 2 (first free partition order would pick node 1).
  EXPECT_TRUE(StartsWith(Place("by-region", R"({"region": "moon"})"), nodes[1].name + "/"));
  EXPECT_TRUE(StartsWith(Place("by-region-earth", R"({"region": "earth"})"), nodes[0].name + "/"));
  // Node 2 is now full (2 partitions): another moon request finds no room and says why.
  std::string full = Place("moon-again", R"({"region": "moon"})");
  EXPECT_TRUE(StartsWith(full, "error: ")) << full;
  EXPECT_NE(full.find("full"), std::string::npos) << full;
  // No node in that region: refused, naming the condition.
  std::string none = Place("by-region-mars", R"({"region": "mars"})");
  EXPECT_NE(none.find("region=mars"), std::string::npos) << none;
  // What each node is told to deploy matches.
  auto on2 = client->NodeInstanceList(nodes[1].name);
  ASSERT_TRUE(on2.ok()) << on2.status().ToString();
  std::vector<std::string> titles;
  for (const auto& i : *on2) titles.push_back(i.title);
  std::sort(titles.begin(), titles.end());
  EXPECT_EQ(titles, (std::vector<std::string>{"by-id-2", "by-region"}));

  // Each node builds the release and deploys what was placed on it, from its own namespace.
  for (const auto& n : nodes) {
    ProcessResult sw = InNs(n, {testing::SlaposBinary(), "node", "software", "--cfg", n.cfg});
    ASSERT_EQ(sw.exit_code, 0) << n.name << ": " << sw.output;
    ProcessResult in = InNs(n, {testing::SlaposBinary(), "node", "instance", "--cfg", n.cfg});
    ASSERT_EQ(in.exit_code, 0) << n.name << ": " << in.output;
  }
  const std::vector<std::pair<std::string, size_t>> expected = {
      {"by-id-1", 0}, {"by-region-earth", 0}, {"by-id-2", 1}, {"by-region", 1}};
  for (const auto& [title, k] : expected) {
    SCOPED_TRACE(title);
    auto inst = client->GetInstance(slap::MakeInstanceGuid({title, "", false}));
    ASSERT_TRUE(inst.ok()) << inst.status().ToString();
    auto conn = nlohmann::json::parse(inst->connection_parameters);
    EXPECT_EQ(conn.value("node", ""), nodes[k].name) << inst->connection_parameters;
    EXPECT_EQ(conn.value("partition", ""), inst->compute_partition_id);
    // Deployed in that node's own instance root (the published node id says which node ran it).
    std::string here = Dirname(nodes[k].cfg) + "/srv/" + inst->compute_partition_id;
    EXPECT_TRUE(PathExists(here + "/etc/service/sleeper")) << here;
  }
}

}  // namespace
}  // namespace slapos
