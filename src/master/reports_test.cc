// What the master keeps of nodes' reports (MasterApi over a real SQLite file, fake clock):
// instance status in access_status_message, computer bang, software installation reports,
// usage documents, and the loopback-only admin endpoints that read them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "master/api_test_fixture.h"
#include "slap/usage.h"
#include "util/testing.h"

namespace slapos::master {
namespace {

using json = nlohmann::json;

constexpr char kSr[] = "http://sr/software.cfg";

class MasterReportsTest : public MasterApiFixture {
 protected:
  // Expects `status` and a title containing `needle`.
  void Refused(int status, const std::string& endpoint, const json& body,
               const std::string& needle) {
    auto [code, out] = Call(endpoint, body);
    EXPECT_EQ(code, status) << endpoint << " " << body.dump() << " -> " << out.dump();
    EXPECT_NE(out.value("title", "").find(needle), std::string::npos) << out.dump();
  }
  json Admin(const std::string& name, const json& body) {
    net::HttpResponse out = Raw("/slapos-admin/v1/" + name, body.dump());
    EXPECT_EQ(out.status, 200) << name << " -> " << out.body;
    return json::parse(out.body, nullptr, false);
  }
  void Format(const std::string& node, int partitions) {
    json list = json::array();
    for (int i = 0; i < partitions; ++i)
      list.push_back({{"partition_id", "slappart" + std::to_string(i)}});
    Ok("put.v0.compute_node_format", {{"computer_guid", node}, {"compute_partition_list", list}});
  }
  json Request(const std::string& title, json extra = json::object()) {
    json body = {{"title", title}, {"software_release_uri", kSr}, {"software_type", "default"}};
    body.update(extra);
    return Ok("post.v0.software_instance", body);
  }
  std::string StatusOf(const std::string& guid) {
    return Ok("get.v0.software_instance", {{"instance_guid", guid}})["access_status_message"];
  }
  static std::string Journal(const std::string& computer) {
    return slap::WriteTioXml(slap::BuildUsageReport(
        computer, "2026-11-21 at 23:59:00", {{"slappart0", {{"CPU", "", "", 1.5, 0, "", {}}}}}));
  }

};

TEST_F(MasterReportsTest, InstanceStatusFollowsTheNodesReports) {
  Format("COMP-0", 2);
  json doc = Request("db");
  EXPECT_EQ(doc["access_status_message"], "");
  int64_t ts = doc["processing_timestamp"];

  Ok("put.v0.software_instance_error",
     {{"instance_guid", "db______0"}, {"message", "promise 'port' failed"}});
  EXPECT_EQ(StatusOf("db______0"), "#error promise 'port' failed");
  // Every other field is as before; a report is no change for the node.
  json after = Ok("get.v0.software_instance", {{"instance_guid", "db______0"}});
  EXPECT_EQ(after.size(), 16u);
  EXPECT_EQ(after["processing_timestamp"], ts);
  EXPECT_EQ(Ok("get.v0.compute_partition",
               {{"computer_guid", "COMP-0"},
                {"compute_partition_id", "slappart0"}})["access_status_message"],
            "#error promise 'port' failed");
  EXPECT_EQ(Ok("get.v0.instance_tree", {{"title", "db"}})["access_status_message"],
            "#error promise 'port' failed");

  // A re-request with new parameters keeps the status until the node reports again.
  env_.Advance(2'000'000);
  json changed = Request("db", {{"parameters", {{"size", "2G"}}}});
  EXPECT_GT(changed["processing_timestamp"].get<int64_t>(), ts);
  EXPECT_EQ(changed["access_status_message"], "#error promise 'port' failed");

  Ok("put.v0.software_instance_reported_state",
     {{"instance_guid", "db______0"}, {"reported_state", "started"}});
  EXPECT_EQ(StatusOf("db______0"), "#access Instance correctly started");
  Ok("put.v0.software_instance_reported_state",
     {{"instance_guid", "db______0"}, {"reported_state", "stopped"}});
  EXPECT_EQ(StatusOf("db______0"), "#access Instance correctly stopped");

  // Shared instances keep their own status.
  Request("front", {{"shared", true}});
  Ok("put.v0.software_instance_error", {{"instance_guid", "front______1"}, {"message", "bad url"}});
  EXPECT_EQ(StatusOf("front______1"), "#error bad url");
  EXPECT_EQ(StatusOf("db______0"), "#access Instance correctly stopped");

  // Unknown or malformed guids are refused, nothing stored.
  Refused(403, "put.v0.software_instance_error",
          {{"instance_guid", "nope______0"}, {"message", "x"}},
          "No software instance nope______0 found.");
  Refused(403, "put.v0.software_instance_error",
          {{"instance_guid", "nope______1"}, {"message", "x"}},
          "No shared instance nope______1 found.");
  Refused(403, "put.v0.software_instance_reported_state",
          {{"instance_guid", "bad"}, {"reported_state", "started"}},
          "instance_guid bad not handled.");
  Refused(400, "put.v0.software_instance_error", {{"instance_guid", "db______0"}}, "'message'");
}

TEST_F(MasterReportsTest, StatusIsCappedAndClearedWhenThePartitionIsFreed) {
  Format("COMP-0", 1);
  Request("db");
  // 117 KiB of two-byte characters: the cut falls inside one, so the kept tail starts at the
  // next character; the tail (where a log says what failed) is what is kept.
  std::string log;
  for (int i = 0; i < 60000; ++i) log += "\xc3\xa9";
  log += "end of log!";
  Ok("put.v0.software_instance_error", {{"instance_guid", "db______0"}, {"message", log}});
  std::string status = StatusOf("db______0");
  EXPECT_LE(status.size(), 64u * 1024 + 64);
  const std::string marker = "#error [... 54476 bytes cut] ";
  ASSERT_EQ(status.substr(0, marker.size()), marker);
  EXPECT_EQ(status.substr(marker.size(), 2), "\xc3\xa9");
  EXPECT_EQ(status.size() - marker.size(), 65536u - 1);
  EXPECT_EQ(status.substr(status.size() - 11), "end of log!");

  Request("db", {{"state", "destroyed"}});
  Ok("put.v0.software_instance_reported_state",
     {{"instance_guid", "db______0"}, {"reported_state", "destroyed"}});
  // The slot is reused by a newcomer with no status.
  EXPECT_EQ(Request("other")["access_status_message"], "");
}

TEST_F(MasterReportsTest, ComputerBangBumpsEveryBusyPartitionOfThatNode) {
  Format("COMP-0", 3);
  Format("COMP-1", 1);
  json a = Request("a", {{"sla_parameters", {{"computer_guid", "COMP-0"}}}});
  json b = Request("b", {{"sla_parameters", {{"computer_guid", "COMP-0"}}}});
  json c = Request("c", {{"sla_parameters", {{"computer_guid", "COMP-1"}}}});
  // In the same second: each timestamp still moves forward.
  Ok("put.v0.compute_node_bang", {{"computer_guid", "COMP-0"}, {"message", "reboot"}});
  auto ts = [&](const std::string& guid) {
    return Ok("get.v0.software_instance", {{"instance_guid", guid}})["processing_timestamp"]
        .get<int64_t>();
  };
  EXPECT_GT(ts("a______0"), a["processing_timestamp"].get<int64_t>());
  EXPECT_GT(ts("b______0"), b["processing_timestamp"].get<int64_t>());
  EXPECT_EQ(ts("c______0"), c["processing_timestamp"].get<int64_t>());
  Refused(403, "put.v0.compute_node_bang", {{"computer_guid", "NOPE"}, {"message", "m"}},
          "NOPE is not registered.");
}

TEST_F(MasterReportsTest, SoftwareInstallationReportsAreKeptAndReadByAdmin) {
  Format("COMP-0", 1);
  Ok("post.v0.software_installation", {{"software_release_uri", kSr}, {"computer_guid", "COMP-0"}});
  json list = Admin("software_installation_list", json::object());
  ASSERT_EQ(list["result_list"].size(), 1u);
  EXPECT_EQ(list["result_list"][0]["reported_state"], "");

  Ok("put.v0.software_installation_error",
     {{"software_release_uri", kSr}, {"computer_guid", "COMP-0"}, {"message", "gcc: not found"}});
  list = Admin("software_installation_list", {{"computer_guid", "COMP-0"}});
  ASSERT_EQ(list["result_list"].size(), 1u);
  json item = list["result_list"][0];
  EXPECT_EQ(item["reported_state"], "error");
  EXPECT_EQ(item["error_message"], "gcc: not found");
  EXPECT_EQ(item["state"], "available");
  EXPECT_EQ(item["reported_at"], "2023-11-14T22:13:20Z");  // FakeEnv's clock
  // The v0 list keeps exactly its two fields.
  json v0 = Ok("allDocs.v0.compute_node_software_installation_list", {{"computer_guid", "COMP-0"}});
  EXPECT_EQ(v0["result_list"][0].size(), 2u);

  Ok("put.v0.software_installation_reported_state",
     {{"software_release_uri", kSr}, {"computer_guid", "COMP-0"}, {"reported_state", "available"}});
  item = Admin("software_installation_list", json::object())["result_list"][0];
  EXPECT_EQ(item["reported_state"], "available");
  EXPECT_EQ(item["error_message"], "");

  Refused(403, "put.v0.software_installation_error",
          {{"software_release_uri", "http://other"}, {"computer_guid", "COMP-0"}, {"message", "m"}},
          "No software installation of http://other on COMP-0 found");
  EXPECT_EQ(
      Admin("software_installation_list", {{"computer_guid", "COMP-9"}})["result_list"].size(), 0u);
}

TEST_F(MasterReportsTest, UsageIsValidatedStoredAndListed) {
  Format("COMP-0", 1);
  Format("COMP-1", 1);
  Ok("post.v0.compute_node_usage", {{"computer_guid", "COMP-0"}, {"tioxml", Journal("COMP-0")}});
  env_.Advance(3600'000'000LL);
  Ok("post.v0.compute_node_usage", {{"computer_guid", "COMP-1"}, {"tioxml", Journal("COMP-1")}});

  // Bad documents: a clear 400 (or 403 for an unknown node) and nothing stored.
  Refused(400, "post.v0.compute_node_usage", {{"computer_guid", "COMP-0"}, {"tioxml", "<journal"}},
          "'tioxml'");
  Refused(400, "post.v0.compute_node_usage",
          {{"computer_guid", "COMP-0"}, {"tioxml", "<consumption/>"}}, "journal");
  Refused(400, "post.v0.compute_node_usage",
          {{"computer_guid", "COMP-0"}, {"tioxml", "<journal/>"}}, "transaction");
  Refused(403, "post.v0.compute_node_usage",
          {{"computer_guid", "NOPE"}, {"tioxml", Journal("NOPE")}}, "NOPE is not registered.");

  json all = Admin("usage_list", json::object());
  ASSERT_EQ(all["result_list"].size(), 2u);
  EXPECT_EQ(all["result_list"][0]["computer_guid"], "COMP-0");
  EXPECT_EQ(all["result_list"][0]["tioxml"], Journal("COMP-0"));
  EXPECT_EQ(all["result_list"][0]["received_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(all["result_list"][1]["received_at_unix"], 1700000000 + 3600);
  EXPECT_EQ(Admin("usage_list", {{"computer_guid", "COMP-1"}})["result_list"].size(), 1u);
  EXPECT_EQ(Admin("usage_list", {{"since", 1700000000 + 1}})["result_list"].size(), 1u);
  EXPECT_EQ(Admin("usage_list", {{"limit", 1}})["result_list"].size(), 1u);

  net::HttpResponse xml = Raw("/slapos-admin/v1/usage_list", R"({"format":"xml"})");
  EXPECT_EQ(xml.status, 200);
  EXPECT_EQ(xml.content_type, "application/xml");
  EXPECT_NE(xml.body.find("<usage_list>"), std::string::npos) << xml.body;
  EXPECT_NE(xml.body.find("computer_guid=\"COMP-1\""), std::string::npos) << xml.body;
  EXPECT_NE(xml.body.find("<journal>"), std::string::npos) << xml.body;
}

TEST_F(MasterReportsTest, AdminEndpointsAnswerLoopbackOnlyAndCheckTheirInput) {
  net::HttpResponse remote = Raw("/slapos-admin/v1/usage_list", "{}", /*loopback=*/false);
  EXPECT_EQ(remote.status, 403);
  EXPECT_NE(remote.body.find("loopback"), std::string::npos) << remote.body;
  EXPECT_EQ(Raw("/slapos-admin/v1/backup", "{}", false).status, 403);
  EXPECT_EQ(Raw("/slapos-admin/v1/nope", "{}").status, 404);
  net::HttpResponse bad = Raw("/slapos-admin/v1/usage_list", R"({"since":"yesterday"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("since"), std::string::npos) << bad.body;
  EXPECT_EQ(Raw("/slapos-admin/v1/usage_list", R"({"limit":0})").status, 400);
  EXPECT_EQ(Raw("/slapos-admin/v1/usage_list", R"({"format":"csv"})").status, 400);
  EXPECT_EQ(Raw("/slapos-admin/v1/usage_list", R"({"x":1})").status, 400);

  net::HttpResponse backup = Raw("/slapos-admin/v1/backup", "{}");
  EXPECT_EQ(backup.status, 200);
  EXPECT_EQ(backup.body.rfind("SQLite format 3", 0), 0u);
}

}  // namespace
}  // namespace slapos::master
