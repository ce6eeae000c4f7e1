// Starting one child: command-line splitting (shlex-like, as supervisord does), program
// lookup in PATH, and a vfork-style clone/exec into its own session as the configured user
// with directory, umask, environment and the given stdio descriptors. The clone shares the
// parent's memory and descriptor table until exec (no page-table or fd-table copy), so the
// cost of a spawn does not grow with the daemon's size or its thousands of open descriptors.
// ForkExec briefly swaps the caller's descriptors 0-2, so it must not run concurrently with
// other threads that use them; the supervisor is single-threaded.
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
  std::string user;                // for messages; may be empty or numeric
  // Supplementary groups set with `uid` (SupplementaryGroups()); empty = computed at spawn.
  std::vector<gid_t> groups;
  int umask = -1;
  int stdin_fd = -1, stdout_fd = -1, stderr_fd = -1;  // child ends; -1 = /dev/null
};

// The groups of the user `uid` (from the passwd/group databases) plus `gid`.
std::vector<gid_t> SupplementaryGroups(uid_t uid, gid_t gid);

// Clones (CLONE_VM|CLONE_VFORK|CLONE_FILES) and execs; returns once the child has exec'ed.
// The child gets only descriptors 0-2, an empty signal mask and default signal dispositions.
// A failure in the child (chdir, setuid, exec) is written to its stderr and it exits 127:
// the caller sees a quick exit, as with supervisord.
Result<pid_t> ForkExec(const SpawnSpec& spec);

}  // namespace slapos::supervise
