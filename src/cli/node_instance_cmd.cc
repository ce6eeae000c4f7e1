// `slapos node instance`: deploy the partitions the master allocated to this node (docs/node.md).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/node_common.h"
#include "cli/parse.h"
#include "node/instance.h"
#include "node/instance_deployer.h"
#include "node/instance_master.h"
#include "node/master_link.h"
#include "node/node_supervisor.h"
#include "node/offline.h"
#include "supervise/client.h"
#include "util/env.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::cli {

namespace {

// Offline mode's supervisor operations on the node's supervisor.
class NodeOfflineSupervisor : public node::OfflineSupervisor {
 public:
  explicit NodeOfflineSupervisor(node::NodeSupervisor& s) : s_(s) {}
  Status StopPartition(const std::string& reference) override { return s_.StopPartition(reference); }
  Status StartAll() override {
    return s_.client().CallOrError("supervisor.startAllProcesses", {supervise::Value::Bool(false)}).status();
  }

 private:
  node::NodeSupervisor& s_;
};

// node.md §4.9: nothing installed; exit 3.
int GoOffline(const node::NodeConfig& config, node::NodeSupervisor& supervisor, const Status& why) {
  std::fprintf(stderr, "slapos node instance: the master is unreachable, offline mode: %s\n", why.message().c_str());
  NodeOfflineSupervisor offline(supervisor);
  node::OfflineResult r = node::RunOffline(config.instance_root, offline);
  for (const auto& e : r.errors) std::fprintf(stderr, "slapos node instance: offline: %s\n", e.c_str());
  std::printf("instance: offline (master unreachable): %zu partitions stopped by .requested_state, every "
              "known process asked to start\n",
              r.stopped.size());
  return 3;
}

int RunInstance(const std::vector<std::string>& args) {
  CLI::App app{"Deploy every partition the master allocated to this node (node.md §4): for each partition whose "
               "master data changed (or never deployed), render the release's instance profile and run it as the "
               "partition user, start or stop its supervisor group by the requested state, check its promises and "
               "report started, stopped or the error. Unchanged started partitions only get their promises "
               "checked. Master unreachable: offline mode (stop the partitions whose legacy .requested_state says "
               "stopped, start every known process, install nothing). Exit 0 all good, 1 a partition failed, 2 a "
               "promise failed, 3 offline, 10 another run holds the lock.",
               "slapos node instance"};
  NodeCommon common;
  common.Add(app);
  std::string pidfile, only;
  bool force = false, force_stop = false, now = false, all = false;
  double promise_timeout = -1;
  int64_t promise_periodicity = 120;
  double promise_start_grace = 5;
  app.add_option("--only-cp,--only", only, "comma-separated partition ids (slappartN) to process; others are skipped");
  app.add_flag("--force,--develop", force, "redeploy even the partitions whose timestamp is unchanged");
  app.add_flag("--all", all, "deprecated alias of --force");
  app.add_flag("--force-stop", force_stop,
               "run the buildout, then stop the services; no promise, nothing reported, no timestamp");
  app.add_option("--pidfile", pidfile, "lock file (default: pidfile_instance)");
  app.add_option("--promise-timeout", promise_timeout, "seconds per promise (default: promise_timeout, 20)");
  app.add_option("--promise-periodicity", promise_periodicity,
                 "seconds an up-to-date partition reuses its last promise result (default 120; 0 = always run)");
  app.add_option("--promise-start-grace", promise_start_grace,
                 "seconds during which the promises of just-started services are run again until kept "
                 "(default 5; 0 = once)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_flag("--now", now, "accepted for compatibility: this node never sleeps first");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kNodeExitUsage;
  auto config = LoadNodeCommand(common, node::ConfigUse::kSlapgrid, true);
  if (!config.ok()) return NodeFail(config.status());
  auto lock = LockPidfile(pidfile.empty() ? config->pidfile_instance : pidfile);
  if (!lock.ok()) {
    std::fprintf(stderr, "slapos node instance: %s\n", lock.status().message().c_str());
    return 10;
  }
  auto local = LocalPartitions(*config, "");
  if (!local.ok()) return NodeFail(local.status());
  std::vector<node::PartitionSlot> slots;
  for (const auto& p : *local) {
    if (!p.uid || !p.gid) {
      if (config->root_check)
        return NodeFail(FailedPrecondition("partition " + p.def.reference + ": user " + p.def.user +
                                           " does not exist; run 'slapos node format'"));
      continue;
    }
    slots.push_back({p.def.reference, p.def.path, p.def.user, *p.uid, *p.gid});
  }

  node::NodeSupervisor supervisor(*config, SelfBinary());
  Status ensured = supervisor.Ensure();
  if (!ensured.ok()) {
    std::fprintf(stderr, "slapos node instance: the node's supervisor: %s\n", ensured.message().c_str());
    return 1;
  }
  auto client = node::NewSlapClient(*config);
  node::SlapInstanceMaster master(*client, config->computer_id);
  node::BuildoutPartitionDeployer deployer(*config, SelfBinary(), supervisor, client.get(), *Env::Default(),
                                           promise_timeout >= 0 ? promise_timeout : config->promise_timeout);
  node::InstanceOptions options;
  options.software_root = config->software_root;
  options.maximum_periodicity = config->maximum_periodicity;
  for (const auto& o : Split(only, ','))
    if (!Trim(o).empty()) options.only.push_back(std::string(Trim(o)));
  options.force = force || all;
  options.force_stop = force_stop;
  options.promise_periodicity = promise_periodicity;
  options.promise_start_grace = promise_start_grace;
  auto result = node::ProcessPartitions(options, slots, master, deployer, *Env::Default());
  if (!result.ok() && node::MasterUnreachable(result.status())) return GoOffline(*config, supervisor, result.status());
  if (!result.ok()) {
    std::fprintf(stderr, "slapos node instance: %s\n", result.status().message().c_str());
    return result.status().code() == Code::kInvalidArgument ? kNodeExitUsage : 1;
  }
  std::printf("instance: %d deployed, %d up to date, %d failed, %d with promise errors\n", result->deployed,
              result->up_to_date, result->errors, result->promise_errors);
  std::string summary = result->Summary();
  if (!summary.empty()) std::fputs(summary.c_str(), stderr);
  return result->ExitCode();
}

}  // namespace

SLAPOS_NODE_COMMAND("instance", "deploy the partitions the master allocated here (root)", RunInstance);

}  // namespace slapos::cli
