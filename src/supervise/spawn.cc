#include "supervise/spawn.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/close_range.h>
#include <pthread.h>
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

std::vector<gid_t> SupplementaryGroups(uid_t uid, gid_t gid) {
  struct passwd pwbuf, *pw = nullptr;
  std::vector<char> buf(16384);
  if (getpwuid_r(uid, &pwbuf, buf.data(), buf.size(), &pw) != 0 || !pw) return {gid};
  int n = 64;
  std::vector<gid_t> groups(static_cast<size_t>(n));
  if (getgrouplist(pw->pw_name, gid, groups.data(), &n) < 0) {
    groups.resize(static_cast<size_t>(n));
    if (getgrouplist(pw->pw_name, gid, groups.data(), &n) < 0) return {gid};
  }
  groups.resize(static_cast<size_t>(n));
  return groups;
}

namespace {

// What the cloned child reads. It shares the parent's memory until exec, so it only reads
// this (prepared before the clone) and writes nothing but its own stack.
struct ChildArgs {
  const char* file;
  char* const* argv;
  char* const* envp;
  const char* directory;  // nullptr: inherit
  const char* user;
  bool set_ids;
  uid_t uid;
  gid_t gid;
  const gid_t* groups;
  size_t ngroups;
  int umask;
  int fds[3];
};

void Append(char* buf, size_t cap, size_t* len, const char* s) {
  while (*s && *len + 1 < cap) buf[(*len)++] = *s++;
  buf[*len] = '\0';
}

[[noreturn]] void ChildFail(const char* what, const char* arg, int err) {
  char msg[1024];
  size_t len = 0;
  Append(msg, sizeof msg, &len, "supervise: couldn't ");
  Append(msg, sizeof msg, &len, what);
  Append(msg, sizeof msg, &len, " ");
  Append(msg, sizeof msg, &len, arg);
  Append(msg, sizeof msg, &len, ": ");
  const char* desc = strerrordesc_np(err);
  Append(msg, sizeof msg, &len, desc ? desc : "unknown error");
  Append(msg, sizeof msg, &len, "\n");
  ssize_t r = ::write(2, msg, len);
  (void)r;
  _exit(127);
}

// Runs in the clone: system calls only (no malloc, no locks; the glibc set*id wrappers would
// signal the parent's threads, so those are made directly).
int ChildMain(void* arg) {
  const ChildArgs& a = *static_cast<const ChildArgs*>(arg);
  // Signals stay blocked (the parent blocked them all) until every handler is back to default,
  // so no parent handler can run on this shared memory.
  struct sigaction dfl{};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; ++s) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    struct sigaction old;
    if (sigaction(s, nullptr, &old) == 0 && old.sa_handler != SIG_DFL) sigaction(s, &dfl, nullptr);
  }
  syscall(SYS_setsid);
  // The descriptor table is still the parent's: put the child's ends on 0-2 (the parent puts
  // its own back after the clone returns), then unshare, keeping only 0-2 (the kernel copies
  // just those, however many descriptors the parent has open).
  for (int i = 0; i < 3; ++i)
    if (syscall(SYS_dup3, a.fds[i], i, 0) < 0 && a.fds[i] != i) _exit(127);
  if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_UNSHARE) != 0) {
    // Kernels before 5.9: unshare the whole table, then close the rest.
    if (syscall(SYS_unshare, CLONE_FILES) != 0) _exit(127);
    for (int fd = 3; fd < 65536; ++fd) syscall(SYS_close, fd);
  }
  if (a.umask >= 0) syscall(SYS_umask, a.umask);
  if (a.set_ids) {
    if (syscall(SYS_setgroups, a.ngroups, a.groups) != 0) ChildFail("setgroups for", a.user, errno);
    if (syscall(SYS_setresgid, a.gid, a.gid, a.gid) != 0) ChildFail("setgid for", a.user, errno);
    if (syscall(SYS_setresuid, a.uid, a.uid, a.uid) != 0) ChildFail("setuid to", a.user, errno);
  }
  if (a.directory && syscall(SYS_chdir, a.directory) != 0) ChildFail("chdir to", a.directory, errno);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  syscall(SYS_execve, a.file, a.argv, a.envp);
  ChildFail("exec", a.file, errno);
}

// The clone's stack: it runs while the parent is suspended, so one per thread is enough.
char* ChildStackTop() {
  static constexpr size_t kSize = 64 * 1024;
  thread_local char* stack = nullptr;
  if (!stack) {
    void* p = mmap(nullptr, kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    stack = static_cast<char*>(p);
  }
  return stack + kSize;
}

}  // namespace

Result<pid_t> ForkExec(const SpawnSpec& spec) {
  // Everything the child needs is prepared before the clone.
  std::vector<char*> argv, envp;
  argv.reserve(spec.argv.size() + 1);
  envp.reserve(spec.env.size() + 1);
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::vector<gid_t> computed;
  const std::vector<gid_t>* groups = &spec.groups;
  if (spec.uid) {
    if (geteuid() != 0 && *spec.uid != geteuid())
      return PermissionDenied("can't drop privilege as nonroot user (run the supervisor as root to use 'user')");
    if (spec.groups.empty()) {
      computed = SupplementaryGroups(*spec.uid, spec.gid);
      groups = &computed;
    }
  }
  char* stack_top = ChildStackTop();
  if (!stack_top) return ErrnoError("mmap of the spawn stack", errno);

  ChildArgs a{};
  a.file = spec.file.c_str();
  a.argv = argv.data();
  a.envp = envp.data();
  a.directory = spec.directory.empty() ? nullptr : spec.directory.c_str();
  a.user = spec.user.c_str();
  // Without root, setgroups is refused; only switch when it changes something.
  a.set_ids = spec.uid.has_value() && (geteuid() == 0 || *spec.uid != geteuid());
  a.uid = spec.uid.value_or(0);
  a.gid = spec.gid;
  a.groups = groups->data();
  a.ngroups = groups->size();
  a.umask = spec.umask;

  // The child's stdio, on descriptors above 2 (the child moves them onto 0-2 in the shared
  // table, and the parent's own 0-2 are put back from these copies afterwards).
  int temps[4] = {-1, -1, -1, -1};
  int ntemps = 0;
  auto high = [&](int fd) {
    if (fd > 2) return fd;
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (d >= 0) temps[ntemps++] = d;
    return d;
  };
  int devnull = -1;
  if (spec.stdin_fd < 0 || spec.stdout_fd < 0 || spec.stderr_fd < 0) {
    devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) return ErrnoError("open /dev/null", errno);
  }
  const int want[3] = {spec.stdin_fd, spec.stdout_fd, spec.stderr_fd};
  for (int i = 0; i < 3; ++i) a.fds[i] = high(want[i] >= 0 ? want[i] : devnull);
  auto cleanup = [&] {
    for (int i = 0; i < ntemps; ++i) ::close(temps[i]);
    if (devnull >= 0) ::close(devnull);
  };
  for (int i = 0; i < 3; ++i)
    if (a.fds[i] < 0) {
      int e = errno;
      cleanup();
      return ErrnoError("spawn: preparing the child's descriptor " + std::to_string(i), e);
    }
  int saved[3];
  for (int i = 0; i < 3; ++i) saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 3);

  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = clone(ChildMain, stack_top, CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &a);
  int clone_errno = errno;
  // The child has exec'ed (or exited): put the parent's 0-2 back.
  for (int i = 0; i < 3; ++i) {
    if (saved[i] >= 0) {
      dup2(saved[i], i);
      ::close(saved[i]);
    } else if (pid > 0) {
      ::close(i);  // was not open before the child used it
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  cleanup();
  if (pid < 0) return ErrnoError("clone", clone_errno);
  return pid;
}

}  // namespace slapos::supervise
