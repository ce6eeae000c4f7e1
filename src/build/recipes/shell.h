// Running the shell snippets recipes carry (cmmi hooks and steps, plone.recipe.command):
// `/bin/sh -c <command>` in a directory with extra environment, output captured; a failure
// becomes an error naming the part, the step and the output's last lines. Thread-safe.
#pragma once

#include <map>
#include <string>

#include "build/progress.h"
#include "build/recipe.h"
#include "util/process.h"

namespace slapos::build::recipes {

struct ShellStep {
  std::string part;     // for messages
  std::string step;     // "configure", "make install", "pre-configure hook"...
  std::string command;  // shell text
  std::string cwd;
  std::map<std::string, std::string> env;  // added to the inherited environment
};

// Runs the step; logs "part [p]: <step>: <command>" through ctx.log. Non-zero exit: an IOError
// with the exit code and the last 30 lines of output.
Status RunShellStep(const ShellStep& step, const BuildContext& ctx);

// Runs `p` as the process of a progress step: on a terminal its output (captured through a
// temporary file a watcher thread tails) feeds the live line; otherwise plain RunProcess.
Result<ProcessResult> RunWithProgress(ProcessOptions p, Progress& progress);

// Expands Python-style `%(NAME)s` references to the current process environment (as cmmi's
// `environment` values do); `%%` is a literal `%`. An unknown variable is an error.
Result<std::string> ExpandEnvReferences(const std::string& value);

}  // namespace slapos::build::recipes
