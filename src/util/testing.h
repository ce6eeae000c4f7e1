// Helpers for tests only (linked into test programs, never into `slapos`): temporary
// directories, free loopback ports, the path of the real binary, polling with a deadline.
#pragma once

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace slapos::testing {

// A fresh directory under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "slapos-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Join(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bind to 0, read, close).
int PickFreePort();
// The built `slapos` binary and the source tree (set by CMake for every test program).
std::string SlaposBinary();
std::string SourceDir();
bool IsRoot();
// Polls `done` every 10 ms until it returns true or `timeout_seconds` pass; returns done().
bool WaitFor(const std::function<bool()>& done, double timeout_seconds);

// A child process (e.g. `slapos master ...`) that is killed (SIGTERM, then SIGKILL) on
// destruction. Its stdout+stderr go to `log_path` when given.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  pid_t pid() const { return pid_; }
  // Sends `sig` and waits up to `timeout_seconds` for exit; returns the wait status or -1.
  int Stop(int sig, double timeout_seconds = 10);
  bool Running();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

}  // namespace slapos::testing
