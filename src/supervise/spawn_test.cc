#include "supervise/spawn.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "util/strings.h"

namespace slapos::supervise {
namespace {

// Reads a pipe to EOF.
std::string Drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

struct Outcome {
  int status = -1;
  std::string out, err;
};

// Spawns `spec` with stdout/stderr on pipes, waits for it and returns what it wrote.
Outcome SpawnAndWait(SpawnSpec spec) {
  int out[2], err[2];
  EXPECT_EQ(pipe2(out, O_CLOEXEC), 0);
  EXPECT_EQ(pipe2(err, O_CLOEXEC), 0);
  spec.stdout_fd = out[1];
  spec.stderr_fd = err[1];
  Outcome r;
  Result<pid_t> pid = ForkExec(spec);
  ::close(out[1]);
  ::close(err[1]);
  EXPECT_TRUE(pid.ok()) << pid.status().message();
  if (pid.ok()) {
    r.out = Drain(out[0]);
    r.err = Drain(err[0]);
    waitpid(*pid, &r.status, 0);
  }
  ::close(out[0]);
  ::close(err[0]);
  return r;
}

SpawnSpec Shell(const std::string& script) {
  SpawnSpec s;
  s.file = "/bin/sh";
  s.argv = {"sh", "-c", script};
  s.env = {"PATH=/usr/bin:/bin", "FOO=bar baz"};
  return s;
}

std::string Identity(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return "closed";
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

TEST(SupervisorSpawn, ChildGetsOnlyItsStdioAndParentKeepsItsOwn) {
  // Descriptors the parent holds without close-on-exec must not leak into the child.
  int leak1 = dup(1), leak2 = open("/dev/null", O_RDONLY);
  ASSERT_GE(leak1, 0);
  ASSERT_GE(leak2, 0);
  std::string before[3] = {Identity(0), Identity(1), Identity(2)};
  Outcome r = SpawnAndWait(Shell("ls /proc/$$/fd; echo to-stderr >&2"));
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) << r.err;
  EXPECT_EQ(r.out, "0\n1\n2\n");
  EXPECT_EQ(r.err, "to-stderr\n");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Identity(i), before[i]) << "parent's descriptor " << i << " changed";
  EXPECT_NE(fcntl(leak1, F_GETFD), -1);  // still open in the parent
  ::close(leak1);
  ::close(leak2);
}

TEST(SupervisorSpawn, DirectoryUmaskEnvironmentAndSession) {
  SpawnSpec s = Shell("pwd; umask; echo \"$FOO\"; ps -o sid= -p $$; echo $$");
  s.directory = "/tmp";
  s.umask = 027;
  Outcome r = SpawnAndWait(s);
  std::vector<std::string> lines = Split(r.out, '\n');
  ASSERT_GE(lines.size(), 5u) << r.out << r.err;
  EXPECT_EQ(lines[0], "/tmp");
  EXPECT_EQ(lines[1], "0027");
  EXPECT_EQ(lines[2], "bar baz");
  EXPECT_EQ(Trim(lines[3]), Trim(lines[4]));  // its own session: sid == pid
}

TEST(SupervisorSpawn, SignalMaskAndDispositionsAreReset) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old);
  auto prev = signal(SIGPIPE, SIG_IGN);
  // grep reads its own status, exec'd directly: through `sh -c`, dash may fork and briefly block
  // every signal around the fork (sigblockall), and a child reading /proc/<dash>/status would
  // see that mask, not the one we gave.
  SpawnSpec spec;
  spec.file = "/bin/grep";
  spec.argv = {"grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"};
  spec.env = {"PATH=/usr/bin:/bin"};
  Outcome r = SpawnAndWait(spec);
  signal(SIGPIPE, prev);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  EXPECT_NE(r.out.find("SigBlk:\t0000000000000000"), std::string::npos) << r.out;
  // grep ignores nothing at start-up; SIGPIPE must not be inherited as ignored.
  EXPECT_NE(r.out.find("SigIgn:\t0000000000000000"), std::string::npos) << r.out;
}

TEST(SupervisorSpawn, FailureInTheChildIsReportedOnItsStderrWithStatus127) {
  SpawnSpec s = Shell("true");
  s.file = "/nonexistent/program";
  Outcome r = SpawnAndWait(s);
  ASSERT_TRUE(WIFEXITED(r.status));
  EXPECT_EQ(WEXITSTATUS(r.status), 127);
  EXPECT_NE(r.err.find("couldn't exec /nonexistent/program: No such file or directory"), std::string::npos) << r.err;

  s = Shell("true");
  s.directory = "/nonexistent-dir";
  r = SpawnAndWait(s);
  EXPECT_EQ(WEXITSTATUS(r.status), 127);
  EXPECT_NE(r.err.find("couldn't chdir to /nonexistent-dir"), std::string::npos) << r.err;
}

TEST(SupervisorSpawn, NullStdioWhenNoDescriptorGiven) {
  SpawnSpec s = Shell("ls -l /proc/$$/fd/0 > /dev/null; readlink /proc/$$/fd/0 > /proc/$$/fd/1");
  Outcome r = SpawnAndWait(s);  // stdin -1: /dev/null
  EXPECT_EQ(r.out, "/dev/null\n") << r.err;
}

TEST(SupervisorSpawn, SwitchesToTheUserWithItsGroups) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch users (run the tests as root)";
  struct passwd* pw = getpwnam("nobody");
  if (!pw) GTEST_SKIP() << "no 'nobody' user on this system";
  SpawnSpec s = Shell("id -u; id -g; id -G");
  s.uid = pw->pw_uid;
  s.gid = pw->pw_gid;
  s.user = "nobody";
  s.groups = SupplementaryGroups(pw->pw_uid, pw->pw_gid);
  Outcome r = SpawnAndWait(s);
  std::vector<std::string> lines = Split(r.out, '\n');
  ASSERT_GE(lines.size(), 3u) << r.out << r.err;
  EXPECT_EQ(lines[0], std::to_string(pw->pw_uid));
  EXPECT_EQ(lines[1], std::to_string(pw->pw_gid));
  // Root's own supplementary groups (e.g. 0) must be gone.
  std::string want;
  for (gid_t g : s.groups) want += (want.empty() ? "" : " ") + std::to_string(g);
  EXPECT_EQ(lines[2], want);
  EXPECT_EQ(geteuid(), 0u);  // the parent is untouched
}

}  // namespace
}  // namespace slapos::supervise
