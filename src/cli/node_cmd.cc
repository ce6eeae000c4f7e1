// `slapos node ...`: the compute node's commands (docs/node.md).
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <memory>

#include "build/recipe.h"
#include "build/recipes/recipes.h"
#include "build/runner/runner.h"
#include "cli/command.h"
#include "cli/node_common.h"
#include "cli/parse.h"
#include "node/config.h"
#include "node/format.h"
#include "node/linux_system.h"
#include "node/master_link.h"
#include "node/promise.h"
#include "node/recipes.h"
#include "node/usage.h"
#include "util/env.h"
#include "util/file.h"
#include "util/log.h"

namespace slapos::cli {

namespace {

using node::ConfigUse;
using node::NodeConfig;

constexpr int kExitUsage = kNodeExitUsage;
using Common = NodeCommon;

Result<NodeConfig> Load(const Common& common, ConfigUse use, bool need_root) {
  return LoadNodeCommand(common, use, need_root);
}
int Fail(const Status& s) { return NodeFail(s); }

bool ParseTrueFalse(const std::string& flag, const std::string& v, bool* out) {
  if (v == "True" || v == "true") return *out = true, true;
  if (v == "False" || v == "false") return *out = false, true;
  std::fprintf(stderr, "slapos node format: %s must be True or False, not '%s'\n", flag.c_str(), v.c_str());
  return false;
}

// Beside the saved definition: format and unformat hold it while they change the node.
std::string FormatLockPath(const node::NodeConfig& config) { return config.computer_json + ".lock"; }

int RunFormat(const std::vector<std::string>& args) {
  CLI::App app{"Create or verify the node's partitions: users, groups, directories, addresses, taps "
               "(node.md §1). A rerun on a formatted node changes nothing.",
               "slapos node format"};
  Common common;
  common.Add(app);
  std::string alter_user, alter_network;
  bool now = false;
  app.add_option("--alter_user", alter_user, "True|False: override [slapformat] alter_user");
  app.add_option("--alter_network", alter_network, "True|False: override [slapformat] alter_network");
  app.add_flag("--now", now, "accepted for compatibility: this node never sleeps before formatting");
  bool no_master = false;
  app.add_flag("--local", no_master, "do not report the node to the master (format only)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kExitUsage;
  auto config = Load(common, ConfigUse::kFormat, true);
  if (!config.ok()) return Fail(config.status());
  if (!alter_user.empty() && !ParseTrueFalse("--alter_user", alter_user, &config->alter_user)) return kExitUsage;
  if (!alter_network.empty() && !ParseTrueFalse("--alter_network", alter_network, &config->alter_network))
    return kExitUsage;
  if (config->alter_network && (config->interface_name.empty() || config->ipv4_local_network.empty()))
    return Fail(InvalidArgument(config->path + ": interface_name and ipv4_local_network are required when "
                                "alter_network is true"));
  // One format (or unformat) at a time per node: a second one waits, then finds it done.
  auto lock = WaitPidfile(FormatLockPath(*config), "slapos node format");
  if (!lock.ok()) return Fail(lock.status());
  auto system = node::NewLinuxSystem();
  auto result = node::Format(*config, *system, *Env::Default());
  if (!result.ok()) return Fail(result.status());
  std::printf("node %s: %zu partitions, %zu changes\n", result->computer.reference.c_str(),
              result->computer.partitions.size(), result->changes.size());
  for (const auto& p : result->computer.partitions)
    std::printf("  %s user %s ipv4 %s ipv6 %s%s\n", p.reference.c_str(), p.user.c_str(),
                p.ipv4.empty() ? "-" : p.ipv4.c_str(), p.ipv6.empty() ? "-" : p.ipv6.c_str(),
                p.tap_created ? (" tap " + p.tap).c_str() : "");
  if (no_master) return 0;
  auto client = node::NewSlapClient(*config);
  Status posted = client->FormatComputeNode(node::ComputeNodeFormatOf(result->computer));
  if (!posted.ok()) {
    std::fprintf(stderr, "slapos node format: formatted, but reporting to the master %s failed: %s\n",
                 config->master_url.c_str(), posted.message().c_str());
    return 2;
  }
  std::printf("reported %zu partitions to %s\n", result->computer.partitions.size(), config->master_url.c_str());
  return 0;
}

int RunSoftware(const std::vector<std::string>& args) {
  CLI::App app{"Install every software release the master lists for this node into software_root/<md5 of the URL>, "
               "as the software user, reporting building then available or the error; remove the releases "
               "requested destroyed. A failed build is retried by the next run.",
               "slapos node software"};
  Common common;
  common.Add(app);
  std::string pidfile;
  app.add_option("--pidfile", pidfile, "lock file (default: pidfile_software)");
  bool now = false;
  app.add_flag("--now", now, "accepted for compatibility: this node never sleeps first");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kExitUsage;
  auto config = Load(common, ConfigUse::kSlapgrid, true);
  if (!config.ok()) return Fail(config.status());
  auto lock = LockPidfile(pidfile.empty() ? config->pidfile_software : pidfile);
  if (!lock.ok()) {
    std::fprintf(stderr, "slapos node software: %s\n", lock.status().message().c_str());
    return 10;
  }
  passwd* pw = getpwnam(config->software_user.c_str());
  if (!pw)
    return Fail(FailedPrecondition("software user " + config->software_user +
                                   " does not exist; run 'slapos node format' first"));
  auto client = node::NewSlapClient(*config);
  node::SlapSoftwareMaster master(*client, config->computer_id);
  node::BuildoutSoftwareBuilder builder(SelfBinary(), pw->pw_uid, pw->pw_gid);
  auto result = node::ProcessSoftwareReleases(config->software_root, master, builder);
  if (!result.ok()) return Fail(result.status());
  std::printf("software: %d built, %d already available, %d destroyed, %d failed\n", result->built,
              result->skipped, result->destroyed, result->failed);
  for (const auto& e : result->errors) std::fprintf(stderr, "  %s\n", e.c_str());
  return result->failed ? 1 : 0;
}

int RunUnformat(const std::vector<std::string>& args) {
  CLI::App app{"Remove everything 'slapos node format' created: taps, addresses, local routes, partition "
               "directories (with their contents), partition users and groups, the software user and the saved "
               "definition. software_root and instance_root themselves are kept.",
               "slapos node unformat"};
  Common common;
  common.Add(app);
  bool yes = false;
  app.add_flag("--yes", yes, "really do it (required)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kExitUsage;
  if (!yes) {
    std::fprintf(stderr, "slapos node unformat: this deletes every partition and its data; add --yes to confirm\n");
    return kExitUsage;
  }
  auto config = Load(common, ConfigUse::kSlapgrid, true);
  if (!config.ok()) return Fail(config.status());
  auto lock = WaitPidfile(FormatLockPath(*config), "slapos node unformat");
  if (!lock.ok()) return Fail(lock.status());
  auto system = node::NewLinuxSystem();
  auto changes = node::Unformat(*config, *system);
  if (!changes.ok()) return Fail(changes.status());
  std::printf("removed: %zu items\n", changes->size());
  return 0;
}

int RunPromise(const std::vector<std::string>& args) {
  CLI::App app{"Run the promises (etc/promise/*) of every formatted partition as its user; exit 2 when one fails.",
               "slapos node promise"};
  Common common;
  common.Add(app);
  std::string only;
  double timeout = -1;
  app.add_option("--only-cp,--only", only, "one partition id (slappartN)");
  app.add_option("--promise-timeout", timeout, "seconds per promise (default: promise_timeout, 20)");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kExitUsage;
  auto config = Load(common, ConfigUse::kSlapgrid, true);
  if (!config.ok()) return Fail(config.status());
  auto parts = LocalPartitions(*config, only);
  if (!parts.ok()) return Fail(parts.status());
  int rc = 0;
  for (const auto& p : *parts) {
    node::PromiseRunOptions o;
    o.partition_path = p.def.path;
    o.uid = p.uid;
    o.gid = p.gid;
    o.timeout_seconds = timeout >= 0 ? timeout : config->promise_timeout;
    if (!o.uid && config->root_check) return Fail(FailedPrecondition("user " + p.def.user + " does not exist"));
    auto results = node::RunPromises(o, *Env::Default());
    if (!results.ok()) return Fail(results.status());
    for (const auto& r : *results)
      std::printf("%s %s: %s%s\n", p.def.reference.c_str(), r.name.c_str(), r.failed ? "FAILED" : "OK",
                  r.failed ? (" " + r.message).c_str() : "");
    if (node::FirstPromiseFailure(*results)) rc = 2;
  }
  return rc;
}

int RunUsage(const std::vector<std::string>& args) {
  CLI::App app{"Measure each formatted partition's usage now: processes, CPU seconds, memory and disk bytes "
               "(what 'slapos node report' sends).",
               "slapos node usage"};
  Common common;
  common.Add(app);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kExitUsage;
  auto config = Load(common, ConfigUse::kSlapgrid, false);
  if (!config.ok()) return Fail(config.status());
  auto parts = LocalPartitions(*config, "");
  if (!parts.ok()) return Fail(parts.status());
  std::vector<node::PartitionToMeasure> measure;
  for (const auto& p : *parts) measure.push_back({p.def.reference, p.def.path, p.uid.value_or(0)});
  auto usage = node::MeasurePartitions(measure);
  if (!usage.ok()) return Fail(usage.status());
  std::printf("%-12s %9s %12s %14s %14s\n", "partition", "processes", "cpu_seconds", "memory_bytes", "disk_bytes");
  for (const auto& u : *usage)
    std::printf("%-12s %9d %12.2f %14lld %14lld\n", u.reference.c_str(), u.processes, u.cpu_seconds,
                static_cast<long long>(u.memory_bytes), static_cast<long long>(u.disk_bytes));
  return 0;
}

// The build engine with the node's instance recipes (slapconfiguration, publish) registered:
// what `node instance` runs, as the partition user, in the partition directory.
int RunInstanceBuildout(const std::vector<std::string>& args) {
  CLI::App app{"Run a Buildout profile with the native recipes plus the node's instance recipes "
               "(slapos.cookbook:slapconfiguration, publish); used to deploy a partition.",
               "slapos node buildout"};
  std::string config = "buildout.cfg";
  std::vector<std::string> overrides;
  bool offline = false;
  app.add_option("-c,--config", config, "profile (default: buildout.cfg)");
  app.add_flag("-o,--offline", offline, "no network");
  app.add_option("overrides", overrides, "section:option=value overrides");
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kExitUsage;
  build::RecipeRegistry registry;
  build::RegisterNativeRecipes(registry);
  node::RegisterNodeRecipes(registry);
  build::runner::RunOptions options;
  options.config_file = config;
  options.overrides = overrides;
  options.offline = offline;
  options.newest = false;
  options.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  Status st = build::runner::RunBuildout(options, registry);
  if (!st.ok()) {
    std::fprintf(stderr, "slapos node buildout: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace

namespace {

void PrintNodeHelp(FILE* out) {
  std::fprintf(out,
               "usage: slapos node COMMAND [OPTIONS]\n\n"
               "Compute node commands (configuration: --cfg, $SLAPOS_CONFIGURATION or "
               "/etc/opt/slapos/slapos.cfg):\n");
  auto commands = NodeCommands();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& c : commands) std::fprintf(out, "  %-10s %s\n", c.name.c_str(), c.summary.c_str());
  std::fprintf(out, "\nRun 'slapos node COMMAND --help' for the options of one command.\n");
}

int RunNode(const std::string&, const std::vector<std::string>& args) {
  if (args.empty()) {  // `slapos node` alone is `slapos node status`, as in SlapOS (node.md §10)
    for (const auto& c : NodeCommands())
      if (c.name == "status") return c.run({});
    PrintNodeHelp(stderr);
    return kNodeExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintNodeHelp(stdout);
    return 0;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const auto& c : NodeCommands())
    if (c.name == args[0]) return c.run(rest);
  std::fprintf(stderr, "slapos node: unknown command '%s'; run 'slapos node --help'\n", args[0].c_str());
  return kNodeExitUsage;
}

}  // namespace

SLAPOS_COMMAND("node", "compute node: format, software, instance, report, promises (see 'slapos node --help')", RunNode);

SLAPOS_NODE_COMMAND("format", "create or verify users, partitions and addresses, report them (root)", RunFormat);
SLAPOS_NODE_COMMAND("software", "install the software releases the master lists (root)", RunSoftware);
SLAPOS_NODE_COMMAND("unformat", "remove everything format created (root)", RunUnformat);
SLAPOS_NODE_COMMAND("promise", "run the partitions' promises (root)", RunPromise);
SLAPOS_NODE_COMMAND("usage", "measure the partitions' CPU, memory and disk use", RunUsage);
SLAPOS_NODE_COMMAND("buildout", "run a profile with the node's instance recipes (for deployment)", RunInstanceBuildout);

}  // namespace slapos::cli
