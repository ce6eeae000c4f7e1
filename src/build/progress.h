// Progress of the long steps of a build (downloads, configure/make, shell commands). On a
// terminal, a live status line is rewritten in place (step, elapsed time, bytes/total and rate
// or the command's last output line) and ordinary log lines print above it; elsewhere (logs,
// pipes) each step gives one line when it starts and one when it ends, with its duration, and
// no control characters. Thread-safe: a step's output may be reported from another thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "util/env.h"

namespace slapos::build {

class Progress {
 public:
  struct Options {
    // true: live status line (stderr is a TTY). false: one line per step start/end.
    bool terminal = false;
    // Terminal mode: raw text for the terminal (control characters included, newlines given).
    // Log mode: one line, without its newline.
    std::function<void(const std::string&)> write;
    Env* env = nullptr;              // clock; null: Env::Default()
    int width = 80;                  // terminal columns; the live line is cut to width - 1
    int64_t redraw_micros = 100000;  // at most one redraw per this interval
  };

  explicit Progress(Options options);
  ~Progress();  // erases a live line left on the terminal
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool terminal() const { return options_.terminal; }

  // An ordinary log line ("Installing a."). On a terminal it prints above the live line.
  void Log(const std::string& line);
  // A step starts. `label` names it in the live line and in the end line ("part [gcc]: make");
  // `start_line` is logged as the step's first line (empty: `label`).
  void Begin(const std::string& label, const std::string& start_line = "");
  // A download's progress: `done` bytes of `total` (0: unknown).
  void Bytes(uint64_t done, uint64_t total);
  // A chunk of the step's output: the live line shows its last non-empty line.
  void Output(std::string_view chunk);
  // The step ends: "<label>: done in 1.2s" (downloads add size and rate) or
  // "<label>: failed after 1.2s".
  void End(bool ok);

  // "1.5 MB", "512 B"; "3.2s", "2m05s" (for tests and messages).
  static std::string FormatBytes(uint64_t bytes);
  static std::string FormatDuration(int64_t micros);

 private:
  int64_t Now() const;
  std::string LiveLineLocked(int64_t now) const;
  void RedrawLocked(int64_t now, bool force);
  void EraseLocked();

  Options options_;
  std::mutex mu_;
  bool active_ = false;
  std::string label_;
  int64_t started_ = 0;
  int64_t last_draw_ = 0;
  bool drawn_ = false;  // a live line is on the terminal
  uint64_t done_ = 0, total_ = 0;
  bool bytes_seen_ = false;
  std::string partial_;    // output since the last newline
  std::string last_line_;  // last complete non-empty output line
};

// One step on a Progress: `progress` when given, otherwise a log-mode Progress writing through
// `log` (what the node's runs get). The step ends as failed unless Done(true) is called.
class ProgressStep {
 public:
  ProgressStep(Progress* progress, const std::function<void(const std::string&)>& log,
               const std::string& label, const std::string& start_line = "");
  ~ProgressStep();
  ProgressStep(const ProgressStep&) = delete;
  ProgressStep& operator=(const ProgressStep&) = delete;

  Progress& progress() { return *progress_; }
  void Done(bool ok);

 private:
  std::unique_ptr<Progress> own_;
  Progress* progress_;
  bool ended_ = false;
};

}  // namespace slapos::build
