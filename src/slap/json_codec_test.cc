// Codecs of the master API v0: round trips, the exact wire keys, and the schema-like errors
// the master returns (spec master-api.md §4).
#include "slap/json_codec.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace slapos::slap {
namespace {

using nlohmann::json;

TEST(SlapJsonCodecTest, SupplyRequestRoundTripAndDefaultState) {
  std::string text = EncodeSupplyRequest({"http://sr/software.cfg", "COMP-0", SoftwareState::kDestroyed});
  EXPECT_EQ(json::parse(text),
            json::parse(R"({"software_release_uri":"http://sr/software.cfg","computer_guid":"COMP-0","state":"destroyed"})"));
  Result<SoftwareInstallation> back = DecodeSupplyRequest(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->state, SoftwareState::kDestroyed);
  Result<SoftwareInstallation> dflt =
      DecodeSupplyRequest(R"({"software_release_uri":"u","computer_guid":"c"})");
  ASSERT_TRUE(dflt.ok());
  EXPECT_EQ(dflt->state, SoftwareState::kAvailable);
}

TEST(SlapJsonCodecTest, RequestErrorsUseTheSchemaWording) {
  EXPECT_EQ(DecodeInstanceRequest(R"({"software_release_uri":"u","software_type":"t"})").status().message(),
            "'title' is a required property");
  EXPECT_EQ(DecodeStringRequest(R"({"computer_guid":"c","foo":1})", "computer_guid").status().message(),
            "Additional properties are not allowed ('foo' was unexpected)");
  EXPECT_EQ(DecodeStringRequest(R"({"computer_guid":1})", "computer_guid").status().message(),
            "1 is not of type 'string'");
  EXPECT_EQ(DecodeSupplyRequest(R"({"software_release_uri":"u","computer_guid":"c","state":"started"})")
                .status().message(),
            "'started' is not one of ['available', 'destroyed']");
  EXPECT_EQ(DecodeEmptyRequest("[]").message(), "[] is not of type 'object'");
  EXPECT_EQ(DecodeEmptyRequest(R"({"a":true,"b":null})").message(),
            "Additional properties are not allowed ('a', 'b' were unexpected)");
  EXPECT_TRUE(DecodeEmptyRequest("{}").ok());
  Status bad_json = DecodeEmptyRequest("{");
  EXPECT_EQ(bad_json.code(), Code::kInvalidArgument);
  EXPECT_NE(bad_json.message().find("not valid JSON"), std::string::npos);
  std::string long_title(201, 'x');
  EXPECT_EQ(DecodeStringRequest(R"({"title":")" + long_title + "\"}", "title").status().message(),
            "'" + long_title + "' is too long");
  EXPECT_TRUE(DecodeStringRequest(R"({"title":")" + std::string(200, 'x') + "\"}", "title").ok());
}

TEST(SlapJsonCodecTest, InstanceRequestDefaultsTypesAndSla) {
  Result<InstanceRequest> r = DecodeInstanceRequest(
      R"({"title":"MyFirstInstance","software_release_uri":"http://sr//","software_type":"default"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->parameters, "{}");
  EXPECT_FALSE(r->shared);
  EXPECT_EQ(r->state, InstanceState::kStarted);
  EXPECT_EQ(r->sla_parameters, "{}");

  InstanceRequest q;
  q.title = "t";
  q.software_release_uri = "http://sr//";
  q.parameters = R"({"z":1,"a":{"n":[true,null]}})";
  q.shared = true;
  q.state = InstanceState::kStopped;
  q.sla_parameters = R"({"computer_guid":"COMP-1","retention_delay":7.5})";
  Result<InstanceRequest> back = DecodeInstanceRequest(EncodeInstanceRequest(q));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->parameters, q.parameters);  // sender's key order kept
  EXPECT_TRUE(back->shared);
  EXPECT_EQ(back->state, InstanceState::kStopped);
  EXPECT_EQ(back->sla_parameters, q.sla_parameters);

  EXPECT_EQ(DecodeInstanceRequest(R"({"title":"t","software_release_uri":"u","software_type":"d","shared":"yes"})")
                .status().message(),
            "'yes' is not of type 'boolean'");
  EXPECT_EQ(DecodeInstanceRequest(R"({"title":"t","software_release_uri":"u","software_type":"d","parameters":[]})")
                .status().message(),
            "[] is not of type 'object'");
  EXPECT_EQ(DecodeInstanceRequest(
                R"({"title":"t","software_release_uri":"u","software_type":"d","sla_parameters":{"computer_guid":3}})")
                .status().message(),
            "3 is not of type 'string'");
  EXPECT_EQ(DecodeInstanceRequest(
                R"({"title":"t","software_release_uri":"u","software_type":"d","sla_parameters":{"retention_delay":"x"}})")
                .status().message(),
            "'x' is not of type 'number'");
  EXPECT_EQ(DecodeInstanceRequest(R"({"title":"t","software_release_uri":"u","software_type":"d","state":"gone"})")
                .status().message(),
            "'gone' is not one of ['started', 'stopped', 'destroyed']");
}

TEST(SlapJsonCodecTest, ReferenceRequestsRoundTrip) {
  EXPECT_EQ(EncodeStringRequest("computer_guid", "COMP-0"), R"({"computer_guid":"COMP-0"})");
  EXPECT_EQ(*DecodeStringRequest(R"({"instance_guid":"a______0"})", "instance_guid"), "a______0");
  EXPECT_EQ(DecodeStringRequest(R"({})", "instance_guid").status().message(),
            "'instance_guid' is a required property");

  SoftwareReport sr{"u", "c", SoftwareReportedState::kBuilding};
  EXPECT_EQ(json::parse(EncodeSoftwareReport(sr)),
            json::parse(R"({"software_release_uri":"u","computer_guid":"c","reported_state":"building"})"));
  EXPECT_EQ(DecodeSoftwareReport(EncodeSoftwareReport(sr))->reported_state, SoftwareReportedState::kBuilding);
  EXPECT_EQ(DecodeSoftwareError(EncodeSoftwareError({"u", "c", "boom"}))->message, "boom");
  EXPECT_EQ(DecodePartitionRef(EncodePartitionRef({"c", "slappart0"}))->compute_partition_id, "slappart0");
  EXPECT_EQ(json::parse(EncodePartitionRef({"c", "p"})),
            json::parse(R"({"computer_guid":"c","compute_partition_id":"p"})"));
  ConnectionParameterUpdate cp{"g", R"({"url":"http://x","port":8080})"};
  EXPECT_EQ(json::parse(EncodeConnectionParameterUpdate(cp)),
            json::parse(R"({"instance_guid":"g","connection_parameter_dict":{"url":"http://x","port":8080}})"));
  EXPECT_EQ(DecodeConnectionParameterUpdate(EncodeConnectionParameterUpdate(cp))->connection_parameter_dict,
            cp.connection_parameter_dict);
  EXPECT_EQ(DecodeInstanceReport(R"({"instance_guid":"g","reported_state":"destroyed"})")->reported_state,
            InstanceState::kDestroyed);
  EXPECT_EQ(DecodeInstanceMessage(EncodeInstanceMessage({"g", "bang!"}))->message, "bang!");
  EXPECT_EQ(DecodeInstanceRename(EncodeInstanceRename({"g", "new"}))->title, "new");
  EXPECT_EQ(DecodeComputeNodeUsage(EncodeComputeNodeUsage({"c", "<journal/>"}))->tioxml, "<journal/>");
  EXPECT_EQ(DecodeComputeNodeMessage(EncodeComputeNodeMessage({"c", "m"}))->computer_guid, "c");
}

TEST(SlapJsonCodecTest, ComputeNodeFormatUsesTheDashedAddressKeys) {
  ComputeNodeFormat f;
  f.computer_guid = "COMP-0";
  f.partitions.push_back({"slappart0", {{"10.0.0.1", "lo", "255.255.255.0", "", ""}}});
  f.partitions.push_back({"slappart1", {}});
  std::string text = EncodeComputeNodeFormat(f);
  EXPECT_EQ(json::parse(text), json::parse(R"({"computer_guid":"COMP-0","compute_partition_list":[
      {"partition_id":"slappart0","ip_list":[{"ip-address":"10.0.0.1","network-interface":"lo","netmask":"255.255.255.0"}]},
      {"partition_id":"slappart1","ip_list":[]}]})"));
  Result<ComputeNodeFormat> back = DecodeComputeNodeFormat(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->partitions.size(), 2u);
  EXPECT_EQ(back->partitions[0].ip_list[0].network_interface, "lo");
  EXPECT_EQ(DecodeComputeNodeFormat(R"({"computer_guid":"c","compute_partition_list":[{"ip_list":[]}]})")
                .status().message(),
            "'partition_id' is a required property");
  EXPECT_EQ(DecodeComputeNodeFormat(
                R"({"computer_guid":"c","compute_partition_list":[{"partition_id":"p","ip_list":[{"netmask":"x"}]}]})")
                .status().message(),
            "'ip-address' is a required property");
}

Instance SampleInstance() {
  Instance i;
  i.title = "MyFirstInstance";
  i.instance_guid = "MyFirstInstance______0";
  i.software_release_uri = "http://sr//";
  i.software_type = "default";
  i.state = InstanceState::kStopped;
  i.connection_parameters = R"({"url":"http://[::1]:8080"})";
  i.parameters = R"({"foo":"1"})";
  i.root_instance_title = "MyFirstInstance";
  i.ip_list = {{"slaptap0", "10.0.0.1"}, {"slaptap0", "fc00::1"}};
  i.computer_guid = "computer";
  i.compute_partition_id = "slappart0";
  i.processing_timestamp = 1700000000;
  return i;
}

TEST(SlapJsonCodecTest, InstanceDocumentHasTheSixteenKeys) {
  json doc = json::parse(EncodeInstance(SampleInstance()));
  EXPECT_EQ(doc.size(), 16u);
  for (const char* key : {"title", "instance_guid", "software_release_uri", "software_type", "state",
                          "connection_parameters", "parameters", "shared", "root_instance_title",
                          "ip_list", "full_ip_list", "sla_parameters", "computer_guid",
                          "compute_partition_id", "processing_timestamp", "access_status_message"}) {
    EXPECT_TRUE(doc.contains(key)) << key;
  }
  EXPECT_EQ(doc["state"], "stopped");
  EXPECT_EQ(doc["ip_list"], json::parse(R"([["slaptap0","10.0.0.1"],["slaptap0","fc00::1"]])"));
  EXPECT_EQ(doc["full_ip_list"], json::array());
  EXPECT_EQ(doc["sla_parameters"], json::object());
  EXPECT_EQ(doc["processing_timestamp"], 1700000000);

  Result<Instance> back = DecodeInstance(doc.dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->ip_list, SampleInstance().ip_list);
  EXPECT_EQ(back->connection_parameters, SampleInstance().connection_parameters);
  EXPECT_EQ(back->processing_timestamp, 1700000000);

  json missing = doc;
  missing.erase("full_ip_list");
  EXPECT_EQ(DecodeInstance(missing.dump()).status().message(), "'full_ip_list' is a required property");
  json wrong = doc;
  wrong["processing_timestamp"] = "1700000000";
  EXPECT_EQ(DecodeInstance(wrong.dump()).status().message(), "'1700000000' is not of type 'integer'");
  json bad_ip = doc;
  bad_ip["ip_list"] = json::parse(R"([["lo", 1]])");
  EXPECT_EQ(DecodeInstance(bad_ip.dump()).status().message(), "1 is not of type 'string'");
  // A response may carry keys a newer master added.
  json extra = doc;
  extra["news"] = "x";
  EXPECT_TRUE(DecodeInstance(extra.dump()).ok());
}

TEST(SlapJsonCodecTest, InstanceAnswerIsTheInstanceOrNotReady) {
  Result<InstanceAnswer> ready = DecodeInstanceAnswer(EncodeInstance(SampleInstance()));
  ASSERT_TRUE(ready.ok());
  EXPECT_TRUE(ready->ready);
  EXPECT_EQ(ready->instance.title, "MyFirstInstance");

  InstanceAnswer pending;
  pending.ready = false;
  std::string text = EncodeInstanceAnswer(pending);
  EXPECT_EQ(json::parse(text),
            json::parse(R"({"message":"Software Instance Not Ready","name":"SoftwareInstanceNotReady","status":102})"));
  Result<InstanceAnswer> back = DecodeInstanceAnswer(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_FALSE(back->ready);
  EXPECT_EQ(back->not_ready.status, 102);
}

TEST(SlapJsonCodecTest, SuccessAndErrorBodies) {
  EXPECT_EQ(json::parse(EncodeSuccess({"Supplied u to be available"})),
            json::parse(R"({"type":"success","title":"Supplied u to be available"})"));
  EXPECT_EQ(DecodeSuccess(R"({"type":"success","title":"Destroyed"})")->title, "Destroyed");
  EXPECT_FALSE(DecodeSuccess(R"({"type":"failure","title":"x"})").ok());
  ErrorBody e{403, ReasonPhrase(403), "No free computer partition found for: t"};
  EXPECT_EQ(json::parse(EncodeErrorBody(e)),
            json::parse(R"({"status":403,"type":"Forbidden","title":"No free computer partition found for: t"})"));
  EXPECT_EQ(DecodeErrorBody(EncodeErrorBody(e))->title, e.title);
  EXPECT_EQ(ReasonPhrase(400), "Bad Request");
  EXPECT_EQ(ReasonPhrase(415), "Unsupported Media Type");
}

TEST(SlapJsonCodecTest, ResultLists) {
  std::string sw = EncodeSoftwareInstallationList({{"u1", "", SoftwareState::kAvailable},
                                                   {"u2", "", SoftwareState::kDestroyed}});
  EXPECT_EQ(json::parse(sw), json::parse(R"({"result_list":[
      {"software_release_uri":"u1","state":"available"},{"software_release_uri":"u2","state":"destroyed"}]})"));
  Result<std::vector<SoftwareInstallation>> sws = DecodeSoftwareInstallationList(sw, "COMP-0");
  ASSERT_TRUE(sws.ok());
  ASSERT_EQ(sws->size(), 2u);
  EXPECT_EQ((*sws)[1].computer_guid, "COMP-0");
  EXPECT_EQ((*sws)[1].state, SoftwareState::kDestroyed);

  std::string nodes = EncodeNodeInstanceList({{"t", "t______0", InstanceState::kDestroyed, "slappart0", "u"}});
  EXPECT_EQ(json::parse(nodes), json::parse(R"({"result_list":[{"title":"t","instance_guid":"t______0",
      "state":"destroyed","compute_partition_id":"slappart0","software_release_uri":"u"}]})"));
  EXPECT_EQ(DecodeNodeInstanceList(nodes)->at(0).compute_partition_id, "slappart0");

  std::string shared = EncodeSharedInstanceList({{"s", "s______1", "default", InstanceState::kStarted,
                                                  R"({"n":2})", "slappart0", ""}});
  EXPECT_EQ(json::parse(shared), json::parse(R"({"result_list":[{"title":"s","instance_guid":"s______1",
      "software_type":"default","state":"started","parameters":{"n":2},"compute_partition_id":"slappart0"}]})"));
  EXPECT_EQ(DecodeSharedInstanceList(shared)->at(0).parameters, R"({"n":2})");

  std::string titles = EncodeTitleList({"a", "b"}, "title");
  EXPECT_EQ(titles, R"({"result_list":[{"title":"a"},{"title":"b"}]})");
  EXPECT_EQ(*DecodeTitleList(titles, "title"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*DecodeTitleList(R"({"result_list":[{"computer_guid":"COMP-0"}]})", "computer_guid"),
            std::vector<std::string>{"COMP-0"});
  EXPECT_EQ(DecodeTitleList(R"({"result_list":{}})", "title").status().message(), "{} is not of type 'array'");
  EXPECT_EQ(DecodeTitleList(R"({})", "title").status().message(), "'result_list' is a required property");
}

TEST(SlapJsonCodecTest, SmallAnswers) {
  EXPECT_EQ(json::parse(EncodeCertificate({"", ""})), json::parse(R"({"key":"","certificate":""})"));
  EXPECT_EQ(DecodeCertificate(R"({"key":"K","certificate":"C"})")->certificate, "C");
  EXPECT_EQ(*DecodeStringResponse(R"j({"text":"Unknown (not implemented)","x":1})j", "text"),
            "Unknown (not implemented)");
  EXPECT_EQ(*DecodeStringResponse(EncodeStringResponse("hateoas_url", "http://localhost/hateoas/"), "hateoas_url"),
            "http://localhost/hateoas/");
}

TEST(SlapJsonCodecTest, JsonObjectHelpers) {
  EXPECT_EQ(*NormalizeJsonObject(" { \"b\" : 1 , \"a\" : [ ] } "), R"({"b":1,"a":[]})");
  EXPECT_EQ(NormalizeJsonObject("[1]").status().message(), "[1] is not of type 'object'");
  EXPECT_EQ(PrettyJson(R"({"a":1})"), "{\n  \"a\": 1\n}");
}

}  // namespace
}  // namespace slapos::slap

namespace slapos::slap {
namespace {

TEST(SlapJsonCodecTest, NodeAttributeExtensions) {
  ComputeNodeAttributes a{"COMP-0", {{"region", "eu"}, {"network_guid", "N1"}}};
  EXPECT_EQ(nlohmann::json::parse(EncodeComputeNodeAttributes(a)),
            nlohmann::json::parse(R"({"computer_guid":"COMP-0","attribute_dict":{"network_guid":"N1","region":"eu"}})"));
  EXPECT_EQ(DecodeComputeNodeAttributes(EncodeComputeNodeAttributes(a))->attributes, a.attributes);
  EXPECT_EQ(DecodeComputeNodeAttributes(R"({"computer_guid":"c","attribute_dict":{"cpu":4}})").status().message(),
            "4 is not of type 'string'");
  ComputeNodeInfo n{"COMP-0", {{"region", "eu"}}, 10, 7};
  Result<ComputeNodeInfo> back = DecodeComputeNodeInfo(EncodeComputeNodeInfo(n));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->free_partition_count, 7);
  EXPECT_EQ(back->attributes.at("region"), "eu");
}

}  // namespace
}  // namespace slapos::slap
