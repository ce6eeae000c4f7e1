#include "build/recipes/shell.h"

#include <cstdlib>

#include "util/process.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {
std::string LastLines(const std::string& text, size_t n) {
  auto lines = Split(std::string(TrimRight(text)), '\n');
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - static_cast<long>(n));
  return Join(lines, "\n");
}
}  // namespace

Status RunShellStep(const ShellStep& step, const BuildContext& ctx) {
  if (ctx.log) ctx.log("part [" + step.part + "]: " + step.step + ": " + step.command);
  ProcessOptions p;
  p.argv = {"/bin/sh", "-c", step.command};
  p.cwd = step.cwd;
  p.extra_env = step.env;
  p.max_captured = 64 * 1024;
  SLAPOS_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(p));
  if (r.success()) return Status::OK();
  std::string how = r.exit_code >= 0 ? "exit code " + std::to_string(r.exit_code)
                                     : "signal " + std::to_string(r.term_signal);
  return IOError("part [" + step.part + "]: " + step.step + " failed (" + how + ") in " +
                 (step.cwd.empty() ? std::string(".") : step.cwd) + ": " + step.command +
                 "\n--- last output ---\n" + LastLines(r.output, 30));
}

Result<std::string> ExpandEnvReferences(const std::string& value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '(') {
      auto close = value.find(")s", i + 2);
      if (close == std::string::npos)
        return InvalidArgument("unterminated %(...)s reference in: " + value);
      std::string name = value.substr(i + 2, close - i - 2);
      const char* v = getenv(name.c_str());
      if (!v)
        return InvalidArgument("%(" + name + ")s: environment variable " + name +
                               " is not set (in: " + value + ")");
      out += v;
      i = close + 1;
      continue;
    }
    out += '%';
  }
  return out;
}

}  // namespace slapos::build::recipes
