// Unit tests of `slapos configure local`'s plan (options, networks, files, rerun rules) and of
// its apply/remove steps over an in-memory LocalHost.
#include "node/local_setup.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "node/local_setup_apply.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::node {
namespace {

LocalHostFacts Facts() {
  LocalHostFacts f;
  f.ipv4_routes = {"192.0.2.0/24", "10.44.0.0/16", "10.45.3.0/24"};
  f.ipv6_routes = {"fd00::/64", "fe80::/64"};
  f.machine_seed = "0123456789abcdef";
  f.recorded_path = "/etc/opt/slapos/configure-local.cfg";
  f.slapos_binary = "/usr/bin/slapos";
  return f;
}

LocalSetupOptions Options() {
  LocalSetupOptions o;
  o.client_config = "/root/.slapos/slapos-client.cfg";
  return o;
}

TEST(ConfigureLocalPlanTest, DefaultsAvoidTheHostRoutes) {
  auto plan = PlanLocalSetup(Options(), Facts());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->options.ipv4_local_network, "10.46.0.0/16");  // .44 is routed, .45 overlaps 10.45.3.0/24
  EXPECT_TRUE(StartsWith(plan->options.ipv6_prefix, "fd")) << plan->options.ipv6_prefix;
  EXPECT_TRUE(EndsWith(plan->options.ipv6_prefix, "::/64")) << plan->options.ipv6_prefix;
  EXPECT_EQ(plan->master_url, "http://127.0.0.1:5000");
  EXPECT_EQ(plan->slapos_cfg_path, "/etc/opt/slapos/slapos.cfg");
  EXPECT_EQ(plan->database_path, "/var/lib/slapos/master.db");
  EXPECT_FALSE(plan->rerun);
  std::string cfg = RenderSlaposCfg(*plan);
  for (const char* line : {"computer_id = local_computer", "master_url = http://127.0.0.1:5000",
                           "software_root = /opt/slapgrid", "instance_root = /srv/slapgrid", "partition_amount = 10",
                           "interface_name = slapos0", "create_tap = false", "database_uri = /var/lib/slapos/master.db"})
    EXPECT_NE(cfg.find(line), std::string::npos) << line << "\n" << cfg;
  EXPECT_NE(RenderClientCfg(*plan).find("master_url = http://127.0.0.1:5000"), std::string::npos);
}

TEST(ConfigureLocalPlanTest, SameSeedSamePrefixOtherSeedOtherPrefix) {
  auto a = ChooseIpv6Prefix({}, "seed-a");
  auto a2 = ChooseIpv6Prefix({}, "seed-a");
  auto b = ChooseIpv6Prefix({}, "seed-b");
  ASSERT_TRUE(a.ok() && a2.ok() && b.ok());
  EXPECT_EQ(*a, *a2);
  EXPECT_NE(*a, *b);
  // A route over the first subnet moves the choice to the next one.
  auto moved = ChooseIpv6Prefix({*a}, "seed-a");
  ASSERT_TRUE(moved.ok());
  EXPECT_NE(*moved, *a);
  auto overlap = NetworksOverlap(*moved, *a);
  ASSERT_TRUE(overlap.ok());
  EXPECT_FALSE(*overlap);
}

TEST(ConfigureLocalPlanTest, OverlapArithmetic) {
  EXPECT_TRUE(*NetworksOverlap("10.0.0.0/8", "10.44.1.0/24"));
  EXPECT_TRUE(*NetworksOverlap("10.44.1.7", "10.44.0.0/16"));
  EXPECT_FALSE(*NetworksOverlap("10.44.0.0/16", "10.45.0.0/16"));
  EXPECT_TRUE(*NetworksOverlap("fd00::/8", "fd12:3456::/64"));
  EXPECT_FALSE(*NetworksOverlap("fd12:3456::/64", "fd12:3457::/64"));
  EXPECT_FALSE(*NetworksOverlap("fd12::/64", "10.0.0.0/8"));  // other family
  EXPECT_FALSE(NetworksOverlap("nonsense", "10.0.0.0/8").ok());
}

TEST(ConfigureLocalPlanTest, ExplicitNetworkThatClashesIsRefused) {
  auto o = Options();
  o.ipv4_local_network = "192.0.2.128/25";
  auto plan = PlanLocalSetup(o, Facts());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("overlaps the route 192.0.2.0/24"), std::string::npos)
      << plan.status().message();
  o = Options();
  o.ipv6_prefix = "fd00::/64";
  plan = PlanLocalSetup(o, Facts());
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("--ipv6-prefix fd00::/64 overlaps"), std::string::npos);
}

TEST(ConfigureLocalPlanTest, BadOptionsAreClearErrors) {
  struct Case {
    std::function<void(LocalSetupOptions&)> set;
    const char* expect;
  };
  std::vector<Case> cases = {
      {[](auto& o) { o.interface_name = "eth0"; }, "never touches the host's"},
      {[](auto& o) { o.interface_name = "a-very-long-interface-name"; }, "--interface-name"},
      {[](auto& o) { o.partition_amount = 0; }, "--partition-number 0"},
      {[](auto& o) { o.master_port = 70000; }, "--master-port 70000"},
      {[](auto& o) { o.master_host = "localhost"; }, "--master-host 'localhost'"},
      {[](auto& o) { o.instance_root = "relative/dir"; }, "--slapos-instance-root"},
      {[](auto& o) { o.software_root = "/"; }, "--slapos-software-root"},
      {[](auto& o) { o.software_root = o.instance_root; }, "must differ"},
      {[](auto& o) { o.ipv4_local_network = "10.1.2.0/29"; }, "too small for 10 partitions"},
      {[](auto& o) { o.ipv4_local_network = "10.1.2.300/16"; }, "--ipv4-local-network '10.1.2.300/16'"},
      {[](auto& o) { o.ipv6_prefix = "fd12::/100"; }, "/16 to /64"},
      {[](auto& o) { o.user_base_name = "Bad Name"; }, "--user-base-name"},
      {[](auto& o) { o.computer_id = ""; }, "--computer-id"},
  };
  for (const auto& c : cases) {
    auto o = Options();
    c.set(o);
    auto plan = PlanLocalSetup(o, Facts());
    ASSERT_FALSE(plan.ok()) << c.expect;
    EXPECT_NE(plan.status().message().find(c.expect), std::string::npos) << plan.status().message();
  }
}

TEST(ConfigureLocalPlanTest, RecordRoundTrips) {
  LocalSetupRecord r;
  r.options = Options();
  r.options.ipv4_local_network = "10.50.0.0/16";
  r.options.ipv6_prefix = "fd01:2::/64";
  r.options.partition_amount = 7;
  r.created_directories = {"/etc/opt", "/etc/opt/slapos"};
  r.created_files = {"/root/.slapos/slapos-client.cfg"};
  r.created_interface = true;
  auto back = ParseRecord(RenderRecord(r), "rec.cfg");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->options.partition_amount, 7);
  EXPECT_EQ(back->options.ipv4_local_network, "10.50.0.0/16");
  EXPECT_EQ(back->options.ipv6_prefix, "fd01:2::/64");
  EXPECT_EQ(back->created_directories, r.created_directories);
  EXPECT_EQ(back->created_files, r.created_files);
  EXPECT_TRUE(back->created_interface);
  auto bad = ParseRecord("[slapos]\nx = 1\n", "rec.cfg");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not written by 'slapos configure local'"), std::string::npos);
}

TEST(ConfigureLocalPlanTest, RerunKeepsRecordedValuesAndRefusesExplicitDifferences) {
  auto first = PlanLocalSetup(Options(), Facts());
  ASSERT_TRUE(first.ok());
  LocalSetupRecord rec;
  rec.options = first->options;
  auto facts = Facts();
  facts.recorded = RenderRecord(rec);
  // The routes changed since (e.g. our own interface's routes); the recorded networks stay.
  facts.ipv4_routes.push_back("10.46.0.0/16");
  auto again = PlanLocalSetup(Options(), facts);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->rerun);
  EXPECT_EQ(again->options.ipv4_local_network, "10.46.0.0/16");
  EXPECT_EQ(RenderSlaposCfg(*again), RenderSlaposCfg(*first));
  // Giving the same value explicitly is fine; another value is a clear error.
  auto o = Options();
  o.partition_amount = 10;
  o.explicit_options.insert("partition-number");
  EXPECT_TRUE(PlanLocalSetup(o, facts).ok());
  // Another value of an option that cannot change in place: a clear error naming it, both
  // values, why, and --remove.
  o.computer_id = "other";
  o.explicit_options.insert("computer-id");
  auto diff = PlanLocalSetup(o, facts);
  ASSERT_FALSE(diff.ok());
  EXPECT_NE(diff.status().message().find("--computer-id other (the setup has local_computer: the master knows"),
            std::string::npos)
      << diff.status().message();
  EXPECT_NE(diff.status().message().find("slapos configure local --remove"), std::string::npos);
  EXPECT_NE(diff.status().message().find("Nothing was changed"), std::string::npos);
}

LocalHostFacts RecordedFacts(const LocalSetupOptions& options) {
  auto first = PlanLocalSetup(options, Facts());
  EXPECT_TRUE(first.ok()) << first.status().ToString();
  LocalSetupRecord rec;
  rec.options = first->options;
  auto facts = Facts();
  facts.recorded = RenderRecord(rec);
  return facts;
}

LocalSetupOptions Given(std::initializer_list<std::pair<const char*, std::string>> given) {
  auto o = Options();
  for (const auto& [name, value] : given) {
    o.explicit_options.insert(name);
    std::string n = name;
    if (n == "partition-number") o.partition_amount = std::stoi(value);
    else if (n == "master-port") o.master_port = std::stoi(value);
    else if (n == "client-configuration") o.client_config = value;
    else if (n == "ipv4-local-network") o.ipv4_local_network = value;
    else if (n == "interface-name") o.interface_name = value;
    else if (n == "slapos-instance-root") o.instance_root = value;
    else ADD_FAILURE() << "test helper: unknown option " << n;
  }
  return o;
}

TEST(ConfigureLocalPlanTest, MorePartitionsChangeInPlace) {
  auto facts = RecordedFacts(Options());
  auto grown = PlanLocalSetup(Given({{"partition-number", "40"}}), facts);
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  EXPECT_TRUE(grown->rerun);
  ASSERT_EQ(grown->changed_in_place.size(), 1u);
  EXPECT_EQ(grown->changed_in_place[0], "--partition-number 10 -> 40: node format adds slappart10 to slappart39");
  EXPECT_NE(RenderSlaposCfg(*grown).find("partition_amount = 40\n"), std::string::npos);
  // Everything else is the recorded setup's: same networks, same programs.
  auto same = PlanLocalSetup(Options(), facts);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->changed_in_place.empty());
  EXPECT_EQ(grown->options.ipv4_local_network, same->options.ipv4_local_network);
  EXPECT_EQ(grown->options.ipv6_prefix, same->options.ipv6_prefix);
  EXPECT_EQ(grown->supervisor_programs, same->supervisor_programs);
}

TEST(ConfigureLocalPlanTest, FewerPartitionsAreRefusedBecausePartitionsAreOnlyAdded) {
  auto facts = RecordedFacts(Options());
  auto fewer = PlanLocalSetup(Given({{"partition-number", "5"}}), facts);
  ASSERT_FALSE(fewer.ok());
  const std::string& m = fewer.status().message();
  EXPECT_NE(m.find("--partition-number 5 (the setup has 10: partitions are only ever added"), std::string::npos) << m;
  EXPECT_NE(m.find("give 10 or more"), std::string::npos) << m;
}

TEST(ConfigureLocalPlanTest, EveryRefusedOptionIsNamedAtOnce) {
  auto facts = RecordedFacts(Options());
  auto r = PlanLocalSetup(Given({{"partition-number", "40"},
                                 {"master-port", "5001"},
                                 {"interface-name", "slapos1"},
                                 {"slapos-instance-root", "/srv/other"}}),
                          facts);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  for (const char* part : {"--master-port 5001 (the setup has 5000: ", "--interface-name slapos1 (the setup has slapos0: ",
                           "--slapos-instance-root /srv/other (the setup has /srv/slapgrid: "})
    EXPECT_NE(m.find(part), std::string::npos) << part << "\n" << m;
  EXPECT_EQ(m.find("--partition-number"), std::string::npos) << "growing alone is allowed: " << m;
}

TEST(ConfigureLocalPlanTest, GrowingBeyondTheRecordedNetworkIsRefused) {
  auto facts = RecordedFacts(Given({{"ipv4-local-network", "10.99.0.0/26"}}));  // 62 addresses: 31 partitions
  EXPECT_TRUE(PlanLocalSetup(Given({{"partition-number", "31"}}), facts).ok());
  auto r = PlanLocalSetup(Given({{"partition-number", "32"}}), facts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("10.99.0.0/26 has room for 31 partitions at most"), std::string::npos)
      << r.status().message();
}

TEST(ConfigureLocalPlanTest, AnotherClientConfigurationChangesInPlace) {
  auto facts = RecordedFacts(Options());
  auto r = PlanLocalSetup(Given({{"client-configuration", "/home/ada/.slapos/slapos-client.cfg"}}), facts);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->changed_in_place.size(), 1u);
  EXPECT_EQ(r->changed_in_place[0],
            "--client-configuration /root/.slapos/slapos-client.cfg -> /home/ada/.slapos/slapos-client.cfg");
}

TEST(ConfigureLocalPlanTest, SupervisorProgramsRunTheMasterAndTheDaemonWhenThere) {
  auto plan = PlanLocalSetup(Options(), Facts());
  ASSERT_TRUE(plan.ok());
  std::string without = RenderSupervisorPrograms(*plan, "/usr/bin/slapos", false);
  EXPECT_NE(without.find("[program:slapos-master]"), std::string::npos);
  EXPECT_NE(without.find("command = /usr/bin/slapos proxy start --cfg /etc/opt/slapos/slapos.cfg"), std::string::npos);
  EXPECT_NE(without.find("autostart = true\nautorestart = true"), std::string::npos);
  EXPECT_EQ(without.find("[program:slapos-node]"), std::string::npos);
  EXPECT_FALSE(plan->notes.empty());
  std::string with = RenderSupervisorPrograms(*plan, "/usr/bin/slapos", true);
  EXPECT_NE(with.find("command = /usr/bin/slapos node daemon --cfg /etc/opt/slapos/slapos.cfg"), std::string::npos);
}

// An in-memory machine: files, directories, one optional interface, a supervisor.
class FakeLocalHost : public LocalHost {
 public:
  std::map<std::string, std::string> files;
  std::set<std::string> dirs = {"/etc", "/var", "/var/lib", "/opt", "/srv", "/root"};
  std::map<std::string, bool> interfaces;  // name -> up
  std::set<std::string> addresses;         // "iface addr/len"
  bool supervisor = false;
  std::set<std::string> running;
  bool port_busy = false;
  int formats = 0, unformats = 0, kills = 0;
  bool daemon_during_format = false;
  std::vector<std::string> log;

  Result<std::vector<std::string>> Routes(bool ipv6, const std::string&) override {
    return ipv6 ? std::vector<std::string>{"fd00::/64"} : std::vector<std::string>{"192.0.2.0/24"};
  }
  std::string MachineSeed() override { return "fake-machine"; }
  bool Exists(const std::string& p) override { return files.count(p) || dirs.count(p); }
  bool IsEmptyDirectory(const std::string& p) override {
    if (!dirs.count(p)) return false;
    for (const auto& d : dirs)
      if (StartsWith(d, p + "/")) return false;
    for (const auto& [f, _] : files)
      if (StartsWith(f, p + "/")) return false;
    return true;
  }
  Result<std::optional<std::string>> ReadFileIfExists(const std::string& p) override {
    auto it = files.find(p);
    return it == files.end() ? std::optional<std::string>() : std::optional<std::string>(it->second);
  }
  Status WriteFile(const std::string& p, const std::string& c, int) override {
    if (!dirs.count(Dirname(p))) return IOError("no directory " + Dirname(p));
    files[p] = c;
    log.push_back("write " + p);
    return Status::OK();
  }
  Status MakeDirectory(const std::string& p) override {
    if (!dirs.count(Dirname(p))) return IOError("no parent for " + p);
    dirs.insert(p);
    return Status::OK();
  }
  Status RemoveAll(const std::string& p) override {
    std::erase_if(files, [&](const auto& kv) { return kv.first == p || StartsWith(kv.first, p + "/"); });
    std::erase_if(dirs, [&](const std::string& d) { return d == p || StartsWith(d, p + "/"); });
    log.push_back("rm " + p);
    return Status::OK();
  }
  bool InterfaceExists(const std::string& n) override { return interfaces.count(n); }
  Status CreateBridge(const std::string& n) override {
    interfaces[n] = true;
    return Status::OK();
  }
  Result<bool> InterfaceUp(const std::string& n) override { return interfaces[n]; }
  Status SetInterfaceUp(const std::string& n) override {
    interfaces[n] = true;
    return Status::OK();
  }
  Result<bool> HasAddress(const std::string& n, const std::string& a, int l) override {
    return addresses.count(n + " " + a + "/" + std::to_string(l)) > 0;
  }
  Status AddIpv6Address(const std::string& n, const std::string& a, int l) override {
    addresses.insert(n + " " + a + "/" + std::to_string(l));
    return Status::OK();
  }
  Status DeleteInterface(const std::string& n) override {
    interfaces.erase(n);
    std::erase_if(addresses, [&](const std::string& a) { return StartsWith(a, n + " "); });
    return Status::OK();
  }
  bool PortAnswers(const std::string&, int) override { return port_busy || running.count("slapos-master"); }
  Result<bool> EnsureSupervisor(const std::string& cfg) override {
    if (!files.count(cfg)) return FailedPrecondition("no " + cfg);
    bool launched = !supervisor;
    if (launched) {
      supervisor = true;
      running = {"slapos-master"};  // autostart
    }
    return launched;
  }
  Result<std::vector<std::string>> RunningPrograms(const std::string&) override {
    return std::vector<std::string>(running.begin(), running.end());
  }
  Status StartProgram(const std::string&, const std::string& name) override {
    running.insert(name);
    return Status::OK();
  }
  Status ShutdownSupervisor(const std::string&) override {
    supervisor = false;
    running.clear();
    return Status::OK();
  }
  Status KillUserProcesses(const std::vector<std::string>& users) override {
    kills += static_cast<int>(users.size());
    return Status::OK();
  }
  Status WaitMaster(const std::string& url, const std::string& log_path) override {
    if (!running.count("slapos-master")) return Unavailable("master down at " + url + "; read " + log_path);
    return Status::OK();
  }
  Result<std::string> RunFormat(const std::string&) override {
    for (const auto& [path, content] : files)
      if (EndsWith(path, "slapos-local.conf") && content.find("[program:slapos-node]") != std::string::npos)
        daemon_during_format = true;
    return std::string(formats++ == 0 ? "node local_computer: 10 partitions, 42 changes\n"
                                      : "node local_computer: 10 partitions, 0 changes\n");
  }
  Result<std::string> RunUnformat(const std::string&) override {
    ++unformats;
    return std::string("removed\n");
  }
};

Result<LocalSetupResult> SetUpLocal(FakeLocalHost& host, LocalSetupOptions o = Options(), bool daemon = false) {
  SLAPOS_ASSIGN_OR_RETURN(LocalSetupPlan plan, PlanOnHost(o, host, daemon, "/usr/bin/slapos"));
  return ApplyLocalSetup(plan, host);
}

TEST(ConfigureLocalApplyTest, FirstRunCreatesEverythingRerunChangesNothing) {
  FakeLocalHost host;
  auto first = SetUpLocal(host);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->changes.size(), 5u);
  EXPECT_TRUE(host.files.count("/etc/opt/slapos/slapos.cfg"));
  EXPECT_TRUE(host.files.count("/etc/opt/slapos/configure-local.cfg"));
  EXPECT_TRUE(host.files.count("/root/.slapos/slapos-client.cfg"));
  EXPECT_TRUE(host.files.count("/srv/slapgrid/etc/supervisord.conf.d/slapos-local.conf"));
  EXPECT_TRUE(host.interfaces.count("slapos0"));
  EXPECT_EQ(host.addresses.size(), 1u);
  EXPECT_TRUE(host.supervisor);
  EXPECT_EQ(host.formats, 1);

  auto files_before = host.files;
  auto again = SetUpLocal(host);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->changes.empty()) << Join(again->changes, "\n");
  EXPECT_EQ(host.files, files_before);
  EXPECT_EQ(host.formats, 2);  // format is rerun to verify; it reports 0 changes
}

TEST(ConfigureLocalApplyTest, NodeDaemonJoinsOnlyAfterTheFirstFormat) {
  FakeLocalHost host;
  auto first = SetUpLocal(host, Options(), true);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(host.daemon_during_format);
  EXPECT_TRUE(host.running.count("slapos-node"));
  EXPECT_NE(host.files["/srv/slapgrid/etc/supervisord.conf.d/slapos-local.conf"].find("node daemon --cfg"),
            std::string::npos);
  auto again = SetUpLocal(host, Options(), true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty()) << Join(again->changes, "\n");
  host.running.erase("slapos-node");
  again = SetUpLocal(host, Options(), true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Join(again->changes, "\n"), "started slapos-node");
}

TEST(ConfigureLocalApplyTest, RerunRepairsWhatIsMissing) {
  FakeLocalHost host;
  ASSERT_TRUE(SetUpLocal(host).ok());
  host.DeleteInterface("slapos0");
  host.running.clear();
  host.files.erase("/root/.slapos/slapos-client.cfg");
  auto again = SetUpLocal(host);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  std::string all = Join(again->changes, "\n");
  EXPECT_NE(all.find("created bridge slapos0"), std::string::npos) << all;
  EXPECT_NE(all.find("added "), std::string::npos) << all;
  EXPECT_NE(all.find("wrote /root/.slapos/slapos-client.cfg"), std::string::npos) << all;
  EXPECT_NE(all.find("started slapos-master"), std::string::npos) << all;
}

TEST(ConfigureLocalApplyTest, GrowingRewritesSlaposCfgAndFormatsWithoutRestartingAnything) {
  FakeLocalHost host;
  ASSERT_TRUE(SetUpLocal(host, Options(), true).ok());
  auto programs = host.files["/srv/slapgrid/etc/supervisord.conf.d/slapos-local.conf"];
  auto client = host.files["/root/.slapos/slapos-client.cfg"];
  host.log.clear();
  auto o = Options();
  o.partition_amount = 40;
  o.explicit_options.insert("partition-number");
  auto grown = SetUpLocal(host, o, true);
  ASSERT_TRUE(grown.ok()) << grown.status().ToString();
  std::string all = Join(grown->changes, "\n");
  EXPECT_NE(all.find("changed in place: --partition-number 10 -> 40"), std::string::npos) << all;
  EXPECT_NE(all.find("rewrote /etc/opt/slapos/slapos.cfg"), std::string::npos) << all;
  EXPECT_EQ(all.find("started"), std::string::npos) << "nothing is (re)started: " << all;
  EXPECT_NE(host.files["/etc/opt/slapos/slapos.cfg"].find("partition_amount = 40\n"), std::string::npos);
  EXPECT_NE(host.files["/etc/opt/slapos/configure-local.cfg"].find("partition-number = 40\n"), std::string::npos);
  EXPECT_EQ(host.files["/srv/slapgrid/etc/supervisord.conf.d/slapos-local.conf"], programs);
  EXPECT_EQ(host.files["/root/.slapos/slapos-client.cfg"], client);
  EXPECT_EQ(host.running, (std::set<std::string>{"slapos-master", "slapos-node"}));
  EXPECT_EQ(host.formats, 2);
  // The grown setup is the recorded one now: a bare rerun keeps 40; 39 is refused.
  auto again = SetUpLocal(host, Options(), true);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->changes.empty()) << Join(again->changes, "\n");
  o.partition_amount = 39;
  auto files = host.files;
  auto fewer = SetUpLocal(host, o, true);
  ASSERT_FALSE(fewer.ok());
  EXPECT_NE(fewer.status().message().find("the setup has 40"), std::string::npos) << fewer.status().message();
  EXPECT_EQ(host.files, files);
  // --remove knows the 40 partition users.
  host.kills = 0;
  ASSERT_TRUE(RemoveLocalSetup("/etc/opt/slapos", host).ok());
  EXPECT_EQ(host.kills, 41);
}

TEST(ConfigureLocalApplyTest, AnotherClientConfigurationIsWrittenAndRemovedWithTheRest) {
  FakeLocalHost host;
  auto dirs_before = host.dirs;
  ASSERT_TRUE(SetUpLocal(host).ok());
  auto o = Options();
  o.client_config = "/root/ada/.slapos/slapos-client.cfg";
  o.explicit_options.insert("client-configuration");
  // A file of someone else's at that path: refused, nothing changed.
  host.dirs.insert("/root/ada");
  host.dirs.insert("/root/ada/.slapos");
  host.files[o.client_config] = "[slapos]\nmaster_url = https://elsewhere\n";
  auto files = host.files;
  auto refused = SetUpLocal(host, o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("exists already and was not written by configure local"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(host.files, files);
  host.RemoveAll("/root/ada");
  auto moved = SetUpLocal(host, o);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_NE(host.files[o.client_config].find("master_url = http://127.0.0.1:5000"), std::string::npos);
  EXPECT_TRUE(host.files.count("/root/.slapos/slapos-client.cfg"));  // the old one is kept
  ASSERT_TRUE(RemoveLocalSetup("/etc/opt/slapos", host).ok());
  EXPECT_TRUE(host.files.empty()) << host.files.begin()->first;
  EXPECT_EQ(host.dirs, dirs_before);
}

TEST(ConfigureLocalApplyTest, ForeignStateIsRefusedBeforeAnyChange) {
  struct Case {
    std::function<void(FakeLocalHost&)> set;
    const char* expect;
  };
  std::vector<Case> cases = {
      {[](auto& h) { h.dirs.insert("/etc/opt"); h.dirs.insert("/etc/opt/slapos"); h.files["/etc/opt/slapos/slapos.cfg"] = "x"; },
       "was not written by 'slapos configure local'"},
      {[](auto& h) { h.dirs.insert("/var/lib/slapos"); h.files["/var/lib/slapos/master.db"] = "x"; },
       "master database /var/lib/slapos/master.db exists"},
      {[](auto& h) { h.dirs.insert("/srv/slapgrid"); h.files["/srv/slapgrid/x"] = "x"; }, "is not empty"},
      {[](auto& h) { h.interfaces["slapos0"] = true; }, "interface slapos0 exists already"},
      {[](auto& h) { h.port_busy = true; }, "already listens on 127.0.0.1:5000"},
      {[](auto& h) { h.dirs.insert("/root/.slapos"); h.files["/root/.slapos/slapos-client.cfg"] = "x"; },
       "client configuration"},
  };
  for (const auto& c : cases) {
    FakeLocalHost host;
    c.set(host);
    auto files = host.files;
    auto dirs = host.dirs;
    auto r = SetUpLocal(host);
    ASSERT_FALSE(r.ok()) << c.expect;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos) << r.status().message();
    EXPECT_EQ(host.files, files) << c.expect;
    EXPECT_EQ(host.dirs, dirs) << c.expect;
    EXPECT_FALSE(host.supervisor);
  }
}

TEST(ConfigureLocalApplyTest, RemoveTakesAwayEverythingItCreated) {
  FakeLocalHost host;
  auto dirs_before = host.dirs;
  ASSERT_TRUE(SetUpLocal(host).ok());
  auto removed = RemoveLocalSetup("/etc/opt/slapos", host);
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_FALSE(removed->empty());
  EXPECT_FALSE(host.supervisor);
  EXPECT_EQ(host.unformats, 1);
  EXPECT_EQ(host.kills, 11);  // slapsoft + 10 partition users
  EXPECT_TRUE(host.interfaces.empty());
  EXPECT_TRUE(host.files.empty()) << host.files.begin()->first;
  EXPECT_EQ(host.dirs, dirs_before);
  // Nothing recorded: nothing to remove, no error.
  auto again = RemoveLocalSetup("/etc/opt/slapos", host);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST(ConfigureLocalApplyTest, RemoveKeepsDirectoriesThatExistedBefore) {
  FakeLocalHost host;
  host.dirs.insert("/var/lib/slapos");
  host.files["/var/lib/slapos/other.db"] = "someone else's";
  ASSERT_TRUE(SetUpLocal(host).ok());
  host.files["/var/lib/slapos/master.db"] = "db";
  ASSERT_TRUE(RemoveLocalSetup("/etc/opt/slapos", host).ok());
  EXPECT_TRUE(host.dirs.count("/var/lib/slapos"));
  EXPECT_TRUE(host.files.count("/var/lib/slapos/other.db"));
  EXPECT_FALSE(host.files.count("/var/lib/slapos/master.db"));
}

}  // namespace
}  // namespace slapos::node
