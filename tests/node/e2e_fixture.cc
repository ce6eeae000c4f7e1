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

}  // namespace slapos::e2e
