// Allocation: where a new instance goes. A marketplace over every registered compute node:
// the sla keys computer_guid and network_guid, node attributes matched exactly (any other sla
// key), mode=unique_by_network (one instance of a tree per network), and for shared instances
// the host instance (instance_guid). No match -> PermissionDenied naming the unmet condition.
// Runs inside the caller's transaction; stateless and thread-safe.
#pragma once

#include <map>
#include <string>

#include "master/store.h"

namespace slapos::master {

struct SlaConditions {
  std::string computer_guid;  // "" = any node
  std::string network_guid;   // "" = any network (matched against attribute network_guid)
  std::string instance_guid;  // shared only: the host instance
  bool unique_by_network = false;
  std::map<std::string, std::string> attributes;  // other keys: node attributes to match
};

// The node attribute that names a node's network.
inline constexpr const char* kNetworkAttribute = "network_guid";

// Parses the request's sla_parameters (a JSON object text whose values are strings, except
// retention_delay). Keys that only matter to the real Master's accounting or firewall
// (project_guid, retention_delay, fw_*, master_url) are ignored. An unknown `mode` -> 403.
Result<SlaConditions> ParseSla(const std::string& sla_json);

// Picks the first free partition (node registration order, then slot order) on a node that
// satisfies `sla` for a new instance of the tree rooted at `root_title`.
Result<PartitionRecord> AllocatePartition(StoreTx& tx, const SlaConditions& sla, const std::string& title,
                                          const std::string& root_title);

// Picks the host partition for a new shared instance: a busy, not destroyed partition running
// `software_release` (and `software_type` when not empty) on a node satisfying `sla`.
Result<PartitionRecord> SelectHost(StoreTx& tx, const SlaConditions& sla, const std::string& title,
                                   const std::string& software_release, const std::string& software_type);

}  // namespace slapos::master
