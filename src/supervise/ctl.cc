#include "supervise/ctl.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <set>

#include "supervise/config.h"
#include "util/strings.h"

namespace slapos::supervise {

namespace {

constexpr int kGeneric = 1, kUsage = 2, kNotRunning = 3, kBadName = 4;  // LSB-like, as supervisorctl

std::string FullName(const Value& info) {
  std::string n = info.GetString("name"), g = info.GetString("group");
  return g == n ? n : g + ":" + n;
}

std::string Pad(const std::string& s, size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }

const char* FaultMessage(int code) {
  switch (code) {
    case kBadName: return "no such process";
    case kNoFile: return "no such file";
    case kNotExecutable: return "file is not executable";
    case kAlreadyStarted: return "already started";
    case kNotRunning: return "not running";
    case kSpawnError: return "spawn error";
    case kAbnormalTermination: return "abnormal termination";
    case kBadSignal: return "bad signal name";
    case kFailed: return "failed";
    case kShutdownState: return "shutting down";
  }
  return "error";
}

class Ctl {
 public:
  Ctl(const SupervisorClient& c, std::ostream& out) : c_(c), out_(out) {}

  int Run(const std::vector<std::string>& args) {
    const std::string& cmd = args[0];
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (cmd == "status") return Status(rest);
    if (cmd == "start" || cmd == "stop") return StartStop(cmd == "start", rest);
    if (cmd == "restart") {
      if (rest.empty()) return Usage("restart <name>|<gname>:*|all");
      int a = StartStop(false, rest, true);
      int b = StartStop(true, rest);
      return std::max(a == kNotRunning ? 0 : a, b);
    }
    if (cmd == "reread") return Reread();
    if (cmd == "update") return Update(rest);
    if (cmd == "avail") return Avail();
    if (cmd == "tail") return Tail(rest);
    if (cmd == "maintail") return MainTail(rest);
    if (cmd == "signal") return Signal(rest);
    if (cmd == "pid") return Pid(rest);
    if (cmd == "clear") return Clear(rest);
    if (cmd == "reload") return Simple("supervisor.restart", "Restarted supervisord");
    if (cmd == "shutdown") return Simple("supervisor.shutdown", "Shut down");
    if (cmd == "version") {
      auto v = c_.CallOrError("supervisor.getSupervisorVersion");
      if (!v.ok()) return Err(v.status());
      out_ << v->s << "\n";
      return 0;
    }
    out_ << "*** Unknown syntax: " << Join(args, " ") << "\n";
    return kUsage;
  }

 private:
  int Usage(const std::string& u) {
    out_ << "Error: bad arguments\nusage: " << u << "\n";
    return kUsage;
  }
  int Err(const slapos::Status& st) {
    out_ << "error: " << st.message() << "\n";
    return kGeneric;
  }
  Result<Value> Call(const std::string& m, const std::vector<Value>& p, Fault* f) { return c_.Call(m, p, f); }

  int Simple(const std::string& method, const std::string& ok) {
    Fault f;
    auto v = Call(method, {}, &f);
    if (!v.ok()) return Err(v.status());
    if (f.code) {
      out_ << "ERROR: " << f.text << "\n";
      return kGeneric;
    }
    out_ << ok << "\n";
    return 0;
  }

  int Status(const std::vector<std::string>& names) {
    auto all = c_.CallOrError("supervisor.getAllProcessInfo");
    if (!all.ok()) return Err(all.status());
    int rc = 0;
    std::vector<const Value*> shown;
    std::set<std::string> want(names.begin(), names.end());
    bool everything = want.empty() || want.count("all");
    for (const std::string& n : names) {
      if (n == "all") continue;
      bool matched = false;
      for (const Value& i : all->array) {
        std::string g = i.GetString("group");
        if (FullName(i) == n || g + ":" + i.GetString("name") == n || n == g + ":*" || n == g + ":") matched = true;
      }
      if (!matched) {
        out_ << n << ": ERROR (no such process)\n";
        rc = kBadName;
      }
    }
    for (const Value& i : all->array) {
      std::string g = i.GetString("group");
      bool sel = everything || want.count(FullName(i)) || want.count(g + ":" + i.GetString("name")) ||
                 want.count(g + ":*") || want.count(g + ":");
      if (!sel) continue;
      out_ << Pad(FullName(i), 32) << " " << Pad(i.GetString("statename"), 10) << " " << i.GetString("description") << "\n";
      if (i.GetInt("state") != 20 && rc == 0) rc = kNotRunning;
    }
    return rc;
  }

  void PrintResults(const Value& results, const char* verb) {
    for (const Value& r : results.array) {
      int code = static_cast<int>(r.GetInt("status"));
      if (code == kSuccess) out_ << FullName(r) << ": " << verb << "\n";
      else out_ << FullName(r) << ": ERROR (" << FaultMessage(code) << ")\n";
    }
  }

  int StartStop(bool start, const std::vector<std::string>& names, bool quiet_not_running = false) {
    if (names.empty()) return Usage(start ? "start <name>|<gname>:*|all" : "stop <name>|<gname>:*|all");
    int rc = 0;
    const char* verb = start ? "started" : "stopped";
    for (const std::string& n : names) {
      Fault f;
      if (n == "all") {
        auto v = Call(start ? "supervisor.startAllProcesses" : "supervisor.stopAllProcesses", {}, &f);
        if (!v.ok()) return Err(v.status());
        if (f.code) { out_ << "ERROR: " << f.text << "\n"; rc = kGeneric; continue; }
        PrintResults(*v, verb);
        for (const Value& r : v->array) if (r.GetInt("status") != kSuccess) rc = kGeneric;
        continue;
      }
      bool group = EndsWith(n, ":*") || EndsWith(n, ":");
      std::string gname = n.substr(0, n.find(':'));
      auto v = group ? Call(start ? "supervisor.startProcessGroup" : "supervisor.stopProcessGroup", {Value::String(gname)}, &f)
                     : Call(start ? "supervisor.startProcess" : "supervisor.stopProcess", {Value::String(n)}, &f);
      if (!v.ok()) return Err(v.status());
      if (f.code) {
        if (f.code == kNotRunning && quiet_not_running) { out_ << n << ": ERROR (not running)\n"; rc = std::max(rc, kNotRunning); continue; }
        if (f.code == kBadName) out_ << n << ": ERROR (no such " << (group ? "group" : "process") << ")\n";
        else if (f.code == kAlreadyStarted) out_ << n << ": ERROR (already started)\n";
        else if (f.code == kNotRunning) out_ << n << ": ERROR (not running)\n";
        else out_ << n << ": ERROR (" << FaultMessage(f.code) << (f.code == kSpawnError || f.code == kAbnormalTermination ? "" : ": " + f.text) << ")\n";
        rc = f.code == kBadName ? kBadName : (f.code == kNotRunning ? kNotRunning : kGeneric);
        if (f.code == kAlreadyStarted) rc = 0;
        continue;
      }
      if (group) PrintResults(*v, verb);
      else out_ << n << ": " << verb << "\n";
    }
    return rc;
  }

  int Reread() {
    Fault f;
    auto v = Call("supervisor.reloadConfig", {}, &f);
    if (!v.ok()) return Err(v.status());
    if (f.code) { out_ << "ERROR: " << f.text << "\n"; return kGeneric; }
    const Value& d = v->array.at(0);
    bool any = false;
    const char* what[] = {"available", "changed", "disappeared"};
    for (int i = 0; i < 3; ++i)
      for (const Value& n : d.array.at(i).array) { out_ << n.s << ": " << what[i] << "\n"; any = true; }
    if (!any) out_ << "No config updates to processes\n";
    return 0;
  }

  int Update(const std::vector<std::string>& groups) {
    Fault f;
    auto v = Call("supervisor.reloadConfig", {}, &f);
    if (!v.ok()) return Err(v.status());
    if (f.code) { out_ << "ERROR: " << f.text << "\n"; return kGeneric; }
    const Value& d = v->array.at(0);
    std::set<std::string> only(groups.begin(), groups.end());
    if (only.count("all")) only.clear();
    auto in = [&](const std::string& g) { return only.empty() || only.count(g); };
    int rc = 0;
    for (const Value& g : d.array.at(2).array) {
      if (!in(g.s)) continue;
      auto r = Call("supervisor.stopProcessGroup", {Value::String(g.s)}, &f);
      if (!r.ok()) return Err(r.status());
      out_ << g.s << ": stopped\n";
      auto rm = Call("supervisor.removeProcessGroup", {Value::String(g.s)}, &f);
      if (!rm.ok()) return Err(rm.status());
      if (f.code) { out_ << g.s << ": has problems; not removing\n"; rc = kGeneric; continue; }
      out_ << g.s << ": removed process group\n";
    }
    for (const Value& g : d.array.at(1).array) {
      if (!in(g.s)) continue;
      auto r = Call("supervisor.stopProcessGroup", {Value::String(g.s)}, &f);
      if (!r.ok()) return Err(r.status());
      out_ << g.s << ": stopped\n";
      (void)Call("supervisor.removeProcessGroup", {Value::String(g.s)}, &f);
      (void)Call("supervisor.addProcessGroup", {Value::String(g.s)}, &f);
      out_ << g.s << ": updated process group\n";
    }
    for (const Value& g : d.array.at(0).array) {
      if (!in(g.s)) continue;
      auto r = Call("supervisor.addProcessGroup", {Value::String(g.s)}, &f);
      if (!r.ok()) return Err(r.status());
      out_ << g.s << ": added process group\n";
    }
    return rc;
  }

  int Avail() {
    auto v = c_.CallOrError("supervisor.getAllConfigInfo");
    if (!v.ok()) return Err(v.status());
    for (const Value& i : v->array) {
      const Value* inuse = i.Get("inuse");
      const Value* autostart = i.Get("autostart");
      std::string name = i.GetString("group") == i.GetString("name") ? i.GetString("name") : i.GetString("group") + ":" + i.GetString("name");
      out_ << Pad(name, 32) << " " << Pad(inuse && inuse->b ? "in use" : "avail", 12) << " "
           << Pad(autostart && autostart->b ? "auto" : "manual", 10) << " " << i.GetInt("process_prio") << ":"
           << i.GetInt("group_prio") << "\n";
    }
    return 0;
  }

  int TailCommon(const std::vector<std::string>& args, bool main) {
    bool follow = false;
    long long bytes = 1600;
    std::vector<std::string> pos;
    for (const std::string& a : args) {
      long long n;
      if (a == "-f") follow = true;
      else if (StartsWith(a, "-") && ParseInt64(a.substr(1), &n)) bytes = n;
      else pos.push_back(a);
    }
    if (main ? !pos.empty() : (pos.empty() || pos.size() > 2)) return Usage(main ? "maintail [-f] [-bytes]" : "tail [-f] <name> [stdout|stderr]");
    std::string channel = !main && pos.size() == 2 ? pos[1] : "stdout";
    if (channel != "stdout" && channel != "stderr") return Usage("tail [-f] <name> [stdout|stderr]");
    if (follow) {
      std::string path = main ? "/mainlogtail" : "/logtail/" + pos[0] + "/" + channel;
      out_ << "==> Press Ctrl-C to exit <==\n" << std::flush;
      slapos::Status st = c_.Stream(path, [&](std::string_view d) { out_ << d << std::flush; return bool(out_); });
      if (!st.ok()) return Err(st);
      return 0;
    }
    Fault f;
    std::string method = main ? "supervisor.readLog"
                              : channel == "stderr" ? "supervisor.readProcessStderrLog" : "supervisor.readProcessStdoutLog";
    std::vector<Value> params;
    if (!main) params.push_back(Value::String(pos[0]));
    params.push_back(Value::Int(-bytes));
    params.push_back(Value::Int(0));
    auto v = Call(method, params, &f);
    if (!v.ok()) return Err(v.status());
    if (f.code) {
      out_ << (main ? "" : pos[0] + ": ") << "ERROR (" << (f.code == kNoFile ? "no log file" : FaultMessage(f.code)) << ")\n";
      return f.code == kBadName ? kBadName : kGeneric;
    }
    out_ << v->s;
    return 0;
  }
  int Tail(const std::vector<std::string>& a) { return TailCommon(a, false); }
  int MainTail(const std::vector<std::string>& a) { return TailCommon(a, true); }

  int Signal(const std::vector<std::string>& args) {
    if (args.size() < 2) return Usage("signal <signal name> <name>|<gname>:*|all");
    int rc = 0;
    for (size_t i = 1; i < args.size(); ++i) {
      const std::string& n = args[i];
      Fault f;
      bool group = EndsWith(n, ":*");
      Result<Value> v = n == "all" ? Call("supervisor.signalAllProcesses", {Value::String(args[0])}, &f)
                        : group    ? Call("supervisor.signalProcessGroup", {Value::String(n.substr(0, n.size() - 2)), Value::String(args[0])}, &f)
                                   : Call("supervisor.signalProcess", {Value::String(n), Value::String(args[0])}, &f);
      if (!v.ok()) return Err(v.status());
      if (f.code) {
        out_ << n << ": ERROR (" << FaultMessage(f.code) << ")\n";
        rc = f.code == kBadName ? kBadName : kGeneric;
        continue;
      }
      if (v->type == Value::Type::kArray) PrintResults(*v, "signalled");
      else out_ << n << ": signalled\n";
    }
    return rc;
  }

  int Pid(const std::vector<std::string>& args) {
    if (args.empty()) {
      auto v = c_.CallOrError("supervisor.getPID");
      if (!v.ok()) return Err(v.status());
      out_ << v->i << "\n";
      return 0;
    }
    if (args.size() == 1 && args[0] == "all") {
      auto v = c_.CallOrError("supervisor.getAllProcessInfo");
      if (!v.ok()) return Err(v.status());
      for (const Value& i : v->array) out_ << i.GetInt("pid") << "\n";
      return 0;
    }
    int rc = 0;
    for (const std::string& n : args) {
      Fault f;
      auto v = Call("supervisor.getProcessInfo", {Value::String(n)}, &f);
      if (!v.ok()) return Err(v.status());
      if (f.code) { out_ << "No such process " << n << "\n"; rc = kBadName; continue; }
      out_ << v->GetInt("pid") << "\n";
      if (v->GetInt("pid") == 0) rc = kNotRunning;
    }
    return rc;
  }

  int Clear(const std::vector<std::string>& args) {
    if (args.empty()) return Usage("clear <name>|<gname>:*|all");
    int rc = 0;
    for (const std::string& n : args) {
      Fault f;
      if (n == "all") {
        auto v = Call("supervisor.clearAllProcessLogs", {}, &f);
        if (!v.ok()) return Err(v.status());
        PrintResults(*v, "cleared");
        continue;
      }
      auto v = Call("supervisor.clearProcessLogs", {Value::String(n)}, &f);
      if (!v.ok()) return Err(v.status());
      if (f.code) { out_ << n << ": ERROR (" << FaultMessage(f.code) << ")\n"; rc = kGeneric; continue; }
      out_ << n << ": cleared\n";
    }
    return rc;
  }

  const SupervisorClient& c_;
  std::ostream& out_;
};

}  // namespace

int RunCtlCommand(const SupervisorClient& client, const std::vector<std::string>& args, std::ostream& out) {
  if (args.empty()) {
    out << CtlHelp();
    return kUsage;
  }
  return Ctl(client, out).Run(args);
}

std::string CtlHelp() {
  return "commands:\n"
         "  status [<name>|<gname>:*|all ...]   show process states\n"
         "  start|stop|restart <name>|<gname>:*|all ...\n"
         "  update [all|<gname> ...]            reread, then add/remove/restart changed groups\n"
         "  reread                              show configuration changes (nothing is applied)\n"
         "  avail                               list configured processes\n"
         "  tail [-f] [-<bytes>] <name> [stdout|stderr]\n"
         "  maintail [-f] [-<bytes>]            the daemon's own log\n"
         "  signal <SIG> <name>|<gname>:*|all ...\n"
         "  pid [<name>|all]                    the daemon's pid, or processes' pids\n"
         "  clear <name>|all                    truncate process logs\n"
         "  reload                              restart the daemon with the rereaded config\n"
         "  shutdown                            stop every process and the daemon\n"
         "  version                             the daemon's version\n";
}

}  // namespace slapos::supervise
