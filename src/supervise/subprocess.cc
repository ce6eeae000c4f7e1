#include "supervise/subprocess.h"

#include <algorithm>
#include <csignal>
#include <ctime>
#include <sys/wait.h>

#include "supervise/backoff.h"

namespace slapos::supervise {

const char* StateName(ProcessState s) {
  switch (s) {
    case ProcessState::kStopped: return "STOPPED";
    case ProcessState::kStarting: return "STARTING";
    case ProcessState::kRunning: return "RUNNING";
    case ProcessState::kBackoff: return "BACKOFF";
    case ProcessState::kStopping: return "STOPPING";
    case ProcessState::kExited: return "EXITED";
    case ProcessState::kFatal: return "FATAL";
    case ProcessState::kUnknown: return "UNKNOWN";
  }
  return "UNKNOWN";
}

bool IsRunningState(ProcessState s) {
  return s == ProcessState::kStarting || s == ProcessState::kRunning || s == ProcessState::kBackoff;
}

void Subprocess::ChangeState(ProcessState to) {
  ProcessState from = state_;
  state_ = to;
  host_->StateChanged(*this, from);
}

Status Subprocess::Start() {
  if (IsRunningState(state_) || state_ == ProcessState::kStopping)
    return FailedPrecondition(FullName() + " is already " + StateName(state_));
  tries_ = 0;
  administrative_stop_ = false;
  Spawn();
  return Status::OK();
}

void Subprocess::Spawn() {
  host_->CancelTimer(*this);
  laststart_mono_ = env_->MonotonicMicros();
  start_wall_ = env_->NowMicros() / 1000000;
  spawnerr_.clear();
  killed_ = false;
  ChangeState(ProcessState::kStarting);
  Result<pid_t> pid = host_->Spawn(*this);
  if (!pid.ok()) {
    spawnerr_ = pid.status().message();
    host_->Log("info", "spawnerr: " + spawnerr_);
    ++tries_;
    ChangeState(ProcessState::kBackoff);
    RetryOrGiveUp();
    return;
  }
  pid_ = *pid;
  last_pid_ = pid_;
  host_->Log("info", "spawned: '" + config_->name + "' with pid " + std::to_string(pid_));
  if (config_->startsecs == 0) {
    host_->Log("info", "success: " + config_->name + " entered RUNNING state, process has stayed up for > than 0 seconds (startsecs)");
    ChangeState(ProcessState::kRunning);
  } else {
    host_->SetTimer(*this, laststart_mono_ + static_cast<int64_t>(config_->startsecs) * 1000000);
  }
}

void Subprocess::RetryOrGiveUp() {
  if (state_ != ProcessState::kBackoff) return;
  if (config_->startretries >= 0 && tries_ > config_->startretries) {
    host_->CancelTimer(*this);
    host_->Log("info", "gave up: " + config_->name + " entered FATAL state, too many start retries too quickly");
    ChangeState(ProcessState::kFatal);
    return;
  }
  int64_t delay = BackoffDelayMicros(tries_, config_->backoff_initial_secs, config_->backoff_max_secs, env_->Random());
  host_->SetTimer(*this, env_->MonotonicMicros() + delay);
}

Status Subprocess::Stop() {
  administrative_stop_ = true;
  switch (state_) {
    case ProcessState::kBackoff:
      host_->CancelTimer(*this);
      ChangeState(ProcessState::kStopped);
      return Status::OK();
    case ProcessState::kStarting:
    case ProcessState::kRunning: {
      host_->Log("info", "waiting for " + config_->name + " to stop");
      int64_t now = env_->MonotonicMicros();
      ChangeState(ProcessState::kStopping);
      host_->Kill(*this, config_->stopsignal, config_->stopasgroup);
      host_->SetTimer(*this, now + static_cast<int64_t>(config_->stopwaitsecs) * 1000000);
      return Status::OK();
    }
    case ProcessState::kStopping:
      return Status::OK();
    case ProcessState::kExited:
      host_->CancelTimer(*this);  // a pending autorestart
      return FailedPrecondition(FullName() + " is not running (EXITED)");
    default:
      return FailedPrecondition(FullName() + " is not running (" + StateName(state_) + ")");
  }
}

void Subprocess::OnTimer() {
  switch (state_) {
    case ProcessState::kStarting:
      tries_ = 0;
      host_->CancelTimer(*this);
      host_->Log("info", "success: " + config_->name + " entered RUNNING state, process has stayed up for > than " +
                             std::to_string(config_->startsecs) + " seconds (startsecs)");
      ChangeState(ProcessState::kRunning);
      break;
    case ProcessState::kBackoff:
    case ProcessState::kExited:  // delayed autorestart
      Spawn();
      break;
    case ProcessState::kStopping:
      if (pid_ > 0 && !killed_) {
        killed_ = true;
        host_->Log("warn", "killing '" + config_->name + "' (" + std::to_string(pid_) + ") with SIGKILL");
        host_->Kill(*this, SIGKILL, config_->killasgroup);
      }
      break;
    default:
      break;
  }
}

void Subprocess::OnExit(int wait_status) {
  int64_t now_mono = env_->MonotonicMicros();
  stop_wall_ = env_->NowMicros() / 1000000;
  int code = -1;
  std::string how;
  if (WIFEXITED(wait_status)) {
    code = WEXITSTATUS(wait_status);
    how = "exit status " + std::to_string(code);
  } else if (WIFSIGNALED(wait_status)) {
    how = std::string("terminated by SIG") + SignalName(WTERMSIG(wait_status));
  }
  pid_ = 0;
  host_->CancelTimer(*this);
  bool expected = code >= 0 && std::find(config_->exitcodes.begin(), config_->exitcodes.end(), code) != config_->exitcodes.end();
  exitstatus_ = code;
  if (state_ == ProcessState::kStopping) {
    host_->Log("info", "stopped: " + config_->name + " (" + how + ")");
    ChangeState(ProcessState::kStopped);
    return;
  }
  bool too_quickly = state_ == ProcessState::kStarting &&
                     now_mono - laststart_mono_ < static_cast<int64_t>(config_->startsecs) * 1000000;
  if (too_quickly) {
    host_->Log("info", "exited: " + config_->name + " (" + how + "; not expected)");
    spawnerr_ = "Exited too quickly (process log may have details)";
    ++tries_;
    ChangeState(ProcessState::kBackoff);
    RetryOrGiveUp();
    return;
  }
  if (state_ == ProcessState::kStarting) ChangeState(ProcessState::kRunning);
  if (state_ != ProcessState::kRunning) return;  // not ours to handle (already stopped)
  exit_expected_ = expected;
  if (!expected) spawnerr_ = "Bad exit code " + std::to_string(code);
  host_->Log("info", "exited: " + config_->name + " (" + how + "; " + (expected ? "expected" : "not expected") + ")");
  ChangeState(ProcessState::kExited);
  bool restart = config_->autorestart == AutoRestart::kTrue ||
                 (config_->autorestart == AutoRestart::kUnexpected && !expected);
  if (!restart || state_ != ProcessState::kExited) return;
  // A process that keeps exiting right away is restarted with the same backoff as a failed
  // start, so that `autorestart=true` on a crashing program cannot spin the CPU.
  if (now_mono - laststart_mono_ >= 1000000) {
    tries_ = 0;
    Spawn();
    return;
  }
  ++tries_;
  host_->SetTimer(*this, now_mono + BackoffDelayMicros(tries_, config_->backoff_initial_secs, config_->backoff_max_secs,
                                                       env_->Random()));
}

std::string Subprocess::Description(int64_t now_wall) const {
  switch (state_) {
    case ProcessState::kRunning: {
      int64_t up = std::max<int64_t>(0, now_wall - start_wall_);
      int64_t days = up / 86400;
      up %= 86400;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%d:%02d:%02d", static_cast<int>(up / 3600), static_cast<int>(up / 60 % 60),
                    static_cast<int>(up % 60));
      std::string d = "pid " + std::to_string(pid_) + ", uptime ";
      if (days > 0) d += std::to_string(days) + (days == 1 ? " day, " : " days, ");
      return d + buf;
    }
    case ProcessState::kFatal:
    case ProcessState::kBackoff:
      return spawnerr_.empty() ? "unknown error (try \"tail " + config_->name + "\")" : spawnerr_;
    case ProcessState::kStopped:
    case ProcessState::kExited: {
      if (start_wall_ == 0) return "Not started";
      time_t t = static_cast<time_t>(stop_wall_);
      struct tm tm;
      localtime_r(&t, &tm);
      char buf[64];
      std::strftime(buf, sizeof buf, "%b %d %I:%M %p", &tm);
      return buf;
    }
    default:
      return "";
  }
}

}  // namespace slapos::supervise
