// Our supervisor driven by Debian's real supervisorctl: the commands SlapOS and people use.
#include <arpa/inet.h>
#include <dirent.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "supervise/client.h"
#include "supervise_fixture.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::supervise {
namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Our daemon's children that are zombies.
int Zombies(pid_t daemon) {
  int n = 0;
  DIR* d = opendir("/proc");
  while (struct dirent* e = readdir(d)) {
    long long pid;
    if (!ParseInt64(e->d_name, &pid)) continue;
    auto st = ReadFile("/proc/" + std::string(e->d_name) + "/stat");
    if (!st.ok()) continue;
    size_t rp = st->rfind(')');
    std::vector<std::string> f = SplitWhitespace(st->substr(rp + 1));
    if (f.size() > 2 && f[0] == "Z" && f[1] == std::to_string(daemon)) ++n;
  }
  closedir(d);
  return n;
}

TEST_F(SupervisorE2E, StatusStartStopRestartWithRealSupervisorctl) {
  WriteConfig("[program:one]\ncommand = /bin/sleep 1000\nstartsecs = 0\n\n"
              "[group:web]\nprograms = a,b\n"
              "[program:a]\ncommand = /bin/sleep 1000\nstartsecs = 0\n"
              "[program:b]\ncommand = /bin/sleep 1000\nstartsecs = 0\nautostart = false\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(WaitState("one", "RUNNING")) << Ctl({"status"}).out;
  CtlResult st = Ctl({"status"});
  EXPECT_EQ(st.code, 3) << st.out;  // web:b is STOPPED: LSB "not running"
  EXPECT_TRUE(Contains(st.out, "web:a")) << st.out;
  EXPECT_TRUE(Contains(st.out, "Not started")) << st.out;
  int pid = PidOf("one");
  ASSERT_GT(pid, 0);
  EXPECT_EQ(access(("/proc/" + std::to_string(pid)).c_str(), F_OK), 0);
  EXPECT_TRUE(Contains(Ctl({"status", "one"}).out, "pid " + std::to_string(pid) + ", uptime 0:00:"));

  CtlResult r = Ctl({"stop", "one"});
  EXPECT_TRUE(Contains(r.out, "one: stopped")) << r.out;
  EXPECT_EQ(StateOf("one"), "STOPPED");
  EXPECT_TRUE(testing::WaitFor([&] { return access(("/proc/" + std::to_string(pid)).c_str(), F_OK) != 0 || Zombies(daemon_->pid()) > 0; }, 5));
  r = Ctl({"stop", "one"});
  EXPECT_TRUE(Contains(r.out, "ERROR (not running)")) << r.out;
  r = Ctl({"start", "one"});
  EXPECT_TRUE(Contains(r.out, "one: started")) << r.out;
  r = Ctl({"start", "one"});
  EXPECT_TRUE(Contains(r.out, "ERROR (already started)")) << r.out;
  int pid2 = PidOf("one");
  r = Ctl({"restart", "one"});
  EXPECT_TRUE(Contains(r.out, "one: stopped") && Contains(r.out, "one: started")) << r.out;
  EXPECT_NE(PidOf("one"), pid2);

  r = Ctl({"start", "web:*"});
  EXPECT_TRUE(Contains(r.out, "web:b: started")) << r.out;
  EXPECT_EQ(StateOf("web:b"), "RUNNING");
  r = Ctl({"stop", "all"});
  EXPECT_TRUE(Contains(r.out, "web:a: stopped") && Contains(r.out, "one: stopped")) << r.out;
  r = Ctl({"start", "nosuch"});
  EXPECT_TRUE(Contains(r.out, "ERROR (no such process)")) << r.out;
  r = Ctl({"start", "all"});
  EXPECT_EQ(Ctl({"status"}).code, 0) << Ctl({"status"}).out;
  EXPECT_EQ(Zombies(daemon_->pid()), 0);
  EXPECT_GT(PidOf(""), 0);  // `pid` alone: the daemon's
}

TEST_F(SupervisorE2E, StartWaitsForStartsecsAndFailingProgramGoesFatal) {
  WriteConfig("[program:slow]\ncommand = /bin/sleep 1000\nstartsecs = 1\nautostart = false\n"
              "[program:crash]\ncommand = /bin/sh -c 'echo dying >&2; exit 3'\nstartsecs = 1\nstartretries = 2\nautostart = false\n"
              "[program:missing]\ncommand = /no/such/program\nautostart = false\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  auto t0 = std::chrono::steady_clock::now();
  CtlResult r = Ctl({"start", "slow"});
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(Contains(r.out, "slow: started")) << r.out;
  EXPECT_GE(took, 0.9);  // the reply waits until RUNNING, as supervisord's does
  r = Ctl({"start", "crash"});
  EXPECT_TRUE(Contains(r.out, "ERROR (spawn error)")) << r.out;
  EXPECT_TRUE(WaitState("crash", "FATAL", 15)) << Ctl({"status"}).out;
  EXPECT_TRUE(Contains(Ctl({"status", "crash"}).out, "Exited too quickly"));
  r = Ctl({"tail", "crash", "stderr"});
  EXPECT_TRUE(Contains(r.out, "dying")) << r.out;
  EXPECT_TRUE(Contains(Ctl({"maintail"}).out, "gave up: crash entered FATAL state"));
  r = Ctl({"start", "missing"});
  EXPECT_TRUE(Contains(r.out, "ERROR (no such file)")) << r.out;
}

TEST_F(SupervisorE2E, RunsProgramsAsTheConfiguredUser) {
  std::string why;
  if (!EnsureTestUser(&why)) GTEST_SKIP() << why;
  struct passwd* pw = getpwnam("slapos-test-user");
  ASSERT_NE(pw, nullptr);
  WriteFile("whoami.sh", "#!/bin/sh\nid -u; pwd; echo \"$HOME:$USER:$FOO\"; umask\nexec sleep 1000\n");
  WriteConfig("[program:as_user]\ncommand = %(here)s/whoami.sh\nuser = slapos-test-user\ndirectory = /tmp\n"
              "umask = 027\nenvironment = FOO=\"bar baz\"\nstartsecs = 0\n"
              "stdout_logfile = %(here)s/log/as_user.log\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(WaitState("as_user", "RUNNING")) << Ctl({"status"}).out;
  int pid = PidOf("as_user");
  auto status = ReadFile("/proc/" + std::to_string(pid) + "/status");
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(Contains(*status, "Uid:\t" + std::to_string(pw->pw_uid) + "\t")) << *status;
  EXPECT_EQ(getsid(pid), pid);  // its own session
  ASSERT_TRUE(testing::WaitFor([&] { return Contains(Ctl({"tail", "as_user"}).out, "0027"); }, 5));
  std::string out = Ctl({"tail", "as_user"}).out;
  EXPECT_TRUE(Contains(out, std::to_string(pw->pw_uid) + "\n/tmp\n")) << out;
  EXPECT_TRUE(Contains(out, ":slapos-test-user:bar baz")) << out;
}

TEST_F(SupervisorE2E, LogsTailFollowClearAndRotation) {
  WriteFile("talk.sh", "#!/bin/sh\ni=0\nwhile true; do i=$((i+1)); echo line$i; echo err$i >&2; sleep 0.2; done\n");
  WriteConfig("[program:talk]\ncommand = %(here)s/talk.sh\nstartsecs = 0\n"
              "stdout_logfile = %(here)s/log/talk.out\nstdout_logfile_maxbytes = 200\nstdout_logfile_backups = 2\n"
              "[program:auto]\ncommand = /bin/sh -c 'echo automatic; exec sleep 1000'\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(testing::WaitFor([&] { return Contains(Ctl({"tail", "talk"}).out, "line3"); }, 10)) << Ctl({"tail", "talk"}).out;
  EXPECT_TRUE(Contains(Ctl({"tail", "talk", "stderr"}).out, "err"));
  EXPECT_TRUE(testing::WaitFor([&] { return Contains(Ctl({"tail", "auto"}).out, "automatic"); }, 5));  // AUTO log in childlogdir
  // tail -f: the real client's streaming GET /logtail; new lines must arrive while it runs.
  CtlResult f = Ctl({"tail", "-f", "talk"}, 2.5);
  std::vector<std::string> lines;
  for (const std::string& l : Split(f.out, '\n'))
    if (StartsWith(l, "line")) lines.push_back(l);
  ASSERT_GE(lines.size(), 6u) << f.out;  // ~1 KB of history is not needed: >= 2 s of new lines
  EXPECT_TRUE(testing::WaitFor([&] { return PathExists(dir_->Join("log/talk.out.2")); }, 10));
  EXPECT_FALSE(PathExists(dir_->Join("log/talk.out.3")));
  CtlResult c = Ctl({"clear", "talk"});
  EXPECT_TRUE(Contains(c.out, "talk: cleared")) << c.out;
  CtlResult m = Ctl({"maintail", "-200"});
  EXPECT_TRUE(Contains(m.out, "spawned: 'talk'") || Contains(m.out, "INFO")) << m.out;
}

TEST_F(SupervisorE2E, UpdateTouchesOnlyChangedGroups) {
  WriteFile("conf.d/p1.conf", "[group:p1]\nprograms=p1_a\n[program:p1_a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
  WriteFile("conf.d/p2.conf", "[group:p2]\nprograms=p2_a\n[program:p2_a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
  WriteConfig("");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(WaitState("p1:p1_a", "RUNNING") && WaitState("p2:p2_a", "RUNNING")) << Ctl({"status"}).out;
  int p1 = PidOf("p1:p1_a");
  CtlResult r = Ctl({"reread"});
  EXPECT_TRUE(Contains(r.out, "No config updates to processes")) << r.out;

  WriteFile("conf.d/p3.conf", "[group:p3]\nprograms=p3_a\n[program:p3_a]\ncommand=/bin/sleep 1000\nstartsecs=0\n");
  WriteFile("conf.d/p2.conf", "[group:p2]\nprograms=p2_a\n[program:p2_a]\ncommand=/bin/sleep 999\nstartsecs=0\n");
  r = Ctl({"reread"});
  EXPECT_TRUE(Contains(r.out, "p3: available") && Contains(r.out, "p2: changed")) << r.out;
  r = Ctl({"avail"});
  EXPECT_TRUE(Contains(r.out, "p3:p3_a") && Contains(r.out, "avail")) << r.out;
  r = Ctl({"update"});
  EXPECT_TRUE(Contains(r.out, "p3: added process group")) << r.out;
  EXPECT_TRUE(Contains(r.out, "p2: updated process group")) << r.out;
  EXPECT_TRUE(WaitState("p3:p3_a", "RUNNING"));
  EXPECT_EQ(PidOf("p1:p1_a"), p1);  // untouched

  ASSERT_EQ(unlink(dir_->Join("conf.d/p3.conf").c_str()), 0);
  r = Ctl({"update"});
  EXPECT_TRUE(Contains(r.out, "p3: stopped") && Contains(r.out, "p3: removed process group")) << r.out;
  EXPECT_FALSE(Contains(Ctl({"status"}).out, "p3:"));
  EXPECT_EQ(PidOf("p1:p1_a"), p1);

  // A broken file: reread fails, nothing changes.
  WriteFile("conf.d/p4.conf", "[program:p4]\ncommand=/bin/true\nstartsecs=never\n");
  r = Ctl({"update"});
  EXPECT_TRUE(Contains(r.out, "CANT_REREAD") && Contains(r.out, "p4.conf:3")) << r.out;
  EXPECT_EQ(PidOf("p1:p1_a"), p1);
  // reload with a broken config: refused, the daemon keeps running the old one.
  r = Ctl({"reload"});
  EXPECT_TRUE(daemon_->Running());
  EXPECT_EQ(PidOf("p1:p1_a"), p1);
  ASSERT_EQ(unlink(dir_->Join("conf.d/p4.conf").c_str()), 0);
  r = Ctl({"reload"});
  EXPECT_TRUE(Contains(r.out, "Restarted supervisord")) << r.out;
  EXPECT_TRUE(testing::WaitFor([&] { int p = PidOf("p1:p1_a"); return p > 0 && p != p1; }, 15)) << Ctl({"status"}).out;
}

TEST_F(SupervisorE2E, BadConfigRefusesToStartNamingFileAndLine) {
  WriteConfig("[program:x]\ncommand=/bin/true\nautorestart=maybe\n");
  CtlResult r = Slapos({"supervisord", "-c", conf_, "-n"});
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Contains(r.out, conf_ + ":") && Contains(r.out, "autorestart")) << r.out;
  EXPECT_FALSE(PathExists(sock_));
  EXPECT_EQ(Slapos({"supervisord", "--help"}).code, 0);
  EXPECT_EQ(Slapos({"supervisorctl", "--help"}).code, 0);
}

TEST_F(SupervisorE2E, EventListenerReceivesExitedAndFatal) {
  // A listener speaking supervisord's protocol, as SlapOS's watchdog does.
  WriteFile("listener.py",
            "import sys\n"
            "out = open(sys.argv[1], 'a')\n"
            "while True:\n"
            "    sys.stdout.write('READY\\n'); sys.stdout.flush()\n"
            "    header = dict(x.split(':', 1) for x in sys.stdin.readline().split())\n"
            "    payload = sys.stdin.read(int(header['len']))\n"
            "    out.write(header['eventname'] + ' ' + payload + '\\n'); out.flush()\n"
            "    sys.stdout.write('RESULT 2\\nOK'); sys.stdout.flush()\n");
  WriteConfig("[eventlistener:watchdog]\ncommand = /usr/bin/python3 %(here)s/listener.py %(here)s/events.txt\n"
              "events = PROCESS_STATE_EXITED,PROCESS_STATE_FATAL\nstartsecs = 0\n"
              "[program:svc-on-watch]\ncommand = /bin/sh -c 'sleep 0.3; exit 1'\nstartsecs = 0\nautorestart = false\n"
              "[program:bad]\ncommand = /bin/false\nstartsecs = 1\nstartretries = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  std::string events;
  ASSERT_TRUE(testing::WaitFor([&] {
    auto e = ReadFile(dir_->Join("events.txt"));
    events = e.ok() ? *e : "";
    return Contains(events, "PROCESS_STATE_FATAL") && Contains(events, "PROCESS_STATE_EXITED");
  }, 15)) << events << DaemonLog();
  EXPECT_TRUE(Contains(events, "PROCESS_STATE_EXITED processname:svc-on-watch groupname:svc-on-watch from_state:RUNNING expected:0 pid:")) << events;
  EXPECT_TRUE(Contains(events, "PROCESS_STATE_FATAL processname:bad groupname:bad from_state:BACKOFF")) << events;
  EXPECT_FALSE(Contains(events, "RUNNING processname"));  // not subscribed
}

TEST_F(SupervisorE2E, SignalAndStopAsGroup) {
  WriteFile("trap.sh", "#!/bin/sh\ntrap 'echo got-usr1' USR1\nwhile true; do sleep 0.1; done\n");
  WriteConfig("[program:trap]\ncommand = %(here)s/trap.sh\nstartsecs = 0\n"
              "[program:tree]\ncommand = /bin/sh -c '/bin/sleep 1001 & /bin/sleep 1002'\nstartsecs = 0\n"
              "stopasgroup = true\n"
              "[program:stubborn]\ncommand = /bin/sh -c 'trap \"\" TERM; while true; do sleep 0.1; done'\nstartsecs = 0\n"
              "stopwaitsecs = 1\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(WaitState("trap", "RUNNING") && WaitState("tree", "RUNNING") && WaitState("stubborn", "RUNNING"));
  usleep(300000);
  CtlResult r = Ctl({"signal", "USR1", "trap"});
  EXPECT_TRUE(Contains(r.out, "trap: signalled")) << r.out;
  EXPECT_TRUE(testing::WaitFor([&] { return Contains(Ctl({"tail", "trap"}).out, "got-usr1"); }, 5));
  r = Ctl({"signal", "NOPE", "trap"});
  EXPECT_TRUE(Contains(r.out, "ERROR (bad signal name)")) << r.out;
  int tree = PidOf("tree");
  EXPECT_TRUE(Contains(Ctl({"stop", "tree"}).out, "tree: stopped"));
  // stopasgroup: the background sleep of the group is gone too.
  EXPECT_TRUE(testing::WaitFor([&] { return kill(-tree, 0) != 0; }, 5));
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(Contains(Ctl({"stop", "stubborn"}).out, "stubborn: stopped"));  // SIGKILL after stopwaitsecs
  EXPECT_GE(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 0.9);
}

TEST_F(SupervisorE2E, TcpServerWithBasicAuth) {
  int port = testing::PickFreePort();
  WriteConfig("[inet_http_server]\nport = 127.0.0.1:" + std::to_string(port) + "\nusername = admin\npassword = s3cret\n"
              "[program:one]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  CtlResult ok = Ctl({"-s", url, "-u", "admin", "-p", "s3cret", "status"});
  EXPECT_TRUE(Contains(ok.out, "one") && Contains(ok.out, "RUNNING")) << ok.out;
  CtlResult bad = Ctl({"-s", url, "-u", "admin", "-p", "wrong", "status"});
  EXPECT_FALSE(Contains(bad.out, "RUNNING")) << bad.out;
  // Our own client too.
  auto c = SupervisorClient::Open(url, "admin", "s3cret");
  ASSERT_TRUE(c.ok());
  auto state = c->CallOrError("supervisor.getState");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->GetString("statename"), "RUNNING");
}

TEST_F(SupervisorE2E, TcpServerWithShaHashedPassword) {
  int port = testing::PickFreePort();
  // supervisord's "{SHA}" + hex SHA-1 of the password (any case): here of "s3cret".
  WriteConfig("[inet_http_server]\nport = 127.0.0.1:" + std::to_string(port) +
              "\nusername = admin\npassword = {SHA}FEF341F85D87439E7D91A2D465B9871EF66B5E98\n"
              "[program:one]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  CtlResult ok = Ctl({"-s", url, "-u", "admin", "-p", "s3cret", "status"});
  EXPECT_TRUE(Contains(ok.out, "one") && Contains(ok.out, "RUNNING")) << ok.out;
  CtlResult bad = Ctl({"-s", url, "-u", "admin", "-p", "s3crez", "status"});
  EXPECT_FALSE(Contains(bad.out, "RUNNING")) << bad.out;
}

// Sends raw bytes on the unix socket; returns what came back before close/timeout.
std::string Raw(const std::string& sock, const std::string& data, bool read_reply = true) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strcpy(a.sun_path, sock.c_str());
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) { close(fd); return "connect failed"; }
  ssize_t w = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
  (void)w;
  std::string out;
  if (read_reply) {
    struct timeval tv{2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0) {
      out.append(buf, static_cast<size_t>(n));
      if (Contains(out, "</methodResponse>")) break;
    }
  }
  close(fd);
  return out;
}

TEST_F(SupervisorE2E, MalformedRequestsGetFaultsAndNeverCrashTheDaemon) {
  WriteConfig("[program:one]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  auto post = [](const std::string& body) {
    return "POST /RPC2 HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  std::string r = Raw(sock_, post("<methodCall><methodName>supervisor.getState"));
  EXPECT_TRUE(Contains(r, "faultCode")) << r;
  r = Raw(sock_, post("<methodCall><methodName>supervisor.nope</methodName></methodCall>"));
  EXPECT_TRUE(Contains(r, "UNKNOWN_METHOD")) << r;
  r = Raw(sock_, post("<methodCall><methodName>supervisor.startProcess</methodName><params><param><value><int>3</int></value></param></params></methodCall>"));
  EXPECT_TRUE(Contains(r, "INCORRECT_PARAMETERS")) << r;
  r = Raw(sock_, "GARBAGE\r\n\r\n");
  EXPECT_TRUE(Contains(r, "400")) << r;
  r = Raw(sock_, "POST /RPC2 HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n");
  EXPECT_TRUE(Contains(r, "413")) << r;
  // Clients that go away mid-request or before reading a big answer.
  for (int i = 0; i < 20; ++i) {
    Raw(sock_, post("<methodCall><methodName>supervisor.getAllProcessInfo</methodName></methodCall>"), false);
    Raw(sock_, "POST /RPC2 HTTP/1.1\r\nContent-Length: 100\r\n\r\n<methodCall>", false);
  }
  auto c = SupervisorClient::Open("unix://" + sock_);
  ASSERT_TRUE(c.ok());
  Fault fault;
  auto v = c->Call("supervisor.getProcessInfo", {Value::String("nosuch")}, &fault);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(fault.code, kBadName);
  EXPECT_EQ(fault.text, "BAD_NAME: nosuch");
  auto multi = c->CallOrError("system.multicall", {Value::Array({
      [] { Value s = Value::Struct(); s.Set("methodName", Value::String("supervisor.getAPIVersion")); s.Set("params", Value::Array()); return s; }(),
      [] { Value s = Value::Struct(); s.Set("methodName", Value::String("supervisor.bogus")); s.Set("params", Value::Array()); return s; }()})});
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  EXPECT_EQ(multi->array.at(0).array.at(0).s, "3.0");
  EXPECT_EQ(multi->array.at(1).GetInt("faultCode"), kUnknownMethod);
  EXPECT_TRUE(daemon_->Running());
  EXPECT_EQ(StateOf("one"), "RUNNING");
}

TEST_F(SupervisorE2E, ShutdownStopsChildrenAndOurClientWorks) {
  WriteConfig("[program:one]\ncommand = /bin/sleep 1000\nstartsecs = 0\n[program:two]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  ASSERT_TRUE(StartDaemon()) << DaemonLog();
  ASSERT_TRUE(WaitState("two", "RUNNING"));
  CtlResult ours = Slapos({"supervisorctl", "-c", conf_, "status"});
  EXPECT_EQ(ours.code, 0) << ours.out;
  EXPECT_TRUE(Contains(ours.out, "one") && Contains(ours.out, "RUNNING")) << ours.out;
  ours = Slapos({"supervisorctl", "-c", conf_, "stop", "two"});
  EXPECT_TRUE(Contains(ours.out, "two: stopped")) << ours.out;
  int pid = PidOf("one");
  CtlResult r = Ctl({"shutdown"});
  EXPECT_TRUE(Contains(r.out, "Shut down")) << r.out;
  EXPECT_TRUE(testing::WaitFor([&] { return !daemon_->Running(); }, 15));
  EXPECT_NE(access(("/proc/" + std::to_string(pid)).c_str(), F_OK), 0);
  EXPECT_FALSE(PathExists(sock_));
  EXPECT_FALSE(PathExists(dir_->Join("sv.pid")));
}

TEST_F(SupervisorE2E, DaemonizesAndReportsReadiness) {
  WriteConfig("[program:one]\ncommand = /bin/sleep 1000\nstartsecs = 0\n");
  CtlResult r = Slapos({"supervisord", "-c", conf_});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(PathExists(sock_));  // listening when the parent returns
  auto pidtext = ReadFile(dir_->Join("sv.pid"));
  ASSERT_TRUE(pidtext.ok());
  EXPECT_TRUE(WaitState("one", "RUNNING"));
  // A second daemon on the same socket refuses to start.
  r = Slapos({"supervisord", "-c", conf_, "-n"});
  EXPECT_NE(r.code, 0);
  EXPECT_TRUE(Contains(r.out, "already listening")) << r.out;
  EXPECT_TRUE(Contains(Ctl({"shutdown"}).out, "Shut down"));
  long long pid = 0;
  ParseInt64(Trim(*pidtext), &pid);
  EXPECT_TRUE(testing::WaitFor([&] { return kill(static_cast<pid_t>(pid), 0) != 0; }, 15));
}

}  // namespace
}  // namespace slapos::supervise
