// The `slapos` client commands against the real `slapos master`: what a person types and sees.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "master_fixture.h"
#include "util/file.h"

namespace slapos::client_test {
namespace {

using nlohmann::json;

constexpr char kSr[] = "http://example.invalid/software/hello/software.cfg";

class ClientCommandsTest : public MasterFixture {};

// The JSON document printed by a command (the output may hold other lines before it).
json JsonIn(const std::string& output) {
  size_t start = output.find('{');
  if (start == std::string::npos) return json();
  return json::parse(output.substr(start), nullptr, false);
}

TEST_F(ClientCommandsTest, SupplyAndRemoveChangeTheNodeSoftwareList) {
  CommandResult reg = Slapos({"computer", "register", "COMP-0", "--partitions", "2"});
  ASSERT_EQ(reg.exit_code, 0) << reg.output;
  EXPECT_TRUE(Contains(reg.output, "Computer COMP-0 registered with 2 partitions."));

  CommandResult supply = Slapos({"supply", kSr, "COMP-0"});
  ASSERT_EQ(supply.exit_code, 0) << supply.output;
  EXPECT_EQ(supply.output, "Done.\n");
  Result<std::vector<slap::SoftwareInstallation>> list = client().SoftwareInstallationList("COMP-0");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].software_release_uri, kSr);
  EXPECT_EQ((*list)[0].state, slap::SoftwareState::kAvailable);

  CommandResult remove = Slapos({"remove", kSr, "COMP-0"});
  ASSERT_EQ(remove.exit_code, 0) << remove.output;
  list = client().SoftwareInstallationList("COMP-0");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].state, slap::SoftwareState::kDestroyed);
}

TEST_F(ClientCommandsTest, RequestExitsTwoUntilANodeIsRegisteredThenShowsConnection) {
  CommandResult early = Slapos({"request", "MyInstance", kSr});
  EXPECT_EQ(early.exit_code, 2) << early.output;
  EXPECT_TRUE(Contains(early.output, "Master is provisioning it"));

  ASSERT_EQ(Slapos({"computer", "register", "COMP-0", "--partitions", "1"}).exit_code, 0);
  CommandResult allocated = Slapos({"request", "MyInstance", kSr});
  ASSERT_EQ(allocated.exit_code, 0) << allocated.output;
  EXPECT_TRUE(Contains(allocated.output, "Requesting MyInstance as instance of " + std::string(kSr) + "..."));
  EXPECT_TRUE(Contains(allocated.output, "Instance requested.\nState is : started.\n"));
  EXPECT_TRUE(Contains(allocated.output, "Connection parameters of instance are:\n{}\n"));
  EXPECT_TRUE(Contains(allocated.output, "You can rerun the command to get up-to-date information."));

  // The node publishes connection parameters; the next request shows them.
  ASSERT_TRUE(client().PublishConnectionParameters("MyInstance______0",
                                                   R"({"url":"http://[fc00::1]:8080","user":"it's me"})").ok());
  CommandResult again = Slapos({"request", "MyInstance", kSr});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(Contains(again.output, "{'url': 'http://[fc00::1]:8080', 'user': \"it's me\"}"));

  // The partition is taken: a second instance has to wait again.
  CommandResult second = Slapos({"request", "Other", kSr});
  EXPECT_EQ(second.exit_code, 2) << second.output;

  CommandResult stop = Slapos({"request", "MyInstance", kSr, "--state", "stopped"});
  ASSERT_EQ(stop.exit_code, 0) << stop.output;
  EXPECT_TRUE(Contains(stop.output, "State is : stopped."));
}

TEST_F(ClientCommandsTest, ParametersAndNodeFiltersReachTheMaster) {
  ASSERT_EQ(Slapos({"computer", "register", "COMP-0", "--partitions", "2"}).exit_code, 0);
  CommandResult reg1 = Slapos({"computer", "register", "COMP-1", "--partitions", "2", "--ipv4-network",
                               "10.1.0.0/24", "--attribute", "region=eu"});
  ASSERT_EQ(reg1.exit_code, 0) << reg1.output;

  CommandResult on1 = Slapos({"request", "pinned", kSr, "--node", "computer_guid=COMP-1", "--parameters",
                              "a=1", "b=x=y", "--type", "web"});
  ASSERT_EQ(on1.exit_code, 0) << on1.output;
  Result<slap::InstanceAnswer> tree = client().GetInstanceTree("pinned");
  ASSERT_TRUE(tree.ok() && tree->ready) << tree.status().ToString();
  EXPECT_EQ(tree->instance.computer_guid, "COMP-1");
  EXPECT_EQ(tree->instance.software_type, "web");
  EXPECT_EQ(json::parse(tree->instance.parameters), json::parse(R"({"a":"1","b":"x=y"})"));
  EXPECT_EQ(tree->instance.ip_list.at(0).at(1), "10.1.0.1");

  CommandResult by_region = Slapos({"request", "regional", kSr, "--node", "region=eu"});
  ASSERT_EQ(by_region.exit_code, 0) << by_region.output;
  EXPECT_EQ(client().GetInstanceTree("regional")->instance.computer_guid, "COMP-1");

  CommandResult nowhere = Slapos({"request", "nowhere", kSr, "--node", "region=us"});
  EXPECT_EQ(nowhere.exit_code, 2) << nowhere.output;

  std::string file = TempPath("params.json");
  ASSERT_TRUE(WriteFileAtomic(file, R"({"n": 3, "nested": {"k": [1, 2]}})").ok());
  CommandResult from_file = Slapos({"request", "fromfile", kSr, "--parameters-file", file});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.output;
  EXPECT_EQ(json::parse(client().GetInstanceTree("fromfile")->instance.parameters),
            json::parse(R"({"n": 3, "nested": {"k": [1, 2]}})"));

  CommandResult dup = Slapos({"request", "dup", kSr, "--parameters", "a=1", "a=2"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_TRUE(Contains(dup.output, "key 'a' is given more than once"));
  CommandResult bad = Slapos({"request", "bad", kSr, "--parameters", "novalue"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(Contains(bad.output, "--parameters expects KEY=VALUE words, got 'novalue'"));
  EXPECT_FALSE(client().GetInstanceTree("dup").ok());  // nothing was stored
}

TEST_F(ClientCommandsTest, JsonInXmlSoftwareGetsItsParametersWrapped) {
  ASSERT_EQ(Slapos({"computer", "register", "COMP-0", "--partitions", "1"}).exit_code, 0);
  std::string sr = TempPath("software.cfg");
  ASSERT_TRUE(WriteFileAtomic(sr, "[buildout]\n").ok());
  ASSERT_TRUE(WriteFileAtomic(sr + ".json", R"({"name": "x", "serialisation": "json-in-xml"})").ok());
  CommandResult r = Slapos({"request", "jsonsr", sr, "--parameters", "port=8080"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  json params = json::parse(client().GetInstanceTree("jsonsr")->instance.parameters);
  ASSERT_TRUE(params.contains("_")) << params.dump();
  EXPECT_EQ(json::parse(params["_"].get<std::string>()), json::parse(R"({"port":"8080"})"));

  // Connection parameters published the json-in-xml way are shown unwrapped.
  ASSERT_TRUE(client().PublishConnectionParameters("jsonsr______0", R"({"_":"{\"url\": \"http://x\"}"})").ok());
  CommandResult again = Slapos({"request", "jsonsr", sr, "--parameters", "port=8080"});
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(Contains(again.output, "{'url': 'http://x'}"));
}

TEST_F(ClientCommandsTest, ServiceListAndInfo) {
  CommandResult empty = Slapos({"service", "list"});
  ASSERT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_EQ(empty.output, "{}\n");

  ASSERT_EQ(Slapos({"computer", "register", "COMP-0", "--partitions", "3"}).exit_code, 0);
  ASSERT_EQ(Slapos({"request", "b-instance", kSr, "--parameters", "x=1"}).exit_code, 0);
  ASSERT_EQ(Slapos({"request", "a-instance", "http://other/software.cfg"}).exit_code, 0);
  CommandResult list = Slapos({"service", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output, "{\n  \"a-instance\": \"http://other/software.cfg\",\n  \"b-instance\": \"" +
                             std::string(kSr) + "\"\n}\n");

  ASSERT_TRUE(client().PublishConnectionParameters("b-instance______0", R"({"url":"http://b"})").ok());
  CommandResult info = Slapos({"service", "info", "b-instance"});
  ASSERT_EQ(info.exit_code, 0) << info.output;
  json doc = json::parse(info.output);
  EXPECT_EQ(doc["software-url"], kSr);
  EXPECT_EQ(doc["software-type"], "default");
  EXPECT_EQ(doc["shared"], false);
  EXPECT_EQ(doc["requested-state"], "started");
  EXPECT_EQ(doc["instance-parameters"], json::parse(R"({"x":"1"})"));
  EXPECT_EQ(doc["connection-parameters"], json::parse(R"({"url":"http://b"})"));
  EXPECT_EQ(doc["status"], "unsupported");
  EXPECT_FALSE(doc.contains("news"));
  EXPECT_TRUE(JsonIn(Slapos({"service", "info", "b-instance", "--news"}).output).contains("news"));

  CommandResult unknown = Slapos({"service", "info", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.output, "Instance nope does not exist.\n");
}

TEST_F(ClientCommandsTest, ComputerListInfoAndRegister) {
  CommandResult none = Slapos({"computer", "list"});
  ASSERT_EQ(none.exit_code, 0) << none.output;
  EXPECT_EQ(none.output, "No existing computer.\n");

  ASSERT_EQ(Slapos({"computer", "register", "COMP-0", "--partitions", "2"}).exit_code, 0);
  ASSERT_EQ(Slapos({"computer", "register", "COMP-1", "--partitions", "1", "--attribute", "region=eu",
                    "--attribute", "network_guid=N1"})
                .exit_code,
            0);
  CommandResult list = Slapos({"computer", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output, "List of Computers:\nCOMP-0 COMP-0\nCOMP-1 COMP-1\n");

  CommandResult info = Slapos({"computer", "info", "COMP-1"});
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_TRUE(Contains(info.output, "Computer Reference: COMP-1\nComputer Title    : COMP-1\n"));
  EXPECT_TRUE(Contains(info.output, "Partitions        : 1 (1 free)"));
  EXPECT_TRUE(Contains(info.output, "Attribute         : network_guid=N1\nAttribute         : region=eu\n"));

  CommandResult unknown = Slapos({"computer", "info", "COMP-9"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.output, "Computer COMP-9 does not exist.\n");

  // Re-registering with fewer partitions is a re-format of the same node.
  ASSERT_EQ(Slapos({"computer", "register", "COMP-0", "--partitions", "1"}).exit_code, 0);
  EXPECT_TRUE(Contains(Slapos({"computer", "info", "COMP-0"}).output, "Partitions        : 1 (1 free)"));

  CommandResult bad_net = Slapos({"computer", "register", "COMP-2", "--partitions", "300", "--ipv4-network",
                                  "10.2.0.0/24"});
  EXPECT_EQ(bad_net.exit_code, 1);
  EXPECT_TRUE(Contains(bad_net.output, "is too small for 255 partitions"));
  EXPECT_EQ(Slapos({"computer", "info", "COMP-2"}).exit_code, 2);  // nothing registered
}

TEST_F(ClientCommandsTest, ErrorsAreOneClearLine) {
  int dead_port = testing::PickFreePort();
  std::string dead = "http://127.0.0.1:" + std::to_string(dead_port);
  CommandResult down = Slapos({"service", "list", "--master-url", dead}, /*with_master_url=*/false);
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_TRUE(Contains(down.output, "slapos service list: cannot connect to " + dead));
  EXPECT_TRUE(Contains(down.output, "is the SlapOS master running at " + dead + "?"));
  EXPECT_EQ(std::count(down.output.begin(), down.output.end(), '\n'), 1) << down.output;

  CommandResult no_url = Slapos({"computer", "list"}, /*with_master_url=*/false);
  EXPECT_EQ(no_url.exit_code, 1);
  EXPECT_TRUE(Contains(no_url.output, "no master URL: give --master-url URL"));

  CommandResult bad_state = Slapos({"request", "x", kSr, "--state", "running"});
  EXPECT_EQ(bad_state.exit_code, 1);
  EXPECT_TRUE(Contains(bad_state.output, "--state: 'running' is not one of ['started', 'stopped', 'destroyed']"));

  // A master error comes back with the master's own words.
  ASSERT_EQ(Slapos({"computer", "register", "COMP-0", "--partitions", "1"}).exit_code, 0);
  std::string long_title(201, 't');
  CommandResult too_long = Slapos({"request", long_title, kSr});
  EXPECT_EQ(too_long.exit_code, 1);
  EXPECT_TRUE(Contains(too_long.output, "is too long")) << too_long.output;

  CommandResult https = Slapos({"computer", "list", "--master-url", "https://127.0.0.1:1"}, false);
  EXPECT_EQ(https.exit_code, 1);
  EXPECT_TRUE(Contains(https.output, "is https but no client certificate is configured"));

  for (const char* cmd : {"supply", "remove", "request", "service", "computer"}) {
    CommandResult help = Slapos({cmd, "--help"}, false);
    EXPECT_EQ(help.exit_code, 0) << cmd;
    EXPECT_TRUE(Contains(help.output, "--master-url") || Contains(help.output, "list")) << cmd;
  }
  CommandResult missing = Slapos({"supply", kSr});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(Contains(missing.output, "NODE"));
}

TEST_F(ClientCommandsTest, ConfigurationFileAndEnvironment) {
  std::string cfg = TempPath("client.cfg");
  ASSERT_TRUE(WriteFileAtomic(cfg, "[slapos]\nmaster_url = " + master_url() + "\n").ok());
  CommandResult with_cfg = Slapos({"computer", "list", "--cfg", cfg}, false);
  EXPECT_EQ(with_cfg.exit_code, 0) << with_cfg.output;
  EXPECT_EQ(with_cfg.output, "No existing computer.\n");

  CommandResult with_env = Slapos({"computer", "list"}, false, {{"SLAPOS_CLIENT_CONFIGURATION", cfg}});
  EXPECT_EQ(with_env.exit_code, 0) << with_env.output;

  ASSERT_TRUE(MakeDirs(TempPath(".slapos")).ok());
  ASSERT_TRUE(WriteFileAtomic(TempPath(".slapos/slapos-client.cfg"), "[slapos]\nmaster_url = " + master_url() + "\n").ok());
  CommandResult with_home = Slapos({"computer", "list"}, false);
  EXPECT_EQ(with_home.exit_code, 0) << with_home.output;

  CommandResult missing = Slapos({"computer", "list", "--cfg", TempPath("nope.cfg")}, false);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.output, "client configuration file '" + TempPath("nope.cfg") + "' does not exist"));
}

}  // namespace
}  // namespace slapos::client_test
