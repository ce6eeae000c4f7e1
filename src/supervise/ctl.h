// `slapos supervisorctl -c FILE COMMAND...`: the control client's commands (status, start,
// stop, restart, update, reread, avail, tail [-f], signal, pid, clear, maintail, reload,
// shutdown, version) with supervisorctl's output and exit codes. Thread-compatible.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "supervise/client.h"

namespace slapos::supervise {

// Runs one command (args[0] is its name). Output goes to `out`; returns the exit code
// (0 ok, 1 error, 2 bad usage, 3 a process not running, 4 no such process/group...).
int RunCtlCommand(const SupervisorClient& client, const std::vector<std::string>& args, std::ostream& out);

// The help text listing the commands.
std::string CtlHelp();

}  // namespace slapos::supervise
