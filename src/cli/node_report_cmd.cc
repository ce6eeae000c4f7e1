// `slapos node report`: usage to the master, then destruction of the partitions requested
// destroyed (node.md §6; docs/node-report.md).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/node_common.h"
#include "cli/parse.h"
#include "node/master_link.h"
#include "node/node_supervisor.h"
#include "node/report.h"
#include "node/report_master.h"
#include "util/env.h"

namespace slapos::cli {

namespace {

int RunReport(const std::vector<std::string>& args) {
  CLI::App app{"Run the partitions' etc/report/* scripts, post their usage (measured CPU, memory and disk, plus "
               "the TioXML files instances leave) to the master as one TioXML journal, then destroy every "
               "partition requested destroyed: stop it, empty its directory (kept, with its user), report it "
               "destroyed so the master frees it. Exit 0 = all done, 1 = a script or a destruction failed, "
               "10 = another report runs.",
               "slapos node report"};
  NodeCommon common;
  common.Add(app);
  std::string pidfile;
  bool now = false;
  double script_timeout = 600;
  app.add_option("--pidfile", pidfile, "lock file (default: pidfile_report)");
  app.add_option("--script-timeout", script_timeout, "seconds allowed to each etc/report/* script")
      ->capture_default_str();
  app.add_flag("--now", now, "accepted for compatibility: this node never sleeps first");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kNodeExitUsage;
  auto config = LoadNodeCommand(common, node::ConfigUse::kSlapgrid, true);
  if (!config.ok()) return NodeFail(config.status());
  if (script_timeout <= 0) return NodeFail(InvalidArgument("--script-timeout must be positive"));
  auto lock = LockPidfile(pidfile.empty() ? config->pidfile_report : pidfile);
  if (!lock.ok()) {
    std::fprintf(stderr, "slapos node report: %s\n", lock.status().message().c_str());
    return 10;
  }
  auto local = LocalPartitions(*config, "");
  if (!local.ok()) return NodeFail(local.status());

  node::ReportOptions o;
  o.computer_id = config->computer_id;
  o.instance_root = config->instance_root;
  o.script_timeout_seconds = script_timeout;
  o.instance_storage_home = config->instance_storage_home;
  o.certificate_repository_path = config->certificate_repository_path;
  for (const auto& p : *local) o.partitions.push_back({p.def.reference, p.def.path, p.uid, p.gid});
  // The supervisor is only needed to stop partitions being destroyed: launch it then.
  node::NodeSupervisor supervisor(*config, SelfBinary());
  bool ensured = false;
  o.stop_partition = [&](const std::string& reference) -> Status {
    if (!ensured) {
      SLAPOS_RETURN_IF_ERROR(supervisor.Ensure());
      ensured = true;
    }
    return supervisor.StopPartition(reference);
  };

  auto client = node::NewSlapClient(*config);
  node::SlapReportMaster master(*client, config->computer_id);
  auto result = node::RunReport(o, master, *Env::Default());
  if (!result.ok()) return NodeFail(result.status());
  std::printf("report: %d scripts run, %zu failed; usage %s (%d usage files, %zu invalid left, %d computer files); "
              "%zu destroyed, %zu waiting\n",
              result->scripts_run, result->script_failures.size(),
              result->usage_posted ? "posted" : (result->tioxml.empty() ? "none" : "NOT posted"),
              result->usage_files, result->invalid_files.size(), result->computer_files, result->destroyed.size(),
              result->retained.size());
  for (const auto& d : result->destroyed) std::printf("  destroyed %s\n", d.c_str());
  for (const auto& r : result->retained) std::printf("  waiting %s\n", r.c_str());
  for (const auto& f : result->invalid_files) std::fprintf(stderr, "  invalid usage file %s\n", f.c_str());
  for (const auto& f : result->script_failures) std::fprintf(stderr, "  %s\n", f.c_str());
  for (const auto& e : result->errors) std::fprintf(stderr, "  %s\n", e.c_str());
  return result->ExitCode();
}

}  // namespace

SLAPOS_NODE_COMMAND("report", "post usage to the master and destroy partitions requested destroyed (root)",
                    RunReport);

}  // namespace slapos::cli
