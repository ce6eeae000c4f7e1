#include "supervise/config.h"

#include <gtest/gtest.h>

#include "util/file.h"
#include "util/testing.h"

namespace slapos::supervise {
namespace {

ParseOptions Opts() {
  ParseOptions o;
  o.use_process_env = false;
  o.env = {{"HOME", "/home/me"}};
  return o;
}

TEST(SupervisorConfig, ParsesEveryProgramOption) {
  testing::TempDir dir;
  std::string path = dir.Join("sv.conf");
  auto cfg = ParseConfigText(R"([supervisord]
logfile = %(here)s/var/sv.log ; inline comment
childlogdir = %(here)s/logs
minfds = 4096
identifier = node1

[unix_http_server]
file = %(here)s/sv.sock
chmod = 0700

[supervisorctl]
serverurl = unix://%(here)s/sv.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:web]
command = /bin/sleep %(process_num)d
process_name = %(program_name)s_%(process_num)02d
numprocs = 2
directory = /tmp
umask = 027
environment = A="1,2",B=x, C='y z' ,HOME2="%(ENV_HOME)s"
priority = 10
autostart = false
autorestart = true
exitcodes = 0,2
startsecs = 0
startretries = -1
stopsignal = INT
stopwaitsecs = 60
stopasgroup = true
redirect_stderr = true
stdout_logfile = logs/%(program_name)s.log
stdout_logfile_maxbytes = 100KB
stdout_logfile_backups = 1
backoff_max_secs = 5
)", path, Opts());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->daemon.logfile, dir.Join("var/sv.log"));
  EXPECT_EQ(cfg->daemon.childlogdir, dir.Join("logs"));
  EXPECT_EQ(cfg->daemon.minfds, 4096);
  EXPECT_EQ(cfg->daemon.identifier, "node1");
  EXPECT_TRUE(cfg->unix_server.enabled);
  EXPECT_EQ(cfg->unix_server.file, dir.Join("sv.sock"));
  EXPECT_EQ(cfg->ctl.serverurl, "unix://" + dir.Join("sv.sock"));
  ASSERT_EQ(cfg->groups.size(), 1u);
  const GroupConfig& g = cfg->groups[0];
  EXPECT_EQ(g.name, "web");
  ASSERT_EQ(g.processes.size(), 2u);
  const ProcessConfig& p = g.processes[1];
  EXPECT_EQ(p.name, "web_01");
  EXPECT_EQ(p.command, "/bin/sleep 1");
  EXPECT_EQ(p.umask, 027);
  ASSERT_EQ(p.environment.size(), 4u);
  EXPECT_EQ(p.environment[0], (std::pair<std::string, std::string>("A", "1,2")));
  EXPECT_EQ(p.environment[1].second, "x");
  EXPECT_EQ(p.environment[2].second, "y z");
  EXPECT_EQ(p.environment[3].second, "/home/me");
  EXPECT_FALSE(p.autostart);
  EXPECT_EQ(p.autorestart, AutoRestart::kTrue);
  EXPECT_EQ(p.exitcodes, (std::vector<int>{0, 2}));
  EXPECT_EQ(p.startsecs, 0);
  EXPECT_EQ(p.startretries, -1);
  EXPECT_EQ(p.stopsignal, 2);
  EXPECT_EQ(p.stopwaitsecs, 60);
  EXPECT_TRUE(p.stopasgroup);
  EXPECT_TRUE(p.killasgroup);  // follows stopasgroup
  EXPECT_EQ(p.stdout_log.path, dir.Join("logs/web.log"));
  EXPECT_EQ(p.stdout_log.maxbytes, 100 * 1024);
  EXPECT_EQ(p.stdout_log.backups, 1);
  EXPECT_EQ(p.stderr_log.path, "");  // redirect_stderr
  EXPECT_DOUBLE_EQ(p.backoff_max_secs, 5);
}

TEST(SupervisorConfig, DefaultsPeopleRelyOn) {
  auto cfg = ParseConfigText("[program:a]\ncommand=/bin/true\n", "/tmp/x.conf", Opts());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  const ProcessConfig& p = cfg->groups.at(0).processes.at(0);
  EXPECT_EQ(p.startsecs, 1);
  EXPECT_EQ(p.startretries, 3);
  EXPECT_EQ(p.stopwaitsecs, 10);
  EXPECT_EQ(p.stopsignal, 15);
  EXPECT_EQ(p.autorestart, AutoRestart::kUnexpected);
  EXPECT_EQ(p.exitcodes, std::vector<int>{0});
  EXPECT_EQ(p.stdout_log.path, "AUTO");
  EXPECT_EQ(p.stdout_log.maxbytes, 50LL * 1024 * 1024);
  EXPECT_EQ(p.stdout_log.backups, 10);
  EXPECT_TRUE(p.autostart);
}

TEST(SupervisorConfig, GroupsIncludesAndListeners) {
  testing::TempDir dir;
  ASSERT_TRUE(MakeDirs(dir.Join("conf.d")).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("conf.d/slappart1.conf"),
                              "[group:slappart1]\nprograms=slappart1_a,slappart1_b\n"
                              "[program:slappart1_a]\ncommand=%(here)s/run\n"
                              "[program:slappart1_b]\ncommand=/bin/true\nstdout_logfile=NONE\n").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("conf.d/slappart2.conf"), "[program:solo]\ncommand=/bin/true\npriority=1\n").ok());
  ASSERT_TRUE(WriteFileAtomic(dir.Join("sv.conf"),
                              "[include]\nfiles = conf.d/*.conf\n"
                              "[eventlistener:watchdog]\ncommand=/bin/cat\nevents=PROCESS_STATE_EXITED,PROCESS_STATE_FATAL\n").ok());
  auto cfg = LoadConfig(dir.Join("sv.conf"), Opts());
  ASSERT_TRUE(cfg.ok()) << cfg.status().ToString();
  EXPECT_EQ(cfg->files.size(), 3u);
  ASSERT_EQ(cfg->groups.size(), 3u);
  EXPECT_EQ(cfg->groups[0].name, "watchdog");  // listeners default to priority -1
  EXPECT_TRUE(cfg->groups[0].is_listener_pool);
  EXPECT_EQ(cfg->groups[0].processes[0].events, (std::vector<std::string>{"PROCESS_STATE_EXITED", "PROCESS_STATE_FATAL"}));
  EXPECT_EQ(cfg->groups[1].name, "solo");
  const GroupConfig* part = cfg->FindGroup("slappart1");
  ASSERT_NE(part, nullptr);
  ASSERT_EQ(part->processes.size(), 2u);
  EXPECT_EQ(part->processes[0].group, "slappart1");
  EXPECT_EQ(part->processes[0].command, dir.Join("conf.d/run"));  // %(here)s of the included file
  EXPECT_EQ(part->processes[1].stdout_log.path, "");
}

TEST(SupervisorConfig, FingerprintChangesWithAnyOption) {
  auto a = ParseConfigText("[program:a]\ncommand=/bin/true\n", "/tmp/x.conf", Opts());
  auto b = ParseConfigText("[program:a]\ncommand=/bin/true\nstartsecs=2\n", "/tmp/x.conf", Opts());
  auto c = ParseConfigText("[program:a]\ncommand = /bin/true\n", "/tmp/x.conf", Opts());
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE(a->groups[0].Fingerprint(), b->groups[0].Fingerprint());
  EXPECT_EQ(a->groups[0].Fingerprint(), c->groups[0].Fingerprint());
}

TEST(SupervisorConfig, ErrorsNameFileLineAndOption) {
  auto bad = ParseConfigText("[program:a]\ncommand=/bin/true\n\nstartsecs = soon\n", "/etc/sv.conf", Opts());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("/etc/sv.conf:4"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("startsecs"), std::string::npos);

  auto cases = {
      "[program:a]\n",                                                   // no command
      "[program:a]\ncommand=x\nautorestart=sometimes\n",
      "[program:a]\ncommand=x\nstopsignal=NOPE\n",
      "[program:a]\ncommand=x\nnumprocs=2\n",                            // process_name must vary
      "[program:a]\ncommand=%(nope)s\n",
      "[program:a]\ncommand=x\nuser=no-such-user-here\n",
      "[program:a]\ncommand=x\nenvironment=A=\"unterminated\n",
      "[group:g]\nprograms=missing\n",
      "[eventlistener:w]\ncommand=x\n",                                  // no events
      "[inet_http_server]\nport=abc\n",
      "[program:a]\ncommand=x\nstdout_logfile_maxbytes=lots\n",
  };
  for (const char* text : cases) {
    auto r = ParseConfigText(text, "/etc/sv.conf", Opts());
    EXPECT_FALSE(r.ok()) << text;
    if (!r.ok()) {
      EXPECT_NE(r.status().message().find("/etc/sv.conf:"), std::string::npos) << r.status().message();
    }
  }
}

TEST(SupervisorConfig, Helpers) {
  EXPECT_EQ(*ExpandPercent("a%%b%(x)sc%(n)03d", {{"x", "X"}, {"n", "7"}}), "a%bXc007");
  EXPECT_FALSE(ExpandPercent("%(x)", {{"x", "1"}}).ok());
  EXPECT_EQ(*ParseByteSize("50MB"), 50LL * 1024 * 1024);
  EXPECT_EQ(*ParseByteSize("1kb"), 1024);
  EXPECT_EQ(*ParseByteSize("0"), 0);
  EXPECT_FALSE(ParseByteSize("-1").ok());
  EXPECT_EQ(*ParseSignal("TERM"), 15);
  EXPECT_EQ(*ParseSignal("sigkill"), 9);
  EXPECT_EQ(*ParseSignal("10"), 10);
  EXPECT_STREQ(SignalName(1), "HUP");
}

}  // namespace
}  // namespace slapos::supervise
