// Running a child program to completion: argv, working directory, environment, optional
// user switch (setgid; setgroups with the list initgroups() would set, looked up before fork
// and cached while /etc/group and /etc/passwd are unchanged; setuid), a timeout, and its output
// captured or sent to a file. Thread-safe (each call owns its child). For long-lived daemons
// see src/supervise/.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "util/status.h"

namespace slapos {

struct ProcessOptions {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::string cwd;                // empty: inherit
  // When set, the child gets exactly this environment; otherwise it inherits ours plus `extra_env`.
  std::optional<std::map<std::string, std::string>> env;
  std::map<std::string, std::string> extra_env;
  std::optional<uid_t> uid;  // switch user (needs root); gid and groups follow from the user
  std::optional<gid_t> gid;
  std::string stdin_data;          // written to the child's stdin, then closed
  std::string output_file;         // non-empty: stdout+stderr appended there instead of captured
  size_t max_captured = 1 << 20;   // keep at most the last this many bytes of output
  double timeout_seconds = 0;      // 0: none; on expiry the process group gets SIGKILL
};

struct ProcessResult {
  int exit_code = -1;    // -1 when killed by a signal
  int term_signal = 0;   // the signal that ended it, or 0
  bool timed_out = false;
  std::string output;    // stdout+stderr interleaved (tail), unless output_file was set
  bool success() const { return exit_code == 0 && !timed_out; }
};

// Starts the child in its own process group and waits for it. A failure to start (no such
// program, bad cwd, bad user) is a Status error; a non-zero exit is a ProcessResult.
Result<ProcessResult> RunProcess(const ProcessOptions& options);

}  // namespace slapos
