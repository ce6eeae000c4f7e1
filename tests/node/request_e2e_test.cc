// slapos.cookbook:request / requestoptional and switch-softwaretype, run by `slapos node
// buildout` against a real `slapos master` (temp SQLite): the requesting partition asks for a
// child as itself, the child is allocated in its tree, and the connection parameters the child
// publishes come back to the requester's profile. No root needed.
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

using nlohmann::json;

class NodeRequestE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartMaster());
    slap::ComputeNodeFormat f;
    f.computer_guid = "COMP-R";
    for (int i = 0; i < 3; ++i) {
      std::string n = std::to_string(i);
      f.partitions.push_back({"slappart" + n,
                              {{"10.0.0." + std::to_string(i + 2), "slaptap" + n, "255.255.255.255", "", ""},
                               {"fd00::" + std::to_string(i + 2), "slaptap" + n, "ffff:ffff:ffff:ffff::", "", ""}}});
    }
    ASSERT_TRUE(client->FormatComputeNode(f).ok());
    ASSERT_TRUE(client->Supply(kSoftware, "COMP-R").ok());
    root = Request("root", "default", R"({"name": "Root"})");
    ASSERT_FALSE(root.empty());
    instance_root = dir.Join("instance");
  }

  // Requests a root instance as a user; returns its partition id.
  std::string Request(const std::string& title, const std::string& type, const std::string& params) {
    slap::InstanceRequest req;
    req.title = title;
    req.software_release_uri = kSoftware;
    req.software_type = type;
    req.parameters = params;
    req.sla_parameters = R"({"computer_guid": "COMP-R"})";
    auto answer = client->RequestInstance(req);
    EXPECT_TRUE(answer.ok()) << answer.status().ToString();
    if (!answer.ok() || !answer->ready) return "";
    return answer->instance.compute_partition_id;
  }

  std::string Connection(const std::string& partition) {
    return "[slap-connection]\nserver-url = " + url + "\ncomputer-id = COMP-R\npartition-id = " + partition +
           "\nrequested-state = started\n\n";
  }

  // Writes `profile` as <instance_root>/<partition>/buildout.cfg and runs `slapos node buildout`
  // there, as the node does.
  ProcessResult Buildout(const std::string& partition, const std::string& profile) {
    std::string home = JoinPath(instance_root, partition);
    EXPECT_TRUE(MakeDirs(home).ok());
    EXPECT_TRUE(WriteFileAtomic(JoinPath(home, "buildout.cfg"), profile).ok());
    ProcessOptions po;
    po.argv = {testing::SlaposBinary(), "node", "buildout", "-c", "buildout.cfg"};
    po.cwd = home;
    po.extra_env = {{"SLAPGRID_INSTANCE_ROOT", instance_root}};
    po.timeout_seconds = 60;
    auto r = RunProcess(po);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ProcessResult{};
  }

  std::string Read(const std::string& partition, const std::string& file) {
    auto t = ReadFile(JoinPath(JoinPath(instance_root, partition), file));
    return t.ok() ? std::string(Trim(*t)) : "<" + t.status().message() + ">";
  }

  std::string RequesterProfile(const std::string& recipe) {
    return "[buildout]\nparts = child out\n\n" + Connection(root) +
           "[child]\n<= slap-connection\nrecipe = " + recipe +
           "\nname = child\nsoftware-url = " + kSoftware +
           "\nconfig-name = Ada\nreturn = url\n\n"
           "[out]\nrecipe = slapos.recipe.template\ninline = url=${child:connection-url} "
           "guid=${child:instance-guid}\noutput = ${buildout:directory}/child-url\n";
  }

  // What a child's own profile does: read its parameters, publish a URL made of them.
  std::string PublisherProfile(const std::string& partition) {
    return "[buildout]\nparts = publish\n\n" + Connection(partition) +
           "[conf]\nrecipe = slapos.cookbook:slapconfiguration\nurl = " + url +
           "\ncomputer = COMP-R\npartition = " + partition +
           "\n\n[publish]\nrecipe = slapos.cookbook:publish\nurl = http://child/${conf:configuration.name}\n";
  }

  static constexpr char kSoftware[] = "http://sr/hello.cfg";
  std::string root, instance_root;
};

TEST_F(NodeRequestE2ETest, RequestFailsUntilTheChildPublishesThenGetsItsValues) {
  ProcessResult first = Buildout(root, RequesterProfile("slapos.cookbook:request"));
  EXPECT_NE(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("has not published url"), std::string::npos) << first.output;

  // The child exists in the requester's tree, on another partition, with its parameters.
  std::string child_guid = slap::MakeInstanceGuid({"child", "root", false});
  auto child = client->GetInstance(child_guid);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_EQ(child->computer_guid, "COMP-R");
  EXPECT_NE(child->compute_partition_id, root);
  EXPECT_FALSE(child->compute_partition_id.empty());
  EXPECT_EQ(json::parse(child->parameters)["name"], "Ada");
  EXPECT_EQ(child->root_instance_title, "root");
  // The request was recorded for the node (node.md §4.6).
  EXPECT_EQ(Read(root, ".slapos-request-transaction-" + root), "child");

  ProcessResult publish = Buildout(child->compute_partition_id, PublisherProfile(child->compute_partition_id));
  ASSERT_EQ(publish.exit_code, 0) << publish.output;

  ProcessResult second = Buildout(root, RequesterProfile("slapos.cookbook:request"));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(Read(root, "child-url"), "url=http://child/Ada guid=" + child_guid);
  // Re-requesting is idempotent: still one child, same partition, listed once.
  auto again = client->GetInstance(child_guid);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->compute_partition_id, child->compute_partition_id);
  EXPECT_EQ(Read(root, ".slapos-request-transaction-" + root), "child");
}

TEST_F(NodeRequestE2ETest, RequestOptionalGoesOnWithEmptyValues) {
  ProcessResult r = Buildout(root, RequesterProfile("slapos.cookbook:requestoptional"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Read(root, "child-url"), "url= guid=" + slap::MakeInstanceGuid({"child", "root", false}));
}

TEST_F(NodeRequestE2ETest, SerialisedRequestRoundTripsThroughUnderscore) {
  std::string profile = "[buildout]\nparts = child out\n\n" + Connection(root) +
                        "[child]\n<= slap-connection\nrecipe = slapos.cookbook:request.serialised\nname = ser\n"
                        "software-url = " + std::string(kSoftware) +
                        "\nconfig-size = 3\nreturn = answer\n\n"
                        "[out]\nrecipe = slapos.recipe.template\ninline = ${child:connection-answer}\n"
                        "output = ${buildout:directory}/answer\n";
  ProcessResult first = Buildout(root, profile);
  EXPECT_NE(first.exit_code, 0) << first.output;
  std::string guid = slap::MakeInstanceGuid({"ser", "root", false});
  auto child = client->GetInstance(guid);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  json params = json::parse(child->parameters);
  ASSERT_TRUE(params["_"].is_string()) << child->parameters;
  EXPECT_EQ(json::parse(params["_"].get<std::string>())["size"], "3");
  ASSERT_TRUE(client->PublishConnectionParameters(guid, json{{"_", json{{"answer", "42"}}.dump()}}.dump()).ok());
  ProcessResult second = Buildout(root, profile);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_EQ(Read(root, "answer"), "42");
}

TEST_F(NodeRequestE2ETest, ChildGoesWhereItsSlaSays) {
  std::string profile = "[buildout]\nparts = child\n\n" + Connection(root) +
                        "[child]\n<= slap-connection\nrecipe = slapos.cookbook:requestoptional\nname = placed\n"
                        "software-url = " + std::string(kSoftware) + "\nsla-computer_guid = COMP-NOWHERE\n";
  ProcessResult r = Buildout(root, profile);
  // Optional: the run succeeds, saying the master could not place it.
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("request of placed failed"), std::string::npos) << r.output;
  // Not optional: the same request fails the run and names the instance.
  std::string strict = profile;
  strict.replace(strict.find("requestoptional"), 15, "request");
  ProcessResult s = Buildout(root, strict);
  EXPECT_NE(s.exit_code, 0);
  EXPECT_NE(s.output.find("placed"), std::string::npos) << s.output;
}

class NodeSwitchE2ETest : public NodeRequestE2ETest {};

TEST_F(NodeSwitchE2ETest, RunsTheProfileOfThePartitionsSoftwareType) {
  std::string typed = Request("typed", "worker", R"({"name": "Bob$"})");
  ASSERT_FALSE(typed.empty());
  auto profile = [&](const std::string& partition) {
    return "[buildout]\nparts = switch-softwaretype\n\n" + Connection(partition) +
           "[slap-configuration]\nrecipe = slapos.cookbook:slapconfiguration\nurl = " + url +
           "\ncomputer = COMP-R\npartition = " + partition +
           "\n\n[worker-profile]\nrecipe = slapos.recipe.template\noutput = ${buildout:directory}/worker.cfg\n"
           "inline =\n  [buildout]\n  parts = said\n  [said]\n  recipe = slapos.recipe.template\n"
           "  output = $${buildout:directory}/said\n"
           "  inline = worker $${slap-configuration:configuration.name} on $${slap-connection:partition-id}\n"
           "\n[default-profile]\nrecipe = slapos.recipe.template\noutput = ${buildout:directory}/default.cfg\n"
           "inline =\n  [buildout]\n  parts = said\n  [said]\n  recipe = slapos.recipe.template\n"
           "  output = $${buildout:directory}/said\n  inline = default $${slap-configuration:slap-software-type}\n"
           "\n[switch-softwaretype]\nrecipe = slapos.cookbook:switch-softwaretype\n"
           "default = default-profile:output\nworker = worker-profile:output\n";
  };
  ProcessResult w = Buildout(typed, profile(typed));
  ASSERT_EQ(w.exit_code, 0) << w.output;
  EXPECT_EQ(Read(typed, "said"), "worker Bob$ on " + typed);
  EXPECT_TRUE(PathExists(JoinPath(JoinPath(instance_root, typed), ".installed-switch-softwaretype.cfg")));

  ProcessResult d = Buildout(root, profile(root));
  ASSERT_EQ(d.exit_code, 0) << d.output;
  EXPECT_EQ(Read(root, "said"), "default default");

  // A type the release does not know fails the run and names it.
  std::string odd = Request("odd", "frontend", "{}");
  ASSERT_FALSE(odd.empty());
  ProcessResult o = Buildout(odd, profile(odd));
  EXPECT_NE(o.exit_code, 0);
  EXPECT_NE(o.output.find("'frontend'"), std::string::npos) << o.output;
}

}  // namespace
}  // namespace slapos
