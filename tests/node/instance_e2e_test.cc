// `slapos node instance` for real, as root: a veth pair the test creates (removed after), a real
// `slapos master` on a temporary SQLite, `node format` (3 partitions), `node software` building
// the bundled hello release, and hello instances deployed, changed, stopped, started, killed,
// wiped and rebuilt; plus a release whose instance buildout fails.
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_support.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;
using e2e::Slurp;

// Pids of the processes running as `uid`.
std::vector<int> ProcessesOf(uid_t uid) {
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

mode_t ModeOf(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

class NodeInstanceE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates users, addresses on a veth pair, runs as partition users";
    chmod(dir.path().c_str(), 0755);
    int id = getpid() % 10000;
    tag = "ni" + std::to_string(id);
    veth = tag + "a";
    ASSERT_TRUE(Exec({"ip", "link", "add", veth, "type", "veth", "peer", "name", tag + "b"}).success());
    created_veth = true;
    ASSERT_TRUE(Exec({"ip", "link", "set", veth, "up"}).success());
    std::string prefix = "fd5b:" + std::to_string(id) + ":1:2";
    ASSERT_TRUE(Exec({"ip", "-6", "addr", "add", prefix + "::1/64", "dev", veth, "nodad"}).success());
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
                                         dir.Join("cp.pid") + "\n[slapformat]\npartition_amount = 3\n" +
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
      Exec({testing::SlaposBinary(), "supervisorctl", "-c", dir.Join("srv/etc/supervisord.conf"), "shutdown"}, 60);
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

  testing::TempDir dir{"node-instance-e2e"};
  std::string tag, veth, url, cfg, computer;
  bool created_veth = false, formatted = false;
  std::unique_ptr<testing::ChildProcess> master;
  std::unique_ptr<slap::SlapClient> client;
};

TEST_F(NodeInstanceE2ETest, HelloLifecycleAndAFailingBuildout) {
  std::string hello = testing::SourceDir() + "/software/hello/software.cfg";
  // A release whose instance profile fails (unknown recipe).
  std::string broken_dir = dir.Join("broken");
  ASSERT_TRUE(MakeDirs(broken_dir, 0755).ok());
  std::string broken = broken_dir + "/software.cfg";
  ASSERT_TRUE(WriteFileAtomic(broken,
                              "[buildout]\nparts = instance-profile\n[instance-profile]\n"
                              "recipe = slapos.recipe.template:jinja2\nurl = ${:_profile_base_location_}/instance.cfg.in\n"
                              "output = ${buildout:directory}/instance.cfg\n",
                              0644)
                  .ok());
  ASSERT_TRUE(WriteFileAtomic(broken_dir + "/instance.cfg.in", "[buildout]\nparts = x\n[x]\nrecipe = no.such.recipe\n",
                              0644)
                  .ok());
  ASSERT_TRUE(client->Supply(hello, computer).ok());
  ASSERT_TRUE(client->Supply(broken, computer).ok());
  ProcessResult sw = Node({"software"});
  ASSERT_EQ(sw.exit_code, 0) << sw.output;

  // 1. Request with a parameter -> deployed -> the URL answers with it.
  slap::Instance inst = Request("hello-e2e", hello, R"({"name": "Ada"})");
  std::string part = inst.compute_partition_id;
  ASSERT_FALSE(part.empty());
  std::string path = dir.Join("srv/" + part);
  ProcessResult first = Node({"instance"});
  ASSERT_EQ(first.exit_code, 0) << first.output << Slurp(path + "/.slapgrid/log/instance.log");
  auto conn = Connection(inst.instance_guid);
  ASSERT_TRUE(conn.contains("url")) << conn.dump();
  std::string url6 = conn["url"], url4 = conn["url-ipv4"];
  EXPECT_TRUE(testing::WaitFor([&] { return Get(url6) == "Hello Ada!\n" || Get(url6) == "Hello Ada!"; }, 10))
      << Get(url6) << Slurp(path + "/.hello-e2e.log");
  EXPECT_NE(Get(url4).find("Hello Ada!"), std::string::npos);
  EXPECT_EQ(Slurp(path + "/.timestamp"), std::to_string(client->GetPartition(computer, part)->processing_timestamp));
  EXPECT_EQ(ModeOf(path + "/buildout.cfg"), 0640u);
  uid_t uid = UidOf(part);
  ASSERT_NE(uid, 0u);
  {  // the service runs as the partition user
    long long service_pid = 0;
    ASSERT_TRUE(ParseInt64(Trim(Slurp(path + "/var/run/hello.pid")), &service_pid));
    struct stat proc{};
    ASSERT_EQ(stat(("/proc/" + std::to_string(service_pid)).c_str(), &proc), 0);
    EXPECT_EQ(proc.st_uid, uid);
  }

  // 2. Nothing changed -> no buildout run (buildout.cfg and the instance log untouched).
  struct stat before{};
  ASSERT_EQ(stat((path + "/buildout.cfg").c_str(), &before), 0);
  std::string log_before = Slurp(path + "/.slapgrid/log/instance.log");
  ProcessResult again = Node({"instance"});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("0 deployed, 1 up to date"), std::string::npos) << again.output;
  struct stat after{};
  ASSERT_EQ(stat((path + "/buildout.cfg").c_str(), &after), 0);
  EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
  EXPECT_EQ(before.st_mtime, after.st_mtime);
  EXPECT_EQ(Slurp(path + "/.slapgrid/log/instance.log"), log_before);

  // 3. A failing instance buildout: error reported, no .timestamp, retried next run.
  slap::Instance bad = Request("broken-e2e", broken, "{}");
  std::string bad_path = dir.Join("srv/" + bad.compute_partition_id);
  ProcessResult failed = Node({"instance"});
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("Error while processing the following partitions:"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("no.such.recipe"), std::string::npos) << failed.output;
  EXPECT_FALSE(PathExists(bad_path + "/.timestamp"));
  EXPECT_NE(Slurp(bad_path + "/.slapgrid-" + bad.compute_partition_id + "-error.log").find("no.such.recipe"),
            std::string::npos);
  ProcessResult retried = Node({"instance"});
  EXPECT_EQ(retried.exit_code, 1) << retried.output;
  EXPECT_NE(retried.output.find("1 failed"), std::string::npos) << retried.output;
  // Fixed in the installed release: the next run deploys it.
  std::string bad_sr = dir.Join("soft/" + Md5Hex(broken));
  ASSERT_TRUE(WriteFileAtomic(bad_sr + "/instance.cfg", "[buildout]\nparts =\n", 0644).ok());
  ProcessResult fixed = Node({"instance"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_TRUE(PathExists(bad_path + "/.timestamp"));
  EXPECT_FALSE(PathExists(bad_path + "/.slapgrid-" + bad.compute_partition_id + "-error.log"));
  Request("broken-e2e", broken, "{}", slap::InstanceState::kDestroyed);

  // 4. Change the parameter -> redeployed -> the new answer.
  Request("hello-e2e", hello, R"({"name": "Grace"})");
  ProcessResult changed = Node({"instance"});
  EXPECT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_TRUE(testing::WaitFor([&] { return Get(url6).find("Hello Grace!") != std::string::npos; }, 10)) << Get(url6);

  // 5. Stop -> no process of the partition is left.
  Request("hello-e2e", hello, R"({"name": "Grace"})", slap::InstanceState::kStopped);
  ProcessResult stopped = Node({"instance"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_TRUE(testing::WaitFor([&] { return ProcessesOf(uid).empty(); }, 10));
  EXPECT_NE(Get(url6).find("no answer"), std::string::npos);

  // 6. Start -> answers again.
  Request("hello-e2e", hello, R"({"name": "Grace"})");
  ProcessResult started = Node({"instance"});
  EXPECT_EQ(started.exit_code, 0) << started.output;
  EXPECT_TRUE(testing::WaitFor([&] { return Get(url6).find("Hello Grace!") != std::string::npos; }, 10)) << Get(url6);

  // 7. Kill the service -> the supervisor restarts it; the promise is green on the next run.
  auto pid_text = ReadFile(path + "/var/run/hello.pid");
  ASSERT_TRUE(pid_text.ok());
  long long pid = 0;
  ASSERT_TRUE(ParseInt64(Trim(*pid_text), &pid));
  ASSERT_EQ(kill(static_cast<pid_t>(pid), SIGKILL), 0);
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        auto now = ReadFile(path + "/var/run/hello.pid");
        return now.ok() && std::string(Trim(*now)) != std::to_string(pid) &&
               Get(url6).find("Hello Grace!") != std::string::npos;
      },
      20));
  ProcessResult checked = Node({"instance", "--promise-periodicity", "0"});
  EXPECT_EQ(checked.exit_code, 0) << checked.output;
  auto status = nlohmann::json::parse(Slurp(path + "/.slapgrid/promise/result/hello-answers.status.json"), nullptr, false);
  ASSERT_FALSE(status.is_discarded());
  EXPECT_EQ(status["result"]["failed"], false) << status.dump();

  // 8. Wipe every partition's contents, the supervisor, the software and the node's run state
  //    (everything but slapos.cfg and format's definition) -> the next runs rebuild it all.
  Exec({testing::SlaposBinary(), "supervisorctl", "-c", dir.Join("srv/etc/supervisord.conf"), "shutdown"}, 60);
  EXPECT_TRUE(testing::WaitFor([&] { return ProcessesOf(uid).empty(); }, 20));
  for (int i = 0; i < 3; ++i) {
    std::string p = dir.Join("srv/" + tag + "p" + std::to_string(i));
    ASSERT_TRUE(Exec({"/bin/sh", "-c", "find '" + p + "' -mindepth 1 -maxdepth 1 -exec rm -rf {} +"}).success());
  }
  ASSERT_TRUE(RemoveAll(dir.Join("srv/etc")).ok());
  ASSERT_TRUE(RemoveAll(dir.Join("srv/var")).ok());
  ASSERT_TRUE(RemoveAll(dir.Join("srv/sv.sock")).ok());
  // software_root itself is format's (owner, mode); every release in it goes.
  ASSERT_TRUE(Exec({"/bin/sh", "-c", "find '" + dir.Join("soft") + "' -mindepth 1 -maxdepth 1 -exec rm -rf {} +"}).success());
  ProcessResult resw = Node({"software"});
  ASSERT_EQ(resw.exit_code, 0) << resw.output;
  ProcessResult rebuilt = Node({"instance"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.output;
  EXPECT_TRUE(testing::WaitFor([&] { return Get(url6).find("Hello Grace!") != std::string::npos; }, 10)) << Get(url6);
  EXPECT_NE(Get(url4).find("Hello Grace!"), std::string::npos);
}

TEST_F(NodeInstanceE2ETest, UsageErrorsAndLock) {
  ProcessResult help = Node({"instance", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--only-cp"), std::string::npos);
  ProcessResult unknown = Node({"instance", "--only-cp", "nosuchpart"});
  EXPECT_EQ(unknown.exit_code, 5) << unknown.output;
  EXPECT_NE(unknown.output.find("Unknown partition(s): nosuchpart"), std::string::npos) << unknown.output;
  // Nothing allocated: a clean pass that starts the node's supervisor.
  ProcessResult empty = Node({"instance"});
  EXPECT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_EQ(ModeOf(dir.Join("srv/etc")), 0700u);
  EXPECT_TRUE(PathExists(dir.Join("srv/sv.sock")));
  // Another run holding pidfile_instance: exit 10, nothing done.
  int fd = open(dir.Join("cp.pid").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  ProcessResult locked = Node({"instance"});
  EXPECT_EQ(locked.exit_code, 10) << locked.output;
  close(fd);
}

}  // namespace
}  // namespace slapos
