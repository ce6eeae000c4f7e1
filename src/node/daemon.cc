// `slapos node daemon` scheduling and loop (daemon.h).
#include "node/daemon.h"

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>

#include "util/file.h"
#include "util/strings.h"

#include "util/log.h"

namespace slapos::node {

DaemonSchedule::DaemonSchedule(std::vector<DaemonStep> steps, Env& env) : env_(env) {
  int64_t now = env_.MonotonicMicros();
  bool has_first = false;
  for (auto& s : steps) {
    has_first = has_first || s.first;
    states_.push_back({std::move(s), now, false, 0, 0});
  }
  first_done_ = !has_first;
}

DaemonTick DaemonSchedule::Tick() {
  DaemonTick t;
  int64_t now = env_.MonotonicMicros();
  int64_t wake = std::numeric_limits<int64_t>::max();
  for (auto& s : states_) {
    bool blocked = !first_done_ && !s.step.first;
    if (!s.running && !blocked && now >= s.next_micros) {
      s.running = true;
      s.next_micros = now + s.step.interval_micros;
      ++s.runs;
      t.start.push_back(s.step.name);
    }
    if (!s.running && !blocked) wake = std::min(wake, s.next_micros);
  }
  // Nothing can become due while everything runs: wake up anyway now and then.
  t.wake_micros = wake == std::numeric_limits<int64_t>::max() ? now + 1'000'000 : wake;
  return t;
}

void DaemonSchedule::Finished(const std::string& name, int exit_code) {
  for (auto& s : states_) {
    if (s.step.name != name) continue;
    s.running = false;
    s.last_exit = exit_code;
    if (s.step.first) first_done_ = true;
  }
}

const DaemonStep* DaemonSchedule::Find(const std::string& name) const {
  for (const auto& s : states_)
    if (s.step.name == name) return &s.step;
  return nullptr;
}

bool DaemonSchedule::Running(const std::string& name) const {
  for (const auto& s : states_)
    if (s.step.name == name) return s.running;
  return false;
}

int DaemonSchedule::Runs(const std::string& name) const {
  for (const auto& s : states_)
    if (s.step.name == name) return s.runs;
  return 0;
}

int DaemonSchedule::LastExitCode(const std::string& name) const {
  for (const auto& s : states_)
    if (s.step.name == name) return s.last_exit;
  return 0;
}

std::vector<DaemonStep> NodeDaemonSteps(const std::string& binary, const std::string& cfg, double format_interval,
                                        double software_interval, double instance_interval, double report_interval) {
  auto step = [&](const char* name, double seconds, bool first) {
    DaemonStep s;
    s.name = name;
    s.argv = {binary, "node", name, "--cfg", cfg};
    s.interval_micros = static_cast<int64_t>(seconds * 1e6);
    s.first = first;
    return s;
  };
  return {step("format", format_interval, true), step("software", software_interval, false),
          step("instance", instance_interval, false), step("report", report_interval, false)};
}

Result<int> ResetPartitionTimestamps(const std::vector<std::string>& partition_paths) {
  int removed = 0;
  for (const auto& path : partition_paths) {
    std::string f = path + "/.timestamp";
    if (unlink(f.c_str()) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      return ErrnoError("removing " + f, errno);
    }
  }
  return removed;
}

namespace {

pid_t SpawnStep(const DaemonStep& step, const sigset_t& old_mask) {
  pid_t pid = fork();
  if (pid != 0) return pid;  // parent (or -1)
  setpgid(0, 0);
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  std::vector<char*> argv;
  for (const auto& a : step.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

// Our direct children (after reparenting, orphans of our steps too), from /proc/*/stat.
std::set<pid_t> DirectChildren() {
  std::set<pid_t> out;
  pid_t me = getpid();
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    long long pid = 0;
    if (!ParseInt64(e->d_name, &pid)) continue;
    auto stat = ReadFile(std::string("/proc/") + e->d_name + "/stat");
    if (!stat.ok()) continue;
    size_t close_paren = stat->rfind(')');  // the command name may hold spaces and parentheses
    if (close_paren == std::string::npos) continue;
    auto fields = SplitWhitespace(std::string_view(*stat).substr(close_paren + 1));
    long long ppid = 0;
    if (fields.size() > 1 && ParseInt64(fields[1], &ppid) && ppid == me) out.insert(static_cast<pid_t>(pid));
  }
  closedir(d);
  return out;
}

std::set<pid_t> KeptPids(const std::vector<std::string>& pidfiles) {
  std::set<pid_t> out;
  for (const auto& f : pidfiles) {
    auto text = ReadFile(f);
    long long v = 0;
    if (text.ok() && ParseInt64(Trim(*text), &v) && v > 1) out.insert(static_cast<pid_t>(v));
  }
  return out;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

Status RunDaemon(const DaemonOptions& options) {
  if (options.steps.empty()) return InvalidArgument("node daemon: no steps to run");
  sigset_t wait_set, old_mask;
  sigemptyset(&wait_set);
  sigaddset(&wait_set, SIGTERM);
  sigaddset(&wait_set, SIGINT);
  sigaddset(&wait_set, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &wait_set, &old_mask) != 0) return ErrnoError("blocking signals", errno);

  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) LOG_WARNING("node daemon: cannot become a child subreaper");
  Env& env = *Env::Default();
  DaemonSchedule schedule(options.steps, env);
  std::map<pid_t, std::string> children;
  auto reap = [&] {
    for (;;) {
      int status = 0;
      pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) return;
      auto it = children.find(pid);
      if (it == children.end()) continue;
      int code = ExitCodeOf(status);
      if (code == 0)
        LOG_INFO("node daemon: {} finished", it->second);
      else
        LOG_WARNING("node daemon: {} exited with code {}", it->second, code);
      schedule.Finished(it->second, code);
      children.erase(it);
    }
  };

  LOG_INFO("node daemon: started (pid {})", getpid());
  int stop_signal = 0;
  while (!stop_signal) {
    DaemonTick tick = schedule.Tick();
    for (const auto& name : tick.start) {
      const DaemonStep* step = schedule.Find(name);
      pid_t pid = SpawnStep(*step, old_mask);
      if (pid < 0) {
        LOG_ERROR("node daemon: cannot start {}: {}", name, std::strerror(errno));
        schedule.Finished(name, -1);
        continue;
      }
      setpgid(pid, pid);  // also from the parent, so the group exists before any kill
      children[pid] = name;
      LOG_INFO("node daemon: {} started (pid {})", name, pid);
    }
    int64_t wait = std::max<int64_t>(tick.wake_micros - env.MonotonicMicros(), 1000);
    wait = std::min<int64_t>(wait, 60'000'000);
    timespec ts{static_cast<time_t>(wait / 1000000), static_cast<long>((wait % 1000000) * 1000)};
    int sig = sigtimedwait(&wait_set, nullptr, &ts);
    if (sig == SIGTERM || sig == SIGINT) stop_signal = sig;
    reap();
  }

  LOG_INFO("node daemon: signal {} received; stopping {} running step(s)", stop_signal, children.size());
  for (const auto& [pid, name] : children) kill(-pid, SIGTERM);
  std::set<pid_t> keep = KeptPids(options.keep_pidfiles);
  std::set<pid_t> signalled;
  auto leftovers = [&] {
    std::set<pid_t> out;
    for (pid_t p : DirectChildren())
      if (!keep.count(p) && !children.count(p)) out.insert(p);
    return out;
  };
  int64_t deadline = env.MonotonicMicros() + static_cast<int64_t>(options.stop_grace_seconds * 1e6);
  for (;;) {
    reap();
    std::set<pid_t> orphans = leftovers();
    for (pid_t p : orphans)
      if (signalled.insert(p).second) {
        LOG_INFO("node daemon: terminating pid {} left by a step", p);
        kill(p, SIGTERM);
      }
    if (children.empty() && orphans.empty()) break;
    if (env.MonotonicMicros() >= deadline) {
      for (const auto& [pid, name] : children) {
        LOG_WARNING("node daemon: {} (pid {}) did not stop in {} s; killing it", name, pid,
                    options.stop_grace_seconds);
        kill(-pid, SIGKILL);
      }
      for (pid_t p : orphans) kill(p, SIGKILL);
      deadline = std::numeric_limits<int64_t>::max();  // now wait for the kills to land
    }
    timespec ts{0, 50'000'000};
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigtimedwait(&chld, nullptr, &ts);
  }
  // Reap any orphan that exited without being in `children`.
  while (waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  LOG_INFO("node daemon: stopped");
  return Status::OK();
}

}  // namespace slapos::node
