// `slapos configure local`: master + node + supervisor on one machine (docs/configure-local.md).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/command.h"
#include "cli/node_common.h"
#include "cli/parse.h"
#include "node/local_setup_apply.h"
#include "util/strings.h"

namespace slapos::cli {
namespace {

constexpr int kExitUsage = 5;

int Fail(const Status& s) {
  std::fprintf(stderr, "slapos configure local: %s\n", s.message().c_str());
  return s.code() == Code::kInvalidArgument || s.code() == Code::kPermissionDenied ? kExitUsage : 1;
}

bool NodeDaemonAvailable() {
  for (const auto& c : NodeCommands())
    if (c.name == "daemon") return true;
  return false;
}

int RunLocal(const std::vector<std::string>& args) {
  node::LocalSetupOptions o;
  const char* home = std::getenv("HOME");
  std::string default_client = std::string(home && *home ? home : "/root") + "/.slapos/slapos-client.cfg";
  CLI::App app{"Set up a whole SlapOS on this machine: a master (SQLite) and a node with its partitions, both run "
               "by the node's supervisor, on a bridge interface of its own. Rerun it to check and repair the "
               "setup (it changes nothing when all is in place), or with a larger --partition-number to add "
               "partitions in place (nothing else is restarted); --remove removes everything it created.",
               "slapos configure local"};
  bool remove = false;
  app.add_flag("--remove", remove,
               "remove the setup: processes, partitions with their users and groups, addresses, the interface, "
               "directories and configuration files");
  struct Opt {
    const char* name;
    std::string* value;
    const char* help;
  };
  std::string partitions = std::to_string(o.partition_amount), port = std::to_string(o.master_port);
  std::vector<Opt> opts = {
      {"interface-name", &o.interface_name, "bridge interface created for the partitions' addresses"},
      {"ipv4-local-network", &o.ipv4_local_network,
       "partitions' local IPv4 network (default: the first of 10.44.0.0/16, 10.45.0.0/16, ... free of routes)"},
      {"ipv6-prefix", &o.ipv6_prefix, "partitions' IPv6 network (default: a ULA /64 derived from /etc/machine-id)"},
      {"partition-number", &partitions,
       "number of partitions; on an existing setup a larger number adds partitions in place (never fewer)"},
      {"master-host", &o.master_host, "IPv4 address the master listens on"},
      {"master-port", &port, "TCP port of the master"},
      {"computer-id", &o.computer_id, "the node's id on the master"},
      {"slapos-instance-root", &o.instance_root, "partitions' directory (must be new or empty)"},
      {"slapos-software-root", &o.software_root, "software releases' directory (must be new or empty)"},
      {"slapos-buildout-directory", &o.buildout_directory, "node state: pidfiles, saved definition"},
      {"slapos-configuration-directory", &o.configuration_directory, "where slapos.cfg is written"},
      {"state-directory", &o.state_directory, "where the master database (master.db) lives"},
      {"client-configuration", &o.client_config, "client configuration file (default: ~/.slapos/slapos-client.cfg)"},
      {"partition-base-name", &o.partition_base_name, "partition directory names: <name>N"},
      {"user-base-name", &o.user_base_name, "partition user names: <name>N"},
      {"software-user", &o.software_user, "user that builds software releases"},
  };
  std::vector<std::pair<std::string, CLI::Option*>> given;
  for (const auto& opt : opts) {
    std::string flags = std::string("--") + opt.name;
    if (flags == "--master-port") flags += ",--daemon-listen-port";  // SlapOS's name
    if (flags == "--partition-number") flags += ",--partition-amount";
    auto* added = app.add_option(flags, *opt.value, opt.help);
    if (!opt.value->empty()) added->capture_default_str();
    given.emplace_back(opt.name, added);
  }
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kExitUsage;
  for (const auto& [name, option] : given)
    if (option->count() > 0) o.explicit_options.insert(name);
  if (o.client_config.empty()) o.client_config = default_client;
  long long n = 0;
  if (!ParseInt64(partitions, &n) || n < 0 || n > 100000)
    return Fail(InvalidArgument("--partition-number '" + partitions + "' is not a number"));
  o.partition_amount = static_cast<int>(n);
  if (!ParseInt64(port, &n) || n < 0 || n > 100000)
    return Fail(InvalidArgument("--master-port '" + port + "' is not a number"));
  o.master_port = static_cast<int>(n);
  if (geteuid() != 0) return Fail(PermissionDenied("configure local must run as root (it creates users and interfaces)"));

  std::string self = SelfBinary();
  auto host = node::NewLinuxLocalHost(self);
  if (remove) {
    auto removed = node::RemoveLocalSetup(o.configuration_directory, *host);
    if (!removed.ok()) return Fail(removed.status());
    if (removed->empty()) {
      std::printf("configure local: nothing to remove (no setup recorded in %s/configure-local.cfg)\n",
                  o.configuration_directory.c_str());
      return 0;
    }
    for (const auto& line : *removed) std::printf("  %s\n", line.c_str());
    std::printf("configure local: removed\n");
    return 0;
  }
  auto plan = node::PlanOnHost(o, *host, NodeDaemonAvailable(), self);
  if (!plan.ok()) return Fail(plan.status());
  auto result = node::ApplyLocalSetup(*plan, *host);
  if (!result.ok()) return Fail(result.status());
  const auto& p = plan->options;
  if (result->changes.empty()) {
    std::printf("configure local: everything already in place (nothing changed)\n");
  } else {
    for (const auto& line : result->changes) std::printf("  %s\n", line.c_str());
    std::printf("configure local: %zu changes\n", result->changes.size());
  }
  std::printf("master       %s (database %s)\n", plan->master_url.c_str(), plan->database_path.c_str());
  std::printf("node         %s: %d partitions in %s, interface %s (IPv4 %s, IPv6 %s)\n", p.computer_id.c_str(),
              p.partition_amount, p.instance_root.c_str(), p.interface_name.c_str(), p.ipv4_local_network.c_str(),
              p.ipv6_prefix.c_str());
  std::printf("node config  %s\nclient       %s\n", plan->slapos_cfg_path.c_str(), p.client_config.c_str());
  for (const auto& note : plan->notes) std::printf("note: %s\n", note.c_str());
  return 0;
}

int RunConfigure(const std::string&, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::printf(
        "Usage: slapos configure local [options]\n\n"
        "  local    set up master + node + supervisor on this machine (slapos configure local --help)\n");
    return args.empty() ? kExitUsage : 0;
  }
  if (args[0] != "local") {
    std::fprintf(stderr, "slapos configure: unknown sub-command '%s' (only 'local' exists; see --help)\n",
                 args[0].c_str());
    return kExitUsage;
  }
  return RunLocal(std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace
}  // namespace slapos::cli

SLAPOS_COMMAND("configure", "configure local: set up master + node + supervisor on this machine",
               slapos::cli::RunConfigure);
