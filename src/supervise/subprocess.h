// One supervised process and its state machine (supervisord's states: STOPPED, STARTING,
// RUNNING, BACKOFF, STOPPING, EXITED, FATAL). It decides; a ProcessHost acts (fork/exec, kill,
// one timer per process, events). Time comes from Env, so tests drive it with a FakeEnv and a
// fake host. Not thread-safe: lives on the supervisor's event loop.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <sys/types.h>

#include "supervise/config.h"
#include "util/env.h"
#include "util/status.h"

namespace slapos::supervise {

enum class ProcessState {
  kStopped = 0, kStarting = 10, kRunning = 20, kBackoff = 30, kStopping = 40,
  kExited = 100, kFatal = 200, kUnknown = 1000,
};
const char* StateName(ProcessState s);
// STARTING, RUNNING, BACKOFF (supervisord's RUNNING_STATES).
bool IsRunningState(ProcessState s);

class Subprocess;

class ProcessHost {
 public:
  virtual ~ProcessHost() = default;
  // Forks and execs the process; an error becomes its spawnerr.
  virtual Result<pid_t> Spawn(Subprocess& p) = 0;
  virtual void Kill(Subprocess& p, int sig, bool as_group) = 0;
  // At most one timer per process: setting one replaces the previous.
  virtual void SetTimer(Subprocess& p, int64_t when_monotonic_micros) = 0;
  virtual void CancelTimer(Subprocess& p) = 0;
  // Called after every state change (events, logging, waiting RPC calls).
  virtual void StateChanged(Subprocess& p, ProcessState from) = 0;
  virtual void Log(const std::string& level, const std::string& line) = 0;
};

class Subprocess {
 public:
  // The configuration is shared (e.g. with the GroupConfig it came from), never copied.
  Subprocess(std::shared_ptr<const ProcessConfig> config, ProcessHost* host, Env* env)
      : config_(std::move(config)), host_(host), env_(env) {}
  Subprocess(ProcessConfig config, ProcessHost* host, Env* env)
      : Subprocess(std::make_shared<const ProcessConfig>(std::move(config)), host, env) {}

  // Starts from STOPPED, EXITED, FATAL or BACKOFF; FailedPrecondition when already running.
  Status Start();
  // Stops (STOPPING then STOPPED); from BACKOFF goes straight to STOPPED.
  Status Stop();
  // The child exited with this waitpid() status.
  void OnExit(int wait_status);
  // The timer this process asked for fired.
  void OnTimer();
  // Autostart at daemon start / group add.
  void MaybeAutostart() { if (config_->autostart && state_ == ProcessState::kStopped) (void)Start(); }

  const ProcessConfig& config() const { return *config_; }
  std::string FullName() const { return config_->group + ":" + config_->name; }
  // An opaque pointer for the host (its own record of this process).
  void* host_data() const { return host_data_; }
  void set_host_data(void* d) { host_data_ = d; }
  ProcessState state() const { return state_; }
  pid_t pid() const { return pid_; }
  pid_t last_pid() const { return last_pid_; }
  int64_t start_time() const { return start_wall_; }  // seconds since epoch; 0: never
  int64_t stop_time() const { return stop_wall_; }
  const std::string& spawnerr() const { return spawnerr_; }
  int exitstatus() const { return exitstatus_; }
  bool exit_expected() const { return exit_expected_; }
  int tries() const { return tries_; }
  bool administrative_stop() const { return administrative_stop_; }
  // "pid 123, uptime 0:01:02" and the like, as supervisord describes it.
  std::string Description(int64_t now_wall) const;

 private:
  void Spawn();
  void ChangeState(ProcessState to);
  void RetryOrGiveUp();

  std::shared_ptr<const ProcessConfig> config_;
  ProcessHost* host_;
  void* host_data_ = nullptr;
  Env* env_;
  ProcessState state_ = ProcessState::kStopped;
  pid_t pid_ = 0;
  pid_t last_pid_ = 0;
  int64_t start_wall_ = 0;
  int64_t stop_wall_ = 0;
  int64_t laststart_mono_ = 0;
  std::string spawnerr_;
  int exitstatus_ = 0;
  bool exit_expected_ = false;
  int tries_ = 0;
  bool administrative_stop_ = false;
  bool killed_ = false;
};

}  // namespace slapos::supervise
