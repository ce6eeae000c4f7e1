#include "supervise/config.h"

#include <algorithm>
#include <climits>
#include <csignal>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "util/file.h"
#include "util/ini.h"
#include "util/strings.h"

extern char** environ;

namespace slapos::supervise {

namespace {

struct SignalEntry { const char* name; int sig; };
const SignalEntry kSignals[] = {
    {"HUP", SIGHUP}, {"INT", SIGINT}, {"QUIT", SIGQUIT}, {"KILL", SIGKILL}, {"USR1", SIGUSR1},
    {"USR2", SIGUSR2}, {"TERM", SIGTERM}, {"ALRM", SIGALRM}, {"STOP", SIGSTOP}, {"CONT", SIGCONT},
    {"ABRT", SIGABRT}, {"PIPE", SIGPIPE}, {"WINCH", SIGWINCH}, {"CHLD", SIGCHLD}, {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"SEGV", SIGSEGV}, {"BUS", SIGBUS}, {"FPE", SIGFPE},
    {"ILL", SIGILL}, {"TRAP", SIGTRAP}, {"URG", SIGURG}, {"IO", SIGIO}, {"SYS", SIGSYS},
    {"PWR", SIGPWR}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
};

// One section with where it came from.
struct Source {
  const IniSection* section;
  std::string file;
  std::string here;  // directory of the file
};

std::string Where(const Source& s, const IniEntry* e) {
  return s.file + ":" + std::to_string(e ? e->line : s.section->line);
}

class SectionReader {
 public:
  SectionReader(const Source& src, std::map<std::string, std::string> vars)
      : src_(src), vars_(std::move(vars)) {}

  Status Error(const IniEntry* e, const std::string& what) const {
    return InvalidArgument(Where(src_, e) + ": [" + src_.section->name + "] " +
                           (e ? "option '" + e->key + "': " : "") + what);
  }
  const IniEntry* Find(const char* key) const { return src_.section->Find(key); }

  Result<std::string> Str(const char* key, const std::string& fallback) const {
    const IniEntry* e = Find(key);
    if (!e) return fallback;
    Result<std::string> r = ExpandPercent(e->value, vars_);
    if (!r.ok()) return Error(e, r.status().message());
    return r;
  }
  Result<long long> Int(const char* key, long long fallback, long long min, long long max) const {
    const IniEntry* e = Find(key);
    if (!e) return fallback;
    SLAPOS_ASSIGN_OR_RETURN(std::string v, Str(key, ""));
    long long n;
    if (!ParseInt64(Trim(v), &n)) return Error(e, "'" + v + "' is not an integer");
    if (n < min || n > max)
      return Error(e, "'" + v + "' is out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return n;
  }
  Result<double> Secs(const char* key, double fallback) const {
    const IniEntry* e = Find(key);
    if (!e) return fallback;
    SLAPOS_ASSIGN_OR_RETURN(std::string v, Str(key, ""));
    char* end = nullptr;
    std::string t(Trim(v));
    double d = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0' || d < 0) return Error(e, "'" + v + "' is not a non-negative number of seconds");
    return d;
  }
  Result<bool> Bool(const char* key, bool fallback) const {
    const IniEntry* e = Find(key);
    if (!e) return fallback;
    SLAPOS_ASSIGN_OR_RETURN(std::string v, Str(key, ""));
    bool b;
    if (!ParseBool(Trim(v), &b)) return Error(e, "'" + v + "' is not a boolean (true/false)");
    return b;
  }
  Result<long long> Bytes(const char* key, long long fallback) const {
    const IniEntry* e = Find(key);
    if (!e) return fallback;
    SLAPOS_ASSIGN_OR_RETURN(std::string v, Str(key, ""));
    Result<long long> r = ParseByteSize(v);
    if (!r.ok()) return Error(e, r.status().message());
    return r;
  }
  Result<int> Octal(const char* key, int fallback) const {
    const IniEntry* e = Find(key);
    if (!e) return fallback;
    SLAPOS_ASSIGN_OR_RETURN(std::string v, Str(key, ""));
    std::string t(Trim(v));
    char* end = nullptr;
    long n = std::strtol(t.c_str(), &end, 8);
    if (t.empty() || *end != '\0' || n < 0 || n > 07777) return Error(e, "'" + v + "' is not an octal mode like 022");
    return static_cast<int>(n);
  }
  const Source& src() const { return src_; }

 private:
  const Source& src_;
  std::map<std::string, std::string> vars_;
};

std::string AbsPath(const std::string& here, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return JoinPath(here, p);
}

std::string BaseVarsEnvKey(const std::string& k) { return "ENV_" + k; }

Status ResolveUser(const SectionReader& r, const IniEntry* e, ProcessConfig* pc) {
  const std::string& u = pc->user;
  long long n;
  struct passwd* pw = nullptr;
  if (ParseInt64(u, &n)) {
    pw = getpwuid(static_cast<uid_t>(n));
    pc->uid = static_cast<uid_t>(n);
    pc->gid = pw ? pw->pw_gid : static_cast<gid_t>(n);
    pc->home = pw ? pw->pw_dir : "/";
    return Status::OK();
  }
  pw = getpwnam(u.c_str());
  if (!pw) return r.Error(e, "no such user '" + u + "'; create it or fix 'user'");
  pc->uid = pw->pw_uid;
  pc->gid = pw->pw_gid;
  pc->home = pw->pw_dir;
  return Status::OK();
}

Status ParseLog(const SectionReader& r, const char* prefix, LogConfig* log) {
  std::string k = std::string(prefix) + "_logfile";
  SLAPOS_ASSIGN_OR_RETURN(std::string path, r.Str(k.c_str(), "AUTO"));
  path = std::string(Trim(path));
  if (path == "NONE" || path == "none") path = "";
  else if (path != "AUTO" && path != "auto") path = AbsPath(r.src().here, path);
  else path = "AUTO";
  log->path = path;
  k = std::string(prefix) + "_logfile_maxbytes";
  SLAPOS_ASSIGN_OR_RETURN(log->maxbytes, r.Bytes(k.c_str(), 50LL * 1024 * 1024));
  k = std::string(prefix) + "_logfile_backups";
  SLAPOS_ASSIGN_OR_RETURN(long long b, r.Int(k.c_str(), 10, 0, 1000));
  log->backups = static_cast<int>(b);
  return Status::OK();
}

bool IsEventType(const std::string& t) {
  static const char* const kTypes[] = {
      "EVENT", "PROCESS_STATE", "PROCESS_STATE_STOPPED", "PROCESS_STATE_STARTING", "PROCESS_STATE_RUNNING",
      "PROCESS_STATE_BACKOFF", "PROCESS_STATE_STOPPING", "PROCESS_STATE_EXITED", "PROCESS_STATE_FATAL",
      "PROCESS_STATE_UNKNOWN", "REMOTE_COMMUNICATION", "PROCESS_LOG", "PROCESS_LOG_STDOUT", "PROCESS_LOG_STDERR",
      "PROCESS_COMMUNICATION", "PROCESS_COMMUNICATION_STDOUT", "PROCESS_COMMUNICATION_STDERR",
      "SUPERVISOR_STATE_CHANGE", "SUPERVISOR_STATE_CHANGE_RUNNING", "SUPERVISOR_STATE_CHANGE_STOPPING", "TICK",
      "TICK_5", "TICK_60", "TICK_3600", "PROCESS_GROUP", "PROCESS_GROUP_ADDED", "PROCESS_GROUP_REMOVED"};
  for (const char* k : kTypes)
    if (t == k) return true;
  return false;
}

// [program:x] / [eventlistener:x] -> processes.
Status ParseProgram(const Source& src, const std::string& program, bool listener,
                    const std::map<std::string, std::string>& base, const DaemonConfig& daemon,
                    const ParseOptions& options, std::vector<ProcessConfig>* out) {
  std::map<std::string, std::string> vars = base;
  vars["here"] = src.here;
  vars["program_name"] = program;
  vars["group_name"] = program;
  vars["process_num"] = "0";
  vars["numprocs"] = "1";
  SectionReader pre(src, vars);
  SLAPOS_ASSIGN_OR_RETURN(long long numprocs, pre.Int("numprocs", 1, 1, 100000));
  SLAPOS_ASSIGN_OR_RETURN(long long start, pre.Int("numprocs_start", 0, 0, INT_MAX));
  vars["numprocs"] = std::to_string(numprocs);
  const IniEntry* pn = src.section->Find("process_name");
  if (numprocs > 1 && (!pn || pn->value.find("process_num") == std::string::npos))
    return pre.Error(pn, "numprocs is " + std::to_string(numprocs) +
                             " so process_name must contain %(process_num)s to make names unique");
  if (!src.section->Find("command")) return pre.Error(nullptr, "option 'command' is required");
  for (long long i = start; i < start + numprocs; ++i) {
    vars["process_num"] = std::to_string(i);
    SectionReader r(src, vars);
    ProcessConfig pc;
    pc.program = program;
    pc.group = program;
    pc.is_listener = listener;
    pc.where = Where(src, nullptr);
    SLAPOS_ASSIGN_OR_RETURN(pc.name, r.Str("process_name", program));
    if (pc.name.empty() || pc.name.find(':') != std::string::npos)
      return r.Error(pn, "process name '" + pc.name + "' must be non-empty and contain no ':'");
    SLAPOS_ASSIGN_OR_RETURN(pc.command, r.Str("command", ""));
    if (Trim(pc.command).empty()) return r.Error(r.Find("command"), "command is empty");
    SLAPOS_ASSIGN_OR_RETURN(pc.directory, r.Str("directory", ""));
    SLAPOS_ASSIGN_OR_RETURN(pc.user, r.Str("user", ""));
    pc.user = std::string(Trim(pc.user));
    if (!pc.user.empty() && options.resolve_users) SLAPOS_RETURN_IF_ERROR(ResolveUser(r, r.Find("user"), &pc));
    SLAPOS_ASSIGN_OR_RETURN(pc.umask, r.Octal("umask", -1));
    SLAPOS_ASSIGN_OR_RETURN(std::string env, r.Str("environment", ""));
    auto parsed_env = ParseEnvironment(env);
    if (!parsed_env.ok()) return r.Error(r.Find("environment"), parsed_env.status().message());
    pc.environment = *parsed_env;
    SLAPOS_ASSIGN_OR_RETURN(long long prio, r.Int("priority", listener ? -1 : 999, INT_MIN, INT_MAX));
    pc.priority = static_cast<int>(prio);
    SLAPOS_ASSIGN_OR_RETURN(pc.autostart, r.Bool("autostart", true));
    SLAPOS_ASSIGN_OR_RETURN(std::string ar, r.Str("autorestart", "unexpected"));
    ar = ToLower(Trim(ar));
    bool arb;
    if (ar == "unexpected") pc.autorestart = AutoRestart::kUnexpected;
    else if (ParseBool(ar, &arb)) pc.autorestart = arb ? AutoRestart::kTrue : AutoRestart::kFalse;
    else return r.Error(r.Find("autorestart"), "'" + ar + "' is not one of true, false, unexpected");
    SLAPOS_ASSIGN_OR_RETURN(std::string codes, r.Str("exitcodes", "0"));
    pc.exitcodes.clear();
    for (const std::string& c : Split(codes, ',')) {
      long long n;
      if (!ParseInt64(Trim(c), &n) || n < 0 || n > 255)
        return r.Error(r.Find("exitcodes"), "'" + codes + "' is not a list of exit codes like 0,2");
      pc.exitcodes.push_back(static_cast<int>(n));
    }
    SLAPOS_ASSIGN_OR_RETURN(long long ss, r.Int("startsecs", 1, 0, INT_MAX));
    pc.startsecs = static_cast<int>(ss);
    SLAPOS_ASSIGN_OR_RETURN(long long sr, r.Int("startretries", 3, -1, INT_MAX));
    pc.startretries = static_cast<int>(sr);
    SLAPOS_ASSIGN_OR_RETURN(std::string sig, r.Str("stopsignal", "TERM"));
    auto sign = ParseSignal(sig);
    if (!sign.ok()) return r.Error(r.Find("stopsignal"), sign.status().message());
    pc.stopsignal = *sign;
    SLAPOS_ASSIGN_OR_RETURN(long long sw, r.Int("stopwaitsecs", 10, 0, INT_MAX));
    pc.stopwaitsecs = static_cast<int>(sw);
    SLAPOS_ASSIGN_OR_RETURN(pc.stopasgroup, r.Bool("stopasgroup", false));
    SLAPOS_ASSIGN_OR_RETURN(pc.killasgroup, r.Bool("killasgroup", pc.stopasgroup));
    SLAPOS_ASSIGN_OR_RETURN(pc.redirect_stderr, r.Bool("redirect_stderr", false));
    SLAPOS_RETURN_IF_ERROR(ParseLog(r, "stdout", &pc.stdout_log));
    SLAPOS_RETURN_IF_ERROR(ParseLog(r, "stderr", &pc.stderr_log));
    if (pc.redirect_stderr) pc.stderr_log.path = "";
    SLAPOS_ASSIGN_OR_RETURN(pc.stdout_events_enabled, r.Bool("stdout_events_enabled", false));
    SLAPOS_ASSIGN_OR_RETURN(pc.stderr_events_enabled, r.Bool("stderr_events_enabled", false));
    SLAPOS_ASSIGN_OR_RETURN(pc.backoff_initial_secs, r.Secs("backoff_initial_secs", daemon.backoff_initial_secs));
    SLAPOS_ASSIGN_OR_RETURN(pc.backoff_max_secs, r.Secs("backoff_max_secs", daemon.backoff_max_secs));
    SLAPOS_ASSIGN_OR_RETURN(pc.serverurl, r.Str("serverurl", "AUTO"));
    if (listener) {
      SLAPOS_ASSIGN_OR_RETURN(std::string ev, r.Str("events", ""));
      for (std::string& e : Split(ev, ',')) {
        std::string t(Trim(e));
        if (t.empty()) continue;
        if (!IsEventType(t))
          return r.Error(r.Find("events"), "unknown event type '" + t + "' (e.g. PROCESS_STATE_EXITED, TICK_60, EVENT)");
        pc.events.push_back(t);
      }
      if (pc.events.empty()) return r.Error(r.Find("events"), "an [eventlistener] needs 'events = PROCESS_STATE_EXITED,...'");
      SLAPOS_ASSIGN_OR_RETURN(long long bs, r.Int("buffer_size", 10, 1, 1000000));
      pc.buffer_size = static_cast<int>(bs);
      pc.stdout_log.path = "";  // stdout is the protocol channel
    }
    out->push_back(std::move(pc));
  }
  return Status::OK();
}

Status ReadFileSections(const std::string& path, int depth, std::vector<IniFile>* files,
                        std::vector<std::string>* names) {
  if (depth > 10) return InvalidArgument(path + ": [include] nested more than 10 levels");
  IniOptions io;
  io.inline_semicolon_comments = true;
  io.strict = false;
  auto text = ReadFile(path);
  if (!text.ok()) return text.status().WithContext("reading supervisor config");
  auto ini = ParseIni(*text, path, io);
  if (!ini.ok()) return ini.status();
  files->push_back(std::move(*ini));
  names->push_back(path);
  return Status::OK();
}

Status Collect(const std::string& path, const std::string& text, bool have_text, int depth,
               std::vector<IniFile>* files, std::vector<std::string>* names) {
  if (have_text) {
    IniOptions io;
    io.inline_semicolon_comments = true;
    io.strict = false;
    auto ini = ParseIni(text, path, io);
    if (!ini.ok()) return ini.status();
    files->push_back(std::move(*ini));
    names->push_back(path);
  } else {
    SLAPOS_RETURN_IF_ERROR(ReadFileSections(path, depth, files, names));
  }
  size_t index = files->size() - 1;
  const IniSection* inc = (*files)[index].Find("include");
  if (!inc) return Status::OK();
  const IniEntry* e = inc->Find("files");
  if (!e) return InvalidArgument(path + ":" + std::to_string(inc->line) + ": [include] needs 'files = glob ...'");
  std::string here = Dirname(path);
  std::vector<std::string> found;
  for (const std::string& pattern : SplitWhitespace(e->value)) {
    std::string p = AbsPath(here, pattern);
    glob_t g{};
    int rc = glob(p.c_str(), 0, nullptr, &g);
    if (rc == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) found.push_back(g.gl_pathv[i]);
    globfree(&g);
  }
  std::sort(found.begin(), found.end());
  for (const std::string& f : found) {
    if (IsDirectory(f)) continue;
    Status st = Collect(f, "", false, depth + 1, files, names);
    if (!st.ok()) return st.WithContext("included from " + path + ":" + std::to_string(e->line));
  }
  return Status::OK();
}

Result<Config> Build(const std::string& path, std::vector<IniFile>& files, std::vector<std::string> names,
                     const ParseOptions& options) {
  Config cfg;
  cfg.path = path;
  cfg.files = std::move(names);
  std::map<std::string, std::string> base;
  if (options.use_process_env)
    for (char** e = environ; e && *e; ++e) {
      std::string kv = *e;
      size_t eq = kv.find('=');
      if (eq != std::string::npos) base[BaseVarsEnvKey(kv.substr(0, eq))] = kv.substr(eq + 1);
    }
  for (const auto& [k, v] : options.env) base[BaseVarsEnvKey(k)] = v;
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  base["host_node_name"] = host;

  std::vector<Source> sources;
  for (const IniFile& f : files)
    for (const IniSection& s : f.sections) sources.push_back(Source{&s, f.path, Dirname(f.path)});

  // [supervisord] first: other sections use its childlogdir/backoff defaults.
  for (const Source& s : sources) {
    if (s.section->name != "supervisord") continue;
    auto vars = base;
    vars["here"] = s.here;
    SectionReader r(s, vars);
    DaemonConfig& d = cfg.daemon;
    SLAPOS_ASSIGN_OR_RETURN(d.logfile, r.Str("logfile", JoinPath(s.here, "supervisord.log")));
    if (d.logfile == "NONE") d.logfile = "";
    else d.logfile = AbsPath(s.here, d.logfile);
    SLAPOS_ASSIGN_OR_RETURN(d.logfile_maxbytes, r.Bytes("logfile_maxbytes", d.logfile_maxbytes));
    SLAPOS_ASSIGN_OR_RETURN(long long b, r.Int("logfile_backups", 10, 0, 1000));
    d.logfile_backups = static_cast<int>(b);
    SLAPOS_ASSIGN_OR_RETURN(d.loglevel, r.Str("loglevel", "info"));
    SLAPOS_ASSIGN_OR_RETURN(d.pidfile, r.Str("pidfile", JoinPath(s.here, "supervisord.pid")));
    d.pidfile = AbsPath(s.here, d.pidfile);
    SLAPOS_ASSIGN_OR_RETURN(d.childlogdir, r.Str("childlogdir", "/tmp"));
    d.childlogdir = AbsPath(s.here, d.childlogdir);
    SLAPOS_ASSIGN_OR_RETURN(d.nodaemon, r.Bool("nodaemon", false));
    SLAPOS_ASSIGN_OR_RETURN(d.minfds, r.Int("minfds", 1024, 1, 1 << 24));
    SLAPOS_ASSIGN_OR_RETURN(d.identifier, r.Str("identifier", "supervisor"));
    SLAPOS_ASSIGN_OR_RETURN(d.umask, r.Octal("umask", 022));
    SLAPOS_ASSIGN_OR_RETURN(d.directory, r.Str("directory", ""));
    SLAPOS_ASSIGN_OR_RETURN(d.backoff_initial_secs, r.Secs("backoff_initial_secs", 1));
    SLAPOS_ASSIGN_OR_RETURN(d.backoff_max_secs, r.Secs("backoff_max_secs", 60));
  }
  if (cfg.daemon.logfile.empty() && sources.empty()) cfg.daemon.logfile = "";

  std::map<std::string, std::vector<ProcessConfig>> programs;  // program name -> processes
  std::map<std::string, std::string> program_where;
  std::vector<std::pair<const Source*, std::string>> group_sections;
  for (const Source& s : sources) {
    const std::string& n = s.section->name;
    auto vars = base;
    vars["here"] = s.here;
    SectionReader r(s, vars);
    if (n == "unix_http_server") {
      HttpServerConfig& u = cfg.unix_server;
      u.enabled = true;
      SLAPOS_ASSIGN_OR_RETURN(u.file, r.Str("file", ""));
      if (u.file.empty()) return r.Error(nullptr, "option 'file' (the socket path) is required");
      u.file = AbsPath(s.here, u.file);
      SLAPOS_ASSIGN_OR_RETURN(u.chmod, r.Octal("chmod", 0700));
      SLAPOS_ASSIGN_OR_RETURN(u.chown, r.Str("chown", ""));
      SLAPOS_ASSIGN_OR_RETURN(u.username, r.Str("username", ""));
      SLAPOS_ASSIGN_OR_RETURN(u.password, r.Str("password", ""));
    } else if (n == "inet_http_server") {
      HttpServerConfig& t = cfg.inet_server;
      t.enabled = true;
      SLAPOS_ASSIGN_OR_RETURN(std::string port, r.Str("port", ""));
      size_t colon = port.rfind(':');
      long long p;
      std::string ps = colon == std::string::npos ? port : port.substr(colon + 1);
      t.host = colon == std::string::npos ? "" : port.substr(0, colon);
      if (!ParseInt64(ps, &p) || p < 0 || p > 65535)
        return r.Error(r.Find("port"), "'" + port + "' is not host:port (e.g. 127.0.0.1:9001)");
      t.port = static_cast<int>(p);
      if (t.host == "*") t.host = "";
      SLAPOS_ASSIGN_OR_RETURN(t.username, r.Str("username", ""));
      SLAPOS_ASSIGN_OR_RETURN(t.password, r.Str("password", ""));
    } else if (n == "supervisorctl") {
      SLAPOS_ASSIGN_OR_RETURN(cfg.ctl.serverurl, r.Str("serverurl", ""));
      SLAPOS_ASSIGN_OR_RETURN(cfg.ctl.username, r.Str("username", ""));
      SLAPOS_ASSIGN_OR_RETURN(cfg.ctl.password, r.Str("password", ""));
    } else if (StartsWith(n, "program:") || StartsWith(n, "eventlistener:")) {
      bool listener = StartsWith(n, "eventlistener:");
      std::string name(Trim(n.substr(n.find(':') + 1)));
      if (name.empty() || name.find_first_of(": ") != std::string::npos)
        return r.Error(nullptr, "program name '" + name + "' must be non-empty, without ':' or spaces");
      if (programs.count(name))
        return r.Error(nullptr, "program '" + name + "' is already defined at " + program_where[name]);
      std::vector<ProcessConfig> procs;
      SLAPOS_RETURN_IF_ERROR(ParseProgram(s, name, listener, base, cfg.daemon, options, &procs));
      program_where[name] = Where(s, nullptr);
      programs[name] = std::move(procs);
    } else if (StartsWith(n, "group:")) {
      group_sections.emplace_back(&s, std::string(Trim(n.substr(6))));
    } else if (StartsWith(n, "fcgi-program:")) {
      return r.Error(nullptr, "[fcgi-program] sections are not supported; use [program]");
    }
  }
  std::map<std::string, bool> used;
  for (const auto& [src, gname] : group_sections) {
    auto vars = base;
    vars["here"] = src->here;
    SectionReader r(*src, vars);
    GroupConfig g;
    g.name = gname;
    if (g.name.empty() || g.name.find(':') != std::string::npos) return r.Error(nullptr, "bad group name");
    if (programs.count(gname) && !used.count(gname)) {
      // supervisord allows a group named like one of its programs; keep it simple and allow it.
    }
    SLAPOS_ASSIGN_OR_RETURN(long long prio, r.Int("priority", 999, INT_MIN, INT_MAX));
    g.priority = static_cast<int>(prio);
    SLAPOS_ASSIGN_OR_RETURN(std::string list, r.Str("programs", ""));
    for (const std::string& p : Split(list, ',')) {
      std::string pn(Trim(p));
      if (pn.empty()) continue;
      auto it = programs.find(pn);
      if (it == programs.end())
        return r.Error(r.Find("programs"), "no [program:" + pn + "] section for group '" + gname + "'");
      if (it->second.front().is_listener)
        return r.Error(r.Find("programs"), "'" + pn + "' is an eventlistener and cannot be in a group");
      if (used.count(pn)) return r.Error(r.Find("programs"), "program '" + pn + "' is already in another group");
      used[pn] = true;
      for (ProcessConfig pc : it->second) {
        pc.group = gname;
        g.processes.push_back(std::move(pc));
      }
    }
    if (cfg.FindGroup(gname)) return r.Error(nullptr, "group '" + gname + "' is defined twice");
    cfg.groups.push_back(std::move(g));
  }
  for (auto& [pname, procs] : programs) {
    if (used.count(pname)) continue;
    if (cfg.FindGroup(pname))
      return InvalidArgument(program_where[pname] + ": program '" + pname + "' has the name of a [group:" + pname + "]");
    GroupConfig g;
    g.name = pname;
    g.priority = procs.front().priority;
    g.is_listener_pool = procs.front().is_listener;
    g.processes = procs;
    cfg.groups.push_back(std::move(g));
  }
  for (GroupConfig& g : cfg.groups)
    std::stable_sort(g.processes.begin(), g.processes.end(), [](const ProcessConfig& a, const ProcessConfig& b) {
      return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
    });
  std::sort(cfg.groups.begin(), cfg.groups.end(), [](const GroupConfig& a, const GroupConfig& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.name < b.name;
  });
  return cfg;
}

}  // namespace

const GroupConfig* Config::FindGroup(const std::string& name) const {
  for (const GroupConfig& g : groups)
    if (g.name == name) return &g;
  return nullptr;
}

std::string ProcessConfig::Fingerprint() const {
  std::string f = name + '\x1f' + group + '\x1f' + command + '\x1f' + directory + '\x1f' + user + '\x1f' +
                  std::to_string(umask) + '\x1f';
  for (const auto& [k, v] : environment) f += k + '=' + v + '\x1e';
  f += '\x1f' + std::to_string(priority) + std::to_string(autostart) + std::to_string(static_cast<int>(autorestart));
  for (int c : exitcodes) f += "," + std::to_string(c);
  f += '\x1f' + std::to_string(startsecs) + '/' + std::to_string(startretries) + '/' + std::to_string(stopsignal) +
       '/' + std::to_string(stopwaitsecs) + '/' + std::to_string(stopasgroup) + std::to_string(killasgroup) +
       std::to_string(redirect_stderr) + '\x1f' + stdout_log.path + '/' + std::to_string(stdout_log.maxbytes) + '/' +
       std::to_string(stdout_log.backups) + '\x1f' + stderr_log.path + '/' + std::to_string(stderr_log.maxbytes) +
       '/' + std::to_string(stderr_log.backups) + '\x1f' + std::to_string(backoff_initial_secs) + '/' +
       std::to_string(backoff_max_secs) + '\x1f' + std::to_string(is_listener) + Join(events, ",") + '/' +
       std::to_string(buffer_size) + '/' + std::to_string(stdout_events_enabled) + std::to_string(stderr_events_enabled);
  return f;
}

std::string GroupConfig::Fingerprint() const {
  std::string f = name + '\x1d' + std::to_string(priority) + '\x1d';
  for (const ProcessConfig& p : processes) f += p.Fingerprint() + '\x1d';
  return f;
}

Result<std::string> ExpandPercent(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '%') { out += c; continue; }
    if (i + 1 < text.size() && text[i + 1] == '%') { out += '%'; ++i; continue; }
    if (i + 1 >= text.size() || text[i + 1] != '(')
      return InvalidArgument("'%' in '" + text + "' must be written '%%' or start '%(name)s'");
    size_t close = text.find(')', i + 2);
    if (close == std::string::npos) return InvalidArgument("unterminated '%(' in '" + text + "'");
    std::string key = text.substr(i + 2, close - i - 2);
    size_t j = close + 1;
    std::string flags;
    while (j < text.size() && std::string_view("0123456789-+ #.").find(text[j]) != std::string_view::npos) flags += text[j++];
    if (j >= text.size() || (text[j] != 's' && text[j] != 'd' && text[j] != 'r'))
      return InvalidArgument("format '%(" + key + ")' in '" + text + "' must end with s or d");
    char conv = text[j];
    auto it = vars.find(key);
    if (it == vars.end())
      return InvalidArgument("'" + text + "' uses %(" + key + ")" + conv + " which cannot be expanded (known: here, program_name, group_name, process_num, numprocs, host_node_name, ENV_*)");
    std::string val = it->second;
    if (!flags.empty()) {
      bool zero = flags[0] == '0';
      bool left = flags[0] == '-';
      long long width = std::atoll(flags.c_str() + ((zero || left) ? 1 : 0));
      if (static_cast<long long>(val.size()) < width) {
        std::string pad(width - val.size(), zero && conv == 'd' ? '0' : ' ');
        val = left ? val + pad : pad + val;
      }
    }
    out += val;
    i = j;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseEnvironment(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0, n = text.size();
  auto skip = [&] { while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i; };
  while (true) {
    skip();
    if (i >= n) break;
    size_t eq = text.find('=', i);
    if (eq == std::string::npos) return InvalidArgument("environment '" + text + "': expected KEY=value at '" + text.substr(i) + "'");
    std::string key(Trim(std::string_view(text).substr(i, eq - i)));
    if (key.empty() || key.find_first_of(",\"'") != std::string::npos)
      return InvalidArgument("environment '" + text + "': bad variable name '" + key + "'");
    i = eq + 1;
    skip();
    std::string val;
    if (i < n && (text[i] == '"' || text[i] == '\'')) {
      char q = text[i++];
      size_t end = text.find(q, i);
      if (end == std::string::npos) return InvalidArgument("environment '" + text + "': unterminated quote for " + key);
      val = text.substr(i, end - i);
      i = end + 1;
    } else {
      size_t end = text.find(',', i);
      if (end == std::string::npos) end = n;
      val = std::string(Trim(std::string_view(text).substr(i, end - i)));
      i = end;
    }
    out.emplace_back(key, val);
    skip();
    if (i < n) {
      if (text[i] != ',') return InvalidArgument("environment '" + text + "': expected ',' after " + key);
      ++i;
    }
  }
  return out;
}

Result<long long> ParseByteSize(const std::string& text) {
  std::string t = ToLower(Trim(text));
  long long mult = 1;
  if (EndsWith(t, "kb")) mult = 1024;
  else if (EndsWith(t, "mb")) mult = 1024 * 1024;
  else if (EndsWith(t, "gb")) mult = 1024LL * 1024 * 1024;
  if (mult != 1) t = t.substr(0, t.size() - 2);
  long long n;
  if (!ParseInt64(Trim(t), &n) || n < 0) return InvalidArgument("'" + text + "' is not a byte size like 50MB, 100KB or 1024");
  return n * mult;
}

Result<int> ParseSignal(const std::string& text) {
  std::string t(Trim(text));
  long long n;
  if (ParseInt64(t, &n) && n > 0 && n < 65) return static_cast<int>(n);
  std::string u = t;
  for (char& c : u) c = static_cast<char>(toupper(c));
  if (StartsWith(u, "SIG")) u = u.substr(3);
  for (const SignalEntry& s : kSignals)
    if (u == s.name) return s.sig;
  return InvalidArgument("'" + text + "' is not a signal name (TERM, HUP, INT, QUIT, KILL, USR1, USR2...)");
}

const char* SignalName(int sig) {
  for (const SignalEntry& s : kSignals)
    if (s.sig == sig) return s.name;
  return "UNKNOWN";
}

Result<Config> LoadConfig(const std::string& path, const ParseOptions& options) {
  std::vector<IniFile> files;
  std::vector<std::string> names;
  SLAPOS_RETURN_IF_ERROR(Collect(path, "", false, 0, &files, &names));
  return Build(path, files, names, options);
}

Result<Config> ParseConfigText(const std::string& text, const std::string& path, const ParseOptions& options) {
  std::vector<IniFile> files;
  std::vector<std::string> names;
  SLAPOS_RETURN_IF_ERROR(Collect(path, text, true, 0, &files, &names));
  return Build(path, files, names, options);
}

}  // namespace slapos::supervise
