#include "supervise/config.h"

#include <algorithm>
#include <climits>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "supervise/config_files.h"
#include "supervise/sha1.h"
#include "util/file.h"
#include "util/ini.h"
#include "util/strings.h"

extern char** environ;

namespace slapos::supervise {

namespace {

using config_files::AbsPath;
using config_files::Collect;
using config_files::LoadedFile;
using config_files::ParseText;

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
  // `vars` must outlive the reader.
  SectionReader(const Source& src, const std::map<std::string, std::string>& vars) : src_(src), vars_(vars) {}

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
  const std::map<std::string, std::string>& vars_;
};

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

bool IsItemSection(const std::string& n) {
  return StartsWith(n, "program:") || StartsWith(n, "eventlistener:") || StartsWith(n, "group:");
}

// The [program:x], [eventlistener:x] and [group:x] sections of one file (ParsedItems).
Status ParseItems(const IniFile& f, const std::map<std::string, std::string>& base, const DaemonConfig& daemon,
                  const ParseOptions& options, ConfigCache::Impl::Items* out) {
  std::string here = Dirname(f.path);
  std::map<std::string, std::string> vars = base;
  vars["here"] = here;
  for (const IniSection& s : f.sections) {
    const std::string& n = s.name;
    if (!IsItemSection(n)) continue;
    Source src{&s, f.path, here};
    SectionReader r(src, vars);
    if (StartsWith(n, "group:")) {
      ConfigCache::Impl::GroupItem g;
      g.name = std::string(Trim(n.substr(6)));
      if (g.name.empty() || g.name.find(':') != std::string::npos) return r.Error(nullptr, "bad group name");
      SLAPOS_ASSIGN_OR_RETURN(long long prio, r.Int("priority", 999, INT_MIN, INT_MAX));
      g.priority = static_cast<int>(prio);
      SLAPOS_ASSIGN_OR_RETURN(std::string list, r.Str("programs", ""));
      for (const std::string& p : Split(list, ',')) {
        std::string pn(Trim(p));
        if (!pn.empty()) g.members.push_back(pn);
      }
      g.error = r.Error(nullptr, "").message();
      g.programs_error = r.Error(r.Find("programs"), "").message();
      out->groups.push_back(std::move(g));
      continue;
    }
    bool listener = StartsWith(n, "eventlistener:");
    ConfigCache::Impl::ProgramItem p;
    p.name = std::string(Trim(n.substr(n.find(':') + 1)));
    if (p.name.empty() || p.name.find_first_of(": ") != std::string::npos)
      return r.Error(nullptr, "program name '" + p.name + "' must be non-empty, without ':' or spaces");
    p.where = Where(src, nullptr);
    p.error = r.Error(nullptr, "").message();
    SLAPOS_RETURN_IF_ERROR(ParseProgram(src, p.name, listener, base, daemon, options, &p.procs));
    out->programs.push_back(std::move(p));
  }
  return Status::OK();
}

// What the parse of an included file depends on besides its text: the variables, the daemon's
// defaults and the users database. A cache entry made under another context is not used.
std::string ContextKey(const std::map<std::string, std::string>& base, const DaemonConfig& d,
                       const ParseOptions& options) {
  std::string k;
  for (const auto& [name, value] : base) k += name + '=' + value + '\x1e';
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a/%a/%d", d.backoff_initial_secs, d.backoff_max_secs, options.resolve_users ? 1 : 0);
  k += buf;
  struct stat st{};
  if (options.resolve_users && stat("/etc/passwd", &st) == 0)
    k += '/' + std::to_string(st.st_ino) + '/' + std::to_string(st.st_size) + '/' + std::to_string(st.st_mtim.tv_sec) +
         '.' + std::to_string(st.st_mtim.tv_nsec) + '/' + std::to_string(st.st_ctim.tv_sec) + '.' +
         std::to_string(st.st_ctim.tv_nsec);
  return k;
}

Result<Config> Build(const std::string& path, std::vector<LoadedFile>& files, const ParseOptions& options,
                     ConfigCache::Impl* cache) {
  Config cfg;
  cfg.path = path;
  for (const LoadedFile& f : files) cfg.files.push_back(f.path);
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

  // [supervisord] first: other sections use its childlogdir/backoff defaults. (A file a cache
  // entry may answer for holds only program, eventlistener and group sections.)
  for (const LoadedFile& f : files) {
    if (!f.ini) continue;
    for (const IniSection& sec : f.ini->sections) {
      if (sec.name != "supervisord") continue;
      Source s{&sec, f.path, Dirname(f.path)};
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
  }
  std::string context = cache ? ContextKey(base, cfg.daemon, options) : "";

  // Each file's items: from the cache when its text and the context are the same, else parsed.
  std::vector<const ConfigCache::Impl::Items*> items;
  std::vector<ConfigCache::Impl::Items> uncached;
  uncached.reserve(files.size());
  for (LoadedFile& f : files) {
    if (!f.ini) {
      ConfigCache::Impl::Entry& e = cache->files.at(f.path);
      if (e.context == context) {
        ++cache->hits;
        e.id = f.id;  // the same text, perhaps under a new identity (rewritten, touched)
        e.id_trusted = cache->TrustId(f.id);
        items.push_back(&e.items);
        continue;
      }
      if (f.unread) {
        SLAPOS_ASSIGN_OR_RETURN(f.text, ReadFile(f.path));
        ++cache->reads;
        f.digest = Sha1Hex(f.text);
        f.unread = false;
      }
      SLAPOS_ASSIGN_OR_RETURN(IniFile ini, ParseText(f.text, f.path));
      f.ini = std::move(ini);
    }
    bool only_items = true;
    for (const IniSection& sec : f.ini->sections) {
      const std::string& n = sec.name;
      if (IsItemSection(n)) continue;
      only_items = false;
      Source s{&sec, f.path, Dirname(f.path)};
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
      } else if (StartsWith(n, "fcgi-program:")) {
        return r.Error(nullptr, "[fcgi-program] sections are not supported; use [program]");
      }
    }
    ConfigCache::Impl::Items parsed;
    SLAPOS_RETURN_IF_ERROR(ParseItems(*f.ini, base, cfg.daemon, options, &parsed));
    if (cache && f.included && only_items) {
      ++cache->parses;
      ConfigCache::Impl::Entry& e = cache->files[f.path];
      e = ConfigCache::Impl::Entry{f.digest, context, std::move(parsed), f.id, cache->TrustId(f.id)};
      items.push_back(&e.items);
    } else {
      uncached.push_back(std::move(parsed));
      items.push_back(&uncached.back());
    }
  }
  if (cache) {  // forget the files that are gone
    std::unordered_set<std::string_view> seen;
    for (const LoadedFile& f : files) seen.insert(f.path);
    std::erase_if(cache->files, [&](const auto& kv) { return !seen.count(kv.first); });
  }

  std::map<std::string, const ConfigCache::Impl::ProgramItem*> programs;  // program name -> its section
  for (const auto* fi : items)
    for (const auto& p : fi->programs) {
      auto [it, inserted] = programs.emplace(p.name, &p);
      if (!inserted)
        return InvalidArgument(p.error + "program '" + p.name + "' is already defined at " + it->second->where);
    }
  std::set<std::string> used, group_names;
  for (const auto* fi : items)
    for (const auto& gi : fi->groups) {
      GroupConfig g;
      g.name = gi.name;
      g.priority = gi.priority;
      for (const std::string& pn : gi.members) {
        auto it = programs.find(pn);
        if (it == programs.end())
          return InvalidArgument(gi.programs_error + "no [program:" + pn + "] section for group '" + gi.name + "'");
        if (it->second->procs.front().is_listener)
          return InvalidArgument(gi.programs_error + "'" + pn + "' is an eventlistener and cannot be in a group");
        if (!used.insert(pn).second)
          return InvalidArgument(gi.programs_error + "program '" + pn + "' is already in another group");
        for (ProcessConfig pc : it->second->procs) {
          pc.group = gi.name;
          g.processes.push_back(std::move(pc));
        }
      }
      if (!group_names.insert(gi.name).second) return InvalidArgument(gi.error + "group '" + gi.name + "' is defined twice");
      cfg.groups.push_back(std::move(g));
    }
  for (const auto& [pname, p] : programs) {
    if (used.count(pname)) continue;
    if (group_names.count(pname))
      return InvalidArgument(p->where + ": program '" + pname + "' has the name of a [group:" + pname + "]");
    GroupConfig g;
    g.name = pname;
    g.priority = p->procs.front().priority;
    g.is_listener_pool = p->procs.front().is_listener;
    g.processes = p->procs;
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

ConfigCache::ConfigCache() : impl_(std::make_unique<Impl>()) {}
ConfigCache::~ConfigCache() = default;
size_t ConfigCache::hits() const { return impl_->hits; }
size_t ConfigCache::parses() const { return impl_->parses; }
size_t ConfigCache::size() const { return impl_->files.size(); }
size_t ConfigCache::reads() const { return impl_->reads; }
void ConfigCache::SetTrustMarginForTest(int64_t ns) { impl_->trust_margin_ns = ns; }

Result<Config> LoadConfig(const std::string& path, const ParseOptions& options, ConfigCache* cache) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status().WithContext("reading supervisor config");
  std::vector<LoadedFile> files;
  ConfigCache::Impl* impl = cache ? cache->impl_.get() : nullptr;
  if (impl) {
    struct timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    impl->load_start_ns = now.tv_sec * 1000000000LL + now.tv_nsec;
  }
  SLAPOS_RETURN_IF_ERROR(Collect(path, std::move(*text), 0, impl, &files));
  return Build(path, files, options, impl);
}

Result<Config> ParseConfigText(const std::string& text, const std::string& path, const ParseOptions& options) {
  std::vector<LoadedFile> files;
  SLAPOS_RETURN_IF_ERROR(Collect(path, text, 0, nullptr, &files));
  return Build(path, files, options, nullptr);
}

}  // namespace slapos::supervise
