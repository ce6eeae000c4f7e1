#include "e2e_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include "node/config.h"
#include "node/node_supervisor.h"
#include "node/usage.h"
#include "supervise/client.h"
#include "util/file.h"

namespace slapos::e2e {

std::string RenderTestNodeConfig(const TestNodeConfig& c) {
  std::string s =
      "[slapos]\ncomputer_id = " + c.computer_id + "\nmaster_url = " + c.master_url +
      "\nsoftware_root = " + c.root + "/soft\ninstance_root = " + c.root +
      "/srv\ncomputer_json = " + c.root + "/state/slapos.json\npidfile_software = " + c.root +
      "/sr.pid\npidfile_instance = " + c.root + "/cp.pid\npidfile_report = " + c.root + "/ur.pid\n";
  s += "[slapformat]\npartition_amount = " + std::to_string(c.partition_amount) + "\n";
  if (c.interface_name.empty()) {
    s += "alter_network = false\n";
  } else {
    s += "interface_name = " + c.interface_name + "\nipv4_local_network = " + c.ipv4_local_network +
         "\n";
    s += std::string("create_tap = ") + (c.create_tap ? "true" : "false") + "\n";
  }
  if (!c.tap_base_name.empty()) s += "tap_base_name = " + c.tap_base_name + "\n";
  s += "partition_base_name = " + c.partition_base_name + "\nuser_base_name = " + c.user_base_name +
       "\nsoftware_user = " + c.software_user + "\n" + c.extra_slapformat;
  return s;
}

ProcessResult ExecAs(const std::vector<std::string>& argv, uid_t uid, double timeout) {
  ProcessOptions o;
  o.argv = argv;
  o.uid = uid;
  o.cwd = "/";
  o.timeout_seconds = timeout;
  auto r = RunProcess(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ProcessResult{};
}

int ProcessCountOf(uid_t uid) {
  auto totals = node::ReadProcessTotals();
  if (!totals.ok()) return -1;
  auto it = totals->find(uid);
  return it == totals->end() ? 0 : it->second.processes;
}

void NodeE2ETest::TearDown() {
  while (!cleanups_.empty()) {
    auto undo = std::move(cleanups_.back());
    cleanups_.pop_back();
    undo();
  }
}

void NodeE2ETest::UseTag(const std::string& prefix, int modulo) {
  tag = prefix + std::to_string(getpid() % modulo);
  chmod(dir.path().c_str(), 0755);
}

void NodeE2ETest::Defer(std::function<void()> undo) { cleanups_.push_back(std::move(undo)); }

void NodeE2ETest::StartMaster(const std::string& host) {
  port = testing::PickFreePort();
  master = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{testing::SlaposBinary(), "master", "--host", host, "--port",
                               std::to_string(port), "--db", dir.Join("master.db")},
      dir.Join("master.log"));
  url = "http://" + host + ":" + std::to_string(port);
  client = std::make_unique<slap::SlapClient>(slap::SlapClientOptions{url, {}});
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto r = client->HateoasUrl();
        return r.ok() || r.status().code() != Code::kUnavailable;
      },
      10))
      << "the master did not answer on " << url << "\n"
      << MasterLog();
}

std::string NodeE2ETest::MasterLog() const {
  auto log = ReadFile(dir.Join("master.log"));
  return log.ok() ? *log : "";
}

void NodeE2ETest::AddVethPair(const std::string& name, const std::string& peer,
                              const std::string& ipv6_address) {
  ASSERT_TRUE(Exec({"ip", "link", "add", name, "type", "veth", "peer", "name", peer}).success())
      << name;
  Defer([name] { Exec({"ip", "link", "del", name}); });  // removes both ends
  ASSERT_TRUE(Exec({"ip", "link", "set", name, "up"}).success()) << name;
  if (!ipv6_address.empty()) {
    ASSERT_TRUE(Exec({"ip", "-6", "addr", "add", ipv6_address, "dev", name, "nodad"}).success())
        << ipv6_address;
  }
}

void NodeE2ETest::AddNetns(const std::string& name) {
  ASSERT_TRUE(Exec({"ip", "netns", "add", name}).success()) << name;
  Defer([name] { Exec({"ip", "netns", "del", name}); });
}

ProcessResult NodeE2ETest::InNetns(const std::string& netns, std::vector<std::string> argv,
                                   double timeout) {
  argv.insert(argv.begin(), {"ip", "netns", "exec", netns});
  return Exec(argv, timeout);
}

TestNodeConfig NodeE2ETest::NodeConfigOfThisTest(const std::string& computer_id, int partitions) const {
  TestNodeConfig c;
  c.computer_id = computer_id;
  if (!url.empty()) c.master_url = url;
  c.root = dir.path();
  c.partition_amount = partitions;
  c.partition_base_name = tag + "p";
  c.user_base_name = tag + "u";
  c.software_user = tag + "soft";
  return c;
}

void NodeE2ETest::WriteNodeConfig(const TestNodeConfig& config, const std::string& path) {
  std::string target = path.empty() ? dir.Join("slapos.cfg") : path;
  if (path.empty()) cfg = target;
  ASSERT_TRUE(WriteFileAtomic(target, RenderTestNodeConfig(config)).ok()) << target;
}

void NodeE2ETest::UnformatAtTearDown(const std::string& cfg_path, const std::string& netns) {
  Defer([this, cfg_path, netns] {
    ShutdownSupervisor(cfg_path);
    std::vector<std::string> argv = {
        testing::SlaposBinary(), "node", "unformat", "--yes", "--cfg", cfg_path};
    if (netns.empty()) {
      Exec(argv);
    } else {
      InNetns(netns, argv);
    }
  });
}

ProcessResult NodeE2ETest::SlaposNode(std::vector<std::string> args, double timeout) {
  args.insert(args.begin(), {testing::SlaposBinary(), "node"});
  args.push_back("--cfg");
  args.push_back(cfg);
  return Exec(args, timeout);
}

void NodeE2ETest::ShutdownSupervisor(const std::string& cfg_path) {
  auto config = node::LoadNodeConfig(cfg_path, node::ConfigUse::kSlapgrid);
  if (!config.ok()) return;
  auto paths = node::SupervisorPathsOf(*config);
  if (!PathExists(paths.socket)) return;
  auto c = supervise::SupervisorClient::Open(paths.serverurl);
  if (c.ok()) (void)c->CallOrError("supervisor.shutdown");
  testing::WaitFor([&] { return !PathExists(paths.pidfile); }, 20);
}

void HelloNodeE2ETest::SetUp() {
  if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates users, addresses on a veth pair, runs as partition users";
  int id = getpid() % 10000;
  UseTag(prefix, 10000);
  veth = tag + "a";
  ASSERT_NO_FATAL_FAILURE(AddVethPair(veth, tag + "b", "fd5b:" + std::to_string(id) + ":1:2::1/64"));
  ASSERT_NO_FATAL_FAILURE(StartMaster());
  computer = "COMP-" + tag;
  TestNodeConfig c = NodeConfigOfThisTest(computer, 3);
  c.interface_name = veth;
  c.ipv4_local_network = "10.251." + std::to_string(id % 250) + ".0/24";
  ASSERT_NO_FATAL_FAILURE(WriteNodeConfig(c));
  ProcessResult f = SlaposNode({"format", "--now"});
  UnformatAtTearDown(cfg);
  ASSERT_EQ(f.exit_code, 0) << f.output << MasterLog();
}

slap::Instance HelloNodeE2ETest::Request(const std::string& title, const std::string& sr,
                                         const std::string& params, slap::InstanceState state) {
  slap::InstanceRequest req;
  req.title = title;
  req.software_release_uri = sr;
  req.parameters = params;
  req.state = state;
  req.sla_parameters = R"({"computer_guid": ")" + computer + R"("})";
  auto answer = client->RequestInstance(req);
  EXPECT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_TRUE(answer.ok() && answer->ready);
  return answer.ok() ? answer->instance : slap::Instance{};
}

nlohmann::json HelloNodeE2ETest::Connection(const std::string& guid) {
  auto inst = client->GetInstance(guid);
  if (!inst.ok()) return nlohmann::json::object();
  return nlohmann::json::parse(inst->connection_parameters, nullptr, false);
}

std::string HelloNodeE2ETest::Get(const std::string& u) {
  ProcessResult r = Exec({"curl", "--silent", "--max-time", "5", "--globoff", u}, 10);
  return r.success() ? r.output : "(no answer from " + u + ": " + std::to_string(r.exit_code) + ")";
}

bool HelloNodeE2ETest::Answers(const std::string& u, const std::string& text, double seconds) {
  return testing::WaitFor([&] { return Get(u).find(text) != std::string::npos; }, seconds);
}

uid_t HelloNodeE2ETest::UidOf(const std::string& partition) {
  struct stat st{};
  return stat(dir.Join("srv/" + partition).c_str(), &st) == 0 ? st.st_uid : 0;
}

std::string HelloNodeE2ETest::SupplyHello() {
  std::string hello = testing::SourceDir() + "/software/hello/software.cfg";
  EXPECT_TRUE(client->Supply(hello, computer).ok());
  ProcessResult sw = SlaposNode({"software"});
  EXPECT_EQ(sw.exit_code, 0) << sw.output;
  return hello;
}

ProcessResult HelloNodeE2ETest::Ctl(std::vector<std::string> args) {
  args.insert(args.begin(), {testing::SlaposBinary(), "supervisorctl", "-c", dir.Join("srv/etc/supervisord.conf")});
  return Exec(args, 60);
}

long long HelloNodeE2ETest::HelloPid(const std::string& path) {
  long long pid = 0;
  auto text = ReadFile(path + "/var/run/hello.pid");
  return text.ok() && ParseInt64(Trim(*text), &pid) ? pid : 0;
}

}  // namespace slapos::e2e
