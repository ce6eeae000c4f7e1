#include "supervise/rpc.h"

#include <algorithm>
#include <csignal>
#include <malloc.h>
#include <map>
#include <memory>
#include <unistd.h>

#include "supervise/logfile.h"
#include "supervise/spawn.h"
#include "util/strings.h"

namespace slapos::supervise {

namespace {

constexpr const char* kApiVersion = "3.0";
constexpr const char* kSupervisorVersion = "4.2.5";

bool InStopped(ProcessState s) {
  return s == ProcessState::kStopped || s == ProcessState::kExited || s == ProcessState::kFatal ||
         s == ProcessState::kUnknown;
}

Fault F(int code, const std::string& detail = "") { return MakeFault(code, detail); }

const char* DaemonStateName(DaemonState s) {
  switch (s) {
    case DaemonState::kFatal: return "FATAL";
    case DaemonState::kRunning: return "RUNNING";
    case DaemonState::kRestarting: return "RESTARTING";
    case DaemonState::kShutdown: return "SHUTDOWN";
  }
  return "UNKNOWN";
}

// Parameter access with supervisord's INCORRECT_PARAMETERS on a wrong type or count.
struct Params {
  const std::vector<Value>& v;
  std::string error;
  bool Count(size_t min, size_t max) {
    if (v.size() < min || v.size() > max) {
      error = "expected " + std::to_string(min) + (max != min ? "-" + std::to_string(max) : "") + " parameters, got " +
              std::to_string(v.size());
      return false;
    }
    return true;
  }
  bool Str(size_t i, std::string* out) {
    if (i >= v.size()) return true;
    if (v[i].type != Value::Type::kString) { error = "parameter " + std::to_string(i + 1) + " must be a string"; return false; }
    *out = v[i].s;
    return true;
  }
  bool Int(size_t i, int64_t* out) {
    if (i >= v.size()) return true;
    if (v[i].type == Value::Type::kInt) { *out = v[i].i; return true; }
    if (v[i].type == Value::Type::kBool) { *out = v[i].b; return true; }
    error = "parameter " + std::to_string(i + 1) + " must be an integer";
    return false;
  }
  bool Bool(size_t i, bool* out) {
    if (i >= v.size()) return true;
    if (v[i].type == Value::Type::kBool) { *out = v[i].b; return true; }
    if (v[i].type == Value::Type::kInt) { *out = v[i].i != 0; return true; }
    error = "parameter " + std::to_string(i + 1) + " must be a boolean";
    return false;
  }
};

Value ResultStruct(Process& p, const RpcResult& r) {
  Value s = Value::Struct();
  s.Set("name", Value::String(p.sp->config().name));
  s.Set("group", Value::String(p.sp->config().group));
  if (const Fault* f = std::get_if<Fault>(&r)) {
    s.Set("status", Value::Int(f->code));
    s.Set("description", Value::String(f->text));
  } else {
    s.Set("status", Value::Int(kSuccess));
    s.Set("description", Value::String("OK"));
  }
  return s;
}

const std::map<std::string, std::string>& Help() {
  static const std::map<std::string, std::string> help = {
      {"supervisor.getAPIVersion", "Return the version of the RPC API used by supervisord"},
      {"supervisor.getVersion", "Return the version of the RPC API used by supervisord (deprecated alias)"},
      {"supervisor.getSupervisorVersion", "Return the version of the supervisor package in use by supervisord"},
      {"supervisor.getIdentification", "Return identifying string of supervisord"},
      {"supervisor.getState", "Return current state of supervisord as a struct {statecode, statename}"},
      {"supervisor.getPID", "Return the PID of supervisord"},
      {"supervisor.readLog", "Read length bytes from the main log starting at offset"},
      {"supervisor.readMainLog", "Read length bytes from the main log starting at offset (alias)"},
      {"supervisor.clearLog", "Clear the main log"},
      {"supervisor.shutdown", "Shut down the supervisor process"},
      {"supervisor.restart", "Restart the supervisor process (rereading the configuration)"},
      {"supervisor.reloadConfig", "Reload the configuration; returns [[added, changed, removed]] group names"},
      {"supervisor.addProcessGroup", "Update the config for a running process from config file"},
      {"supervisor.removeProcessGroup", "Remove a stopped process group from the active configuration"},
      {"supervisor.startProcess", "Start a process (name, wait)"},
      {"supervisor.startProcessGroup", "Start all processes in the group named 'name'"},
      {"supervisor.startAllProcesses", "Start all processes listed in the configuration file"},
      {"supervisor.stopProcess", "Stop a process named by name (name, wait)"},
      {"supervisor.stopProcessGroup", "Stop all processes in the process group named 'name'"},
      {"supervisor.stopAllProcesses", "Stop all processes in the process list"},
      {"supervisor.signalProcess", "Send an arbitrary UNIX signal to the process named by name"},
      {"supervisor.signalProcessGroup", "Send a signal to all processes in the group named 'name'"},
      {"supervisor.signalAllProcesses", "Send a signal to all processes in the process list"},
      {"supervisor.getAllConfigInfo", "Get info about all available process configurations"},
      {"supervisor.getProcessInfo", "Get info about a process named name"},
      {"supervisor.getAllProcessInfo", "Get info about all processes"},
      {"supervisor.readProcessStdoutLog", "Read length bytes from name's stdout log starting at offset"},
      {"supervisor.readProcessLog", "Read length bytes from name's stdout log starting at offset (alias)"},
      {"supervisor.readProcessStderrLog", "Read length bytes from name's stderr log starting at offset"},
      {"supervisor.tailProcessStdoutLog", "Tail the stdout log: [string bytes, int offset, bool overflow]"},
      {"supervisor.tailProcessLog", "Tail the stdout log (alias)"},
      {"supervisor.tailProcessStderrLog", "Tail the stderr log: [string bytes, int offset, bool overflow]"},
      {"supervisor.clearProcessLogs", "Clear the stdout and stderr logs for the named process"},
      {"supervisor.clearProcessLog", "Clear the stdout and stderr logs for the named process (alias)"},
      {"supervisor.clearAllProcessLogs", "Clear all process log files"},
      {"supervisor.sendProcessStdin", "Send a string of chars to the stdin of the process name"},
      {"supervisor.sendRemoteCommEvent", "Send an event that will be received by event listener subprocesses"},
      {"system.listMethods", "Return an array listing the available method names"},
      {"system.methodHelp", "Return a string showing the method's documentation"},
      {"system.methodSignature", "Return an array describing the method signature"},
      {"system.multicall", "Process an array of calls, and return an array of results"},
  };
  return help;
}

}  // namespace

std::vector<std::string> RpcInterface::MethodNames() {
  std::vector<std::string> out;
  for (const auto& [k, v] : Help()) out.push_back(k);
  return out;
}

void RpcInterface::HandleXml(std::string_view body, std::function<void(std::string)> reply) {
  Result<MethodCall> call = ParseMethodCall(body);
  if (!call.ok()) {
    reply(EncodeFault(F(kIncorrectParameters, call.status().message())));
    return;
  }
  Call(call->method, call->params, [reply](RpcResult r) {
    if (const Fault* f = std::get_if<Fault>(&r)) return reply(EncodeFault(*f));
    std::string xml = EncodeResponse(std::get<Value>(r));
    r = Value();
    bool big = xml.size() > (256 << 10);
    reply(std::move(xml));
    // A big answer (getAllProcessInfo of thousands) leaves freed heap behind: give it back
    // so that an idle supervisor stays small.
    if (big) malloc_trim(0);
  });
}

bool RpcInterface::Resolve(const std::string& spec, bool group_only, Group** g, Process** p) {
  *p = nullptr;
  if (group_only) {
    *g = sup_->FindGroup(spec);
    return *g != nullptr;
  }
  std::string gn, pn;
  SplitNamespec(spec, &gn, &pn);
  *g = sup_->FindGroup(gn);
  if (!*g) return false;
  if (pn.empty()) return true;
  *p = sup_->FindProcess(gn, pn);
  return *p != nullptr;
}

std::vector<Process*> RpcInterface::AllProcesses(bool lexical) {
  std::vector<Process*> out;
  for (Group* g : sup_->Groups())
    for (auto& p : g->processes) out.push_back(p.get());
  if (lexical)
    std::sort(out.begin(), out.end(), [](Process* a, Process* b) {
      const ProcessConfig &x = a->sp->config(), &y = b->sp->config();
      return x.group != y.group ? x.group < y.group : x.name < y.name;
    });
  return out;
}

Value RpcInterface::ProcessInfo(Process& p) {
  int64_t now = sup_->env()->NowMicros() / 1000000;
  const Subprocess& sp = *p.sp;
  Value s = Value::Struct();
  s.members.reserve(14);
  s.Set("name", Value::String(sp.config().name));
  s.Set("group", Value::String(sp.config().group));
  s.Set("description", Value::String(sp.Description(now)));
  s.Set("start", Value::Int(sp.start_time()));
  s.Set("stop", Value::Int(sp.stop_time()));
  s.Set("now", Value::Int(now));
  s.Set("state", Value::Int(static_cast<int>(sp.state())));
  s.Set("statename", Value::String(StateName(sp.state())));
  s.Set("spawnerr", Value::String(sp.spawnerr()));
  s.Set("exitstatus", Value::Int(sp.exitstatus()));
  s.Set("logfile", Value::String(p.stdout_path()));
  s.Set("stdout_logfile", Value::String(p.stdout_path()));
  s.Set("stderr_logfile", Value::String(p.stderr_path()));
  s.Set("pid", Value::Int(sp.pid()));
  return s;
}

void RpcInterface::StartOne(Process& p, bool wait, RpcDone done) {
  std::string name = p.sp->config().name;
  auto argv = SplitCommand(p.sp->config().command);
  if (!argv.ok()) return done(F(kNotExecutable, argv.status().message()));
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  if (const char* e = getenv("PATH")) path = e;
  for (const auto& [k, v] : p.sp->config().environment)
    if (k == "PATH") path = v;
  auto prog = ResolveProgram((*argv)[0], path);
  if (!prog.ok()) {
    const std::string& m = prog.status().message();
    return done(F(StartsWith(m, "NO_FILE") ? kNoFile : kNotExecutable, m.substr(m.find(": ") + 2)));
  }
  if (IsRunningState(p.sp->state()) || p.sp->state() == ProcessState::kStopping) return done(F(kAlreadyStarted, name));
  Status st = p.sp->Start();
  if (!st.ok()) return done(F(kFailed, st.message()));
  if (p.sp->state() == ProcessState::kBackoff || p.sp->state() == ProcessState::kFatal) return done(F(kSpawnError, name));
  if (!wait || p.sp->state() == ProcessState::kRunning) return done(Value::Bool(true));
  Subprocess* sp = p.sp.get();
  sup_->AddStateWaiter(sp, [sp, name, done] {
    ProcessState s = sp->state();
    if (s == ProcessState::kRunning) { done(Value::Bool(true)); return true; }
    if (s == ProcessState::kStarting) return false;
    if (!sp->spawnerr().empty()) done(F(kSpawnError, name));
    else done(F(kAbnormalTermination, name));
    return true;
  });
}

void RpcInterface::StopOne(Process& p, bool wait, RpcDone done) {
  std::string name = p.sp->config().name;
  if (!IsRunningState(p.sp->state()) && p.sp->state() != ProcessState::kStopping) return done(F(kNotRunning, name));
  Status st = p.sp->Stop();
  if (!st.ok()) return done(F(kFailed, st.message()));
  if (!wait || InStopped(p.sp->state())) return done(Value::Bool(true));
  Subprocess* sp = p.sp.get();
  sup_->AddStateWaiter(sp, [sp, done] {
    if (!InStopped(sp->state())) return false;
    done(Value::Bool(true));
    return true;
  });
}

void RpcInterface::ForEach(std::vector<Process*> procs, std::function<void(Process&, RpcDone)> one, RpcDone done) {
  struct State {
    std::vector<Value> results;
    size_t pending;
    RpcDone done;
  };
  auto state = std::make_shared<State>();
  state->results.resize(procs.size());
  state->pending = procs.size() + 1;
  state->done = std::move(done);
  auto finish_one = [state] {
    if (--state->pending == 0) state->done(Value::Array(std::move(state->results)));
  };
  for (size_t i = 0; i < procs.size(); ++i) {
    Process* p = procs[i];
    Value name_group = ResultStruct(*p, Value::Bool(true));
    one(*p, [state, i, name_group, finish_one](RpcResult r) {
      Value s = name_group;
      if (const Fault* f = std::get_if<Fault>(&r)) {
        for (auto& [k, v] : s.members) {
          if (k == "status") v = Value::Int(f->code);
          if (k == "description") v = Value::String(f->text);
        }
      }
      state->results[i] = std::move(s);
      finish_one();
    });
  }
  finish_one();
}

void RpcInterface::Call(const std::string& method, const std::vector<Value>& params, RpcDone done) {
  Params P{params, ""};
  auto bad = [&] { done(F(kIncorrectParameters, P.error)); };
  std::string ns = method.substr(0, method.find('.') + 1);
  std::string m = method.substr(ns.size());

  if (ns == "system.") {
    if (m == "listMethods") {
      Value a = Value::Array();
      for (const std::string& n : MethodNames()) a.array.push_back(Value::String(n));
      return done(std::move(a));
    }
    if (m == "methodHelp" || m == "methodSignature") {
      std::string name;
      if (!P.Count(1, 1) || !P.Str(0, &name)) return bad();
      auto it = Help().find(name);
      if (it == Help().end()) return done(F(kSignatureUnsupported, name));
      if (m == "methodHelp") return done(Value::String(it->second));
      Value sig = Value::Array();
      sig.array.push_back(Value::Array({Value::String("undef")}));
      return done(std::move(sig));
    }
    if (m == "multicall") {
      if (!P.Count(1, 1) || params[0].type != Value::Type::kArray) { P.error = "expected an array of calls"; return bad(); }
      struct State { std::vector<Value> results; size_t pending; RpcDone done; };
      auto state = std::make_shared<State>();
      const auto& calls = params[0].array;
      state->results.resize(calls.size());
      state->pending = calls.size() + 1;
      state->done = done;
      auto finish = [state] { if (--state->pending == 0) state->done(Value::Array(std::move(state->results))); };
      for (size_t i = 0; i < calls.size(); ++i) {
        auto store = [state, i, finish](RpcResult r) {
          if (const Fault* f = std::get_if<Fault>(&r)) {
            Value s = Value::Struct();
            s.Set("faultCode", Value::Int(f->code));
            s.Set("faultString", Value::String(f->text));
            state->results[i] = std::move(s);
          } else {
            state->results[i] = Value::Array({std::get<Value>(std::move(r))});
          }
          finish();
        };
        const Value& c = calls[i];
        const Value* name = c.Get("methodName");
        const Value* ps = c.Get("params");
        if (!name || name->type != Value::Type::kString) { store(F(kIncorrectParameters, "multicall entry without methodName")); continue; }
        if (name->s == "system.multicall") { store(F(kIncorrectParameters, "recursive multicall forbidden")); continue; }
        Call(name->s, ps && ps->type == Value::Type::kArray ? ps->array : std::vector<Value>{}, store);
      }
      return finish();
    }
    return done(F(kUnknownMethod));
  }
  if (ns != "supervisor.") return done(F(kUnknownMethod));

  Supervisor& S = *sup_;
  if (m == "getAPIVersion" || m == "getVersion") return done(Value::String(kApiVersion));
  if (m == "getSupervisorVersion") return done(Value::String(kSupervisorVersion));
  if (m == "getIdentification") return done(Value::String(S.config().daemon.identifier));
  if (m == "getState") {
    Value s = Value::Struct();
    s.Set("statecode", Value::Int(static_cast<int>(S.state())));
    s.Set("statename", Value::String(DaemonStateName(S.state())));
    return done(std::move(s));
  }
  if (m == "getPID") return done(Value::Int(getpid()));
  if (!Help().count(method)) return done(F(kUnknownMethod));
  if (S.state() != DaemonState::kRunning) return done(F(kShutdownState));


  if (m == "readLog" || m == "readMainLog") {
    int64_t off = 0, len = 0;
    if (!P.Count(2, 2) || !P.Int(0, &off) || !P.Int(1, &len)) return bad();
    if (S.main_log_path().empty()) return done(F(kNoFile, "no log file"));
    auto r = ReadLogRange(S.main_log_path(), off, len);
    if (!r.ok()) return done(F(StartsWith(r.status().message(), "BAD_ARGUMENTS") ? kBadArguments : kFailed));
    return done(Value::String(*r));
  }
  if (m == "clearLog") {
    S.ClearMainLog();
    return done(Value::Bool(true));
  }
  if (m == "shutdown") {
    done(Value::Bool(true));
    S.RequestShutdown();
    return;
  }
  if (m == "restart") {
    Status st = S.RequestRestart();
    if (!st.ok()) return done(F(kCantReread, st.message()));
    return done(Value::Bool(true));
  }
  if (m == "reloadConfig") {
    auto d = S.Reread();
    if (!d.ok()) return done(F(kCantReread, d.status().message()));
    auto names = [](const std::vector<std::string>& v) {
      Value a = Value::Array();
      for (const std::string& s : v) a.array.push_back(Value::String(s));
      return a;
    };
    return done(Value::Array({Value::Array({names(d->added), names(d->changed), names(d->removed)})}));
  }
  if (m == "addProcessGroup" || m == "removeProcessGroup") {
    std::string name;
    if (!P.Count(1, 1) || !P.Str(0, &name)) return bad();
    Status st = m == "addProcessGroup" ? S.AddGroup(name) : S.RemoveGroup(name);
    if (st.ok()) return done(Value::Bool(true));
    if (st.code() == Code::kNotFound) return done(F(kBadName, name));
    if (st.code() == Code::kAlreadyExists) return done(F(kAlreadyAdded, name));
    return done(F(kStillRunning, name));
  }
  bool is_start = StartsWith(m, "start"), is_stop = StartsWith(m, "stop");
  if (is_start || is_stop) {
    auto one = [this, is_start](bool wait) {
      return [this, is_start, wait](Process& p, RpcDone d) {
        if (is_start) StartOne(p, wait, std::move(d));
        else StopOne(p, wait, std::move(d));
      };
    };
    auto filter = [is_start](std::vector<Process*> in) {
      std::vector<Process*> out;
      for (Process* p : in) {
        ProcessState s = p->sp->state();
        bool running = IsRunningState(s);
        if (is_start ? !running && s != ProcessState::kStopping : running) out.push_back(p);
      }
      if (!is_start) std::reverse(out.begin(), out.end());
      return out;
    };
    bool wait = true;
    if (m == "startAllProcesses" || m == "stopAllProcesses") {
      if (!P.Count(0, 1) || !P.Bool(0, &wait)) return bad();
      return ForEach(filter(AllProcesses(false)), one(wait), done);
    }
    std::string name;
    if (!P.Count(1, 2) || !P.Str(0, &name) || !P.Bool(1, &wait)) return bad();
    Group* g = nullptr;
    Process* p = nullptr;
    if (!Resolve(name, EndsWith(m, "Group"), &g, &p)) return done(F(kBadName, name));
    if (!p) {
      std::vector<Process*> procs;
      for (auto& pp : g->processes) procs.push_back(pp.get());
      return ForEach(filter(procs), one(wait), done);
    }
    return one(wait)(*p, done);
  }
  if (m == "signalProcess" || m == "signalProcessGroup" || m == "signalAllProcesses") {
    bool all = m == "signalAllProcesses";
    std::string name, signame;
    if (!P.Count(all ? 1 : 2, all ? 1 : 2)) return bad();
    if (!all && !P.Str(0, &name)) return bad();
    const Value& sv = params[all ? 0 : 1];
    if (sv.type == Value::Type::kInt) signame = std::to_string(sv.i);
    else if (sv.type == Value::Type::kString) signame = sv.s;
    else { P.error = "signal must be a name or a number"; return bad(); }
    auto sig = ParseSignal(signame);
    if (!sig.ok()) return done(F(kBadSignal, signame));
    int signo = *sig;
    auto one = [signo](Process& p, RpcDone d) {
      ProcessState s = p.sp->state();
      if (s != ProcessState::kRunning && s != ProcessState::kStarting && s != ProcessState::kStopping)
        return d(F(kNotRunning, p.sp->config().name));
      if (::kill(p.sp->pid(), signo) != 0) return d(F(kFailed, p.sp->config().name));
      d(Value::Bool(true));
    };
    std::vector<Process*> procs;
    if (all) {
      procs = AllProcesses(false);
    } else {
      Group* g = nullptr;
      Process* p = nullptr;
      if (!Resolve(name, m == "signalProcessGroup", &g, &p)) return done(F(kBadName, name));
      if (p) return one(*p, done);
      for (auto& pp : g->processes) procs.push_back(pp.get());
    }
    std::vector<Process*> live;
    for (Process* p : procs) {
      ProcessState s = p->sp->state();
      if (s == ProcessState::kRunning || s == ProcessState::kStarting || s == ProcessState::kStopping) live.push_back(p);
    }
    return ForEach(live, one, done);
  }
  if (m == "getAllConfigInfo") {
    std::vector<Value> out;
    for (const auto& gp : S.latest_groups()) {
      const GroupConfig& g = *gp;
      bool inuse = S.FindGroup(g.name) != nullptr;
      for (const ProcessConfig& pc : g.processes) {
        Value d = Value::Struct();
        d.Set("autostart", Value::Bool(pc.autostart));
        d.Set("directory", pc.directory.empty() ? Value::String("none") : Value::String(pc.directory));
        d.Set("uid", pc.uid ? Value::Int(*pc.uid) : Value::String("none"));
        d.Set("command", Value::String(pc.command));
        Value codes = Value::Array();
        for (int c : pc.exitcodes) codes.array.push_back(Value::Int(c));
        d.Set("exitcodes", codes);
        d.Set("group", Value::String(g.name));
        d.Set("group_prio", Value::Int(g.priority));
        d.Set("inuse", Value::Bool(inuse));
        d.Set("killasgroup", Value::Bool(pc.killasgroup));
        d.Set("name", Value::String(pc.name));
        d.Set("process_prio", Value::Int(pc.priority));
        d.Set("redirect_stderr", Value::Bool(pc.redirect_stderr));
        d.Set("startretries", Value::Int(pc.startretries));
        d.Set("startsecs", Value::Int(pc.startsecs));
        d.Set("stdout_logfile", Value::String(pc.stdout_log.path.empty() ? "none" : pc.stdout_log.path == "AUTO" ? "auto" : pc.stdout_log.path));
        d.Set("stdout_logfile_backups", Value::Int(pc.stdout_log.backups));
        d.Set("stdout_logfile_maxbytes", Value::Int(pc.stdout_log.maxbytes));
        d.Set("stopsignal", Value::Int(pc.stopsignal));
        d.Set("stopwaitsecs", Value::Int(pc.stopwaitsecs));
        d.Set("stderr_logfile", Value::String(pc.stderr_log.path.empty() ? "none" : pc.stderr_log.path == "AUTO" ? "auto" : pc.stderr_log.path));
        d.Set("stderr_logfile_backups", Value::Int(pc.stderr_log.backups));
        d.Set("stderr_logfile_maxbytes", Value::Int(pc.stderr_log.maxbytes));
        d.Set("serverurl", Value::String(pc.serverurl == "AUTO" ? "auto" : pc.serverurl));
        out.push_back(std::move(d));
      }
    }
    std::stable_sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.GetString("name") < b.GetString("name"); });
    return done(Value::Array(std::move(out)));
  }
  if (m == "getAllProcessInfo") {
    std::vector<Process*> all = AllProcesses(true);
    Value a = Value::Array();
    a.array.reserve(all.size());
    for (Process* p : all) a.array.push_back(ProcessInfo(*p));
    return done(std::move(a));
  }
  if (m == "clearAllProcessLogs") {
    return ForEach(AllProcesses(false), [this](Process& p, RpcDone d) {
      Status st = sup_->ClearLogs(p);
      d(st.ok() ? RpcResult(Value::Bool(true)) : RpcResult(F(kFailed, p.sp->config().name)));
    }, done);
  }
  if (m == "sendRemoteCommEvent") {
    std::string type, data;
    if (!P.Count(2, 2) || !P.Str(0, &type) || !P.Str(1, &data)) return bad();
    S.EmitEvent("REMOTE_COMMUNICATION", "type:" + type + "\n" + data);
    return done(Value::Bool(true));
  }

  // The rest name one process.
  std::string name;
  if (params.empty() || !P.Str(0, &name)) { P.error = "the first parameter must be a process name"; return bad(); }
  Process* p;
  Group* g;
  if (!Resolve(name, false, &g, &p) || !p) return done(F(kBadName, name));
  if (m == "getProcessInfo") {
    if (!P.Count(1, 1)) return bad();
    return done(ProcessInfo(*p));
  }
  bool err = m.find("Stderr") != std::string::npos;
  const std::string& path = err ? p->stderr_path() : p->stdout_path();
  if (m == "readProcessStdoutLog" || m == "readProcessLog" || m == "readProcessStderrLog") {
    int64_t off = 0, len = 0;
    if (!P.Count(3, 3) || !P.Int(1, &off) || !P.Int(2, &len)) return bad();
    if (path.empty()) return done(F(kNoFile, "no log file"));
    auto r = ReadLogRange(path, off, len);
    // A configured log that does not exist yet is one nothing was written to (files are created
    // on first output): it reads as empty, as supervisord's file created at spawn would.
    if (!r.ok() && StartsWith(r.status().message(), "NO_FILE")) return done(Value::String(""));
    if (!r.ok()) return done(F(StartsWith(r.status().message(), "BAD_ARGUMENTS") ? kBadArguments : kFailed));
    return done(Value::String(*r));
  }
  if (m == "tailProcessStdoutLog" || m == "tailProcessLog" || m == "tailProcessStderrLog") {
    int64_t off = 0, len = 0;
    if (!P.Count(3, 3) || !P.Int(1, &off) || !P.Int(2, &len)) return bad();
    if (off < 0 || len < 0) return done(F(kBadArguments, "offset and length must be >= 0"));
    if (path.empty()) return done(Value::Array({Value::String(""), Value::Int(0), Value::Bool(false)}));
    TailResult t = TailLog(path, off, len);
    return done(Value::Array({Value::String(t.data), Value::Int(t.offset), Value::Bool(t.overflow)}));
  }
  if (m == "clearProcessLogs" || m == "clearProcessLog") {
    Status st = S.ClearLogs(*p);
    if (!st.ok()) return done(F(kFailed, name));
    return done(Value::Bool(true));
  }
  if (m == "sendProcessStdin") {
    std::string chars;
    if (!P.Count(2, 2) || !P.Str(1, &chars)) return bad();
    if (p->sp->pid() <= 0) return done(F(kNotRunning, name));
    Status st = S.SendStdin(*p, chars);
    if (!st.ok()) return done(F(kNoFile, name));
    return done(Value::Bool(true));
  }
  done(F(kUnknownMethod));
}

}  // namespace slapos::supervise
