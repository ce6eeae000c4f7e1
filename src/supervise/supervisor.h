// The supervisor daemon's core: the process groups of the running configuration, spawning and
// reaping children, their output and logs, event listeners, reload (reread + add/remove one
// group without touching others) and shutdown. Runs on one EventLoop; not thread-safe.
#pragma once

#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "supervise/config.h"
#include "supervise/logfile.h"
#include "supervise/loop.h"
#include "supervise/subprocess.h"

namespace slapos::supervise {

// Where a streaming `tail -f` response goes (implemented by the control server).
class LogFollower {
 public:
  virtual ~LogFollower() = default;
  virtual void OnLogData(std::string_view data) = 0;
};

enum class ListenerState { kAcknowledged, kReady, kBusy };

struct QueuedEvent {
  std::string name;     // PROCESS_STATE_EXITED ...
  std::string payload;
  uint64_t serial = 0;  // daemon-wide event serial
};

// The event listener protocol's state of one listener process (listeners only).
struct ListenerIo {
  ListenerState state = ListenerState::kAcknowledged;
  std::string buf;
  std::optional<QueuedEvent> event;  // being processed (re-queued on failure)
};

// One running process. Its configuration is shared with its group's GroupConfig (held once).
struct Process {
  std::unique_ptr<Subprocess> sp;
  // Log files (AUTO resolved to a file in childlogdir); null for NONE.
  std::unique_ptr<RotatingLog> stdout_log, stderr_log;
  int stdin_fd = -1;
  EventLoop::TimerId timer = 0;
  std::vector<std::weak_ptr<LogFollower>> stdout_followers, stderr_followers;
  std::unique_ptr<ListenerIo> listener;  // event listeners only
  std::weak_ptr<Process> self;

  const std::string& stdout_path() const;  // "" for NONE
  const std::string& stderr_path() const;
};

struct Group {
  // What was installed; shared with the last-read configuration while it is unchanged.
  std::shared_ptr<const GroupConfig> config;
  std::vector<std::shared_ptr<Process>> processes;
  // Event listener pool: events waiting for a READY listener.
  std::list<QueuedEvent> event_queue;
  uint64_t pool_serial = 0;
};

struct ReloadDiff {
  std::vector<std::string> added, changed, removed;
};

enum class DaemonState { kFatal = 2, kRunning = 1, kRestarting = 0, kShutdown = -1 };

class Supervisor : public ProcessHost {
 public:
  Supervisor(Config config, Env* env);
  ~Supervisor() override;

  // Opens logs and the control sockets (through `listen`), writes the pidfile, calls
  // `on_ready` (may be empty), starts autostart processes, runs
  // the loop until shutdown. Returns the new configuration when a restart (reload) was
  // requested (already validated), nullopt on shutdown.
  Result<std::optional<Config>> Run(const std::function<Status(Supervisor&)>& listen,
                                    const std::function<void()>& on_ready = {});

  EventLoop& loop() { return loop_; }
  // The daemon's settings (groups are in latest_groups()).
  const Config& config() const { return config_; }
  // The groups last read (at start or by reloadConfig), in (priority, name) order: what
  // getAllConfigInfo shows and addProcessGroup installs.
  const std::vector<std::shared_ptr<const GroupConfig>>& latest_groups() const { return latest_groups_; }
  DaemonState state() const { return state_; }
  Env* env() const { return env_; }

  // Groups in (priority, name) order.
  std::vector<Group*> Groups();
  Group* FindGroup(const std::string& name);
  // "group:name", or "name" for a process alone in its own-named group.
  Process* FindProcess(const std::string& group, const std::string& name);

  // reloadConfig: rereads the file; the new config waits for Add/RemoveGroup.
  Result<ReloadDiff> Reread();
  // addProcessGroup from the last reread config. Errors: NotFound (BAD_NAME), AlreadyExists.
  Status AddGroup(const std::string& name);
  // removeProcessGroup: FailedPrecondition (STILL_RUNNING) when a process is not stopped.
  Status RemoveGroup(const std::string& name);

  void RequestShutdown();
  // Rereads the configuration; when valid, stops everything and makes Run() return it.
  // A bad configuration is returned as an error and the daemon keeps running as it was.
  Status RequestRestart();
  void ClearMainLog();
  const std::string& main_log_path() const { return config_.daemon.logfile; }
  void MainLog(const std::string& level, const std::string& line);
  void FollowMainLog(std::weak_ptr<LogFollower> f) { main_followers_.push_back(std::move(f)); }

  // A callback run after each state change of `sp` until it returns true (checked at once).
  void AddStateWaiter(Subprocess* sp, std::function<bool()> fn);
  // Sends bytes to a process's stdin. FailedPrecondition when not running.
  Status SendStdin(Process& p, const std::string& data);
  // Emits a supervisord event (e.g. REMOTE_COMMUNICATION) to subscribed listeners; the pool
  // named `from_group` (the group of the process the event is about) does not get it.
  void EmitEvent(const std::string& name, const std::string& payload, const std::string* from_group = nullptr);
  // Clears a process's log files.
  Status ClearLogs(Process& p);

  // ProcessHost.
  Result<pid_t> Spawn(Subprocess& p) override;
  void Kill(Subprocess& p, int sig, bool as_group) override;
  void SetTimer(Subprocess& p, int64_t when) override;
  void CancelTimer(Subprocess& p) override;
  void StateChanged(Subprocess& p, ProcessState from) override;
  void Log(const std::string& level, const std::string& line) override { MainLog(level, line); }

 private:
  std::shared_ptr<Process> MakeProcess(std::shared_ptr<const ProcessConfig> pc);
  Group* InstallGroup(std::shared_ptr<const GroupConfig> gc);
  void OnSignal(int sig);
  void ReapChildren();
  void WatchOutput(int fd, std::weak_ptr<Process> proc, bool is_stderr);
  void OnOutput(Process& p, bool is_stderr, std::string_view data);
  void OnListenerStdout(Process& p, Group& g, std::string_view data);
  void DispatchEvents(Group& g);
  void StopAllForShutdown();
  bool AnySubscribed(const std::string& event) const;
  // No listener is busy with an event and no pool with a live listener has events waiting.
  bool PoolsDrained() const;
  // Arms the TICK_5/60/3600 timers that some listener pool subscribes to, cancels the others.
  void UpdateTickTimers();
  void OnTick(int index);
  const GroupConfig* FindLatestGroup(const std::string& name) const;
  void ListenerExited(Process& p, Group& g);
  void CheckShutdownDone();
  Process* ProcessOf(Subprocess& sp);

  Config config_;  // the daemon's settings; its `groups` are moved into latest_groups_
  std::vector<std::shared_ptr<const GroupConfig>> latest_groups_;
  ConfigCache config_cache_;  // Reread parses only the included files that changed
  Env* env_;
  EventLoop loop_;
  DaemonState state_ = DaemonState::kRunning;
  std::optional<Config> restart_config_;
  std::map<std::string, std::unique_ptr<Group>> groups_;
  std::vector<Group*> listener_pools_;  // the groups_ that are event listener pools
  std::unordered_map<pid_t, std::weak_ptr<Process>> by_pid_;
  std::unique_ptr<RotatingLog> main_log_;
  std::vector<std::weak_ptr<LogFollower>> main_followers_;
  std::unordered_map<const Subprocess*, std::vector<std::function<bool()>>> waiters_;
  void RunWaiters(const Subprocess* sp);
  uint64_t event_serial_ = 0;
  // Spawning: the daemon's environment ("K=V", read once), SUPERVISOR_SERVER_URL, and the
  // supplementary groups per (uid, gid), looked up once per configuration load.
  std::vector<std::string> base_env_;
  std::string server_url_;
  std::map<std::pair<uid_t, gid_t>, std::vector<gid_t>> groups_cache_;
  // TICK_5, TICK_60, TICK_3600: a timer only while some pool listens.
  EventLoop::TimerId tick_timer_[3] = {0, 0, 0};
  int64_t last_tick_[3] = {0, 0, 0};
  bool pools_stopping_ = false;  // shutdown: listeners are stopped after every other process
  EventLoop::TimerId drain_timer_ = 0;
  bool drain_expired_ = false;
};

// Parses a "group:name" spec: name "" for "group:*" or a bare group name.
void SplitNamespec(const std::string& spec, std::string* group, std::string* name);

}  // namespace slapos::supervise
