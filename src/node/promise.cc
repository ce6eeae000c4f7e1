#include "node/promise.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <dirent.h>
#include <nlohmann/json.hpp>

#include "util/file.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

constexpr size_t kMaxMessage = 5000;

std::string IsoDate(int64_t micros) {
  time_t t = static_cast<time_t>(micros / 1000000);
  struct tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+0000", &tm);
  return buf;
}

std::string FormatSeconds(double s) {
  if (s == std::floor(s)) return std::to_string(static_cast<long long>(s));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

Result<std::vector<std::string>> ListPromiseFiles(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return names;
    return ErrnoError("listing " + dir, errno);
  }
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Result<std::vector<PromiseResult>> RunPromises(const PromiseRunOptions& o, Env& env) {
  std::string dir = o.partition_path + "/etc/promise";
  SLAPOS_ASSIGN_OR_RETURN(auto names, ListPromiseFiles(dir));
  std::map<std::string, std::string> child_env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"LC_ALL", "C.UTF-8"}};
  if (o.uid) {
    if (passwd* pw = getpwuid(*o.uid)) {
      child_env["USER"] = child_env["LOGNAME"] = pw->pw_name;
      child_env["HOME"] = pw->pw_dir;
    }
  } else {
    child_env["HOME"] = o.partition_path;
  }
  std::vector<PromiseResult> results;
  for (const std::string& name : names) {
    std::string path = dir + "/" + name;
    struct stat st{};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
      LOG_WARNING("promise {}: not an executable file, skipped", path);
      continue;
    }
    ProcessOptions p;
    p.argv = {path};
    p.cwd = o.partition_path;
    p.env = child_env;
    p.uid = o.uid;
    p.gid = o.gid;
    p.timeout_seconds = o.timeout_seconds;
    p.max_captured = 64 * 1024;
    PromiseResult r;
    r.name = name;
    r.path = path;
    int64_t start = env.MonotonicMicros();
    auto run = RunProcess(p);
    r.seconds = static_cast<double>(env.MonotonicMicros() - start) / 1e6;
    if (!run.ok()) {
      r.failed = true;
      r.message = "Error: cannot run the promise: " + run.status().message();
    } else if (run->timed_out) {
      r.failed = r.timed_out = true;
      r.message = "Error: Promise timed out after " + FormatSeconds(o.timeout_seconds) + " seconds";
    } else {
      r.failed = !run->success();
      r.message = std::string(Trim(run->output));
      if (r.message.size() > kMaxMessage) r.message = r.message.substr(r.message.size() - kMaxMessage);
      if (r.failed && r.message.empty())
        r.message = run->term_signal ? "Error: killed by signal " + std::to_string(run->term_signal)
                                     : "Error: exit code " + std::to_string(run->exit_code);
    }
    LOG_INFO("promise {}: {}{}", path, r.failed ? "failed" : "ok", r.failed ? ": " + r.message : "");
    if (o.save_results) {
      nlohmann::json j = {{"title", name},
                          {"name", name},
                          {"path", path},
                          {"execution-time", r.seconds},
                          {"result",
                           {{"type", "Test Result"},
                            {"failed", r.failed},
                            {"date", IsoDate(env.NowMicros())},
                            {"message", r.message}}}};
      std::string result_dir = o.partition_path + "/.slapgrid/promise/result";
      Status s = MakeDirs(result_dir, 0750);
      if (s.ok()) s = WriteFileUnsynced(result_dir + "/" + name + ".status.json", j.dump(2) + "\n", 0644);
      if (!s.ok()) LOG_WARNING("promise {}: cannot save its result: {}", path, s.message());
    }
    results.push_back(std::move(r));
  }
  return results;
}

std::optional<std::string> FirstPromiseFailure(const std::vector<PromiseResult>& results) {
  for (const auto& r : results)
    if (r.failed) return "Promise '" + r.name + "' failed with output: " + r.message;
  return std::nullopt;
}

}  // namespace slapos::node
