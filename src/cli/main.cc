// slapos: one binary, git-style subcommands. See command.h for how families register.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

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
  for (const Command& c : Commands()) {
    if (c.name == argv[1]) return c.run(c.name, std::vector<std::string>(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "slapos: unknown command '%s'; run 'slapos --help' for the list\n", argv[1]);
  return 1;
}
