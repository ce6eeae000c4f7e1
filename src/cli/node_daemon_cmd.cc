// `slapos node daemon|boot` and the node's supervisor commands `slapos node
// status|start|stop|restart|tail|supervisorctl|supervisord` (node.md §1.12, §8.3, §10;
// docs/node-report.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/node_common.h"
#include "cli/parse.h"
#include "node/daemon.h"
#include "node/master_link.h"
#include "node/node_supervisor.h"
#include "supervise/client.h"
#include "supervise/ctl.h"
#include "util/env.h"
#include "util/file.h"
#include "util/log.h"
#include "util/process.h"

namespace slapos::cli {

namespace {

int RunDaemonCommand(const std::vector<std::string>& args) {
  CLI::App app{"Run the node: 'node format' at start and then every --format-interval, 'node software' and "
               "'node instance' every minute, 'node report' daily, each in its own child process (a long build "
               "never delays instances; a step still running is not started twice). Stops on SIGTERM/SIGINT: "
               "running steps get SIGTERM and --stop-grace seconds, then SIGKILL.",
               "slapos node daemon"};
  NodeCommon common;
  common.Add(app);
  double format_s = 86400, software_s = 60, instance_s = 60, report_s = 86400, grace = 60;
  std::string pidfile;
  app.add_option("--format-interval", format_s, "seconds between format runs")->capture_default_str();
  app.add_option("--software-interval", software_s, "seconds between software runs")->capture_default_str();
  app.add_option("--instance-interval", instance_s, "seconds between instance runs")->capture_default_str();
  app.add_option("--report-interval", report_s, "seconds between report runs")->capture_default_str();
  app.add_option("--stop-grace", grace, "seconds running steps get after SIGTERM")->capture_default_str();
  app.add_option("--pidfile", pidfile, "lock file (default: slapos-node-daemon.pid beside pidfile_instance)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kNodeExitUsage;
  for (double v : {format_s, software_s, instance_s, report_s})
    if (v <= 0) return NodeFail(InvalidArgument("every --*-interval must be a positive number of seconds"));
  if (grace < 0) return NodeFail(InvalidArgument("--stop-grace must not be negative"));
  auto config = LoadNodeCommand(common, node::ConfigUse::kSlapgrid, true);
  if (!config.ok()) return NodeFail(config.status());
  if (pidfile.empty()) pidfile = Dirname(config->pidfile_instance) + "/slapos-node-daemon.pid";
  auto lock = LockPidfile(pidfile);
  if (!lock.ok()) {
    std::fprintf(stderr, "slapos node daemon: %s\n", lock.status().message().c_str());
    return 10;
  }
  char cwd[4096];
  std::string cfg = config->path;
  if (!cfg.empty() && cfg[0] != '/' && getcwd(cwd, sizeof cwd)) cfg = std::string(cwd) + "/" + cfg;
  node::DaemonOptions o;
  o.steps = node::NodeDaemonSteps(SelfBinary(), cfg, format_s, software_s, instance_s, report_s);
  for (auto& s : o.steps) {
    s.argv.push_back("--log-level");
    s.argv.push_back(common.log_level);
  }
  o.stop_grace_seconds = grace;
  o.keep_pidfiles = {node::SupervisorPathsOf(*config).pidfile};  // `node instance` launches it; it stays
  Status st = node::RunDaemon(o);
  if (!st.ok()) return NodeFail(st);
  return 0;
}

int RunBoot(const std::vector<std::string>& args) {
  CLI::App app{"Prepare the node after a machine start (node.md §1.12): run 'node format' until it succeeds, "
               "tell the master (node bang), then delete every partition's .timestamp so the next 'node "
               "instance' redeploys everything.",
               "slapos node boot"};
  NodeCommon common;
  common.Add(app);
  std::string message = "Reboot";
  double delay = 15;
  int tries = 0;
  app.add_option("-m,--message", message, "bang message sent to the master")->capture_default_str();
  app.add_option("--retry-delay", delay, "seconds between format attempts")->capture_default_str();
  app.add_option("--max-tries", tries, "give up after this many format attempts (0 = never)")
      ->capture_default_str();
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kNodeExitUsage;
  if (delay < 0 || tries < 0) return NodeFail(InvalidArgument("--retry-delay and --max-tries must not be negative"));
  auto config = LoadNodeCommand(common, node::ConfigUse::kSlapgrid, true);
  if (!config.ok()) return NodeFail(config.status());

  for (int attempt = 1;; ++attempt) {
    ProcessOptions p;
    p.argv = {SelfBinary(), "node", "format", "--cfg", config->path, "--log-level", common.log_level};
    auto r = RunProcess(p);
    if (r.ok()) std::fputs(r->output.c_str(), stdout);
    if (r.ok() && r->success()) break;
    std::string why = r.ok() ? "exit code " + std::to_string(r->exit_code) : r.status().message();
    if (tries && attempt >= tries) {
      std::fprintf(stderr, "slapos node boot: format failed %d times (last: %s); giving up\n", attempt, why.c_str());
      return 1;
    }
    LOG_WARNING("node boot: format failed ({}); retrying in {} s", why, delay);
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int64_t>(delay * 1000)));
  }
  auto client = node::NewSlapClient(*config);
  Status bang = client->BangComputeNode(config->computer_id, message);
  if (!bang.ok()) LOG_WARNING("node boot: could not bang the master: {}", bang.message());
  auto parts = LocalPartitions(*config, "");
  if (!parts.ok()) return NodeFail(parts.status());
  std::vector<std::string> paths;
  for (const auto& p : *parts) paths.push_back(p.def.path);
  auto removed = node::ResetPartitionTimestamps(paths);
  if (!removed.ok()) return NodeFail(removed.status());
  std::printf("boot: formatted; %d partition timestamps reset, the next 'node instance' redeploys all %zu\n",
              *removed, paths.size());
  return 0;
}

// The leading --cfg/--log-level/--help of the supervisor commands; the rest goes to the
// supervisor client untouched (so `tail -f x` or `status` keep their own words).
struct SupervisorArgs {
  NodeCommon common;
  std::vector<std::string> rest;
  bool help = false;
};

Result<SupervisorArgs> SplitSupervisorArgs(const std::vector<std::string>& args) {
  SupervisorArgs out;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name, std::string* dst) -> Result<bool> {
      std::string n = name;
      if (a == n) {
        if (i + 1 >= args.size()) return InvalidArgument(n + " needs a value");
        *dst = args[++i];
        return true;
      }
      if (a.rfind(n + "=", 0) == 0) {
        *dst = a.substr(n.size() + 1);
        return true;
      }
      return false;
    };
    SLAPOS_ASSIGN_OR_RETURN(bool cfg, value("--cfg", &out.common.cfg));
    if (cfg) continue;
    SLAPOS_ASSIGN_OR_RETURN(bool level, value("--log-level", &out.common.log_level));
    if (level) continue;
    if (a == "-h" || a == "--help") {
      out.help = true;
      continue;
    }
    break;
  }
  out.rest.assign(args.begin() + static_cast<long>(i), args.end());
  return out;
}

int RunSupervisorVerb(const std::string& verb, const std::vector<std::string>& args) {
  auto parsed = SplitSupervisorArgs(args);
  if (!parsed.ok()) return NodeFail(parsed.status());
  if (parsed->help) {
    std::printf("usage: slapos node %s [--cfg FILE] [--log-level L] [ARGS...]\n\n"
                "Drive the node's supervisor (instance_root/etc/supervisord.conf, socket instance_root/sv.sock) "
                "like supervisorctl, launching it first when it is not running.%s\n\n%s",
                verb.c_str(),
                verb == "supervisorctl" ? " ARGS is a supervisorctl command and its arguments (default: status)."
                                        : (" Same as 'slapos node supervisorctl " + verb + " ARGS'.").c_str(),
                supervise::CtlHelp().c_str());
    return 0;
  }
  auto config = LoadNodeCommand(parsed->common, node::ConfigUse::kSlapgrid, true);
  if (!config.ok()) return NodeFail(config.status());
  node::NodeSupervisor supervisor(*config, SelfBinary());
  Status st = supervisor.Ensure();
  if (!st.ok()) return NodeFail(st);
  std::vector<std::string> ctl_args;
  if (verb != "supervisorctl") ctl_args.push_back(verb);
  ctl_args.insert(ctl_args.end(), parsed->rest.begin(), parsed->rest.end());
  if (ctl_args.empty()) ctl_args.push_back("status");
  int rc = supervise::RunCtlCommand(supervisor.client(), ctl_args, std::cout);
  std::cout.flush();
  return rc;
}

int RunStatus(const std::vector<std::string>& a) { return RunSupervisorVerb("status", a); }
int RunStart(const std::vector<std::string>& a) { return RunSupervisorVerb("start", a); }
int RunStop(const std::vector<std::string>& a) { return RunSupervisorVerb("stop", a); }
int RunRestart(const std::vector<std::string>& a) { return RunSupervisorVerb("restart", a); }
int RunTail(const std::vector<std::string>& a) { return RunSupervisorVerb("tail", a); }
int RunCtl(const std::vector<std::string>& a) { return RunSupervisorVerb("supervisorctl", a); }

int RunNodeSupervisord(const std::vector<std::string>& args) {
  CLI::App app{"Write the node's supervisor configuration (instance_root/etc/supervisord.conf) and launch the "
               "supervisor unless it already runs; with -n, run it in the foreground instead.",
               "slapos node supervisord"};
  NodeCommon common;
  common.Add(app);
  bool nodaemon = false;
  app.add_flag("-n,--nodaemon", nodaemon, "stay in the foreground (the supervisor must not be running)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kNodeExitUsage;
  auto config = LoadNodeCommand(common, node::ConfigUse::kSlapgrid, true);
  if (!config.ok()) return NodeFail(config.status());
  node::NodeSupervisor supervisor(*config, SelfBinary());
  const auto& paths = supervisor.paths();
  if (!nodaemon) {
    Status st = supervisor.Ensure();
    if (!st.ok()) return NodeFail(st);
    std::printf("supervisor running on %s (configuration %s)\n", paths.socket.c_str(), paths.config.c_str());
    return 0;
  }
  auto probe = supervise::SupervisorClient::Open(paths.serverurl);
  if (probe.ok()) {
    supervise::Fault f;
    if (probe->Call("supervisor.getState", {}, &f).ok() && f.code == 0)
      return NodeFail(FailedPrecondition("the node's supervisor already runs on " + paths.socket +
                                         "; stop it first ('slapos node supervisorctl shutdown')"));
  }
  if (!PathExists(paths.config)) {
    // The configuration is written by Ensure(), which also launches the daemon: launch it once,
    // then shut it down and take over in the foreground.
    Status st = supervisor.Ensure();
    if (!st.ok()) return NodeFail(st);
    (void)supervisor.client().CallOrError("supervisor.shutdown");
    for (int i = 0; i < 100 && PathExists(paths.pidfile); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::fflush(stdout);
  std::string self = SelfBinary();
  execl(self.c_str(), self.c_str(), "supervisord", "-c", paths.config.c_str(), "-n", static_cast<char*>(nullptr));
  return NodeFail(ErrnoError("running " + self + " supervisord -n", errno));
}

}  // namespace

SLAPOS_NODE_COMMAND("daemon", "run format, software, instance and report on their schedules (root)",
                    RunDaemonCommand);
SLAPOS_NODE_COMMAND("boot", "format until it works, then make the next instance run redeploy all (root)", RunBoot);
SLAPOS_NODE_COMMAND("status", "status of the partitions' processes (node supervisor)", RunStatus);
SLAPOS_NODE_COMMAND("start", "start processes: NAME, GROUP:* or all (node supervisor)", RunStart);
SLAPOS_NODE_COMMAND("stop", "stop processes: NAME, GROUP:* or all (node supervisor)", RunStop);
SLAPOS_NODE_COMMAND("restart", "restart processes: NAME, GROUP:* or all (node supervisor)", RunRestart);
SLAPOS_NODE_COMMAND("tail", "show a process's log: tail [-f] NAME [stdout|stderr] (node supervisor)", RunTail);
SLAPOS_NODE_COMMAND("supervisorctl", "any supervisorctl command on the node's supervisor", RunCtl);
SLAPOS_NODE_COMMAND("supervisord", "launch the node's supervisor ([-n]: in the foreground)", RunNodeSupervisord);

}  // namespace slapos::cli
