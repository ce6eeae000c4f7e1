#include "supervise/spawn.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/strings.h"

namespace slapos::supervise {

Result<std::vector<std::string>> SplitCommand(const std::string& command) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(cur), cur.clear(), in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      size_t end = command.find('\'', i + 1);
      if (end == std::string::npos) return InvalidArgument("command '" + command + "': no closing quotation");
      cur += command.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < command.size() && command[j] != '"'; ++j) {
        if (command[j] == '\\' && j + 1 < command.size() && (command[j + 1] == '"' || command[j + 1] == '\\')) ++j;
        cur += command[j];
      }
      if (j >= command.size()) return InvalidArgument("command '" + command + "': no closing quotation");
      i = j;
    } else if (c == '\\' && i + 1 < command.size()) {
      cur += command[++i];
    } else {
      cur += c;
    }
  }
  if (in_word) out.push_back(cur);
  if (out.empty()) return InvalidArgument("command is empty");
  return out;
}

Result<std::string> ResolveProgram(const std::string& program, const std::string& path_var) {
  std::string found;
  if (program.find('/') != std::string::npos) {
    found = program;
  } else {
    for (const std::string& dir : Split(path_var, ':')) {
      std::string p = (dir.empty() ? "." : dir) + "/" + program;
      if (::access(p.c_str(), F_OK) == 0) { found = p; break; }
    }
    if (found.empty()) return NotFound("NO_FILE: can't find command '" + program + "'");
  }
  struct stat st;
  if (::stat(found.c_str(), &st) != 0) return NotFound("NO_FILE: can't find command '" + found + "'");
  if (S_ISDIR(st.st_mode) || ::access(found.c_str(), X_OK) != 0)
    return PermissionDenied("NOT_EXECUTABLE: command at '" + found + "' is not executable");
  return found;
}

namespace {

[[noreturn]] void ChildFail(const char* what, const std::string& arg) {
  std::string msg = std::string("supervise: couldn't ") + what + " " + arg + ": " + std::strerror(errno) + "\n";
  ssize_t r = ::write(2, msg.data(), msg.size());
  (void)r;
  _exit(127);
}

}  // namespace

Result<pid_t> ForkExec(const SpawnSpec& spec) {
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> argv, envp;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::vector<gid_t> groups;
  if (spec.uid) {
    struct passwd* pw = getpwuid(*spec.uid);
    int n = 64;
    groups.resize(n);
    if (pw && getgrouplist(pw->pw_name, spec.gid, groups.data(), &n) < 0) {
      groups.resize(n);
      getgrouplist(pw->pw_name, spec.gid, groups.data(), &n);
    }
    groups.resize(pw ? n : 1);
    if (!pw) groups[0] = spec.gid;
    if (geteuid() != 0 && *spec.uid != geteuid())
      return PermissionDenied("can't drop privilege as nonroot user (run the supervisor as root to use 'user')");
  }
  pid_t pid = fork();
  if (pid < 0) return ErrnoError("fork", errno);
  if (pid > 0) return pid;

  // Child.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) signal(s, SIG_DFL);
  setsid();
  int devnull = -1;
  auto fd_or_null = [&](int fd, int flags) {
    if (fd >= 0) return fd;
    if (devnull < 0) devnull = ::open("/dev/null", flags);
    return devnull;
  };
  int in = fd_or_null(spec.stdin_fd, O_RDWR), out = fd_or_null(spec.stdout_fd, O_RDWR),
      err = fd_or_null(spec.stderr_fd, O_RDWR);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  syscall(SYS_close_range, 3, ~0U, 0);
  if (spec.umask >= 0) ::umask(static_cast<mode_t>(spec.umask));
  if (spec.uid) {
    if (setgroups(groups.size(), groups.data()) != 0 && geteuid() == 0) ChildFail("setgroups for", spec.user);
    if (setgid(spec.gid) != 0) ChildFail("setgid for", spec.user);
    if (setuid(*spec.uid) != 0) ChildFail("setuid to", spec.user);
  }
  if (!spec.directory.empty() && chdir(spec.directory.c_str()) != 0) ChildFail("chdir to", spec.directory);
  execve(spec.file.c_str(), argv.data(), envp.data());
  ChildFail("exec", spec.file);
}

}  // namespace slapos::supervise
