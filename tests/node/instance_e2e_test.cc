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

#include "e2e_fixture.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;
using e2e::Slurp;
using e2e::ModeOf;
using e2e::ProcessesOf;

class NodeInstanceE2ETest : public e2e::HelloNodeE2ETest {};

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
  ProcessResult sw = SlaposNode({"software"});
  ASSERT_EQ(sw.exit_code, 0) << sw.output;

  // 1. Request with a parameter -> deployed -> the URL answers with it.
  slap::Instance inst = Request("hello-e2e", hello, R"({"name": "Ada"})");
  std::string part = inst.compute_partition_id;
  ASSERT_FALSE(part.empty());
  std::string path = dir.Join("srv/" + part);
  ProcessResult first = SlaposNode({"instance"});
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
  ProcessResult again = SlaposNode({"instance"});
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
  ProcessResult failed = SlaposNode({"instance"});
  EXPECT_EQ(failed.exit_code, 1) << failed.output;
  EXPECT_NE(failed.output.find("Error while processing the following partitions:"), std::string::npos) << failed.output;
  EXPECT_NE(failed.output.find("no.such.recipe"), std::string::npos) << failed.output;
  EXPECT_FALSE(PathExists(bad_path + "/.timestamp"));
  EXPECT_NE(Slurp(bad_path + "/.slapgrid-" + bad.compute_partition_id + "-error.log").find("no.such.recipe"),
            std::string::npos);
  ProcessResult retried = SlaposNode({"instance"});
  EXPECT_EQ(retried.exit_code, 1) << retried.output;
  EXPECT_NE(retried.output.find("1 failed"), std::string::npos) << retried.output;
  // Fixed in the installed release: the next run deploys it.
  std::string bad_sr = dir.Join("soft/" + Md5Hex(broken));
  ASSERT_TRUE(WriteFileAtomic(bad_sr + "/instance.cfg", "[buildout]\nparts =\n", 0644).ok());
  ProcessResult fixed = SlaposNode({"instance"});
  EXPECT_EQ(fixed.exit_code, 0) << fixed.output;
  EXPECT_TRUE(PathExists(bad_path + "/.timestamp"));
  EXPECT_FALSE(PathExists(bad_path + "/.slapgrid-" + bad.compute_partition_id + "-error.log"));
  Request("broken-e2e", broken, "{}", slap::InstanceState::kDestroyed);

  // 4. Change the parameter -> redeployed -> the new answer.
  Request("hello-e2e", hello, R"({"name": "Grace"})");
  ProcessResult changed = SlaposNode({"instance"});
  EXPECT_EQ(changed.exit_code, 0) << changed.output;
  EXPECT_TRUE(Answers(url6, "Hello Grace!")) << Get(url6);

  // 5. Stop -> no process of the partition is left.
  Request("hello-e2e", hello, R"({"name": "Grace"})", slap::InstanceState::kStopped);
  ProcessResult stopped = SlaposNode({"instance"});
  EXPECT_EQ(stopped.exit_code, 0) << stopped.output;
  EXPECT_TRUE(testing::WaitFor([&] { return ProcessesOf(uid).empty(); }, 10));
  EXPECT_NE(Get(url6).find("no answer"), std::string::npos);

  // 6. Start -> answers again.
  Request("hello-e2e", hello, R"({"name": "Grace"})");
  ProcessResult started = SlaposNode({"instance"});
  EXPECT_EQ(started.exit_code, 0) << started.output;
  EXPECT_TRUE(Answers(url6, "Hello Grace!")) << Get(url6);

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
  ProcessResult checked = SlaposNode({"instance", "--promise-periodicity", "0"});
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
  ProcessResult resw = SlaposNode({"software"});
  ASSERT_EQ(resw.exit_code, 0) << resw.output;
  ProcessResult rebuilt = SlaposNode({"instance"});
  EXPECT_EQ(rebuilt.exit_code, 0) << rebuilt.output;
  EXPECT_TRUE(Answers(url6, "Hello Grace!")) << Get(url6);
  EXPECT_NE(Get(url4).find("Hello Grace!"), std::string::npos);
}

TEST_F(NodeInstanceE2ETest, UsageErrorsAndLock) {
  ProcessResult help = SlaposNode({"instance", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--only-cp"), std::string::npos);
  ProcessResult unknown = SlaposNode({"instance", "--only-cp", "nosuchpart"});
  EXPECT_EQ(unknown.exit_code, 5) << unknown.output;
  EXPECT_NE(unknown.output.find("Unknown partition(s): nosuchpart"), std::string::npos) << unknown.output;
  // Nothing allocated: a clean pass that starts the node's supervisor.
  ProcessResult empty = SlaposNode({"instance"});
  EXPECT_EQ(empty.exit_code, 0) << empty.output;
  EXPECT_EQ(ModeOf(dir.Join("srv/etc")), 0700u);
  EXPECT_TRUE(PathExists(dir.Join("srv/sv.sock")));
  // Another run holding pidfile_instance: exit 10, nothing done.
  int fd = open(dir.Join("cp.pid").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  ProcessResult locked = SlaposNode({"instance"});
  EXPECT_EQ(locked.exit_code, 10) << locked.output;
  close(fd);
}

}  // namespace
}  // namespace slapos
