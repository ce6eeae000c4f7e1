// Command-line parsing shared by every command family: CLI11 over the words after the
// command name, with --help handled. Not thread-safe (CLI11 apps are not).
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace slapos::cli {

// Parses `args` into `app`. Returns -1 when the command should go on; otherwise the exit code
// to return at once: 0 after --help (printed), CLI11's non-zero code after a usage error
// (message printed on stderr).
int ParseArgs(CLI::App& app, const std::vector<std::string>& args);

}  // namespace slapos::cli
