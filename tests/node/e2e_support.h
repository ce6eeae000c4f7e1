// Helpers shared by the compute node's end-to-end tests: run a command (a failure to start it is
// a test failure) and read a file for a failure message. Header-only, test code only.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/file.h"
#include "util/process.h"

namespace slapos::e2e {

// Runs `argv` to completion (output captured), killing it after `timeout` seconds.
inline ProcessResult Exec(const std::vector<std::string>& argv, double timeout = 600) {
  ProcessOptions o;
  o.argv = argv;
  o.timeout_seconds = timeout;
  auto r = RunProcess(o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ProcessResult{};
}

// The file's content, or a note saying it could not be read (for assertion messages).
inline std::string Slurp(const std::string& path) {
  auto r = ReadFile(path);
  return r.ok() ? *r : "(cannot read " + path + ")";
}

}  // namespace slapos::e2e
