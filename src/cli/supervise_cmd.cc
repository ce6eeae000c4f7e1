// `slapos supervisord` and `slapos supervisorctl`: the supervisord-compatible process
// supervisor (src/supervise/) and its control client.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "cli/parse.h"
#include "supervise/client.h"
#include "supervise/config.h"
#include "supervise/ctl.h"
#include "supervise/daemon_main.h"
#include "util/file.h"
#include "util/ini.h"
#include "util/strings.h"

namespace {

using slapos::supervise::SupervisorClient;
using slapos::cli::ParseArgs;

std::string DefaultConfig() {
  for (const char* p : {"supervisord.conf", "etc/supervisord.conf", "/etc/supervisor/supervisord.conf", "/etc/supervisord.conf"})
    if (slapos::PathExists(p)) return p;
  return "";
}

int RunSupervisord(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app{"Run the process supervisor daemon (supervisord-compatible configuration and control protocol).",
               "slapos " + name};
  std::string config;
  bool nodaemon = false;
  app.add_option("-c,--configuration", config, "configuration file (supervisord INI dialect)");
  app.add_flag("-n,--nodaemon", nodaemon, "stay in the foreground and log to stderr too");
  int rc = ParseArgs(app, args);
  if (rc >= 0) return rc;
  if (config.empty()) config = DefaultConfig();
  if (config.empty()) {
    std::fprintf(stderr, "Error: no configuration file given (-c FILE) and none found in the usual places\n");
    return 2;
  }
  return slapos::supervise::SupervisordMain(config, nodaemon);
}

// serverurl/username/password from [supervisorctl] (or the server sections) of `path`.
slapos::Status ReadCtlSettings(const std::string& path, std::string* url, std::string* user, std::string* pass) {
  slapos::IniOptions io;
  io.inline_semicolon_comments = true;
  io.strict = false;
  auto ini = slapos::ReadIniFile(path, io);
  if (!ini.ok()) return ini.status();
  std::map<std::string, std::string> vars = {{"here", slapos::Dirname(path)}};
  auto get = [&](const char* sec, const char* key) -> std::string {
    std::string v = ini->Get(sec, key);
    auto e = slapos::supervise::ExpandPercent(v, vars);
    return e.ok() ? *e : v;
  };
  if (url->empty()) *url = get("supervisorctl", "serverurl");
  if (user->empty()) *user = get("supervisorctl", "username");
  if (pass->empty()) *pass = get("supervisorctl", "password");
  if (url->empty()) {
    std::string file = get("unix_http_server", "file");
    if (!file.empty()) *url = "unix://" + (file[0] == '/' ? file : slapos::JoinPath(slapos::Dirname(path), file));
    else if (ini->Find("inet_http_server")) {
      std::string port = get("inet_http_server", "port");
      if (port.find(':') == std::string::npos) port = "localhost:" + port;
      if (slapos::StartsWith(port, ":") || slapos::StartsWith(port, "*:")) port = "localhost" + port.substr(port.find(':'));
      *url = "http://" + port;
    }
  }
  if (url->empty()) *url = "http://localhost:9001";
  return slapos::Status::OK();
}

int RunSupervisorctl(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app{"Control a running supervisor: status, start, stop, restart, update, reread, avail, tail [-f], "
               "signal, pid, clear, maintail, reload, shutdown, version.\n\n" + slapos::supervise::CtlHelp(),
               "slapos " + name};
  std::string config, url, user, pass;
  std::vector<std::string> command;
  app.add_option("-c,--configuration", config, "configuration file ([supervisorctl] serverurl, or the server sections)");
  app.add_option("-s,--serverurl", url, "unix:///path/to.sock or http://host:port (overrides the file)");
  app.add_option("-u,--username", user, "username for basic auth");
  app.add_option("-p,--password", pass, "password for basic auth");
  app.add_option("command", command, "the command and its arguments");
  app.prefix_command();
  int rc = ParseArgs(app, args);
  if (rc >= 0) return rc;
  for (const std::string& r : app.remaining()) command.push_back(r);
  if (config.empty() && url.empty()) config = DefaultConfig();
  if (!config.empty()) {
    slapos::Status st = ReadCtlSettings(config, &url, &user, &pass);
    if (!st.ok()) {
      std::fprintf(stderr, "Error: %s\n", st.message().c_str());
      return 2;
    }
  }
  if (url.empty()) url = "http://localhost:9001";
  auto client = SupervisorClient::Open(url, user, pass);
  if (!client.ok()) {
    std::fprintf(stderr, "Error: %s\n", client.status().message().c_str());
    return 2;
  }
  if (command.empty()) {
    std::cout << slapos::supervise::CtlHelp();
    return 2;
  }
  return slapos::supervise::RunCtlCommand(*client, command, std::cout);
}

}  // namespace

SLAPOS_COMMAND("supervisord", "run the process supervisor daemon (supervisord-compatible)", RunSupervisord);
SLAPOS_COMMAND("supervisorctl", "control a running supervisor (status, start, stop, update, tail...)", RunSupervisorctl);
