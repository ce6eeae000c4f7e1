// slapos: one binary, git-style subcommands. See command.h for how families register.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "cli/command.h"

namespace slapos::cli {

std::vector<Command>& Commands() {
  static std::vector<Command> commands;
  return commands;
}

namespace {

void PrintUsage(FILE* out) {
  std::vector<Command> cmds = Commands();
  std::sort(cmds.begin(), cmds.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
  std::fprintf(out,
               "usage: slapos COMMAND [ARGS...]\n\n"
               "slapos-cpp: the SlapOS distributed cloud in C++.\n\n"
               "Commands:\n");
  for (const Command& c : cmds) std::fprintf(out, "  %-14s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out, "\nRun 'slapos COMMAND --help' for the options of one command.\n");
}

#ifndef SLAPOS_LEAN_IMAGE
// The long-running commands have lean images beside the binary (src/cli/CMakeLists.txt): exec
// the one for `command` when it exists, so the daemon maps only the libraries it uses. Returns
// only when there is none (or SLAPOS_IN_PROCESS is set), and the command then runs in-process.
void ExecLeanImage(const char* command, char** argv) {
  static const char* const kImages[][2] = {
      {"master", "slapos-master"}, {"proxy", "slapos-master"}, {"supervisord", "slapos-supervisord"}};
  if (std::getenv("SLAPOS_IN_PROCESS") != nullptr) return;
  for (const auto& image : kImages) {
    if (std::strcmp(command, image[0]) != 0) continue;
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return;
    std::string path(self, static_cast<size_t>(n));
    path = path.substr(0, path.rfind('/') + 1) + image[1];
    if (access(path.c_str(), X_OK) != 0) return;
    execv(path.c_str(), argv);  // returns only on failure: run in-process instead
    return;
  }
}
#endif

}  // namespace
}  // namespace slapos::cli

int main(int argc, char** argv) {
  using namespace slapos::cli;
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    PrintUsage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 1 : 0;
  }
  if (std::strcmp(argv[1], "--version") == 0) {
    std::printf("slapos-cpp %s\n", SLAPOS_VERSION);
    return 0;
  }
#ifndef SLAPOS_LEAN_IMAGE
  ExecLeanImage(argv[1], argv);
#endif
  for (const Command& c : Commands()) {
    if (c.name == argv[1]) return c.run(c.name, std::vector<std::string>(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "slapos: unknown command '%s'; run 'slapos --help' for the list\n", argv[1]);
  return 1;
}
