#include "build/recipes/shell.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string_view>
#include <thread>

#include "build/progress.h"
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

Result<ProcessResult> RunWithProgress(ProcessOptions p, Progress& progress) {
  if (!progress.terminal()) return RunProcess(p);
  char tmpl[] = "/tmp/slapos-step-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return ErrnoError("cannot create a temporary file for a build step's output", errno);
  const std::string path = tmpl;
  p.output_file = path;
  std::mutex mu;
  std::condition_variable cv;
  bool stop = false;
  std::string tail;
  auto drain = [&] {
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      std::string_view chunk(buf, static_cast<size_t>(n));
      progress.Output(chunk);
      tail.append(chunk);
      if (tail.size() > 2 * p.max_captured) tail.erase(0, tail.size() - p.max_captured);
    }
  };
  std::thread watcher([&] {
    std::unique_lock<std::mutex> lock(mu);
    while (!stop) {
      lock.unlock();
      drain();
      lock.lock();
      cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop; });
    }
  });
  Result<ProcessResult> r = RunProcess(p);
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  watcher.join();
  drain();
  close(fd);
  unlink(path.c_str());
  if (r.ok()) {
    if (tail.size() > p.max_captured) tail.erase(0, tail.size() - p.max_captured);
    r->output = std::move(tail);
  }
  return r;
}

Status RunShellStep(const ShellStep& step, const BuildContext& ctx) {
  const std::string label = "part [" + step.part + "]: " + step.step;
  ProgressStep progress(ctx.progress, ctx.log, label, label + ": " + step.command);
  ProcessOptions p;
  p.argv = {"/bin/sh", "-c", step.command};
  p.cwd = step.cwd;
  p.extra_env = step.env;
  p.max_captured = 64 * 1024;
  SLAPOS_ASSIGN_OR_RETURN(ProcessResult r, RunWithProgress(p, progress.progress()));
  progress.Done(r.success());
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
