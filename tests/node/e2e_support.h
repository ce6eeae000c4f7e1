// Helpers shared by the compute node's end-to-end tests: run a command (a failure to start it is
// a test failure), read a file for a failure message, the processes of a user, a file's mode.
// The fixtures are in e2e_fixture.h. Header-only, test code only.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

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

// Pids of the processes running as `uid`.
inline std::vector<int> ProcessesOf(uid_t uid) {
  std::vector<int> pids;
  DIR* d = opendir("/proc");
  if (!d) return pids;
  while (dirent* e = readdir(d)) {
    long long pid = 0;
    if (!ParseInt64(e->d_name, &pid)) continue;
    struct stat st{};
    if (stat(("/proc/" + std::string(e->d_name)).c_str(), &st) == 0 && st.st_uid == uid)
      pids.push_back(static_cast<int>(pid));
  }
  closedir(d);
  return pids;
}

inline mode_t ModeOf(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

}  // namespace slapos::e2e
