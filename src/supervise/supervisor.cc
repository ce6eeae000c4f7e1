#include "supervise/supervisor.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string_view>
#include <unordered_set>

#include "supervise/spawn.h"
#include "util/file.h"
#include "util/strings.h"

extern char** environ;

namespace slapos::supervise {

void SplitNamespec(const std::string& spec, std::string* group, std::string* name) {
  size_t colon = spec.find(':');
  if (colon == std::string::npos) {
    *group = spec;
    *name = spec;
    return;
  }
  *group = spec.substr(0, colon);
  *name = spec.substr(colon + 1);
  if (*name == "*") name->clear();
}

namespace {
const std::string kEmpty;
}

const std::string& Process::stdout_path() const { return stdout_log ? stdout_log->path() : kEmpty; }
const std::string& Process::stderr_path() const { return stderr_log ? stderr_log->path() : kEmpty; }

Supervisor::Supervisor(Config config, Env* env) : config_(std::move(config)), env_(env), loop_(env) {
  for (GroupConfig& g : config_.groups) latest_groups_.push_back(std::make_shared<const GroupConfig>(std::move(g)));
  config_.groups.clear();
  config_.groups.shrink_to_fit();
  for (char** e = environ; e && *e; ++e)
    if (std::strchr(*e, '=')) base_env_.emplace_back(*e);
  if (config_.unix_server.enabled) server_url_ = "unix://" + config_.unix_server.file;
  else if (config_.inet_server.enabled)
    server_url_ = "http://" + (config_.inet_server.host.empty() ? std::string("127.0.0.1") : config_.inet_server.host) +
                  ":" + std::to_string(config_.inet_server.port);
}

Supervisor::~Supervisor() {
  for (auto& [name, g] : groups_)
    for (auto& p : g->processes)
      if (p->stdin_fd >= 0) ::close(p->stdin_fd);
}

std::vector<Group*> Supervisor::Groups() {
  std::vector<Group*> out;
  for (auto& [name, g] : groups_) out.push_back(g.get());
  std::stable_sort(out.begin(), out.end(), [](Group* a, Group* b) {
    return a->config->priority != b->config->priority ? a->config->priority < b->config->priority
                                                      : a->config->name < b->config->name;
  });
  return out;
}

Group* Supervisor::FindGroup(const std::string& name) {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : it->second.get();
}

Process* Supervisor::FindProcess(const std::string& group, const std::string& name) {
  Group* g = FindGroup(group);
  if (!g) return nullptr;
  for (auto& p : g->processes)
    if (p->sp->config().name == name) return p.get();
  return nullptr;
}

Process* Supervisor::ProcessOf(Subprocess& sp) { return static_cast<Process*>(sp.host_data()); }

const GroupConfig* Supervisor::FindLatestGroup(const std::string& name) const {
  for (const auto& g : latest_groups_)
    if (g->name == name) return g.get();
  return nullptr;
}

void Supervisor::MainLog(const std::string& level, const std::string& line) {
  static const char* kLevels[] = {"trace", "blather", "debug", "info", "warn", "error", "critical"};
  auto rank = [](const std::string& l) {
    for (int i = 0; i < 7; ++i)
      if (l == kLevels[i]) return i;
    return 3;
  };
  if (rank(level) < rank(ToLower(config_.daemon.loglevel))) return;
  int64_t us = env_->NowMicros();
  time_t t = static_cast<time_t>(us / 1000000);
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  std::string up = ToLower(level) == "warn" ? "WARN" : level;
  for (char& c : up) c = static_cast<char>(toupper(c));
  char ms[8];
  std::snprintf(ms, sizeof ms, ",%03d", static_cast<int>(us / 1000 % 1000));
  std::string text = std::string(buf) + ms + " " + up + " " + line + "\n";
  if (main_log_) (void)main_log_->Write(text);
  if (config_.daemon.nodaemon) {
    ssize_t r = ::write(2, text.data(), text.size());
    (void)r;
  }
  for (auto& w : main_followers_)
    if (auto f = w.lock()) f->OnLogData(text);
  std::erase_if(main_followers_, [](auto& w) { return w.expired(); });
}

void Supervisor::ClearMainLog() {
  if (main_log_) (void)main_log_->Clear();
}

std::shared_ptr<Process> Supervisor::MakeProcess(std::shared_ptr<const ProcessConfig> pcp) {
  const ProcessConfig& pc = *pcp;
  auto p = std::make_shared<Process>();
  p->self = p;
  p->sp = std::make_unique<Subprocess>(std::move(pcp), this, env_);
  p->sp->set_host_data(p.get());
  if (pc.is_listener) p->listener = std::make_unique<ListenerIo>();
  auto resolve = [&](const LogConfig& lc, const char* channel) -> std::string {
    if (lc.path != "AUTO") return lc.path;
    static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
    std::string suffix;
    for (int i = 0; i < 8; ++i) suffix += kAlnum[env_->Random() % (sizeof kAlnum - 1)];
    return JoinPath(config_.daemon.childlogdir,
                    pc.name + "-" + channel + "---" + config_.daemon.identifier + "-" + suffix + ".log");
  };
  std::string out = resolve(pc.stdout_log, "stdout");
  std::string err = pc.redirect_stderr ? "" : resolve(pc.stderr_log, "stderr");
  if (!out.empty()) p->stdout_log = std::make_unique<RotatingLog>(std::move(out), pc.stdout_log.maxbytes, pc.stdout_log.backups);
  if (!err.empty()) p->stderr_log = std::make_unique<RotatingLog>(std::move(err), pc.stderr_log.maxbytes, pc.stderr_log.backups);
  return p;
}

Group* Supervisor::InstallGroup(std::shared_ptr<const GroupConfig> gc) {
  auto g = std::make_unique<Group>();
  g->processes.reserve(gc->processes.size());
  for (const ProcessConfig& pc : gc->processes)
    g->processes.push_back(MakeProcess(std::shared_ptr<const ProcessConfig>(gc, &pc)));  // aliasing: no copy
  g->config = std::move(gc);
  Group* raw = g.get();
  const std::string& name = raw->config->name;
  groups_[name] = std::move(g);
  if (raw->config->is_listener_pool) {
    listener_pools_.push_back(raw);
    UpdateTickTimers();
  }
  return raw;
}

Result<std::optional<Config>> Supervisor::Run(const std::function<Status(Supervisor&)>& listen,
                                              const std::function<void()>& on_ready) {
  SLAPOS_RETURN_IF_ERROR(loop_.Init());
  signal(SIGPIPE, SIG_IGN);
  ::umask(static_cast<mode_t>(config_.daemon.umask));
  if (!config_.daemon.logfile.empty()) {
    main_log_ = std::make_unique<RotatingLog>(config_.daemon.logfile, config_.daemon.logfile_maxbytes,
                                              config_.daemon.logfile_backups);
    Status st = main_log_->Open();
    if (!st.ok()) return st.WithContext("[supervisord] logfile");
  }
  // Enough descriptors for every pipe and log (minfds, or more when the config needs it).
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rlim_t want = static_cast<rlim_t>(config_.daemon.minfds);
  size_t nproc = 0;
  for (const auto& g : latest_groups_) nproc += g->processes.size();
  want = std::max<rlim_t>(want, 64 + nproc * 6);
  if (rl.rlim_cur < want) {
    struct rlimit nl = rl;
    nl.rlim_cur = want;
    if (nl.rlim_max < want) nl.rlim_max = want;
    if (setrlimit(RLIMIT_NOFILE, &nl) != 0) {
      nl.rlim_cur = rl.rlim_max;
      nl.rlim_max = rl.rlim_max;
      setrlimit(RLIMIT_NOFILE, &nl);
      MainLog("warn", "could not raise the file descriptor limit to " + std::to_string(want) + " (minfds); using " +
                          std::to_string(nl.rlim_cur));
    }
  }
  SLAPOS_RETURN_IF_ERROR(
      loop_.HandleSignals({SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR2}, [this](int sig) { OnSignal(sig); }));
  SLAPOS_RETURN_IF_ERROR(listen(*this));
  if (!config_.daemon.pidfile.empty()) {
    Status st = WriteFileAtomic(config_.daemon.pidfile, std::to_string(getpid()) + "\n", 0644);
    if (!st.ok()) MainLog("warn", "could not write pidfile: " + st.message());
  }
  if (on_ready) on_ready();
  MainLog("info", "supervisord started with pid " + std::to_string(getpid()));
  for (const auto& gc : latest_groups_) InstallGroup(gc);
  for (Group* g : Groups())
    for (auto& p : g->processes) p->sp->MaybeAutostart();
  EmitEvent("SUPERVISOR_STATE_CHANGE_RUNNING", "");
  malloc_trim(0);  // the start burst's transient buffers
  loop_.Run();
  if (!config_.daemon.pidfile.empty()) ::unlink(config_.daemon.pidfile.c_str());
  if (restart_config_) {
    MainLog("info", "restarting with the reread configuration");
    return std::optional<Config>(std::move(*restart_config_));
  }
  MainLog("info", "supervisord stopped");
  return std::optional<Config>();
}

void Supervisor::OnSignal(int sig) {
  switch (sig) {
    case SIGCHLD:
      ReapChildren();
      break;
    case SIGTERM:
    case SIGINT:
    case SIGQUIT:
      MainLog("warn", std::string("received SIG") + SignalName(sig) + " indicating exit request");
      RequestShutdown();
      break;
    case SIGHUP: {
      MainLog("warn", "received SIGHUP indicating restart request");
      Status st = RequestRestart();
      if (!st.ok()) MainLog("error", "not restarting: " + st.message());
      break;
    }
    case SIGUSR2:
      MainLog("info", "received SIGUSR2 indicating log reopen request");
      if (main_log_) main_log_->Close();
      for (auto& [n, g] : groups_)
        for (auto& p : g->processes) {
          if (p->stdout_log) p->stdout_log->Close();
          if (p->stderr_log) p->stderr_log->Close();
        }
      break;
  }
}

void Supervisor::ReapChildren() {
  while (true) {
    int status = 0;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) break;
    auto it = by_pid_.find(pid);
    if (it == by_pid_.end()) {
      MainLog("info", "reaped unknown pid " + std::to_string(pid));
      continue;
    }
    std::shared_ptr<Process> p = it->second.lock();
    by_pid_.erase(it);
    if (p && p->sp->pid() == pid) {
      if (p->stdin_fd >= 0) {
        ::close(p->stdin_fd);
        p->stdin_fd = -1;
      }
      Group* g = FindGroup(p->sp->config().group);
      if (p->listener && g) ListenerExited(*p, *g);
      p->sp->OnExit(status);
    }
  }
  CheckShutdownDone();
}

static Status MakePipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe", errno);
  return Status::OK();
}

Result<pid_t> Supervisor::Spawn(Subprocess& sp) {
  Process* p = ProcessOf(sp);
  if (!p) return Internal("unknown process");
  if (state_ != DaemonState::kRunning) return FailedPrecondition("supervisor is shutting down");
  const ProcessConfig& pc = sp.config();
  SLAPOS_ASSIGN_OR_RETURN(std::vector<std::string> argv, SplitCommand(pc.command));
  // The environment: the daemon's (read once), then supervisord's variables, then the
  // program's `environment`; a later definition of a name replaces an earlier one.
  std::vector<std::pair<std::string, std::string>> extra;
  extra.reserve(8 + pc.environment.size());
  extra.emplace_back("SUPERVISOR_ENABLED", "1");
  extra.emplace_back("SUPERVISOR_PROCESS_NAME", pc.name);
  extra.emplace_back("SUPERVISOR_GROUP_NAME", pc.group);
  if (!server_url_.empty()) extra.emplace_back("SUPERVISOR_SERVER_URL", server_url_);
  if (pc.uid) {
    extra.emplace_back("HOME", pc.home.empty() ? "/" : pc.home);
    if (!pc.user.empty()) {
      extra.emplace_back("USER", pc.user);
      extra.emplace_back("LOGNAME", pc.user);
    }
  }
  for (const auto& kv : pc.environment) extra.push_back(kv);
  auto overridden_after = [&](std::string_view key, size_t from) {
    for (size_t i = from; i < extra.size(); ++i)
      if (extra[i].first == key) return true;
    return false;
  };
  SpawnSpec spec;
  spec.env.reserve(base_env_.size() + extra.size());
  std::string_view path_var = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& kv : base_env_) {
    std::string_view key(kv.data(), kv.find('='));
    if (overridden_after(key, 0)) continue;
    if (key == "PATH") path_var = std::string_view(kv).substr(5);
    spec.env.push_back(kv);
  }
  for (size_t i = 0; i < extra.size(); ++i) {
    if (overridden_after(extra[i].first, i + 1)) continue;
    if (extra[i].first == "PATH") path_var = extra[i].second;
    spec.env.push_back(extra[i].first + "=" + extra[i].second);
  }
  auto resolved = ResolveProgram(argv[0], std::string(path_var));
  if (!resolved.ok()) {
    std::string m = resolved.status().message();
    size_t colon = m.find(": ");
    return resolved.status().code() == Code::kNotFound || colon != std::string::npos
               ? Status(resolved.status().code(), m.substr(colon + 2))
               : resolved.status();
  }
  spec.file = std::move(*resolved);
  spec.argv = std::move(argv);
  spec.directory = pc.directory;
  spec.uid = pc.uid;
  spec.gid = pc.gid;
  spec.user = pc.user;
  spec.umask = pc.umask;
  if (pc.uid) {
    // The user's groups are looked up once per (uid, gid) and configuration load, not per spawn.
    auto key = std::make_pair(*pc.uid, pc.gid);
    auto it = groups_cache_.find(key);
    if (it == groups_cache_.end()) it = groups_cache_.emplace(key, SupplementaryGroups(*pc.uid, pc.gid)).first;
    spec.groups = it->second;
  }
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  auto close_all = [&] {
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
      if (fd >= 0) ::close(fd);
  };
  bool want_out = pc.is_listener || p->stdout_log != nullptr || pc.stdout_events_enabled;
  bool want_err = !pc.redirect_stderr && (p->stderr_log != nullptr || pc.stderr_events_enabled);
  Status st = MakePipe(in);
  if (st.ok() && want_out) st = MakePipe(out);
  if (st.ok() && want_err) st = MakePipe(err);
  if (!st.ok()) {
    close_all();
    return st;
  }
  // Log files are created on the first byte written (RotatingLog::Write), not here: creating
  // two empty files per spawn was most of the start time of thousands of quiet programs.
  spec.stdin_fd = in[0];
  spec.stdout_fd = out[1];
  spec.stderr_fd = pc.redirect_stderr ? out[1] : err[1];
  Result<pid_t> pid = ForkExec(spec);
  for (int* fd : {&in[0], &out[1], &err[1]})
    if (*fd >= 0) ::close(*fd), *fd = -1;
  if (!pid.ok()) {
    close_all();
    return pid.status();
  }
  if (p->stdin_fd >= 0) ::close(p->stdin_fd);
  p->stdin_fd = in[1];
  fcntl(p->stdin_fd, F_SETFL, O_NONBLOCK);
  if (out[0] >= 0) WatchOutput(out[0], p->self, false);
  if (err[0] >= 0) WatchOutput(err[0], p->self, true);
  if (p->listener) {
    p->listener->state = ListenerState::kAcknowledged;
    p->listener->buf.clear();
  }
  by_pid_[*pid] = p->self;
  return *pid;
}

void Supervisor::WatchOutput(int fd, std::weak_ptr<Process> proc, bool is_stderr) {
  fcntl(fd, F_SETFL, O_NONBLOCK);
  Status st = loop_.Watch(fd, EPOLLIN, [this, fd, proc, is_stderr](uint32_t) {
    char buf[65536];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        if (auto p = proc.lock()) OnOutput(*p, is_stderr, std::string_view(buf, static_cast<size_t>(n)));
        if (n < static_cast<ssize_t>(sizeof buf)) return;
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
      loop_.Unwatch(fd);
      ::close(fd);
      return;
    }
  });
  if (!st.ok()) {
    MainLog("error", "watching output: " + st.message());
    ::close(fd);
  }
}

void Supervisor::OnOutput(Process& p, bool is_stderr, std::string_view data) {
  const ProcessConfig& pc = p.sp->config();
  if (!is_stderr && pc.is_listener) {
    Group* g = FindGroup(pc.group);
    if (g) OnListenerStdout(p, *g, data);
    return;
  }
  if (is_stderr ? pc.stderr_events_enabled : pc.stdout_events_enabled) {
    std::string payload = "processname:" + pc.name + " groupname:" + pc.group + " pid:" +
                          std::to_string(p.sp->last_pid()) + " channel:" + (is_stderr ? "stderr" : "stdout") + "\n";
    payload.append(data);
    EmitEvent(is_stderr ? "PROCESS_LOG_STDERR" : "PROCESS_LOG_STDOUT", payload, &pc.group);
  }
  RotatingLog* log = is_stderr ? p.stderr_log.get() : p.stdout_log.get();
  if (log) {
    Status st = log->Write(data);
    if (!st.ok()) MainLog("error", st.message());
  }
  auto& followers = is_stderr ? p.stderr_followers : p.stdout_followers;
  for (auto& w : followers)
    if (auto f = w.lock()) f->OnLogData(data);
  std::erase_if(followers, [](auto& w) { return w.expired(); });
}

void Supervisor::Kill(Subprocess& sp, int sig, bool as_group) {
  if (sp.pid() <= 0) return;
  MainLog("debug", "sending SIG" + std::string(SignalName(sig)) + " to " + sp.config().name);
  if (::kill(as_group ? -sp.pid() : sp.pid(), sig) != 0 && as_group) ::kill(sp.pid(), sig);
}

void Supervisor::SetTimer(Subprocess& sp, int64_t when) {
  Process* p = ProcessOf(sp);
  if (!p) return;
  if (p->timer) loop_.CancelTimer(p->timer);
  Subprocess* raw = &sp;
  p->timer = loop_.AddTimer(when, [this, raw] {
    Process* proc = ProcessOf(*raw);
    if (!proc) return;
    proc->timer = 0;
    raw->OnTimer();
  });
}

void Supervisor::CancelTimer(Subprocess& sp) {
  Process* p = ProcessOf(sp);
  if (p && p->timer) {
    loop_.CancelTimer(p->timer);
    p->timer = 0;
  }
}

void Supervisor::AddStateWaiter(Subprocess* sp, std::function<bool()> fn) {
  if (fn()) return;
  waiters_[sp].push_back(std::move(fn));
}

void Supervisor::RunWaiters(const Subprocess* sp) {
  auto it = waiters_.find(sp);
  if (it == waiters_.end()) return;
  std::vector<std::function<bool()>> fns = std::move(it->second);
  waiters_.erase(it);
  std::vector<std::function<bool()>> keep;
  for (auto& fn : fns)
    if (!fn()) keep.push_back(std::move(fn));
  if (!keep.empty()) {
    auto& slot = waiters_[sp];
    slot.insert(slot.end(), std::make_move_iterator(keep.begin()), std::make_move_iterator(keep.end()));
  }
}

Status Supervisor::SendStdin(Process& p, const std::string& data) {
  if (p.sp->pid() <= 0 || p.stdin_fd < 0) return FailedPrecondition("process not running");
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(p.stdin_fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("writing to stdin of " + p.sp->FullName(), errno);
    off += static_cast<size_t>(n);
  }
  return Status::OK();
}

Status Supervisor::ClearLogs(Process& p) {
  if (p.stdout_log) SLAPOS_RETURN_IF_ERROR(p.stdout_log->Clear());
  if (p.stderr_log) SLAPOS_RETURN_IF_ERROR(p.stderr_log->Clear());
  return Status::OK();
}

Result<ReloadDiff> Supervisor::Reread() {
  SLAPOS_ASSIGN_OR_RETURN(Config next, LoadConfig(config_.path, {}, &config_cache_));
  ReloadDiff d;
  std::vector<std::shared_ptr<const GroupConfig>> latest;
  latest.reserve(next.groups.size());
  for (GroupConfig& g : next.groups) {
    Group* active = FindGroup(g.name);
    if (!active) {
      d.added.push_back(g.name);
    } else if (active->config->Fingerprint() != g.Fingerprint()) {
      d.changed.push_back(g.name);
    } else {
      latest.push_back(active->config);  // unchanged: keep sharing the installed copy
      continue;
    }
    latest.push_back(std::make_shared<const GroupConfig>(std::move(g)));
  }
  std::unordered_set<std::string_view> latest_names;
  for (const auto& l : latest) latest_names.insert(l->name);
  for (auto& [name, g] : groups_)
    if (!latest_names.count(name)) d.removed.push_back(name);
  // The running daemon's own settings stay; only the program/group part is replaced.
  latest_groups_ = std::move(latest);
  groups_cache_.clear();  // users and their groups may have changed
  return d;
}

Status Supervisor::AddGroup(const std::string& name) {
  if (FindGroup(name)) return AlreadyExists(name);
  std::shared_ptr<const GroupConfig> gc;
  for (const auto& l : latest_groups_)
    if (l->name == name) gc = l;
  if (!gc) return NotFound(name);
  groups_cache_.clear();  // the node may have just created this group's user
  Group* g = InstallGroup(std::move(gc));
  MainLog("info", "added process group " + name);
  EmitEvent("PROCESS_GROUP_ADDED", "groupname:" + name + "\n");
  for (auto& p : g->processes) p->sp->MaybeAutostart();
  return Status::OK();
}

Status Supervisor::RemoveGroup(const std::string& name) {
  auto it = groups_.find(name);
  if (it == groups_.end()) return NotFound(name);
  for (auto& p : it->second->processes) {
    ProcessState s = p->sp->state();
    if (s != ProcessState::kStopped && s != ProcessState::kExited && s != ProcessState::kFatal)
      return FailedPrecondition(name);
  }
  for (auto& p : it->second->processes) {
    RunWaiters(p->sp.get());
    waiters_.erase(p->sp.get());
    CancelTimer(*p->sp);
    p->sp->set_host_data(nullptr);
    if (p->stdin_fd >= 0) ::close(p->stdin_fd), p->stdin_fd = -1;
  }
  bool pool = it->second->config->is_listener_pool;
  std::erase(listener_pools_, it->second.get());
  groups_.erase(it);
  if (pool) UpdateTickTimers();
  MainLog("info", "removed process group " + name);
  EmitEvent("PROCESS_GROUP_REMOVED", "groupname:" + name + "\n");
  return Status::OK();
}

// supervisord stops groups in reverse priority order; we stop every ordinary process at
// once (thousands stop in parallel), then the event listener pools, so that listeners still
// hear SUPERVISOR_STATE_CHANGE_STOPPING and the processes' last state changes.
void Supervisor::StopAllForShutdown() {
  std::vector<Group*> gs = Groups();
  for (auto it = gs.rbegin(); it != gs.rend(); ++it) {
    if ((*it)->config->is_listener_pool && !pools_stopping_) continue;
    for (auto p = (*it)->processes.rbegin(); p != (*it)->processes.rend(); ++p) {
      CancelTimer(*(*p)->sp);
      (void)(*p)->sp->Stop();
    }
  }
}

void Supervisor::CheckShutdownDone() {
  if (state_ == DaemonState::kRunning) return;
  for (auto& [name, g] : groups_) {
    if (g->config->is_listener_pool && !pools_stopping_) continue;
    for (auto& p : g->processes)
      if (p->sp->pid() > 0) return;
  }
  if (!pools_stopping_ && !listener_pools_.empty()) {
    // Let the listeners take their last events (at most 2 s), then stop them.
    if (!PoolsDrained() && !drain_expired_) {
      if (!drain_timer_)
        drain_timer_ = loop_.AddTimer(env_->MonotonicMicros() + 2000000, [this] {
          drain_timer_ = 0;
          drain_expired_ = true;
          CheckShutdownDone();
        });
      return;
    }
    if (drain_timer_) loop_.CancelTimer(drain_timer_), drain_timer_ = 0;
    pools_stopping_ = true;
    StopAllForShutdown();
    CheckShutdownDone();
    return;
  }
  loop_.Stop();
}

bool Supervisor::PoolsDrained() const {
  for (const Group* g : listener_pools_) {
    bool live = false;
    for (const auto& p : g->processes) {
      if (!p->listener || p->sp->state() != ProcessState::kRunning) continue;
      live = true;
      if (p->listener->state == ListenerState::kBusy) return false;
    }
    if (live && !g->event_queue.empty()) return false;
  }
  return true;
}

void Supervisor::RequestShutdown() {
  if (state_ != DaemonState::kRunning) return;
  state_ = DaemonState::kShutdown;
  MainLog("info", "stopping all processes before exit");
  EmitEvent("SUPERVISOR_STATE_CHANGE_STOPPING", "");
  StopAllForShutdown();
  CheckShutdownDone();
}

Status Supervisor::RequestRestart() {
  if (state_ != DaemonState::kRunning) return FailedPrecondition("already shutting down");
  auto next = LoadConfig(config_.path);
  if (!next.ok()) return next.status();
  restart_config_ = std::move(*next);
  state_ = DaemonState::kRestarting;
  EmitEvent("SUPERVISOR_STATE_CHANGE_STOPPING", "");
  StopAllForShutdown();
  CheckShutdownDone();
  return Status::OK();
}

}  // namespace slapos::supervise
