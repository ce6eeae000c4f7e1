// slap::SlapClient against the real `slapos master`: the calls a compute node makes, and the
// master's errors surfacing as Status with the master's own words.
#include <nlohmann/json.hpp>

#include "master_fixture.h"
#include "slap/usage.h"

namespace slapos::client_test {
namespace {

using nlohmann::json;

constexpr char kSr[] = "http://example.invalid/software/db/software.cfg";

class SlapClientE2ETest : public MasterFixture {
 protected:
  void Format(const std::string& node, int partitions) {
    slap::ComputeNodeFormat f;
    f.computer_guid = node;
    for (int i = 0; i < partitions; ++i) {
      f.partitions.push_back({"slappart" + std::to_string(i),
                              {{"10.0.0." + std::to_string(i + 1), "lo", "255.255.255.0", "", ""}}});
    }
    Status st = client().FormatComputeNode(f);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  slap::Instance Request(const std::string& title, const std::string& params = "{}") {
    slap::InstanceRequest q;
    q.title = title;
    q.software_release_uri = kSr;
    q.parameters = params;
    Result<slap::InstanceAnswer> a = client().RequestInstance(q);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_TRUE(a.ok() && a->ready);
    return a.ok() ? a->instance : slap::Instance{};
  }
};

TEST_F(SlapClientE2ETest, NodeCycleFormatListDeployReportDestroy) {
  Format("COMP-0", 2);
  ASSERT_TRUE(client().Supply(kSr, "COMP-0").ok());
  Result<std::vector<slap::SoftwareInstallation>> sw = client().SoftwareInstallationList("COMP-0");
  ASSERT_TRUE(sw.ok()) << sw.status().ToString();
  ASSERT_EQ(sw->size(), 1u);
  EXPECT_TRUE(client().ReportSoftwareState(kSr, "COMP-0", slap::SoftwareReportedState::kBuilding).ok());
  EXPECT_TRUE(client().ReportSoftwareState(kSr, "COMP-0", slap::SoftwareReportedState::kAvailable).ok());
  EXPECT_TRUE(client().ReportSoftwareError(kSr, "COMP-0", "buildout failed").ok());

  slap::Instance requested = Request("db", R"({"size":"10G"})");
  EXPECT_EQ(requested.instance_guid, "db______0");
  EXPECT_EQ(requested.compute_partition_id, "slappart0");

  Result<std::vector<slap::NodeInstance>> mine = client().NodeInstanceList("COMP-0");
  ASSERT_TRUE(mine.ok()) << mine.status().ToString();
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].instance_guid, "db______0");
  EXPECT_EQ((*mine)[0].state, slap::InstanceState::kStarted);

  Result<slap::Instance> part = client().GetPartition("COMP-0", "slappart0");
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->title, "db");
  EXPECT_EQ(json::parse(part->parameters)["size"], "10G");
  EXPECT_EQ(part->ip_list.at(0), (std::vector<std::string>{"lo", "10.0.0.1"}));
  int64_t ts = part->processing_timestamp;
  EXPECT_GT(ts, 0);

  EXPECT_TRUE(client().ReportInstanceState("db______0", slap::InstanceState::kStarted).ok());
  ASSERT_TRUE(client().PublishConnectionParameters("db______0", R"({"url":"mysql://10.0.0.1"})").ok());
  EXPECT_EQ(json::parse(client().GetInstance("db______0")->connection_parameters)["url"], "mysql://10.0.0.1");

  ASSERT_TRUE(client().BangInstance("db______0", "promise failed").ok());
  EXPECT_GT(client().GetPartition("COMP-0", "slappart0")->processing_timestamp, ts);
  EXPECT_TRUE(client().ReportInstanceError("db______0", "it broke").ok());
  EXPECT_TRUE(client().GetInstanceCertificate("db______0").ok());

  ASSERT_TRUE(client().RenameInstance("db______0", "database").ok());
  EXPECT_TRUE(client().GetInstance("database______0").ok());
  EXPECT_FALSE(client().GetInstance("db______0").ok());

  // Person asks for destruction, node reports it done: the partition is free again.
  slap::InstanceRequest destroy;
  destroy.title = "database";
  destroy.software_release_uri = kSr;
  destroy.state = slap::InstanceState::kDestroyed;
  Result<slap::InstanceAnswer> d = client().RequestInstance(destroy);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->instance.state, slap::InstanceState::kDestroyed);
  Result<std::string> done = client().ReportInstanceState("database______0", slap::InstanceState::kDestroyed);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(client().NodeInstanceList("COMP-0")->empty());

  slap::UsageJournal journal = slap::BuildUsageReport(
      "COMP-0", "2026-11-21 at 23:59:00", {{"slappart0", {{"CPU", "", "", 1.5, 0, "", {}}}}});
  EXPECT_TRUE(client().ReportUsage("COMP-0", slap::WriteTioXml(journal)).ok());
  EXPECT_TRUE(client().BangComputeNode("COMP-0", "reboot").ok());
  EXPECT_TRUE(client().ComputeNodeStatus("COMP-0").ok());
  EXPECT_TRUE(client().NewComputeNodeCertificate("COMP-0").ok());
  EXPECT_TRUE(client().RevokeComputeNodeCertificate("COMP-0").ok());
  EXPECT_EQ(*client().ComputeNodeList(), std::vector<std::string>{"COMP-0"});
}

TEST_F(SlapClientE2ETest, SharedInstancesReachTheirHost) {
  Format("COMP-0", 1);
  slap::Instance host = Request("frontend");
  slap::InstanceRequest q;
  q.title = "my-site";
  q.software_release_uri = kSr;
  q.shared = true;
  q.parameters = R"({"url":"http://backend"})";
  Result<slap::InstanceAnswer> shared = client().RequestInstance(q);
  ASSERT_TRUE(shared.ok()) << shared.status().ToString();
  ASSERT_TRUE(shared->ready);
  EXPECT_TRUE(shared->instance.shared);
  EXPECT_EQ(shared->instance.instance_guid, "my-site______1");

  Result<std::vector<slap::SharedInstance>> hosted = client().HostedInstanceList(host.instance_guid);
  ASSERT_TRUE(hosted.ok()) << hosted.status().ToString();
  ASSERT_EQ(hosted->size(), 1u);
  EXPECT_EQ((*hosted)[0].title, "my-site");
  EXPECT_EQ(json::parse((*hosted)[0].parameters)["url"], "http://backend");
}

TEST_F(SlapClientE2ETest, MasterErrorsKeepTheMastersWords) {
  Result<slap::Instance> bad_guid = client().GetInstance("foo");
  ASSERT_FALSE(bad_guid.ok());
  EXPECT_EQ(bad_guid.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(bad_guid.status().message(), "instance_guid foo not handled.");

  Result<std::vector<slap::NodeInstance>> unknown = client().NodeInstanceList("COMP-404");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(unknown.status().message(), "COMP-404 is not registered.");

  // A request the schema refuses: 400 with the validator's words.
  Result<std::string> raw = client().Call(slap::api::kGetInstance, R"({"instance_guid":"a______0","foo":1})");
  ASSERT_FALSE(raw.ok());
  EXPECT_EQ(raw.status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(Contains(raw.status().message(), "foo")) << raw.status().message();

  slap::SlapClientOptions o;
  o.master_url = master_url() + "/nowhere";
  slap::SlapClient lost(o);
  Result<std::vector<std::string>> not_found = lost.InstanceTreeList();
  ASSERT_FALSE(not_found.ok());
  EXPECT_EQ(not_found.status().code(), Code::kNotFound) << not_found.status().ToString();
}

}  // namespace
}  // namespace slapos::client_test
