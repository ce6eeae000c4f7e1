// MasterApi over a real SQLite file with a fake clock: the semantics of master-api.md §5.
#include "master/api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "master/api_test_fixture.h"

namespace slapos::master {
namespace {

using json = nlohmann::json;

class MasterApiTest : public MasterApiFixture {
 protected:
  void Format(const std::string& node, int partitions, const std::string& ip_prefix = "10.0.0.") {
    json list = json::array();
    for (int i = 0; i < partitions; ++i) {
      list.push_back({{"partition_id", "slappart" + std::to_string(i)},
                      {"ip_list", json::array({{{"ip-address", ip_prefix + std::to_string(i + 1)},
                                                {"network-interface", "slaptap" + std::to_string(i)},
                                                {"netmask", "255.255.255.0"}}})}});
    }
    Ok("put.v0.compute_node_format", {{"computer_guid", node}, {"compute_partition_list", list}});
  }
  void Attributes(const std::string& node, const json& attrs) {
    Ok("put.WIP.compute_node_attribute_dict", {{"computer_guid", node}, {"attribute_dict", attrs}});
  }
  json Request(const std::string& title, json extra = json::object()) {
    json body = {{"title", title}, {"software_release_uri", "http://sr/software.cfg"}, {"software_type", "default"}};
    body.update(extra);
    return body;
  }
};

TEST_F(MasterApiTest, AllocatesFirstFreePartitionAndReRequestIsIdempotent) {
  Format("COMP-0", 3);
  json doc = Ok("post.v0.software_instance", Request("inst", {{"parameters", {{"a", 1}}}}));
  EXPECT_EQ(doc["compute_partition_id"], "slappart0");
  EXPECT_EQ(doc["computer_guid"], "COMP-0");
  EXPECT_EQ(doc["instance_guid"], "inst______0");
  EXPECT_EQ(doc["state"], "started");
  EXPECT_EQ(doc["parameters"]["a"], 1);
  EXPECT_EQ(doc["ip_list"], json::array({json::array({"slaptap0", "10.0.0.1"})}));
  EXPECT_EQ(doc.size(), 16u);
  int64_t ts = doc["processing_timestamp"];
  env_.Advance(5'000'000);
  json again = Ok("post.v0.software_instance", Request("inst", {{"parameters", {{"a", 1}}}}));
  EXPECT_EQ(again["compute_partition_id"], "slappart0");
  EXPECT_EQ(again["processing_timestamp"], ts) << "identical re-request must not change the timestamp";
  json other = Ok("post.v0.software_instance", Request("other"));
  EXPECT_EQ(other["compute_partition_id"], "slappart1");
}

TEST_F(MasterApiTest, TimestampIncreasesStrictlyWithinOneSecond) {
  Format("COMP-0", 1);
  int64_t t1 = Ok("post.v0.software_instance", Request("i"))["processing_timestamp"];
  int64_t t2 = Ok("post.v0.software_instance", Request("i", {{"state", "stopped"}}))["processing_timestamp"];
  Ok("put.v0.software_instance_bang", {{"instance_guid", "i______0"}, {"message", "m"}});
  int64_t t3 = Ok("get.v0.software_instance", {{"instance_guid", "i______0"}})["processing_timestamp"];
  EXPECT_LT(t1, t2);
  EXPECT_LT(t2, t3);
}

TEST_F(MasterApiTest, NoFreePartitionIs403AndLeavesNothing) {
  Format("COMP-0", 1);
  Ok("post.v0.software_instance", Request("a"));
  auto [status, err] = Call("post.v0.software_instance", Request("b"));
  EXPECT_EQ(status, 403);
  EXPECT_EQ(err["status"], 403);
  EXPECT_EQ(err["type"], "Forbidden");
  EXPECT_NE(err["title"].get<std::string>().find("No free computer partition found for: b"), std::string::npos);
  json trees = Ok("allDocs.v0.instance_tree_list", json::object());
  EXPECT_EQ(trees["result_list"].size(), 1u);
}

TEST_F(MasterApiTest, SlaComputerGuidAttributesAndNetwork) {
  Format("COMP-0", 2);
  Format("COMP-1", 3);
  Attributes("COMP-1", {{"region", "eu"}, {"network_guid", "NET-1"}});
  EXPECT_EQ(Ok("post.v0.software_instance", Request("a", {{"sla_parameters", {{"computer_guid", "COMP-1"}}}}))
                ["computer_guid"],
            "COMP-1");
  EXPECT_EQ(Ok("post.v0.software_instance", Request("b", {{"sla_parameters", {{"region", "eu"}}}}))["computer_guid"],
            "COMP-1");
  EXPECT_EQ(Ok("post.v0.software_instance", Request("c", {{"sla_parameters", {{"network_guid", "NET-1"}}}}))
                ["computer_guid"],
            "COMP-1");
  auto [status, err] = Call("post.v0.software_instance", Request("d", {{"sla_parameters", {{"region", "us"}}}}));
  EXPECT_EQ(status, 403);
  EXPECT_NE(err["title"].get<std::string>().find("region=us"), std::string::npos) << err;
  auto [s2, e2] = Call("post.v0.software_instance", Request("e", {{"sla_parameters", {{"computer_guid", "NOPE"}}}}));
  EXPECT_EQ(s2, 403);
  EXPECT_NE(e2["title"].get<std::string>().find("computer_guid=NOPE"), std::string::npos) << e2;
  auto [s3, e3] = Call("post.v0.software_instance", Request("f", {{"sla_parameters", {{"mode", "weird"}}}}));
  EXPECT_EQ(s3, 403);
  auto [s4, e4] = Call("post.v0.software_instance", Request("g", {{"sla_parameters", {{"region", 3}}}}));
  EXPECT_EQ(s4, 400);
  EXPECT_NE(e4["title"].get<std::string>().find("sla_parameters.region"), std::string::npos) << e4;
}

TEST_F(MasterApiTest, MatchingNodesFillInRegistrationOrderThenRefuse) {
  Format("COMP-0", 1);
  Format("COMP-1", 2);
  Format("COMP-2", 2);
  Attributes("COMP-0", {{"region", "eu"}, {"cpu", "arm64"}});
  Attributes("COMP-2", {{"region", "eu"}, {"cpu", "arm64"}});
  auto where = [](const json& doc) {
    return doc["computer_guid"].get<std::string>() + "/" + doc["compute_partition_id"].get<std::string>();
  };
  json sla = {{"sla_parameters", {{"region", "eu"}, {"cpu", "arm64"}}}};
  EXPECT_EQ(where(Ok("post.v0.software_instance", Request("a", sla))), "COMP-0/slappart0");
  // COMP-0 is full and COMP-1 does not match: the next matching node, first slot.
  EXPECT_EQ(where(Ok("post.v0.software_instance", Request("b", sla))), "COMP-2/slappart0");
  EXPECT_EQ(where(Ok("post.v0.software_instance", Request("c", sla))), "COMP-2/slappart1");
  auto [status, err] = Call("post.v0.software_instance", Request("d", sla));
  EXPECT_EQ(status, 403);
  EXPECT_NE(err["title"].get<std::string>().find("every matching compute node is full (2 node(s) matched)"),
            std::string::npos)
      << err;
  // Without conditions the remaining free slots are on COMP-1, in slot order.
  EXPECT_EQ(where(Ok("post.v0.software_instance", Request("e"))), "COMP-1/slappart0");
  EXPECT_EQ(where(Ok("post.v0.software_instance", Request("f"))), "COMP-1/slappart1");
  auto [s2, e2] = Call("post.v0.software_instance", Request("g"));
  EXPECT_EQ(s2, 403);
  EXPECT_NE(e2["title"].get<std::string>().find("every matching compute node is full (3 node(s) matched)"),
            std::string::npos)
      << e2;
}

TEST_F(MasterApiTest, ReRequestNeverMoves) {
  Format("COMP-0", 2);
  Format("COMP-1", 2);
  EXPECT_EQ(Ok("post.v0.software_instance", Request("a"))["computer_guid"], "COMP-0");
  EXPECT_EQ(Ok("post.v0.software_instance", Request("a", {{"sla_parameters", {{"computer_guid", "COMP-1"}}}}))
                ["computer_guid"],
            "COMP-0");
}

TEST_F(MasterApiTest, UniqueByNetworkSpreadsATree) {
  Format("COMP-0", 3);
  Format("COMP-1", 3);
  Format("COMP-2", 3);
  Attributes("COMP-0", {{"network_guid", "N0"}});
  Attributes("COMP-1", {{"network_guid", "N0"}});
  Attributes("COMP-2", {{"network_guid", "N2"}});
  json unique = {{"sla_parameters", {{"mode", "unique_by_network"}}}};
  json root = Ok("post.v0.software_instance", Request("root", unique));
  EXPECT_EQ(root["computer_guid"], "COMP-0");
  json child = Ok("post.v0.software_instance", Request("child1", unique), "root______0");
  EXPECT_EQ(child["computer_guid"], "COMP-2") << child;
  EXPECT_EQ(child["root_instance_title"], "root");
  EXPECT_EQ(child["instance_guid"], "child1___root___0");
  auto [status, err] = Call("post.v0.software_instance", Request("child2", unique), "root______0");
  EXPECT_EQ(status, 403);
  EXPECT_NE(err["title"].get<std::string>().find("unique_by_network"), std::string::npos) << err;
}

TEST_F(MasterApiTest, SharedInstanceAttachesToHostAndIsListedForIt) {
  Format("COMP-0", 2);
  Ok("post.v0.software_instance", Request("host"));
  json shared = Ok("post.v0.software_instance",
                   Request("front", {{"shared", true}, {"parameters", {{"url", "http://x"}, {"n", 2}}}}));
  EXPECT_EQ(shared["shared"], true);
  EXPECT_EQ(shared["instance_guid"], "front______1");
  EXPECT_EQ(shared["compute_partition_id"], "slappart0");
  json hosted = Ok("allDocs.v0.instance_node_instance_list", {{"instance_guid", "host______0"}});
  ASSERT_EQ(hosted["result_list"].size(), 1u);
  EXPECT_EQ(hosted["result_list"][0]["parameters"]["n"], 2);
  Ok("put.v0.software_instance_connection_parameter",
     {{"instance_guid", "front______1"}, {"connection_parameter_dict", {{"site", "https://f"}}}});
  EXPECT_EQ(Ok("get.v0.software_instance", {{"instance_guid", "front______1"}})["connection_parameters"]["site"],
            "https://f");
  // No host for another software release.
  auto [status, err] = Call("post.v0.software_instance",
                            Request("x", {{"shared", true}, {"software_release_uri", "http://other"}}));
  EXPECT_EQ(status, 403);
  // Destroy removes it from the host's list and bumps the host.
  int64_t host_ts = Ok("get.v0.software_instance", {{"instance_guid", "host______0"}})["processing_timestamp"];
  Ok("post.v0.software_instance", Request("front", {{"shared", true}, {"state", "destroyed"}}));
  EXPECT_EQ(Ok("allDocs.v0.instance_node_instance_list", {{"instance_guid", "host______0"}})["result_list"].size(), 0u);
  EXPECT_GT(Ok("get.v0.software_instance", {{"instance_guid", "host______0"}})["processing_timestamp"], host_ts);
  EXPECT_EQ(Call("get.v0.software_instance", {{"instance_guid", "front______1"}}).first, 403);
}

TEST_F(MasterApiTest, DestroyFlowFreesPartitionAndTreeWaitsForChildren) {
  Format("COMP-0", 3);
  Ok("post.v0.software_instance", Request("root"));
  Ok("post.v0.software_instance", Request("kid"), "root______0");
  // Reporting destroyed before it was requested destroyed is refused.
  EXPECT_EQ(Call("put.v0.software_instance_reported_state",
                 {{"instance_guid", "root______0"}, {"reported_state", "destroyed"}})
                .first,
            403);
  Ok("post.v0.software_instance", Request("root", {{"state", "destroyed"}}));
  EXPECT_EQ(Ok("get.v0.software_instance", {{"instance_guid", "kid___root___0"}})["state"], "destroyed");
  auto [status, err] = Call("put.v0.software_instance_reported_state",
                            {{"instance_guid", "root______0"}, {"reported_state", "destroyed"}});
  EXPECT_EQ(status, 403);
  EXPECT_NE(err["title"].get<std::string>().find("child partitions: kid"), std::string::npos) << err;
  Ok("put.v0.software_instance_reported_state", {{"instance_guid", "kid___root___0"}, {"reported_state", "destroyed"}});
  Ok("put.v0.software_instance_reported_state", {{"instance_guid", "root______0"}, {"reported_state", "destroyed"}});
  EXPECT_EQ(Ok("allDocs.v0.compute_node_instance_list", {{"computer_guid", "COMP-0"}})["result_list"].size(), 0u);
  EXPECT_EQ(Ok("post.v0.software_instance", Request("again"))["compute_partition_id"], "slappart0");
}

TEST_F(MasterApiTest, TreeStateReachesNewcomersAndCachedReadsSeeWrites) {
  Format("COMP-0", 4);
  Ok("post.v0.software_instance", Request("root", {{"state", "stopped"}}));
  EXPECT_EQ(Ok("post.v0.software_instance", Request("kid"), "root______0")["state"], "stopped");
  // The read is cached; the write that follows must be visible at once.
  EXPECT_EQ(Ok("get.v0.software_instance", {{"instance_guid", "root______0"}})["state"], "stopped");
  Ok("post.v0.software_instance", Request("root", {{"state", "destroyed"}}));
  EXPECT_EQ(Ok("get.v0.software_instance", {{"instance_guid", "root______0"}})["state"], "destroyed");
  auto [status, err] = Call("post.v0.software_instance", Request("late"), "root______0");
  EXPECT_EQ(status, 403);
  EXPECT_NE(err["title"].get<std::string>().find("being destroyed"), std::string::npos) << err;
  // A requester that does not exist is refused.
  EXPECT_EQ(Call("post.v0.software_instance", Request("x"), "ghost______0").first, 403);
  // Destroying what was never requested is refused, and allocates nothing.
  EXPECT_EQ(Call("post.v0.software_instance", Request("never", {{"state", "destroyed"}})).first, 403);
  EXPECT_EQ(Ok("get.WIP.compute_node", {{"computer_guid", "COMP-0"}})["free_partition_count"], 2);
}

TEST_F(MasterApiTest, RenameMovesTheTree) {
  Format("COMP-0", 2);
  Ok("post.v0.software_instance", Request("root"));
  Ok("post.v0.software_instance", Request("kid"), "root______0");
  Ok("put.v0.software_instance_title", {{"instance_guid", "root______0"}, {"title", "newroot"}});
  EXPECT_EQ(Call("get.v0.software_instance", {{"instance_guid", "root______0"}}).first, 403);
  EXPECT_EQ(Ok("get.v0.software_instance", {{"instance_guid", "kid___newroot___0"}})["root_instance_title"],
            "newroot");
}

TEST_F(MasterApiTest, ValidationErrorsNameTheField) {
  auto check = [&](const std::string& ep, const json& body, const std::string& needle) {
    auto [status, err] = Call(ep, body);
    EXPECT_EQ(status, 400) << ep << " " << body.dump();
    EXPECT_EQ(err["type"], "Bad Request");
    EXPECT_NE(err["title"].get<std::string>().find(needle), std::string::npos) << err;
  };
  check("post.v0.software_instance", {{"software_release_uri", "x"}, {"software_type", "t"}}, "'title'");
  check("post.v0.software_instance", Request("x", {{"foo", 1}}), "'foo' was unexpected");
  check("post.v0.software_instance", Request("x", {{"state", "gone"}}), "state");
  check("post.v0.software_instance", Request(std::string(201, 'x')), "title");
  check("post.v0.software_instance", Request("x", {{"shared", "yes"}}), "shared");
  check("put.v0.compute_node_format",
        {{"computer_guid", "C"}, {"compute_partition_list", json::array({{{"ip_list", json::array()}}})}},
        "partition_id");
  check("put.v0.compute_node_format",
        {{"computer_guid", "C"},
         {"compute_partition_list", json::array({{{"partition_id", "p"}, {"ip_list", json::array({{{"netmask", "x"}}})}}})}},
        "ip-address");
  // Nothing was written by the refused format.
  EXPECT_EQ(Ok("allDocs.WIP.compute_node_list", json::object())["result_list"].size(), 0u);
  net::HttpRequest bad;
  bad.method = "POST";
  bad.path = "/slapos.get.v0.software_instance";
  bad.body = "{not json";
  EXPECT_EQ(api_->Handle(bad).status, 400);
  bad.method = "GET";
  EXPECT_EQ(api_->Handle(bad).status, 405);
  bad.path = "/nope";
  EXPECT_EQ(api_->Handle(bad).status, 404);
}

TEST_F(MasterApiTest, SoftwareInstallationLifecycle) {
  EXPECT_EQ(Call("allDocs.v0.compute_node_software_installation_list", {{"computer_guid", "C"}}).first, 403);
  Format("C", 1);
  EXPECT_EQ(Ok("post.v0.software_installation", {{"software_release_uri", "u"}, {"computer_guid", "C"}})["title"],
            "Supplied u to be available");
  Ok("post.v0.software_installation", {{"software_release_uri", "u"}, {"computer_guid", "C"}, {"state", "destroyed"}});
  json list = Ok("allDocs.v0.compute_node_software_installation_list", {{"computer_guid", "C"}});
  ASSERT_EQ(list["result_list"].size(), 1u);
  EXPECT_EQ(list["result_list"][0]["state"], "destroyed");
  Ok("put.v0.software_installation_reported_state",
     {{"software_release_uri", "u"}, {"computer_guid", "C"}, {"reported_state", "destroyed"}});
  EXPECT_EQ(Ok("allDocs.v0.compute_node_software_installation_list", {{"computer_guid", "C"}})["result_list"].size(),
            0u);
}

TEST_F(MasterApiTest, FormatRefusesToDropABusyPartition) {
  Format("C", 2);
  Ok("post.v0.software_instance", Request("a"));
  auto [status, err] = Call("put.v0.compute_node_format",
                            {{"computer_guid", "C"}, {"compute_partition_list", json::array({{{"partition_id", "slappart1"}}})}});
  EXPECT_EQ(status, 403);
  EXPECT_NE(err["title"].get<std::string>().find("slappart0"), std::string::npos);
  EXPECT_EQ(Ok("get.WIP.compute_node", {{"computer_guid", "C"}})["partition_count"], 2);
}

}  // namespace
}  // namespace slapos::master
