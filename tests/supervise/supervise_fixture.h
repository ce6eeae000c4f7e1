// Test fixture: a temporary directory with a supervisord.conf, our daemon started from it
// (`slapos supervisord -n`), and helpers to run Debian's real supervisorctl against it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "util/testing.h"

namespace slapos::supervise {

struct CtlResult {
  int code = -1;
  std::string out;
};

class SupervisorE2E : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Writes the main config: the standard header plus `programs` (sections text).
  void WriteConfig(const std::string& programs, const std::string& extra_header = "");
  void WriteFile(const std::string& rel, const std::string& text);
  // Starts the daemon and waits until it answers; false (with the log) if it did not.
  bool StartDaemon();
  // Runs /usr/bin/supervisorctl -c conf ARGS (the real one).
  CtlResult Ctl(const std::vector<std::string>& args, double timeout = 30);
  // Runs `slapos ARGS`.
  CtlResult Slapos(const std::vector<std::string>& args, double timeout = 30);
  // The state name of a process in `supervisorctl status`, or "" when absent.
  std::string StateOf(const std::string& name);
  int PidOf(const std::string& name);
  bool WaitState(const std::string& name, const std::string& state, double timeout = 10);
  std::string DaemonLog();

  std::unique_ptr<testing::TempDir> dir_;
  std::string conf_, sock_;
  std::unique_ptr<testing::ChildProcess> daemon_;
};

// The unprivileged user the tests run programs as (created when missing; needs root).
bool EnsureTestUser(std::string* why);

}  // namespace slapos::supervise
