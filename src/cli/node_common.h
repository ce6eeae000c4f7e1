// What every `slapos node ...` command shares: the sub-command table (each sub-command family
// lives in its own src/cli/node_*_cmd.cc and registers with SLAPOS_NODE_COMMAND), the common
// options (--cfg, --log-level), loading the configuration, the exit codes, the pidfile lock and
// the formatted partitions. Registration happens during static initialisation; not thread-safe.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "node/computer.h"
#include "node/config.h"
#include "util/status.h"

namespace CLI {
class App;
}

namespace slapos::cli {

constexpr int kNodeExitUsage = 5;  // bad usage or not root (SlapOS's code)

// `args` are the words after the sub-command ("slapos node instance --cfg F" -> {"--cfg", "F"}).
using NodeCommandFn = int (*)(const std::vector<std::string>& args);

struct NodeCommand {
  std::string name;     // "format", "instance", ...
  std::string summary;  // one line for `slapos node --help`
  NodeCommandFn run;
};

std::vector<NodeCommand>& NodeCommands();

struct NodeRegistrar {
  NodeRegistrar(const char* name, const char* summary, NodeCommandFn fn) {
    NodeCommands().push_back({name, summary, fn});
  }
};

struct NodeCommon {
  std::string cfg;
  std::string log_level = "info";
  void Add(CLI::App& app);
};

// Reads and validates the configuration, sets the log level and file; refuses non-root callers
// when `need_root` and root_check is on.
Result<node::NodeConfig> LoadNodeCommand(const NodeCommon& common, node::ConfigUse use, bool need_root);

// Prints "slapos node: <message>" and returns the exit code for it (5 for usage/permission).
int NodeFail(const Status& s);

// Holds an exclusive lock on `path` for the life of the process (SlapOS's pidfiles); returns
// the descriptor. FailedPrecondition when another process holds it.
Result<int> LockPidfile(const std::string& path);
// The same lock, but waits for the process holding it (saying so on stderr, as `who`).
Result<int> WaitPidfile(const std::string& path, const std::string& who);

// The running binary (/proc/self/exe), to run sub-steps in child processes.
std::string SelfBinary();

// A partition of format's saved definition, with its uid/gid when the user exists.
struct LocalPartition {
  node::PartitionDefinition def;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

// Every formatted partition, or only `only` (slappartN) when not empty.
Result<std::vector<LocalPartition>> LocalPartitions(const node::NodeConfig& config, const std::string& only);

}  // namespace slapos::cli

#define SLAPOS_NODE_CONCAT_(a, b) a##b
#define SLAPOS_NODE_CONCAT(a, b) SLAPOS_NODE_CONCAT_(a, b)
// SLAPOS_NODE_COMMAND("instance", "deploy the partitions", RunInstance);
#define SLAPOS_NODE_COMMAND(name, summary, fn) \
  static ::slapos::cli::NodeRegistrar SLAPOS_NODE_CONCAT(slapos_node_command_, __LINE__)(name, summary, fn)
