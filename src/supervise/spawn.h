// Starting one child: command-line splitting (shlex-like, as supervisord does), program
// lookup in PATH, and fork/exec into its own session as the configured user with directory,
// umask, environment and the given stdio descriptors. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "util/status.h"

namespace slapos::supervise {

// Splits like Python's shlex.split: whitespace, '...' and "..." quotes, backslash escapes.
Result<std::vector<std::string>> SplitCommand(const std::string& command);

// Finds `program` (a path, or a name searched in `path_var`). Errors start with the fault
// name: "NO_FILE: can't find command 'x'" or "NOT_EXECUTABLE: ...".
Result<std::string> ResolveProgram(const std::string& program, const std::string& path_var);

struct SpawnSpec {
  std::string file;                // resolved executable
  std::vector<std::string> argv;
  std::vector<std::string> env;    // "K=V"
  std::string directory;           // "" = inherit
  std::optional<uid_t> uid;
  gid_t gid = 0;
  std::string user;                // for initgroups; may be empty or numeric
  int umask = -1;
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // child ends; -1 = /dev/null
};

// Forks and execs. A failure after the fork (chdir, setuid, exec) is written to the child's
// stderr and the child exits 127: the caller sees a quick exit, as with supervisord.
Result<pid_t> ForkExec(const SpawnSpec& spec);

}  // namespace slapos::supervise
