// The node's instance recipes (slapconfiguration, publish) against a real `slapos master`.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "build/recipe.h"
#include "e2e_fixture.h"
#include "node/recipes.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/testing.h"

namespace slapos {
namespace {

class NodeRecipesE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartMaster());
    slap::ComputeNodeFormat f;
    f.computer_guid = "COMP-R";
    f.partitions.push_back({"slappart0",
                            {{"10.0.0.2", "slaptap0", "255.255.255.255", "", ""},
                             {"fd00::2", "slaptap0", "ffff:ffff:ffff:ffff::", "", ""}}});
    ASSERT_TRUE(client->FormatComputeNode(f).ok());
    ASSERT_TRUE(client->Supply("http://sr/hello.cfg", "COMP-R").ok());
    slap::InstanceRequest req;
    req.title = "hello-1";
    req.software_release_uri = "http://sr/hello.cfg";
    req.parameters = R"({"name": "Ada"})";
    req.sla_parameters = R"({"computer_guid": "COMP-R"})";
    auto answer = client->RequestInstance(req);
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    ASSERT_TRUE(answer->ready);
    partition = answer->instance.compute_partition_id;
    guid = answer->instance.instance_guid;
    ASSERT_EQ(partition, "slappart0");
    registry = std::make_unique<build::RecipeRegistry>();
    node::RegisterNodeRecipes(*registry);
    ctx.directory = dir.path();
    ctx.section = [this](const std::string& name) -> Result<build::Options> {
      if (name != "slap-connection") return NotFound(name);
      return build::Options{{"server-url", url}, {"computer-id", "COMP-R"}, {"partition-id", partition}};
    };
  }

  std::string partition, guid;
  std::unique_ptr<build::RecipeRegistry> registry;
  build::BuildContext ctx;
};

TEST_F(NodeRecipesE2ETest, SlapConfigurationGivesParametersAndAddresses) {
  auto recipe = registry->Create("slapos.cookbook:slapconfiguration");
  ASSERT_TRUE(recipe.ok()) << recipe.status().ToString();
  build::Options o{{"url", url}, {"computer", "COMP-R"}, {"partition", partition},
                   {"configuration.name", "World"}, {"configuration.port", "8080"}};
  ASSERT_TRUE(WriteFileAtomic(dir.Join(".slapos-resource"), R"({"tap": "slaptap0", "user": "slapuser0"})").ok());
  Status s = (*recipe)->Init("slap-configuration", o, ctx);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(o["configuration.name"], "Ada");    // the parameter wins over the default
  EXPECT_EQ(o["configuration.port"], "8080");   // the default stays
  EXPECT_EQ(o["ipv4-random"], "10.0.0.2");
  EXPECT_EQ(o["ipv6-random"], "fd00::2");
  EXPECT_EQ(o["instance-state"], "started");
  EXPECT_EQ(o["slap-computer-partition-id"], "slappart0");
  EXPECT_EQ(o["instance-guid"], guid);
  EXPECT_EQ(o["tap-name"], "slaptap0");
  EXPECT_EQ(nlohmann::json::parse(o["configuration"])["name"], "Ada");

  build::Options bad{{"url", url}, {"computer", "COMP-R"}, {"partition", "slappart9"}};
  Status missing = (*recipe)->Init("slap-configuration", bad, ctx);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("slappart9"), std::string::npos) << missing.ToString();
}

TEST_F(NodeRecipesE2ETest, PublishSendsConnectionParameters) {
  auto recipe = registry->Create("slapos.cookbook:publish");
  ASSERT_TRUE(recipe.ok());
  build::Options o{{"recipe", "slapos.cookbook:publish"}, {"url", "http://[fd00::2]:8080/"}, {"name", "Ada"}};
  auto installed = (*recipe)->Install("publish", o, ctx);
  ASSERT_TRUE(installed.ok()) << installed.status().ToString();
  auto inst = client->GetInstance(guid);
  ASSERT_TRUE(inst.ok());
  auto conn = nlohmann::json::parse(inst->connection_parameters);
  EXPECT_EQ(conn["url"], "http://[fd00::2]:8080/");
  EXPECT_EQ(conn["name"], "Ada");
  EXPECT_FALSE(conn.contains("recipe"));
}

}  // namespace
}  // namespace slapos
