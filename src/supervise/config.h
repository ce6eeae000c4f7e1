// The supervisord configuration dialect: [supervisord], [unix_http_server],
// [inet_http_server], [supervisorctl], [include], [group:x], [program:x], [eventlistener:x],
// with %(...)s expansion. Parsing yields plain structs; errors name file, line and option.
// Pure data and functions; thread-compatible.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

#include "util/status.h"

namespace slapos::supervise {

enum class AutoRestart { kFalse, kTrue, kUnexpected };

struct LogConfig {
  std::string path;             // "" = NONE; "AUTO" = a file in childlogdir chosen at start
  long long maxbytes = 50LL * 1024 * 1024;
  int backups = 10;
};

// One process (a [program:x] with numprocs=3 yields three).
struct ProcessConfig {
  std::string name;   // process name (process_name expanded)
  std::string group;  // group name
  std::string program;  // the section's program name
  std::string command;
  std::string directory;
  std::string user;  // as written; empty = run as the daemon's user
  std::optional<uid_t> uid;
  gid_t gid = 0;
  std::string home;
  int umask = -1;  // -1: inherit
  std::vector<std::pair<std::string, std::string>> environment;
  int priority = 999;
  bool autostart = true;
  AutoRestart autorestart = AutoRestart::kUnexpected;
  std::vector<int> exitcodes = {0};
  int startsecs = 1;
  int startretries = 3;  // -1: retry forever
  int stopsignal = 15;
  int stopwaitsecs = 10;
  bool stopasgroup = false;
  bool killasgroup = false;
  bool redirect_stderr = false;
  LogConfig stdout_log;
  LogConfig stderr_log;
  bool stdout_events_enabled = false;  // PROCESS_LOG_STDOUT events for each output chunk
  bool stderr_events_enabled = false;
  double backoff_initial_secs = 1;  // first retry delay; doubles per attempt
  double backoff_max_secs = 60;     // cap
  std::string serverurl = "AUTO";
  // Event listeners only.
  bool is_listener = false;
  std::vector<std::string> events;
  int buffer_size = 10;
  std::string where;  // "file:line" of the section, for messages

  // Every option as text: two configs are the same iff their fingerprints are equal.
  std::string Fingerprint() const;
};

struct GroupConfig {
  std::string name;
  int priority = 999;
  bool is_listener_pool = false;
  std::vector<ProcessConfig> processes;
  std::string Fingerprint() const;
};

struct DaemonConfig {
  std::string logfile;  // "" = none
  long long logfile_maxbytes = 50LL * 1024 * 1024;
  int logfile_backups = 10;
  std::string loglevel = "info";
  std::string pidfile;
  std::string childlogdir = "/tmp";
  bool nodaemon = false;
  long long minfds = 1024;
  std::string identifier = "supervisor";
  int umask = 022;
  std::string directory;
  double backoff_initial_secs = 1;
  double backoff_max_secs = 60;
};

struct HttpServerConfig {
  bool enabled = false;
  std::string file;  // unix socket path
  int chmod = 0700;
  std::string chown;  // "user" or "user:group"
  std::string host;   // inet
  int port = 0;
  std::string username;
  std::string password;  // plain, or "{SHA}hex"
};

struct CtlConfig {
  std::string serverurl;  // "unix:///path" or "http://host:port"
  std::string username;
  std::string password;
};

struct Config {
  std::string path;  // the main file
  DaemonConfig daemon;
  HttpServerConfig unix_server;
  HttpServerConfig inet_server;
  CtlConfig ctl;
  std::vector<GroupConfig> groups;  // sorted by (priority, name)
  std::vector<std::string> files;   // every file read (main + includes)

  const GroupConfig* FindGroup(const std::string& name) const;
};

struct ParseOptions {
  // %(ENV_X)s values; when empty, the process environment is used.
  std::map<std::string, std::string> env;
  bool use_process_env = true;
  // Check that `user` names exist (needs the system's passwd database).
  bool resolve_users = true;
};

class ConfigCache;

// Reads `path` and its includes. With a `cache`, an included file whose text (SHA-1) and
// context (variables, [supervisord] backoff defaults, /etc/passwd's identity) are the same as
// at the previous load through that cache is not parsed again: its parsed programs and groups
// are reused. A file whose identity (device, inode, size, mtime, ctime) is unchanged since a
// load that found it already older than one second is not even read again. The result is the
// same as without the cache.
Result<Config> LoadConfig(const std::string& path, const ParseOptions& options = {}, ConfigCache* cache = nullptr);
// The parsed [program]/[eventlistener]/[group] sections of included files holding only such
// sections, by path, between two LoadConfig calls (the supervisor's reloadConfig). Files that
// are gone are forgotten at each load. Not thread-safe.
class ConfigCache {
 public:
  ConfigCache();
  ~ConfigCache();
  ConfigCache(const ConfigCache&) = delete;
  ConfigCache& operator=(const ConfigCache&) = delete;

  size_t hits() const;    // files answered from the cache, over all loads
  size_t parses() const;  // files parsed and stored, over all loads
  size_t size() const;    // files held now
  size_t reads() const;   // included files read from disk, over all loads
  // How long a file must have been left unchanged before its identity alone is trusted
  // (default one second); tests set a negative margin to trust every identity.
  void SetTrustMarginForTest(int64_t ns);

  struct Impl;  // config.cc

 private:
  friend Result<Config> LoadConfig(const std::string& path, const ParseOptions& options, ConfigCache* cache);
  std::unique_ptr<Impl> impl_;
};

// Parses text as if it were the file `path` (includes are read from disk relative to it).
Result<Config> ParseConfigText(const std::string& text, const std::string& path, const ParseOptions& options = {});

// Helpers exposed for tests.
// Python-style "%(name)s" / "%(name)d" / "%%" expansion; error names the missing key.
Result<std::string> ExpandPercent(const std::string& text, const std::map<std::string, std::string>& vars);
// `K="v",K2=v2` -> pairs.
Result<std::vector<std::pair<std::string, std::string>>> ParseEnvironment(const std::string& text);
// "50MB", "1KB", "100" -> bytes.
Result<long long> ParseByteSize(const std::string& text);
// "TERM", "SIGTERM", "15" -> 15.
Result<int> ParseSignal(const std::string& text);
const char* SignalName(int sig);  // "TERM"

}  // namespace slapos::supervise
