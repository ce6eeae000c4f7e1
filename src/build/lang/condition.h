// The evaluator for conditional section headers `[name:expression]` (profiles.md §1.2): PEP 508
// markers (`python_version >= "3.0" and sys_platform == "linux"`) and the Python expressions
// SlapOS profiles use (`python3`, `bits64`, `linux and platform.machine() == "x86_64"`,
// `sys.version_info < (3,8)`, `platform.freedesktop_os_release()['ID']`, `os.path.isdir(..)`,
// `os.access(.., os.X_OK)`, `open(..).read()`, `in`, `and/or/not`, comparisons). Pure apart
// from the filesystem reads those functions make. Thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/status.h"

namespace slapos::build::lang {

// What the names describe. Buildout evaluates them for the Python interpreter running it; a
// native engine has none, so Host() describes Python `python_major.python_minor` (3.11, the
// version SlapOS releases build) on the machine we run on.
struct ConditionEnv {
  int python_major = 3;
  int python_minor = 11;
  int python_micro = 0;
  std::string machine = "x86_64";  // platform.machine()
  std::string system = "Linux";    // platform.system()
  std::string sys_platform = "linux";
  int bits = 64;
  bool little_endian = true;
  std::map<std::string, std::string> os_release;  // platform.freedesktop_os_release()
  static const ConditionEnv& Host();
};

// True/false, or InvalidArgument naming what is not understood.
Result<bool> EvaluateCondition(std::string_view expression, const ConditionEnv& env);

}  // namespace slapos::build::lang
