// `slapos node daemon`: the node's own scheduler in place of SlapOS's cron lines. Each step
// (format, software, instance, report) is a child process (`<slapos> node <step> --cfg ...`),
// so a long software build never delays instance runs. A step runs when it is due and not
// already running; format runs first, and the other steps start only once the first format
// has finished. DaemonSchedule is the pure timing logic (clock injected through Env);
// RunDaemon is the real loop with children and signals. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/env.h"
#include "util/status.h"

namespace slapos::node {

struct DaemonStep {
  std::string name;               // "format", "software", ...
  std::vector<std::string> argv;  // the child's command line
  int64_t interval_micros = 60'000'000;
  bool first = false;  // the step every other waits for at start (format)
};

// What the loop does next: start these steps now, then wake up at `wake_micros` at the latest
// (monotonic clock).
struct DaemonTick {
  std::vector<std::string> start;
  int64_t wake_micros = 0;
};

class DaemonSchedule {
 public:
  // Every step is due at construction time (monotonic now).
  DaemonSchedule(std::vector<DaemonStep> steps, Env& env);

  // The steps due now and not running; they are marked running and their next run is set to
  // now + interval (fixed rate from the start; a step longer than its interval runs again as
  // soon as it finishes).
  DaemonTick Tick();
  // A started step has exited.
  void Finished(const std::string& name, int exit_code);

  const DaemonStep* Find(const std::string& name) const;
  bool Running(const std::string& name) const;
  int Runs(const std::string& name) const;
  int LastExitCode(const std::string& name) const;

 private:
  struct State {
    DaemonStep step;
    int64_t next_micros = 0;
    bool running = false;
    int runs = 0;
    int last_exit = 0;
  };
  Env& env_;
  std::vector<State> states_;
  bool first_done_ = false;
};

struct DaemonOptions {
  std::vector<DaemonStep> steps;
  double stop_grace_seconds = 60;  // after SIGTERM: children get this long, then SIGKILL
  // Daemons a step may launch that must outlive us (the node's supervisor): the pid in each
  // file is never signalled.
  std::vector<std::string> keep_pidfiles;
};

// Runs until SIGTERM or SIGINT: starts due steps as children (own process group, output
// inherited), reaps them, and on the signal sends SIGTERM to every running child's group,
// waits up to stop_grace_seconds, SIGKILLs what is left and returns. The daemon is a child
// subreaper, so a step's own children left behind (e.g. a report script in its own process
// group) come back to it and are terminated the same way, except the keep_pidfiles daemons.
// Must be called from the main thread before any other thread exists (it blocks the signals
// it waits for).
Status RunDaemon(const DaemonOptions& options);

// Default steps for `slapos node daemon`: `<binary> node <name> --cfg <cfg>` with the given
// intervals in seconds; format is first.
std::vector<DaemonStep> NodeDaemonSteps(const std::string& binary, const std::string& cfg, double format_interval,
                                        double software_interval, double instance_interval, double report_interval);

// `slapos node boot`'s last step (node.md §1.12): deletes <path>/.timestamp of every partition
// so the next `node instance` redeploys them all. Returns how many were removed.
Result<int> ResetPartitionTimestamps(const std::vector<std::string>& partition_paths);

}  // namespace slapos::node
