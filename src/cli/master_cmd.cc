// `slapos master` and `slapos proxy start`: run the SlapOS master API server.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/command.h"
#include "cli/parse.h"
#include "master/server.h"
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

int RunMasterCommand(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app("Run the SlapOS master API (JSON API v0) on a SQLite database.", "slapos " + name);
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

SLAPOS_COMMAND("master", "run the SlapOS master API server (SQLite)", slapos::cli::RunMasterCommand);
SLAPOS_COMMAND("proxy", "run the master as `slapos proxy start --cfg FILE` (SlapOS compatible)",
               slapos::cli::RunProxyCommand);
