// slapos.cookbook recipes (wrapper, mkdirectory, symbolic.link, generate.password, cron.d,
// promise.plugin) and plone.recipe.command, checked by running what they produce.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "recipe_fixture.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::build::testing_support {
namespace {

TEST(RecipeWrapperTest, LauncherExportsEnvironmentAndPassesArguments) {
  FakeBuildout b;
  Options o = {{"command-line", "/bin/sh -c 'echo \"$GREETING $0 $*\"' 'first arg'"},
               {"wrapper-path", b.Path("etc/service/greeter")},
               {"environment", "GREETING=it's me\nOTHER = x"}};
  auto paths = b.Install("slapos.cookbook:wrapper", "greeter", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("etc/service/greeter")});
  EXPECT_EQ(RunOk({b.Path("etc/service/greeter"), "extra", "args"}),
            "it's me first arg extra args\n");
  struct stat st;
  ASSERT_EQ(stat(b.Path("etc/service/greeter").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::string script = ReadOr(b.Path("etc/service/greeter"));
  EXPECT_TRUE(StartsWith(script, "#!/bin/sh -e\nexport GREETING='it'\"'\"'s me'\nexport OTHER=x\n"))
      << script;
}

TEST(RecipeWrapperTest, PidfileMakesTheServiceExclusive) {
  FakeBuildout b;
  Options o = {{"command-line", "echo started"},
               {"wrapper-path", b.Path("bin/svc")},
               {"pidfile", b.Path("run/svc.pid")}};
  ASSERT_TRUE(b.Install("slapos.cookbook:wrapper", "svc", o).ok());
  ASSERT_TRUE(MakeDirs(b.Path("run")).ok());
  EXPECT_EQ(RunOk({b.Path("bin/svc")}), "started\n");
  Write(b.Path("run/svc.pid"), std::to_string(getpid()));  // a live process holds it
  ProcessOptions p;
  p.argv = {b.Path("bin/svc")};
  auto r = RunProcess(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 1);
  EXPECT_EQ(r->output, "Already running with pid " + std::to_string(getpid()) + ".\n");
}

TEST(RecipeWrapperTest, HashFilesChangeTheWrapperName) {
  FakeBuildout b;
  Write(b.Path("etc/app.conf"), "v1");
  Options o = {{"command-line", "true"},
               {"wrapper-path", b.Path("bin/app")},
               {"hash-files", b.Path("etc/app.conf")}};
  auto paths = b.Install("slapos.cookbook:wrapper", "app", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("bin/app-" + Md5Hex("v1"))});
  ASSERT_TRUE(b.Update("slapos.cookbook:wrapper", "app", o).ok());
  Write(b.Path("etc/app.conf"), "v2");
  Status st = b.Update("slapos.cookbook:wrapper", "app", o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("unstable wrapper path"), std::string::npos);
}

TEST(RecipeWrapperTest, UnsupportedLauncherOptionsAreRefused) {
  FakeBuildout b;
  Options o = {{"command-line", "true"}, {"wrapper-path", b.Path("bin/x")},
               {"private-tmpfs", "100M /tmp"}};
  Status st = b.InitOnly("slapos.cookbook:wrapper", "x", o);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'private-tmpfs'"), std::string::npos);
}

TEST(RecipeMkDirectoryTest, CreatesEveryDirectoryAndOwnsNone) {
  FakeBuildout b;
  Options o = {{"etc", b.Path("etc")}, {"services", b.Path("etc/service")},
               {"log", "var/log"}, {"mode", "0750"}};
  auto paths = b.Install("slapos.cookbook:mkdirectory", "directory", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_TRUE(paths->empty());
  EXPECT_TRUE(IsDirectory(b.Path("etc/service")));
  EXPECT_TRUE(IsDirectory(b.Path("var/log")));  // relative to the buildout directory
  EXPECT_FALSE(IsDirectory(b.Path("0750")));
  Write(b.Path("file"), "x");
  Options clash = {{"x", b.Path("file")}};
  EXPECT_FALSE(b.Install("slapos.cookbook:mkdirectory", "clash", clash).ok());
}

TEST(RecipeSymbolicLinkTest, LinksEachBinaryIntoTheTargetDirectory) {
  FakeBuildout b;
  Write(b.Path("sw/bin/tool"), "#!/bin/sh\necho tool\n", 0755);
  ASSERT_TRUE(MakeDirs(b.Path("links")).ok());
  Options o = {{"target-directory", b.Path("links")}, {"link-binary", b.Path("sw/bin/tool")}};
  auto paths = b.Install("slapos.cookbook:symbolic.link", "links", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("links/tool")});
  EXPECT_EQ(RunOk({b.Path("links/tool")}), "tool\n");
  ASSERT_TRUE(b.Install("slapos.cookbook:symbolic.link", "links", o).ok());  // idempotent
}

TEST(RecipePasswordTest, GeneratedOnceAndStable) {
  FakeBuildout b;
  Options o = {{"bytes", "24"}};
  ASSERT_TRUE(b.Install("slapos.cookbook:generate.password", "pw", o).ok());
  std::string pw = o["passwd"];
  EXPECT_EQ(pw.size(), 24u);
  for (char c : pw) EXPECT_TRUE(isalnum(static_cast<unsigned char>(c))) << pw;
  auto doc = nlohmann::json::parse(ReadOr(b.Path("parts/pw")));
  EXPECT_EQ(doc[""], pw);
  struct stat st;
  ASSERT_EQ(stat(b.Path("parts/pw").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Options again = {{"bytes", "24"}};
  ASSERT_TRUE(b.InitOnly("slapos.cookbook:generate.password", "pw", again).ok());
  EXPECT_EQ(again["passwd"], pw);  // read back from storage-path
  Options other;
  ASSERT_TRUE(b.InitOnly("slapos.cookbook:generate.password", "other", other).ok());
  EXPECT_NE(other["passwd"], pw);
  EXPECT_EQ(other["passwd"].size(), 16u);
}

TEST(RecipeCronDTest, WritesTheEntryAndConvertsCalendarTimes) {
  FakeBuildout b;
  Options o = {{"cron-entries", b.Path("etc/cron.d")}, {"name", "logrotate"},
               {"frequency", "0 * * * *"}, {"command", b.Path("bin/logrotate")}};
  ASSERT_TRUE(MakeDirs(b.Path("etc/cron.d")).ok());
  auto paths = b.Install("slapos.cookbook:cron.d", "cron-logrotate", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(ReadOr(b.Path("etc/cron.d/logrotate")), "0 * * * * " + b.Path("bin/logrotate") + "\n");
  Options t = {{"cron-entries", b.Path("etc/cron.d")}, {"name", "backup"},
               {"time", "Mon..Fri *-*-* 02:30"}, {"command", "backup.sh"}};
  ASSERT_TRUE(b.Install("slapos.cookbook:cron.d", "cron-backup", t).ok());
  EXPECT_EQ(ReadOr(b.Path("etc/cron.d/backup")), "30 2 * * 1-5 backup.sh\n");
  Options bad = {{"cron-entries", b.Path("etc/cron.d")}, {"frequency", "every day"},
                 {"command", "x"}};
  EXPECT_FALSE(b.Install("slapos.cookbook:cron.d", "bad", bad).ok());
}

int ListenOnLoopback(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  listen(fd, 4);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

int RunExit(const std::string& path, std::string* out) {
  ProcessOptions p;
  p.argv = {path};
  auto r = RunProcess(p);
  if (!r.ok()) return -100;
  *out = r->output;
  return r->exit_code;
}

TEST(RecipePromisePluginTest, SocketListeningCheckPassesThenFails) {
  FakeBuildout b;
  int port = 0;
  int fd = ListenOnLoopback(&port);
  Options o = {{"output", b.Path("etc/plugin/web-listening.py")},
               {"module", "slapos.promise.plugin.check_socket_listening"},
               {"config-host", "127.0.0.1"},
               {"config-port", std::to_string(port)}};
  auto paths = b.Install("slapos.cookbook:promise.plugin", "web-promise", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  std::string out;
  EXPECT_EQ(RunExit(b.Path("etc/plugin/web-listening.py"), &out), 0) << out;
  close(fd);
  EXPECT_EQ(RunExit(b.Path("etc/plugin/web-listening.py"), &out), 1);
  EXPECT_EQ(out, "127.0.0.1:" + std::to_string(port) + " is not listening\n");
}

TEST(RecipePromisePluginTest, CommandCheckAndUnknownModule) {
  FakeBuildout b;
  Options o = {{"output", b.Path("etc/plugin/flag.py")},
               {"module", "slapos.promise.plugin.check_command_execute"},
               {"config-command", "test -e " + b.Path("flag")}};
  ASSERT_TRUE(b.Install("slapos.cookbook:promise.plugin", "flag", o).ok());
  std::string out;
  EXPECT_EQ(RunExit(b.Path("etc/plugin/flag.py"), &out), 1);
  Write(b.Path("flag"), "");
  EXPECT_EQ(RunExit(b.Path("etc/plugin/flag.py"), &out), 0);
  Options unknown = {{"output", b.Path("etc/plugin/disk.py")},
                     {"module", "slapos.promise.plugin.check_free_disk_space"}};
  Status st = b.InitOnly("slapos.cookbook:promise.plugin", "disk", unknown);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("promise module 'check_free_disk_space' needs"), std::string::npos);
}

TEST(RecipeCommandTest, RunsOnInstallAndUpdateAndHonoursStopOnError) {
  FakeBuildout b;
  Options o = {{"command", "echo installed > " + b.Path("out")},
               {"update-command", "echo updated > " + b.Path("out")},
               {"location", b.Path("out")}};
  auto paths = b.Install("plone.recipe.command", "cmd", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("out")});
  EXPECT_EQ(ReadOr(b.Path("out")), "installed\n");
  ASSERT_TRUE(b.Update("plone.recipe.command", "cmd", o).ok());
  EXPECT_EQ(ReadOr(b.Path("out")), "updated\n");
  Options lax = {{"command", "echo oops; exit 3"}};
  EXPECT_TRUE(b.Install("plone.recipe.command", "lax", lax).ok());  // ignored without the flag
  Options strict = {{"command", "echo oops; exit 3"}, {"stop-on-error", "true"}};
  auto r = b.Install("plone.recipe.command", "strict", strict);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("part [strict]: command failed (exit code 3)"),
            std::string::npos);
  EXPECT_NE(r.status().message().find("oops"), std::string::npos);
}

}  // namespace
}  // namespace slapos::build::testing_support
