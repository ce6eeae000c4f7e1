// `slapos master` as a user runs it: real binary, real loopback socket, real SQLite file.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "master_process.h"

namespace slapos::master_test {
namespace {

using json = nlohmann::json;

const std::set<std::string> kInstanceDocKeys = {
    "title",         "instance_guid", "software_release_uri", "software_type",       "state",
    "connection_parameters", "parameters", "shared",           "root_instance_title", "ip_list",
    "full_ip_list",  "sla_parameters", "computer_guid",       "compute_partition_id", "processing_timestamp",
    "access_status_message"};

std::set<std::string> Keys(const json& j) {
  std::set<std::string> out;
  for (const auto& [k, v] : j.items()) out.insert(k);
  return out;
}

class MasterHttpTest : public RunningMasterTest {
 protected:
  MasterHttpTest() : RunningMasterTest("slapos-master-http") {}
  void Format(const std::string& node, int partitions) {
    json list = json::array();
    for (int i = 0; i < partitions; ++i) {
      list.push_back({{"partition_id", "slappart" + std::to_string(i)},
                      {"ip_list", json::array({{{"ip-address", "10.0.0." + std::to_string(i + 1)},
                                                {"network-interface", "slaptap" + std::to_string(i)},
                                                {"netmask", "255.255.255.0"}}})}});
    }
    Ok("put.v0.compute_node_format", {{"computer_guid", node}, {"compute_partition_list", list}});
  }
  static json Request(const std::string& title, json extra = json::object()) {
    json body = {{"title", title}, {"software_release_uri", "http://sr/software.cfg"}, {"software_type", "default"}};
    body.update(extra);
    return body;
  }
};

TEST_F(MasterHttpTest, EveryEndpointAnswersWithTheSpecFields) {
  Format("COMP-0", 3);
  json success_keys = json::array({"title", "type"});
  auto expect_success = [&](const json& out) {
    EXPECT_EQ(Keys(out), (std::set<std::string>{"title", "type"})) << out;
    EXPECT_EQ(out["type"], "success");
  };
  expect_success(Ok("post.v0.software_installation", {{"software_release_uri", "http://sr/software.cfg"},
                                                      {"computer_guid", "COMP-0"}}));
  json sw = Ok("allDocs.v0.compute_node_software_installation_list", {{"computer_guid", "COMP-0"}});
  ASSERT_EQ(sw["result_list"].size(), 1u);
  EXPECT_EQ(Keys(sw["result_list"][0]), (std::set<std::string>{"software_release_uri", "state"}));
  expect_success(Ok("put.v0.software_installation_reported_state", {{"software_release_uri", "http://sr/software.cfg"},
                                                                    {"computer_guid", "COMP-0"},
                                                                    {"reported_state", "available"}}));
  expect_success(Ok("put.v0.software_installation_error",
                    {{"software_release_uri", "http://sr/software.cfg"}, {"computer_guid", "COMP-0"}, {"message", "m"}}));

  json doc = Ok("post.v0.software_instance", Request("root", {{"parameters", {{"p", "v"}}}}));
  EXPECT_EQ(Keys(doc), kInstanceDocKeys);
  EXPECT_TRUE(doc["processing_timestamp"].is_number_integer());
  EXPECT_EQ(Keys(Ok("get.v0.software_instance", {{"instance_guid", "root______0"}})), kInstanceDocKeys);
  EXPECT_EQ(Keys(Ok("get.v0.compute_partition", {{"computer_guid", "COMP-0"}, {"compute_partition_id", "slappart0"}})),
            kInstanceDocKeys);
  EXPECT_EQ(Keys(Ok("get.v0.instance_tree", {{"title", "root"}})), kInstanceDocKeys);
  json nodes_list = Ok("allDocs.v0.compute_node_instance_list", {{"computer_guid", "COMP-0"}});
  ASSERT_EQ(nodes_list["result_list"].size(), 1u);
  EXPECT_EQ(Keys(nodes_list["result_list"][0]),
            (std::set<std::string>{"title", "instance_guid", "state", "compute_partition_id", "software_release_uri"}));
  json shared = Ok("post.v0.software_instance", Request("front", {{"shared", true}}));
  EXPECT_EQ(Keys(shared), kInstanceDocKeys);
  json hosted = Ok("allDocs.v0.instance_node_instance_list", {{"instance_guid", "root______0"}});
  ASSERT_EQ(hosted["result_list"].size(), 1u);
  EXPECT_EQ(Keys(hosted["result_list"][0]),
            (std::set<std::string>{"title", "instance_guid", "software_type", "software_release_uri", "state",
                                   "parameters", "compute_partition_id"}));
  json trees = Ok("allDocs.v0.instance_tree_list", json::object());
  EXPECT_EQ(trees, (json{{"result_list", json::array({{{"title", "root"}}, {{"title", "front"}}})}}));
  expect_success(Ok("put.v0.software_instance_connection_parameter",
                    {{"instance_guid", "root______0"}, {"connection_parameter_dict", {{"url", "http://x"}}}}));
  EXPECT_EQ(Ok("get.v0.software_instance", {{"instance_guid", "root______0"}})["connection_parameters"]["url"],
            "http://x");
  expect_success(Ok("put.v0.software_instance_reported_state",
                    {{"instance_guid", "root______0"}, {"reported_state", "started"}}));
  expect_success(Ok("put.v0.software_instance_bang", {{"instance_guid", "root______0"}, {"message", "m"}}));
  expect_success(Ok("put.v0.software_instance_error", {{"instance_guid", "root______0"}, {"message", "m"}}));
  EXPECT_EQ(Ok("get.v0.software_instance_certificate", {{"instance_guid", "root______0"}}),
            (json{{"key", ""}, {"certificate", ""}}));
  EXPECT_EQ(Ok("post.v0.compute_node_certificate", {{"computer_guid", "COMP-0"}}),
            (json{{"key", ""}, {"certificate", ""}}));
  expect_success(Ok("remove.v0.compute_node_certificate", {{"computer_guid", "COMP-0"}}));
  expect_success(Ok("post.v0.compute_node_usage",
                    {{"computer_guid", "COMP-0"},
                     {"tioxml", "<journal><transaction type=\"Sale Packing List\"><start_date/><stop_date/><reference/>"
                                "<currency/><payment_mode/><arrow type=\"Administration\"/><movement><resource>CPU"
                                "</resource><quantity>1</quantity><price>0</price><VAT/></movement></transaction>"
                                "</journal>"}}));
  expect_success(Ok("put.v0.compute_node_bang", {{"computer_guid", "COMP-0"}, {"message", "m"}}));
  EXPECT_TRUE(Ok("get.v0.compute_node_status", {{"computer_guid", "COMP-0"}})["text"].is_string());
  EXPECT_EQ(Ok("get.v0.hateoas_url", json::object())["hateoas_url"], "http://127.0.0.1/hateoas/");
  EXPECT_EQ(Ok("allDocs.WIP.compute_node_list", json::object()),
            (json{{"result_list", json::array({{{"computer_guid", "COMP-0"}}})}}));
  expect_success(Ok("put.v0.software_instance_title", {{"instance_guid", "root______0"}, {"title", "renamed"}}));
  EXPECT_EQ(Ok("get.v0.software_instance", {{"instance_guid", "renamed______0"}})["title"], "renamed");
}

TEST_F(MasterHttpTest, ErrorPaths) {
  auto expect_error = [&](int status, const std::string& endpoint, const std::string& body, const std::string& needle) {
    HttpResult r = conn_->Send("POST", "/slapos." + endpoint, body);
    EXPECT_EQ(r.status, status) << endpoint << " " << body << " -> " << r.body;
    json err = json::parse(r.body, nullptr, false);
    EXPECT_EQ(Keys(err), (std::set<std::string>{"status", "type", "title"})) << r.body;
    EXPECT_EQ(err["status"], status);
    EXPECT_NE(err["title"].get<std::string>().find(needle), std::string::npos) << r.body;
  };
  expect_error(400, "post.v0.software_instance", "{oops", "not valid JSON");
  expect_error(400, "post.v0.software_instance", "[]", "not of type 'object'");
  expect_error(400, "post.v0.software_instance", R"({"software_release_uri":"u","software_type":"t"})", "'title'");
  expect_error(400, "post.v0.software_instance", R"({"title":"a","software_release_uri":"u","software_type":"t","x":1})",
               "'x' was unexpected");
  expect_error(400, "post.v0.software_instance", R"({"title":5,"software_release_uri":"u","software_type":"t"})",
               "'title'");
  expect_error(400, "post.v0.software_installation", R"({"software_release_uri":"u","computer_guid":"C","state":"x"})",
               "'state'");
  expect_error(400, "put.v0.compute_node_format",
               R"({"computer_guid":"C","compute_partition_list":[{"partition_id":"p","ip_list":[{"netmask":"m"}]}]})",
               "ip-address");
  expect_error(403, "allDocs.v0.compute_node_instance_list", R"({"computer_guid":"NOPE"})", "NOPE is not registered.");
  expect_error(403, "get.v0.software_instance", R"({"instance_guid":"foo"})", "instance_guid foo not handled.");
  expect_error(403, "get.v0.software_instance", R"({"instance_guid":"nope______0"})", "No software instance");
  expect_error(403, "post.v0.software_instance", Request("a").dump(), "No free computer partition found for: a");
  expect_error(403, "get.v0.instance_tree", R"({"title":"nope"})", "No instance tree nope found.");
  // Nothing was left behind by the refusals.
  EXPECT_EQ(Ok("allDocs.WIP.compute_node_list", json::object())["result_list"].size(), 0u);

  HttpResult r = conn_->Send("POST", "/nope", "{}");
  EXPECT_EQ(r.status, 404);
  r = conn_->Send("GET", "/slapos.get.v0.software_instance", "");
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.headers.find("Allow: POST"), std::string::npos);
  r = conn_->Send("POST", "/slapos.allDocs.v0.instance_tree_list", "{}", "Accept: text/html\r\n");
  EXPECT_EQ(r.status, 406);
  HttpConnection big(master_->port());
  r = big.Send("POST", "/slapos.post.v0.software_instance", std::string((1 << 20) + 10, ' '));
  EXPECT_EQ(r.status, 413);
}

TEST_F(MasterHttpTest, NewcomerFlowAndDataSurvivesRestart) {
  Format("COMP-0", 2);
  Ok("post.v0.software_installation", {{"software_release_uri", "http://sr/software.cfg"}, {"computer_guid", "COMP-0"}});
  json doc = Ok("post.v0.software_instance", Request("mine", {{"parameters", {{"k", "v"}}}}));
  EXPECT_EQ(doc["compute_partition_id"], "slappart0");
  conn_.reset();
  int status = master_->Stop();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "SIGTERM must end the master cleanly";
  ASSERT_NO_FATAL_FAILURE(StartMaster());
  json again = Ok("get.v0.software_instance", {{"instance_guid", "mine______0"}});
  EXPECT_EQ(again["parameters"]["k"], "v");
  EXPECT_EQ(again["processing_timestamp"], doc["processing_timestamp"]);
  EXPECT_EQ(Ok("allDocs.v0.compute_node_software_installation_list", {{"computer_guid", "COMP-0"}})["result_list"].size(),
            1u);
  EXPECT_EQ(Ok("post.v0.software_instance", Request("second"))["compute_partition_id"], "slappart1");
}

TEST_F(MasterHttpTest, ParallelRequestsDistinctTitlesGetDistinctPartitions) {
  constexpr int kN = 16;
  Format("COMP-0", kN);
  std::vector<std::string> partitions(kN);
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      HttpConnection c(master_->port());
      HttpResult r = c.Send("POST", "/slapos.post.v0.software_instance", Request("t" + std::to_string(i)).dump());
      json out = json::parse(r.body, nullptr, false);
      if (r.status == 200) partitions[i] = out["compute_partition_id"];
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct(partitions.begin(), partitions.end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kN));
  EXPECT_EQ(distinct.count(""), 0u);
}

TEST_F(MasterHttpTest, ParallelRequestsOneTitleGetOnePartition) {
  constexpr int kN = 16;
  Format("COMP-0", kN);
  std::vector<std::string> partitions(kN);
  std::vector<std::thread> threads;
  for (int i = 0; i < kN; ++i) {
    threads.emplace_back([&, i] {
      HttpConnection c(master_->port());
      HttpResult r = c.Send("POST", "/slapos.post.v0.software_instance", Request("same").dump());
      json out = json::parse(r.body, nullptr, false);
      if (r.status == 200) partitions[i] = out["compute_partition_id"];
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> distinct(partitions.begin(), partitions.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"slappart0"}));
  EXPECT_EQ(Ok("allDocs.v0.compute_node_instance_list", {{"computer_guid", "COMP-0"}})["result_list"].size(), 1u);
}

TEST_F(MasterHttpTest, AllocationRulesOverTheWire) {
  Format("COMP-0", 2);
  Format("COMP-1", 2);
  Ok("put.WIP.compute_node_attribute_dict",
     {{"computer_guid", "COMP-1"}, {"attribute_dict", {{"cpu", "arm64"}, {"network_guid", "NET-B"}}}});
  EXPECT_EQ(Ok("get.WIP.compute_node", {{"computer_guid", "COMP-1"}})["attribute_dict"]["cpu"], "arm64");
  EXPECT_EQ(Ok("post.v0.software_instance", Request("arm", {{"sla_parameters", {{"cpu", "arm64"}}}}))["computer_guid"],
            "COMP-1");
  auto [status, err] = Call("post.v0.software_instance", Request("x", {{"sla_parameters", {{"cpu", "riscv"}}}}));
  EXPECT_EQ(status, 403);
  EXPECT_NE(err["title"].get<std::string>().find("cpu=riscv"), std::string::npos) << err;
  EXPECT_EQ(Ok("post.v0.software_instance", Request("net", {{"sla_parameters", {{"network_guid", "NET-B"}}}}))
                ["computer_guid"],
            "COMP-1");
  // Shared instance placed on a named host instance.
  Ok("post.v0.software_instance", Request("host0"));
  json s = Ok("post.v0.software_instance",
              Request("sh", {{"shared", true}, {"sla_parameters", {{"instance_guid", "net______0"}}}}));
  EXPECT_EQ(s["computer_guid"], "COMP-1");
  EXPECT_EQ(s["compute_partition_id"], "slappart1");
}

}  // namespace
}  // namespace slapos::master_test
