// `slapos node watchdog` (the supervisor's event listener that bangs partitions whose
// etc/service programs go down) and `slapos node bang` (a bang of the whole compute node);
// node.md §8.4, docs/node.md.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/node_common.h"
#include "cli/parse.h"
#include "node/master_link.h"
#include "node/watchdog.h"
#include "node/watchdog_master.h"
#include "util/log.h"

namespace slapos::cli {

namespace {

int RunWatchdog(const std::vector<std::string>& args) {
  CLI::App app{
      "Event listener run by the node's supervisor ([eventlistener:watchdog] in "
      "IR/etc/supervisord.conf): on PROCESS_STATE_EXITED or PROCESS_STATE_FATAL of a partition's "
      "etc/service program (\"*-on-watch\"), bang that partition on the master, at most once per "
      "successful deployment (IR/<partition>/.slapos_latest_bang_timestamp vs .timestamp). Speaks "
      "supervisord's listener protocol on stdin/stdout; logs go to stderr. Exit 0 when stdin ends.",
      "slapos node watchdog"};
  node::WatchdogConnection c;
  std::string instance_root, log_level = "info";
  app.add_option("--master-url", c.master_url, "the master's URL")->required();
  app.add_option("--computer-id", c.computer_id, "this compute node's id")->required();
  app.add_option("--instance-root,--instance-root-path", instance_root,
                 "the partitions' parent directory")
      ->required();
  app.add_option(
      "--certificate-repository-path", c.certificate_repository_path,
      "directory of the partitions' <partition>.crt/.key, used for the bang when present");
  app.add_option("--key-file", c.key_file, "the node's TLS key (https masters)");
  app.add_option("--cert-file", c.cert_file, "the node's TLS certificate (https masters)");
  app.add_option("--master-ca-file", c.master_ca_file, "CA to verify an https master with");
  app.add_option("--log-level", log_level, "debug, info, warning or error")->capture_default_str();
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kNodeExitUsage;
  LogLevel level;
  if (!ParseLogLevel(log_level, &level))
    return NodeFail(InvalidArgument("--log-level: unknown level " + log_level));
  SetLogLevel(level);
  node::SlapBangSender sender(c);
  Status s =
      node::RunEventListener(stdin, stdout, [&](const auto& header, const std::string& payload) {
        auto r = node::HandleWatchdogEvent(instance_root, header, payload, sender);
        if (!r.ok()) LOG_ERROR("{}", r.status().message());
      });
  if (!s.ok()) {
    std::fprintf(stderr, "slapos node watchdog: %s\n", s.message().c_str());
    return 1;
  }
  return 0;
}

int RunBang(const std::vector<std::string>& args) {
  CLI::App app{
      "Bang the whole compute node on the master (put.v0.compute_node_bang): ask it to have every "
      "partition of this node reprocessed.",
      "slapos node bang"};
  NodeCommon common;
  common.Add(app);
  std::string message;
  app.add_option("-m,--message", message, "why (kept by the master)")->required();
  if (int rc = ParseArgs(app, args); rc >= 0) return rc == 0 ? 0 : kNodeExitUsage;
  auto config = LoadNodeCommand(common, node::ConfigUse::kSlapgrid, true);
  if (!config.ok()) return NodeFail(config.status());
  auto client = node::NewSlapClient(*config);
  Status s = client->BangComputeNode(config->computer_id, message);
  if (!s.ok())
    return NodeFail(
        s.WithContext("banging compute node " + config->computer_id + " on " + config->master_url));
  std::printf("banged compute node %s: %s\n", config->computer_id.c_str(), message.c_str());
  return 0;
}

}  // namespace

SLAPOS_NODE_COMMAND("watchdog", "supervisor event listener: bang partitions whose services go down",
                    RunWatchdog);
SLAPOS_NODE_COMMAND("bang", "ask the master to reprocess every partition of this node (root)",
                    RunBang);

}  // namespace slapos::cli
