// Isolation between partitions, checked as the real partition users (root): after `slapos node
// format` of three partitions on a veth pair the test creates, and `slapos node software`
// building a small release as the software user, slapuserN cannot read or write slappartM,
// cannot signal M's processes, and cannot write the software release directories; and after
// `slapos node instance` deployed a release (whose root instance requests a child through
// switch-softwaretype + request), no process of a partition runs as root.
#include <dirent.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "e2e_fixture.h"
#include "slap/slap_client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using e2e::Exec;
using e2e::ExecAs;

class NodeIsolationE2ETest : public e2e::NodeE2ETest {
 protected:
  void SetUp() override {
    if (!testing::IsRoot()) GTEST_SKIP() << "needs root: creates partition users, a veth pair and switches users";
    UseTag("si");
    veth = tag + "a";
    std::string prefix = "fd5b:" + std::to_string(getpid() % 10000) + ":1:2";
    ASSERT_NO_FATAL_FAILURE(AddVethPair(veth, tag + "b", prefix + "::1/64"));
    ASSERT_NO_FATAL_FAILURE(StartMaster());
    e2e::TestNodeConfig c = NodeConfigOfThisTest("COMP-" + tag, 3);
    c.interface_name = veth;
    // Its own network per test process: the tests of this class run in parallel (ctest -j).
    c.ipv4_local_network = "10.214." + std::to_string(getpid() % 250) + ".0/24";
    ASSERT_NO_FATAL_FAILURE(WriteNodeConfig(c));
    UnformatAtTearDown(cfg);
    Defer([this] {
      for (pid_t p : started) ::kill(p, SIGKILL);
    });
    ProcessResult f = SlaposNode({"format", "--now"});
    ASSERT_EQ(f.exit_code, 0) << f.output;
    for (int i = 0; i < 3; ++i) {
      passwd* pw = getpwnam(User(i).c_str());
      ASSERT_NE(pw, nullptr) << User(i);
      uids.push_back(pw->pw_uid);
    }
  }

  std::string User(int i) const { return tag + "u" + std::to_string(i); }
  std::string Part(int i) const { return dir.Join("srv/" + tag + "p" + std::to_string(i)); }
  // Runs a shell command as partition user `i`; true when it succeeded.
  bool As(int i, const std::string& cmd) { return ExecAs({"/bin/sh", "-c", cmd}, uids[i]).exit_code == 0; }

  std::string veth;
  std::vector<uid_t> uids;
  std::vector<pid_t> started;
};

TEST_F(NodeIsolationE2ETest, PartitionUsersCannotTouchEachOther) {
  // Each user owns a private file in its partition, like an instance's data.
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(As(i, "echo secret" + std::to_string(i) + " > " + Part(i) + "/data && chmod 0640 " + Part(i) + "/data"));
  for (int n = 0; n < 3; ++n)
    for (int m = 0; m < 3; ++m) {
      SCOPED_TRACE(User(n) + " on " + Part(m));
      if (n == m) {
        // The control: a user can use its own partition, so the refusals below are real.
        EXPECT_TRUE(As(n, "cat " + Part(m) + "/data && ls " + Part(m) + " && touch " + Part(m) + "/new"));
        continue;
      }
      EXPECT_FALSE(As(n, "ls " + Part(m)));
      EXPECT_FALSE(As(n, "cat " + Part(m) + "/data"));
      EXPECT_FALSE(As(n, "touch " + Part(m) + "/intruder"));
      EXPECT_FALSE(As(n, "echo x >> " + Part(m) + "/data"));
      EXPECT_FALSE(As(n, "rm -f " + Part(m) + "/data"));
      EXPECT_FALSE(PathExists(Part(m) + "/intruder"));
    }
  auto data = ReadFile(Part(1) + "/data");
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(*data, "secret1\n");
}

TEST_F(NodeIsolationE2ETest, PartitionUsersCannotSignalEachOther) {
  // A long-running process of partition 1, started as its user.
  ProcessResult bg = ExecAs({"/bin/sh", "-c", "sleep 300 >/dev/null 2>&1 </dev/null & echo $!"}, uids[1]);
  ASSERT_EQ(bg.exit_code, 0) << bg.output;
  long long pid = 0;
  ASSERT_TRUE(ParseInt64(Trim(bg.output), &pid)) << bg.output;
  started.push_back(static_cast<pid_t>(pid));
  struct stat st{};
  ASSERT_EQ(stat(("/proc/" + std::to_string(pid)).c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, uids[1]);
  const std::string p = std::to_string(pid);
  EXPECT_FALSE(As(0, "kill -0 " + p));
  EXPECT_FALSE(As(2, "kill -TERM " + p));
  EXPECT_FALSE(As(0, "kill -KILL " + p));
  EXPECT_EQ(::kill(static_cast<pid_t>(pid), 0), 0) << "the process of " << User(1) << " was killed by another user";
  // Its own user can (the control).
  EXPECT_TRUE(As(1, "kill -0 " + p));
}

TEST_F(NodeIsolationE2ETest, PartitionUsersCannotWriteSoftwareReleases) {
  std::string profile = dir.Join("tiny.cfg");
  ASSERT_TRUE(WriteFileAtomic(profile,
                              "[buildout]\nparts = tool\n[tool]\nrecipe = slapos.recipe.template\n"
                              "inline = #!/bin/sh\n  echo tool\noutput = ${buildout:directory}/bin/tool\nmode = 0755\n",
                              0644)
                  .ok());
  ASSERT_TRUE(client->Supply(profile, "COMP-" + tag).ok());
  ProcessResult s = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg}, 300);
  std::string sw = dir.Join("soft/" + Md5Hex(profile));
  ASSERT_EQ(s.exit_code, 0) << s.output;
  ASSERT_TRUE(PathExists(sw + "/bin/tool"));
  for (int n = 0; n < 3; ++n) {
    SCOPED_TRACE(User(n));
    // Partitions may use the release (member of the software group)...
    EXPECT_TRUE(As(n, "test -r " + sw + "/bin/tool"));
    // ...but never change it.
    EXPECT_FALSE(As(n, "touch " + sw + "/intruder"));
    EXPECT_FALSE(As(n, "touch " + sw + "/bin/intruder"));
    EXPECT_FALSE(As(n, "echo x >> " + sw + "/bin/tool"));
    EXPECT_FALSE(As(n, "rm -f " + sw + "/bin/tool"));
    EXPECT_FALSE(As(n, "mkdir " + dir.Join("soft/new-release")));
  }
  EXPECT_TRUE(PathExists(sw + "/bin/tool"));
  EXPECT_FALSE(PathExists(sw + "/intruder"));
}

// Whether process `pid` runs `slapos node watchdog`.
bool IsWatchdog(int pid) {
  auto cmdline = ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string nul(1, '\0');
  return cmdline.ok() && cmdline->find(nul + "node" + nul + "watchdog" + nul) != std::string::npos;
}

// pid -> (parent pid, uid) of every process.
std::map<int, std::pair<int, uid_t>> ProcessTable() {
  std::map<int, std::pair<int, uid_t>> table;
  DIR* d = opendir("/proc");
  if (!d) return table;
  while (dirent* e = readdir(d)) {
    long long pid = 0;
    if (!ParseInt64(e->d_name, &pid)) continue;
    auto status = ReadFile("/proc/" + std::string(e->d_name) + "/status");
    if (!status.ok()) continue;
    long long ppid = -1, uid = -1;
    for (const auto& line : Split(*status, '\n')) {
      if (StartsWith(line, "PPid:")) ParseInt64(Trim(line.substr(5)), &ppid);
      if (StartsWith(line, "Uid:")) {
        auto f = SplitWhitespace(line.substr(4));
        if (!f.empty()) ParseInt64(f[0], &uid);
      }
    }
    table[static_cast<int>(pid)] = {static_cast<int>(ppid), static_cast<uid_t>(uid)};
  }
  closedir(d);
  return table;
}

TEST_F(NodeIsolationE2ETest, DeployedPartitionProcessesNeverRunAsRoot) {
  // A small release: the root type requests a child of type "child" (switch-softwaretype +
  // request) and publishes what the child answered; both run a service.
  std::string sr = dir.Join("release");
  ASSERT_TRUE(MakeDirs(sr, 0755).ok());
  auto write = [&](const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomic(sr + "/" + name, text, 0644).ok());
  };
  write("software.cfg",
        "[buildout]\nparts = instance default child\n"
        "[instance]\nrecipe = slapos.recipe.template\nurl = ${:_profile_base_location_}/instance.cfg.in\n"
        "output = ${buildout:directory}/instance.cfg\n"
        "[default]\nrecipe = slapos.recipe.template\nurl = ${:_profile_base_location_}/instance-default.cfg.in\n"
        "output = ${buildout:directory}/instance-default.cfg\n"
        "[child]\nrecipe = slapos.recipe.template\nurl = ${:_profile_base_location_}/instance-child.cfg.in\n"
        "output = ${buildout:directory}/instance-child.cfg\n");
  write("instance.cfg.in",
        "[buildout]\nparts = switch-softwaretype\n"
        "[slap-configuration]\nrecipe = slapos.cookbook:slapconfiguration\n"
        "computer = $${slap-connection:computer-id}\npartition = $${slap-connection:partition-id}\n"
        "url = $${slap-connection:server-url}\n"
        "[profiles]\ndefault = ${buildout:directory}/instance-default.cfg\n"
        "child = ${buildout:directory}/instance-child.cfg\n"
        "[switch-softwaretype]\nrecipe = slapos.cookbook:switch-softwaretype\n"
        "default = profiles:default\nchild = profiles:child\n");
  const std::string service =
      "[directory]\nrecipe = slapos.cookbook:mkdirectory\nservice = $${buildout:directory}/etc/service\n"
      "[sleeper]\nrecipe = slapos.cookbook:wrapper\ncommand-line = /bin/sleep 3600\n"
      "wrapper-path = $${directory:service}/sleeper\n";
  write("instance-default.cfg.in",
        "[buildout]\nparts = directory sleeper asked publish\n" + service +
            "[asked]\n<= slap-connection\nrecipe = slapos.cookbook:request\nname = child\n"
            "software-url = $${slap-connection:software-release-url}\nsoftware-type = child\n"
            "config-word = $${slap-configuration:configuration.word}\nreturn = echo\n"
            "[publish]\nrecipe = slapos.cookbook:publish\nchild-said = $${asked:connection-echo}\n");
  write("instance-child.cfg.in",
        "[buildout]\nparts = directory sleeper publish\n" + service +
            "[publish]\nrecipe = slapos.cookbook:publish\necho = heard $${slap-configuration:configuration.word}\n");
  std::string computer = "COMP-" + tag;
  std::string release = sr + "/software.cfg";
  ASSERT_TRUE(client->Supply(release, computer).ok());
  ProcessResult s = Exec({testing::SlaposBinary(), "node", "software", "--cfg", cfg}, 300);
  ASSERT_EQ(s.exit_code, 0) << s.output;
  slap::InstanceRequest req;
  req.title = "root";
  req.software_release_uri = release;
  req.parameters = R"({"word": "hi"})";
  req.sla_parameters = R"({"computer_guid": ")" + computer + R"("})";
  auto root = client->RequestInstance(req);
  std::set<uid_t> partition_uids(uids.begin(), uids.end());
  auto partition_uids_of = [&](uid_t u) { return partition_uids.count(u) > 0; };
  ASSERT_TRUE(root.ok() && root->ready) << root.status().ToString();

  // Run 1: the root requests the child, which has not published: the root fails (retried).
  // Run 2: the child is deployed and publishes. Run 3: the root gets the child's answer.
  std::string last;
  for (int run = 0; run < 4; ++run) {
    ProcessResult r = Exec({testing::SlaposBinary(), "node", "instance", "--cfg", cfg}, 300);
    last = r.output;
    auto inst = client->GetInstance(root->instance.instance_guid);
    ASSERT_TRUE(inst.ok());
    if (inst->connection_parameters.find("heard hi") != std::string::npos) break;
  }
  auto inst = client->GetInstance(root->instance.instance_guid);
  ASSERT_TRUE(inst.ok());
  EXPECT_NE(inst->connection_parameters.find("\"child-said\":\"heard hi\""), std::string::npos)
      << inst->connection_parameters << "\n" << last;
  auto child = client->GetInstance(slap::MakeInstanceGuid({"child", "root", false}));
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_EQ(child->software_type, "child");
  // The node ran the buildout with SLAPGRID_INSTANCE_ROOT: the request was recorded (node.md §4.6),
  // in a file the partition user wrote.
  std::string rp = root->instance.compute_partition_id;
  std::string transaction = dir.Join("srv/" + rp + "/.slapos-request-transaction-" + rp);
  auto listed = ReadFile(transaction);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(*listed, "child\n");
  struct stat tst{};
  ASSERT_EQ(stat(transaction.c_str(), &tst), 0);
  EXPECT_TRUE(partition_uids_of(tst.st_uid));

  // Every process under the node's supervisor (the partitions' services) runs as a partition
  // user, never as root; and both partitions do have a running service.
  auto pidtext = ReadFile(dir.Join("srv/var/run/supervisord.pid"));
  ASSERT_TRUE(pidtext.ok()) << pidtext.status().ToString();
  long long supervisord = 0;
  ASSERT_TRUE(ParseInt64(Trim(*pidtext), &supervisord));
  std::set<uid_t> seen;
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        seen.clear();
        auto table = ProcessTable();
        for (const auto& [pid, info] : table) {
          // Is `pid` a descendant of the supervisor, and not of its watchdog event listener (the
          // node's own `slapos node watchdog`, root as in SlapOS: node.md §8.4)?
          int p = info.first, child = pid;
          for (int depth = 0; p > 1 && p != supervisord && depth < 64; ++depth) {
            child = p;
            p = table.count(p) ? table[p].first : 0;
          }
          if (p != supervisord || IsWatchdog(child)) continue;
          EXPECT_NE(info.second, 0u) << "process " << pid << " of a partition runs as root";
          EXPECT_TRUE(partition_uids.count(info.second)) << "process " << pid << " runs as uid " << info.second;
          seen.insert(info.second);
        }
        return seen.size() >= 2;
      },
      20))
      << "services running as " << seen.size() << " partition user(s); last run:\n" << last;
}

}  // namespace
}  // namespace slapos
