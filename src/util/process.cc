#include "util/process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

extern char** environ;

namespace slapos {

namespace {

void WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

// What the groups lookups below depend on: when /etc/group or /etc/passwd changes, they are
// looked up again.
std::string UserDbIdentity() {
  std::string id;
  for (const char* f : {"/etc/group", "/etc/passwd"}) {
    struct stat st{};
    if (stat(f, &st) == 0)
      id += std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
            "." + std::to_string(st.st_mtim.tv_nsec) + ";";
  }
  return id;
}

// initgroups()'s list for `user`, looked up in the parent: NSS (files, systemd...) is not
// async-signal-safe, so the child after fork only calls setgroups(). Cached per process: a
// node spawns several processes per partition as the same user.
Result<std::vector<gid_t>> GroupsOf(const std::string& user, gid_t gid) {
  static std::mutex mu;
  static std::string identity;
  static std::map<std::pair<std::string, gid_t>, std::vector<gid_t>> cache;
  std::lock_guard<std::mutex> lock(mu);
  std::string now = UserDbIdentity();
  if (now != identity) {
    cache.clear();
    identity = now;
  }
  auto key = std::make_pair(user, gid);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  std::vector<gid_t> groups(64);
  int n = static_cast<int>(groups.size());
  if (getgrouplist(user.c_str(), gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<size_t>(n));  // n now holds the number needed
    if (getgrouplist(user.c_str(), gid, groups.data(), &n) < 0)
      return Internal("cannot list the groups of user " + user);
  }
  groups.resize(static_cast<size_t>(n));
  cache[key] = groups;
  return groups;
}

// In the child, after fork: report `what` and errno through the status pipe and exit.
[[noreturn]] void ChildFail(int status_fd, const char* what) {
  int err = errno;
  char msg[512];
  int len = snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  WriteAll(status_fd, msg, static_cast<size_t>(len));
  _exit(127);
}

}  // namespace

Result<ProcessResult> RunProcess(const ProcessOptions& o) {
  if (o.argv.empty()) return InvalidArgument("RunProcess: empty argv");

  // Everything the child needs is prepared before fork: no allocation after it.
  std::vector<char*> argv;
  for (const std::string& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  if (o.env) {
    for (const auto& [k, v] : *o.env) env_store.push_back(k + "=" + v);
  } else {
    for (char** e = environ; *e; ++e) {
      std::string s(*e);
      std::string key = s.substr(0, s.find('='));
      if (o.extra_env.count(key) == 0) env_store.push_back(s);
    }
  }
  for (const auto& [k, v] : o.extra_env) env_store.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& s : env_store) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string user_name;
  gid_t gid = o.gid.value_or(0);
  if (o.uid) {
    struct passwd pw, *res = nullptr;
    char buf[4096];
    if (getpwuid_r(*o.uid, &pw, buf, sizeof buf, &res) != 0 || res == nullptr)
      return NotFound("no user with uid " + std::to_string(*o.uid));
    user_name = pw.pw_name;
    if (!o.gid) gid = pw.pw_gid;
  }
  std::vector<gid_t> groups;
  if (o.uid) {
    SLAPOS_ASSIGN_OR_RETURN(groups, GroupsOf(user_name, gid));
  }

  int out_pipe[2] = {-1, -1};
  int status_pipe[2];
  int in_pipe[2] = {-1, -1};
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  if (o.output_file.empty() && ::pipe2(out_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  int out_fd = -1;
  if (!o.output_file.empty()) {
    out_fd = ::open(o.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (out_fd < 0) return ErrnoError("cannot open " + o.output_file, errno);
    if (o.uid && ::fchown(out_fd, *o.uid, gid) != 0) { /* best effort */ }
  }

  pid_t pid = ::fork();
  if (pid < 0) return ErrnoError("fork", errno);
  if (pid == 0) {
    ::setpgid(0, 0);
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    int target = out_fd >= 0 ? out_fd : out_pipe[1];
    if (::dup2(in_pipe[0], 0) < 0 || ::dup2(target, 1) < 0 || ::dup2(target, 2) < 0) ChildFail(status_pipe[1], "dup2");
    if (o.uid) {
      if (::setgid(gid) != 0) ChildFail(status_pipe[1], "setgid");
      if (::setgroups(groups.size(), groups.data()) != 0) ChildFail(status_pipe[1], "setgroups");
      if (::setuid(*o.uid) != 0) ChildFail(status_pipe[1], "setuid");
    }
    if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) ChildFail(status_pipe[1], ("chdir " + o.cwd).c_str());
    ::execvpe(argv[0], argv.data(), envp.data());
    ChildFail(status_pipe[1], ("exec " + o.argv[0]).c_str());
  }

  ::close(status_pipe[1]);
  ::close(in_pipe[0]);
  if (out_pipe[1] >= 0) ::close(out_pipe[1]);
  if (out_fd >= 0) ::close(out_fd);

  std::string start_error;
  {
    char buf[512];
    ssize_t n;
    while ((n = ::read(status_pipe[0], buf, sizeof buf)) > 0) start_error.append(buf, static_cast<size_t>(n));
    ::close(status_pipe[0]);
  }

  // Feed stdin (best effort: a child that does not read it gets EPIPE, which we ignore).
  {
    struct sigaction ign {}, old{};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
    if (!o.stdin_data.empty()) WriteAll(in_pipe[1], o.stdin_data.data(), o.stdin_data.size());
    sigaction(SIGPIPE, &old, nullptr);
    ::close(in_pipe[1]);
  }

  ProcessResult result;
  auto start = std::chrono::steady_clock::now();
  bool killed = false;
  if (out_pipe[0] >= 0) {
    char buf[65536];
    while (true) {
      int timeout_ms = -1;
      if (o.timeout_seconds > 0 && !killed) {
        double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        double left = o.timeout_seconds - elapsed;
        if (left <= 0) {
          ::kill(-pid, SIGKILL);
          killed = true;
          result.timed_out = true;
        } else {
          timeout_ms = static_cast<int>(left * 1000) + 1;
        }
      }
      struct pollfd p {out_pipe[0], POLLIN, 0};
      int r = ::poll(&p, 1, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) continue;
      ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      result.output.append(buf, static_cast<size_t>(n));
      if (result.output.size() > 2 * o.max_captured)
        result.output.erase(0, result.output.size() - o.max_captured);
    }
    ::close(out_pipe[0]);
    if (result.output.size() > o.max_captured) result.output.erase(0, result.output.size() - o.max_captured);
  }

  int wstatus = 0;
  while (true) {
    pid_t w = ::waitpid(pid, &wstatus, o.timeout_seconds > 0 && !killed ? WNOHANG : 0);
    if (w < 0 && errno == EINTR) continue;
    if (w == pid) break;
    if (w < 0) return ErrnoError("waitpid", errno);
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (elapsed >= o.timeout_seconds) {
      ::kill(-pid, SIGKILL);
      killed = true;
      result.timed_out = true;
    } else {
      ::usleep(2000);
    }
  }
  if (!start_error.empty()) return IOError("cannot start " + o.argv[0] + ": " + start_error);
  if (WIFEXITED(wstatus)) {
    result.exit_code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    result.term_signal = WTERMSIG(wstatus);
  }
  return result;
}

}  // namespace slapos
