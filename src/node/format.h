// `slapos node format` (node.md §1): checks the whole configuration and the saved definition,
// then creates or verifies the software user, each partition's user, group, directory,
// addresses, IPv6 range and tap, and saves the definition. A rerun on a formatted node changes
// nothing. Also the reverse (Unformat) that removes everything format created. Single-threaded.
#pragma once

#include <string>
#include <vector>

#include "node/computer.h"
#include "node/config.h"
#include "node/system.h"
#include "util/env.h"

namespace slapos::node {

struct FormatResult {
  ComputerDefinition computer;
  std::vector<std::string> changes;  // one line per change made to the system; empty = nothing to do
};

// Reads the saved definition at config.computer_json (an empty definition when absent).
Result<ComputerDefinition> LoadComputerDefinition(const NodeConfig& config, NodeSystem& system);

Result<FormatResult> Format(const NodeConfig& config, NodeSystem& system, Env& env);

// Removes the partitions' taps, addresses, ranges, directories, users and groups, the software
// user and the definition file. instance_root and software_root themselves are kept.
// Returns one line per change.
Result<std::vector<std::string>> Unformat(const NodeConfig& config, NodeSystem& system);

}  // namespace slapos::node
