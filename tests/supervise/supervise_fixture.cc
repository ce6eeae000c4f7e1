#include "supervise_fixture.h"

#include <pwd.h>
#include <csignal>
#include <sys/stat.h>

#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::supervise {

void SupervisorE2E::SetUp() {
  if (!PathExists("/usr/bin/supervisorctl")) GTEST_SKIP() << "Debian's supervisor package is not installed (apt-get install supervisor)";
  dir_ = std::make_unique<testing::TempDir>("sv-e2e");
  chmod(dir_->path().c_str(), 0755);
  conf_ = dir_->Join("supervisord.conf");
  sock_ = dir_->Join("sv.sock");
  ASSERT_TRUE(MakeDirs(dir_->Join("conf.d")).ok());
  ASSERT_TRUE(MakeDirs(dir_->Join("log")).ok());
}

void SupervisorE2E::TearDown() {
  if (daemon_ && daemon_->Running()) daemon_->Stop(SIGTERM, 15);
  daemon_.reset();
  // A daemon a test started in the background (no -n): stop it by the pid it wrote.
  if (!dir_) return;
  auto pidtext = ReadFile(dir_->Join("sv.pid"));
  long long pid = 0;
  if (pidtext.ok() && ParseInt64(Trim(*pidtext), &pid) && pid > 1 && kill(static_cast<pid_t>(pid), SIGTERM) == 0)
    testing::WaitFor([&] { return kill(static_cast<pid_t>(pid), 0) != 0; }, 15);
}

void SupervisorE2E::WriteConfig(const std::string& programs, const std::string& extra_header) {
  std::string text = "[supervisord]\nlogfile = %(here)s/log/supervisord.log\npidfile = %(here)s/sv.pid\n"
                     "childlogdir = %(here)s/log\nbackoff_initial_secs = 0.2\nbackoff_max_secs = 1\n" + extra_header +
                     "\n[unix_http_server]\nfile = %(here)s/sv.sock\nchmod = 0700\n\n"
                     "[supervisorctl]\nserverurl = unix://%(here)s/sv.sock\n\n"
                     "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
                     "[include]\nfiles = conf.d/*.conf\n\n" + programs;
  ASSERT_TRUE(WriteFileAtomic(conf_, text, 0600).ok());
}

void SupervisorE2E::WriteFile(const std::string& rel, const std::string& text) {
  ASSERT_TRUE(WriteFileAtomic(dir_->Join(rel), text, 0755).ok());
}

bool SupervisorE2E::StartDaemon() {
  daemon_ = std::make_unique<testing::ChildProcess>(
      std::vector<std::string>{testing::SlaposBinary(), "supervisord", "-c", conf_, "-n"}, dir_->Join("daemon.out"));
  bool up = testing::WaitFor([&] {
    if (!daemon_->Running()) return true;
    return Ctl({"pid"}, 5).code == 0;
  }, 20);
  return up && daemon_->Running();
}

CtlResult SupervisorE2E::Ctl(const std::vector<std::string>& args, double timeout) {
  ProcessOptions o;
  o.argv = {"/usr/bin/supervisorctl", "-c", conf_};
  o.extra_env["PYTHONUNBUFFERED"] = "1";  // `tail -f` output must survive the timeout's kill
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.timeout_seconds = timeout;
  auto r = RunProcess(o);
  if (!r.ok()) return {-1, r.status().ToString()};
  return {r->exit_code, r->output};
}

CtlResult SupervisorE2E::Slapos(const std::vector<std::string>& args, double timeout) {
  ProcessOptions o;
  o.argv = {testing::SlaposBinary()};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.timeout_seconds = timeout;
  auto r = RunProcess(o);
  if (!r.ok()) return {-1, r.status().ToString()};
  return {r->exit_code, r->output};
}

std::string SupervisorE2E::StateOf(const std::string& name) {
  CtlResult r = Ctl({"status", name});
  std::vector<std::string> w = SplitWhitespace(r.out);
  if (w.size() >= 2 && w[0] == name) return w[1];
  return "";
}

int SupervisorE2E::PidOf(const std::string& name) {
  CtlResult r = Ctl({"pid", name});
  long long pid = 0;
  ParseInt64(Trim(r.out), &pid);
  return static_cast<int>(pid);
}

bool SupervisorE2E::WaitState(const std::string& name, const std::string& state, double timeout) {
  return testing::WaitFor([&] { return StateOf(name) == state; }, timeout);
}

std::string SupervisorE2E::DaemonLog() {
  auto a = ReadFile(dir_->Join("daemon.out"));
  return a.ok() ? *a : "";
}

bool EnsureTestUser(std::string* why) {
  if (!testing::IsRoot()) {
    *why = "needs root to run programs as another user (CI runs as root)";
    return false;
  }
  if (getpwnam("slapos-test-user")) return true;
  ProcessOptions o;
  o.argv = {"useradd", "-r", "-M", "-s", "/usr/sbin/nologin", "slapos-test-user"};
  auto r = RunProcess(o);
  if (!r.ok() || !r->success() || !getpwnam("slapos-test-user")) {
    *why = "could not create slapos-test-user: " + (r.ok() ? r->output : r.status().ToString());
    return false;
  }
  return true;
}

}  // namespace slapos::supervise
