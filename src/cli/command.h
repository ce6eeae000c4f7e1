// The `slapos` binary's command table. Each command family lives in its own `*_cmd.cc` file
// in this folder and registers its top-level words with SLAPOS_COMMAND; main.cc dispatches.
// Registration happens during static initialisation, before main(); not thread-safe after.
#pragma once

#include <string>
#include <vector>

namespace slapos::cli {

// `args` are the words after the command name (argv[2...]).
using CommandFn = int (*)(const std::string& name, const std::vector<std::string>& args);

struct Command {
  std::string name;     // the top-level word: "master", "supervisord", "node", ...
  std::string summary;  // one line for `slapos --help`
  CommandFn run;
};

std::vector<Command>& Commands();

struct Registrar {
  Registrar(const char* name, const char* summary, CommandFn fn) { Commands().push_back({name, summary, fn}); }
};

}  // namespace slapos::cli

#define SLAPOS_CLI_CONCAT_(a, b) a##b
#define SLAPOS_CLI_CONCAT(a, b) SLAPOS_CLI_CONCAT_(a, b)
// SLAPOS_COMMAND("master", "run the master API server", RunMaster);
#define SLAPOS_COMMAND(name, summary, fn) \
  static ::slapos::cli::Registrar SLAPOS_CLI_CONCAT(slapos_command_, __LINE__)(name, summary, fn)
