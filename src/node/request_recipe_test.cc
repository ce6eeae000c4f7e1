// Option parsing and answer mapping of the request recipes (no master: pure functions).
#include "node/request_recipe.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::node {
namespace {

using build::Options;
using nlohmann::json;

const Options kConn{{"server-url", "http://master"}, {"computer-id", "COMP-1"}, {"partition-id", "slappart3"},
                    {"requested-state", "stopped"}};

TEST(NodeRequestRecipeTest, ReadsConfigSlaReturnAndConnection) {
  Options o{{"name", "child"},         {"software-url", "http://sr/x.cfg"}, {"software-type", "kvm"},
            {"config-name", "Ada"},    {"config-port", " 8080 "},          {"sla-computer_guid", " COMP-2 "},
            {"return", " url\n  port "}, {"recipe", "slapos.cookbook:request"}};
  auto spec = ParseRequestOptions("child", o, kConn, {});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->server_url, "http://master");
  EXPECT_EQ(spec->computer_id, "COMP-1");
  EXPECT_EQ(spec->partition_id, "slappart3");
  EXPECT_EQ(spec->request.title, "child");
  EXPECT_EQ(spec->request.software_release_uri, "http://sr/x.cfg");
  EXPECT_EQ(spec->request.software_type, "kvm");
  EXPECT_FALSE(spec->request.shared);
  EXPECT_EQ(spec->request.state, slap::InstanceState::kStopped);  // from slap-connection
  EXPECT_EQ(json::parse(spec->request.parameters), (json{{"name", "Ada"}, {"port", " 8080 "}}));
  EXPECT_EQ(json::parse(spec->request.sla_parameters), (json{{"computer_guid", "COMP-2"}}));
  EXPECT_EQ(spec->return_names, (std::vector<std::string>{"url", "port"}));
}

TEST(NodeRequestRecipeTest, SectionOptionsWinAndDefaultsApply) {
  Options o{{"name", "c"}, {"software-url", "u"}, {"server-url", "http://other"}, {"shared", "true"}};
  auto spec = ParseRequestOptions("p", o, {{"server-url", "http://master"}, {"computer-id", "C"}, {"partition-id", "P"}}, {});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->server_url, "http://other");
  EXPECT_TRUE(spec->request.shared);
  EXPECT_EQ(spec->request.software_type, "default");
  EXPECT_EQ(spec->request.state, slap::InstanceState::kStarted);
  EXPECT_EQ(spec->request.parameters, "{}");
  // Legacy underscore spellings of [slap_connection] also work.
  auto legacy = ParseRequestOptions("p", {{"name", "c"}, {"software-url", "u"}},
                                    {{"server_url", "http://m"}, {"computer_id", "C"}, {"partition_id", "P"}}, {});
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(legacy->server_url, "http://m");
}

TEST(NodeRequestRecipeTest, SerialisedWrapsParameters) {
  Options o{{"name", "c"}, {"software-url", "u"}, {"config-a", "1"}};
  auto spec = ParseRequestOptions("p", o, kConn, {false, true});
  ASSERT_TRUE(spec.ok());
  json p = json::parse(spec->request.parameters);
  ASSERT_TRUE(p["_"].is_string());
  EXPECT_EQ(json::parse(p["_"].get<std::string>()), (json{{"a", "1"}}));
}

TEST(NodeRequestRecipeTest, BadOptionsAreClearErrors) {
  auto missing = ParseRequestOptions("child", {{"software-url", "u"}}, {}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("part [child]"), std::string::npos);
  EXPECT_NE(missing.status().message().find("name"), std::string::npos);
  EXPECT_NE(missing.status().message().find("server-url"), std::string::npos);
  auto state = ParseRequestOptions("child", {{"name", "c"}, {"software-url", "u"}, {"state", "running"}}, kConn, {});
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("running"), std::string::npos) << state.status().ToString();
  auto shared = ParseRequestOptions("child", {{"name", "c"}, {"software-url", "u"}, {"shared", "maybe"}}, kConn, {});
  ASSERT_FALSE(shared.ok());
  EXPECT_NE(shared.status().message().find("maybe"), std::string::npos);
}

TEST(NodeRequestRecipeTest, AnswerGivesConnectionValuesAndMissingOnes) {
  RequestSpec spec;
  spec.return_names = {"url", "port", "absent"};
  spec.request.state = slap::InstanceState::kStarted;
  slap::InstanceAnswer a;
  a.instance.instance_guid = "child___root___0";
  a.instance.state = slap::InstanceState::kStarted;
  a.instance.connection_parameters = R"({"url": "http://[::1]:80/", "port": 80})";
  RequestOutputs out = OutputsFromAnswer(spec, a, {});
  EXPECT_EQ(out.options["connection-url"], "http://[::1]:80/");
  EXPECT_EQ(out.options["connection-port"], "80");
  EXPECT_EQ(out.options["connection-absent"], "");
  EXPECT_EQ(out.missing, (std::vector<std::string>{"absent"}));
  EXPECT_EQ(out.options["instance-guid"], "child___root___0");
  EXPECT_EQ(out.options["instance-state"], "started");
  EXPECT_EQ(out.options["requested-state"], "started");

  slap::InstanceAnswer not_ready;
  not_ready.ready = false;
  RequestOutputs none = OutputsFromAnswer(spec, not_ready, {});
  EXPECT_EQ(none.missing.size(), 3u);
  EXPECT_EQ(none.options["instance-guid"], "");
}

TEST(NodeRequestRecipeTest, SerialisedAnswerIsUnwrapped) {
  RequestSpec spec;
  spec.return_names = {"url"};
  slap::InstanceAnswer a;
  a.instance.connection_parameters = json{{"_", json{{"url", "http://x/"}}.dump()}}.dump();
  EXPECT_EQ(OutputsFromAnswer(spec, a, {false, true}).options["connection-url"], "http://x/");
  // The plain recipe does not look inside "_".
  EXPECT_EQ(OutputsFromAnswer(spec, a, {}).missing.size(), 1u);
}

TEST(NodeRequestRecipeTest, TransactionFileListsEachReferenceOnce) {
  testing::TempDir root("n2-transaction");
  ASSERT_TRUE(MakeDirs(root.Join("slappart2")).ok());
  ASSERT_TRUE(RecordRequestTransaction(root.path(), "slappart2", "child-a").ok());
  ASSERT_TRUE(RecordRequestTransaction(root.path(), "slappart2", "child-b").ok());
  ASSERT_TRUE(RecordRequestTransaction(root.path(), "slappart2", "child-a").ok());
  auto text = ReadFile(root.Join("slappart2/.slapos-request-transaction-slappart2"));
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "child-a\nchild-b\n");
  // Not a partition of this node (no directory): nothing written, no error.
  EXPECT_TRUE(RecordRequestTransaction(root.path(), "slappart9", "x").ok());
  EXPECT_FALSE(PathExists(root.Join("slappart9")));
}

}  // namespace
}  // namespace slapos::node
