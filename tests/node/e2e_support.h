// Helpers shared by the compute node's end-to-end tests: run a command (a failure to start it is
// a test failure), read a file for a failure message, and HelloNodeE2ETest: a node with a
// real master, a veth pair and 3 formatted partitions, ready to deploy the bundled hello
// release (instance, destroy, watchdog, offline tests). Header-only, test code only; as root.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::e2e {

// Runs `argv` to completion (output captured), killing it after `timeout` seconds.
inline ProcessResult Exec(const std::vector<std::string>& argv, double timeout = 600) {
  ProcessOptions o;
  o.argv = argv;
  o.timeout_seconds = timeout;
  auto r = RunProcess(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ProcessResult{};
}

// The file's content, or a note saying it could not be read (for assertion messages).
inline std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : "(cannot read " + path + ")";
}

// Pids of the processes running as `uid`.
inline std::vector<int> ProcessesOf(uid_t uid) {
  std::vector<int> pids;
  DIR* d = opendir("/proc");
  if (!d) return pids;
  while (dirent* e = readdir(d)) {
    long long pid = 0;
    if (!ParseInt64(e->d_name, &pid)) continue;
    struct stat st{};
    if (stat(("/proc/" + std::string(e->d_name)).c_str(), &st) == 0 && st.st_uid == uid)
      pids.push_back(static_cast<int>(pid));
  }
  closedir(d);
  return pids;
}

inline mode_t ModeOf(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

class HelloNodeE2ETest : public ::testing::Test {
 protected:
  // Names of users, partitions and the veth pair start with this (change it in a subclass's
  // constructor so that suites do not share names).
  std::string prefix = "ni";

  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates users, addresses on a veth pair, runs as partition users";
    chmod(dir.path().c_str(), 0755);
    int id = getpid() % 10000;
    tag = prefix + std::to_string(id);
    veth = tag + "a";
    ASSERT_TRUE(Exec({"ip", "link", "add", veth, "type", "veth", "peer", "name", tag + "b"}).success());
    created_veth = true;
    ASSERT_TRUE(Exec({"ip", "link", "set", veth, "up"}).success());
    std::string net6 = "fd5b:" + std::to_string(id) + ":1:2";
    ASSERT_TRUE(Exec({"ip", "-6", "addr", "add", net6 + "::1/64", "dev", veth, "nodad"}).success());
    int port = testing::PickFreePort();
    master = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{testing::SlaposBinary(), "master", "--host", "127.0.0.1", "--port",
                                 std::to_string(port), "--db", dir.Join("master.db")},
        dir.Join("master.log"));
    url = "http://127.0.0.1:" + std::to_string(port);
    client = std::make_unique<slap::SlapClient>(slap::SlapClientOptions{url, {}});
    ASSERT_TRUE(testing::WaitFor(
        [&] {
          auto r = client->HateoasUrl();
          return r.ok() || r.status().code() != Code::kUnavailable;
        },
        10));
    computer = "COMP-" + tag;
    cfg = dir.Join("slapos.cfg");
    ASSERT_TRUE(WriteFileAtomic(cfg, "[slapos]\ncomputer_id = " + computer + "\nmaster_url = " + url +
                                         "\nsoftware_root = " + dir.Join("soft") + "\ninstance_root = " +
                                         dir.Join("srv") + "\ncomputer_json = " + dir.Join("slapos.json") +
                                         "\npidfile_software = " + dir.Join("sr.pid") + "\npidfile_instance = " +
                                         dir.Join("cp.pid") + "\npidfile_report = " + dir.Join("ur.pid") +
                                         "\n[slapformat]\npartition_amount = 3\n" +
                                         "interface_name = " + veth + "\nipv4_local_network = 10.251." +
                                         std::to_string(id % 250) + ".0/24\ncreate_tap = false\n" +
                                         "partition_base_name = " + tag + "p\nuser_base_name = " + tag +
                                         "u\nsoftware_user = " + tag + "soft\n")
                    .ok());
    ProcessResult f = Node({"format", "--now"});
    ASSERT_EQ(f.exit_code, 0) << f.output << Slurp(dir.Join("master.log"));
    formatted = true;
  }

  void TearDown() override {
    if (formatted) {
      Ctl({"shutdown"});
      Exec({testing::SlaposBinary(), "node", "unformat", "--yes", "--cfg", cfg});
    }
    if (created_veth) Exec({"ip", "link", "del", veth});
  }

  ProcessResult Node(std::vector<std::string> args) {
    std::vector<std::string> argv = {testing::SlaposBinary(), "node"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--cfg");
    argv.push_back(cfg);
    return Exec(argv);
  }

  slap::Instance Request(const std::string& title, const std::string& sr, const std::string& params,
                         slap::InstanceState state = slap::InstanceState::kStarted) {
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

  nlohmann::json Connection(const std::string& guid) {
    auto inst = client->GetInstance(guid);
    if (!inst.ok()) return nlohmann::json::object();
    return nlohmann::json::parse(inst->connection_parameters, nullptr, false);
  }

  std::string Get(const std::string& u) {
    ProcessResult r = Exec({"curl", "--silent", "--max-time", "5", "--globoff", u}, 10);
    return r.success() ? r.output : "(no answer from " + u + ": " + std::to_string(r.exit_code) + ")";
  }

  uid_t UidOf(const std::string& partition) {
    struct stat st{};
    return stat(dir.Join("srv/" + partition).c_str(), &st) == 0 ? st.st_uid : 0;
  }

  // Supplies the bundled hello release and builds it with `node software`.
  std::string SupplyHello() {
    std::string hello = testing::SourceDir() + "/software/hello/software.cfg";
    EXPECT_TRUE(client->Supply(hello, computer).ok());
    ProcessResult sw = Node({"software"});
    EXPECT_EQ(sw.exit_code, 0) << sw.output;
    return hello;
  }

  // `slapos supervisorctl` on the node's supervisor.
  ProcessResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {testing::SlaposBinary(), "supervisorctl", "-c",
                                     dir.Join("srv/etc/supervisord.conf")};
    argv.insert(argv.end(), args.begin(), args.end());
    return Exec(argv, 60);
  }

  // The hello service's pid in `path` (0 when unreadable).
  static long long HelloPid(const std::string& path) {
    long long pid = 0;
    auto text = ReadFile(path + "/var/run/hello.pid");
    return text.ok() && ParseInt64(Trim(*text), &pid) ? pid : 0;
  }

  testing::TempDir dir{"node-instance-e2e"};
  std::string tag, veth, url, cfg, computer;
  bool created_veth = false, formatted = false;
  std::unique_ptr<testing::ChildProcess> master;
  std::unique_ptr<slap::SlapClient> client;
};

}  // namespace slapos::e2e
