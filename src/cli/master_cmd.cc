// `slapos master` and `slapos proxy start`: run the SlapOS master API server. And the
// operator's reads of a running master through its loopback-only admin endpoints:
// `slapos master usage | software | backup FILE`.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/parse.h"
#include "master/server.h"
#ifndef SLAPOS_LEAN_IMAGE
#include "master/store/sqlite_store.h"
#include "slap/slap_client.h"
#include "util/file.h"
#endif
#include "util/ini.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::cli {
namespace {

int Fail(const Status& st) {
  std::fprintf(stderr, "slapos master: %s\n", st.message().c_str());
  return 1;
}

void AddCommonOptions(CLI::App& app, master::MasterOptions* o, std::string* log_file, std::string* log_level) {
  app.add_option("--threads", o->threads, "I/O threads serving requests")->capture_default_str();
  app.add_flag("!--no-access-log", o->access_log, "do not log one line per request");
  app.add_option("--log-file", *log_file, "append logs to this file instead of stderr");
  app.add_option("--log-level", *log_level, "debug, info, warning or error")->capture_default_str();
}

Status ApplyLogging(const std::string& log_file, const std::string& log_level) {
  LogLevel level;
  if (!ParseLogLevel(log_level, &level)) {
    return InvalidArgument("--log-level " + log_level + ": expected debug, info, warning or error");
  }
  SetLogLevel(level);
  if (!log_file.empty()) SetLogFile(log_file);
  return Status::OK();
}

#ifndef SLAPOS_LEAN_IMAGE
constexpr char kDefaultMasterUrl[] = "http://127.0.0.1:5000";

int FailAdmin(const std::string& word, const Status& st) {
  std::fprintf(stderr, "slapos master %s: %s\n", word.c_str(), st.message().c_str());
  return 1;
}

void AddMasterUrlOption(CLI::App& app, std::string* url) {
  app.add_option("--master-url", *url,
                 "URL of the running master, on this machine (admin endpoints answer loopback callers only)")
      ->capture_default_str();
}

// --since: unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z] (UTC).
Result<int64_t> ParseSince(const std::string& text) {
  long long n = 0;
  if (ParseInt64(text, &n) && n >= 0) return static_cast<int64_t>(n);
  std::tm tm{};
  for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"}) {
    tm = std::tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end != nullptr && *end == '\0') return static_cast<int64_t>(timegm(&tm));
  }
  return InvalidArgument("--since '" + text + "': expected unix seconds, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (UTC)");
}

// `slapos master usage`: the usage documents nodes posted, oldest first.
int RunUsage(const std::vector<std::string>& args) {
  CLI::App app("Print the usage documents (TioXML) compute nodes reported to the running master, oldest first.",
               "slapos master usage");
  std::string url = kDefaultMasterUrl, computer, since, format = "json";
  int64_t limit = 1000;
  AddMasterUrlOption(app, &url);
  app.add_option("--computer", computer, "only this compute node's reports (its reference, e.g. COMP-0)");
  app.add_option("--since", since, "only reports received at or after T (unix seconds, YYYY-MM-DD or "
                                   "YYYY-MM-DDTHH:MM:SS, UTC)");
  app.add_option("--limit", limit, "at most N reports")->capture_default_str()->check(CLI::Range(1, 100000));
  app.add_option("--format", format, "json (one object, result_list) or xml (<usage_list>)")
      ->capture_default_str()
      ->check(CLI::IsMember({"json", "xml"}));
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  nlohmann::json body = {{"limit", limit}, {"format", format}};
  if (!computer.empty()) body["computer_guid"] = computer;
  if (!since.empty()) {
    Result<int64_t> t = ParseSince(since);
    if (!t.ok()) return FailAdmin("usage", t.status());
    body["since"] = *t;
  }
  slap::SlapClient client({url, {}});
  Result<std::string> answer = client.Call(slap::api::kAdminUsageList, body.dump());
  if (!answer.ok()) return FailAdmin("usage", answer.status());
  if (format == "xml") {
    std::fwrite(answer->data(), 1, answer->size(), stdout);
    return 0;
  }
  nlohmann::json parsed = nlohmann::json::parse(*answer, nullptr, false);
  if (parsed.is_discarded()) return FailAdmin("usage", Corruption("the master's answer is not JSON"));
  std::printf("%s\n", parsed.dump(2).c_str());
  return 0;
}

// `slapos master software`: every supplied installation with the node's last report.
int RunSoftware(const std::vector<std::string>& args) {
  CLI::App app("Print every software installation the master holds with the node's last report on it "
               "(building, available or error, and the error log).",
               "slapos master software");
  std::string url = kDefaultMasterUrl, computer;
  AddMasterUrlOption(app, &url);
  app.add_option("--computer", computer, "only this compute node's installations");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  nlohmann::json body = nlohmann::json::object();
  if (!computer.empty()) body["computer_guid"] = computer;
  slap::SlapClient client({url, {}});
  Result<std::string> answer = client.Call(slap::api::kAdminSoftwareInstallationList, body.dump());
  if (!answer.ok()) return FailAdmin("software", answer.status());
  nlohmann::json parsed = nlohmann::json::parse(*answer, nullptr, false);
  if (parsed.is_discarded()) return FailAdmin("software", Corruption("the master's answer is not JSON"));
  std::printf("%s\n", parsed.dump(2).c_str());
  return 0;
}

// `slapos master backup FILE`: a consistent copy of the live database, checked.
int RunBackup(const std::vector<std::string>& args) {
  CLI::App app("Write a consistent copy of the running master's database to FILE (SQLite online backup, "
               "taken by the master itself: its file is locked while it runs).",
               "slapos master backup");
  std::string url = kDefaultMasterUrl, file;
  AddMasterUrlOption(app, &url);
  app.add_option("FILE", file, "where to write the copy (replaced atomically; mode 0600)")->required();
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;
  slap::SlapClientOptions options{url, {}};
  options.http.timeout_seconds = 600;
  slap::SlapClient client(options);
  Result<std::string> bytes = client.Call(slap::api::kAdminBackup, "{}");
  if (!bytes.ok()) return FailAdmin("backup", bytes.status());
  Status written = WriteFileAtomic(file, *bytes, 0600);
  if (!written.ok()) return FailAdmin("backup", written.WithContext("writing " + file));
  Result<int> version = master::CheckSqliteFile(file);
  if (!version.ok()) return FailAdmin("backup", version.status().WithContext("the copy written to " + file + " is unusable"));
  std::printf("Backup of %s written to %s (%zu bytes, schema version %d, integrity ok)\n", url.c_str(), file.c_str(),
              bytes->size(), *version);
  return 0;
}

#else
// The lean daemon image (src/cli/CMakeLists.txt) leaves out the HTTP client (libcurl) the
// operator commands need: they run in the whole `slapos` binary beside this image.
int RunInWholeBinary(const std::string& name, const std::vector<std::string>& args) {
  char self[4096];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  std::string path = n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string();
  path = path.substr(0, path.rfind('/') + 1) + "slapos";
  std::vector<std::string> words = {path, name};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  setenv("SLAPOS_IN_PROCESS", "1", 1);
  execv(path.c_str(), argv.data());
  std::fprintf(stderr, "slapos %s %s: cannot run %s: %s\n", name.c_str(), args[0].c_str(), path.c_str(),
               std::strerror(errno));
  return 1;
}
#endif

bool IsAdminWord(const std::string& word) { return word == "usage" || word == "software" || word == "backup"; }

int RunMasterCommand(const std::string& name, const std::vector<std::string>& args) {
  if (!args.empty() && IsAdminWord(args[0])) {
#ifdef SLAPOS_LEAN_IMAGE
    return RunInWholeBinary(name, args);
#else
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "usage") return RunUsage(rest);
    if (args[0] == "software") return RunSoftware(rest);
    return RunBackup(rest);
#endif
  }
  CLI::App app("Run the SlapOS master API (JSON API v0) on a SQLite database.\n"
               "Operator reads of a running master (see each one's --help):\n"
               "  slapos master usage [--computer ID] [--since T] [--format json|xml]\n"
               "  slapos master software [--computer ID]\n"
               "  slapos master backup FILE",
               "slapos " + name);
  master::MasterOptions o;
  std::string log_file, log_level = "info";
  app.add_option("--host", o.host, "address to listen on (IPv4 or IPv6)")->capture_default_str();
  app.add_option("--port", o.port, "TCP port (0 = pick a free one; the chosen URL is printed)")
      ->capture_default_str();
  app.add_option("--db", o.database, "SQLite database file (created if missing)")->required();
  AddCommonOptions(app, &o, &log_file, &log_level);
  if (int code = ParseArgs(app, args); code >= 0) return code;
  if (Status st = ApplyLogging(log_file, log_level); !st.ok()) return Fail(st);
  Status st = master::RunMaster(o);
  return st.ok() ? 0 : Fail(st);
}

// `slapos proxy start --cfg FILE`: SlapOS's own way to start a local master. Reads
// [slapos] computer_id and [slapproxy] host, port, database_uri (the two sections merged,
// command-line options win).
int RunProxyCommand(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app("Run the SlapOS master as `slapos proxy` does, configured by a slapos.cfg file.", "slapos " + name);
  app.require_subcommand(1);
  CLI::App* start = app.add_subcommand("start", "start the master (foreground)");
  std::string cfg;
  master::MasterOptions o;
  std::string log_file, log_level = "info";
  std::string host, db;
  int port = -1;
  start->add_option("--cfg", cfg, "SlapOS configuration file")->required();
  start->add_option("--host", host, "overrides [slapproxy] host");
  start->add_option("--port", port, "overrides [slapproxy] port");
  start->add_option("--database-uri", db, "overrides [slapproxy] database_uri");
  AddCommonOptions(*start, &o, &log_file, &log_level);
  if (int code = ParseArgs(app, args); code >= 0) return code;
  if (Status st = ApplyLogging(log_file, log_level); !st.ok()) return Fail(st);
  Result<IniFile> ini = ReadIniFile(cfg, IniOptions{false, false});
  if (!ini.ok()) return Fail(ini.status());
  auto get = [&](const char* key) {
    std::string v = ini->Get("slapproxy", key);
    return v.empty() ? ini->Get("slapos", key) : v;
  };
  o.host = host.empty() ? get("host") : host;
  if (o.host.empty()) o.host = "127.0.0.1";
  std::string port_text = get("port");
  if (port >= 0) {
    o.port = port;
  } else if (!port_text.empty()) {
    long long p = 0;
    if (!ParseInt64(port_text, &p) || p < 0 || p > 65535) {
      return Fail(InvalidArgument(cfg + ": [slapproxy] port = " + port_text + " is not a TCP port number"));
    }
    o.port = static_cast<int>(p);
  }
  o.database = db.empty() ? get("database_uri") : db;
  if (o.database.empty()) {
    return Fail(InvalidArgument(cfg + ": [slapproxy] database_uri is required (the SQLite file of the master)"));
  }
  o.computer_id = ini->Get("slapos", "computer_id");
  Status st = master::RunMaster(o);
  return st.ok() ? 0 : Fail(st);
}

}  // namespace
}  // namespace slapos::cli

SLAPOS_COMMAND("master", "run the SlapOS master API server (SQLite); master usage|software|backup FILE",
               slapos::cli::RunMasterCommand);
SLAPOS_COMMAND("proxy", "run the master as `slapos proxy start --cfg FILE` (SlapOS compatible)",
               slapos::cli::RunProxyCommand);
