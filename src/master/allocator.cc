#include "master/allocator.h"

#include <nlohmann/json.hpp>
#include <set>

#include "master/handlers.h"

namespace slapos::master {
namespace {

bool IgnoredKey(const std::string& key) {
  return key == "project_guid" || key == "retention_delay" || key == "master_url" || key.rfind("fw_", 0) == 0;
}

// Nodes satisfying the node-level conditions, in registration order; PermissionDenied naming
// the first condition that no node meets.
Result<std::vector<NodeRecord>> MatchingNodes(StoreTx& tx, const SlaConditions& sla, const std::string& what) {
  SLAPOS_ASSIGN_OR_RETURN(std::vector<NodeRecord> nodes, tx.ListNodes());
  if (nodes.empty()) return PermissionDenied(what + ": no compute node is registered yet");
  auto keep = [&](auto pred, const std::string& condition) -> Status {
    std::vector<NodeRecord> kept;
    for (NodeRecord& n : nodes) {
      if (pred(n)) kept.push_back(std::move(n));
    }
    nodes = std::move(kept);
    if (nodes.empty()) return PermissionDenied(what + ": no compute node matches " + condition);
    return Status::OK();
  };
  if (!sla.computer_guid.empty()) {
    SLAPOS_RETURN_IF_ERROR(keep([&](const NodeRecord& n) { return n.reference == sla.computer_guid; },
                                "computer_guid=" + sla.computer_guid));
  }
  if (!sla.network_guid.empty()) {
    SLAPOS_RETURN_IF_ERROR(keep(
        [&](const NodeRecord& n) {
          auto it = n.attributes.find(kNetworkAttribute);
          return it != n.attributes.end() && it->second == sla.network_guid;
        },
        "network_guid=" + sla.network_guid));
  }
  for (const auto& [k, v] : sla.attributes) {
    SLAPOS_RETURN_IF_ERROR(keep(
        [&](const NodeRecord& n) {
          auto it = n.attributes.find(k);
          return it != n.attributes.end() && it->second == v;
        },
        k + "=" + v));
  }
  return nodes;
}

}  // namespace

Result<SlaConditions> ParseSla(const std::string& sla_json) {
  SlaConditions c;
  json sla = ParseStored(sla_json);
  for (const auto& [key, value] : sla.items()) {
    if (key == "retention_delay" ? !value.is_number() : !value.is_string()) {
      return InvalidArgument("field 'sla_parameters." + key + "': " + value.dump() + " is not of type '" +
                             (key == "retention_delay" ? "number" : "string") + "'");
    }
    if (IgnoredKey(key)) continue;
    const std::string& v = value.get_ref<const std::string&>();
    if (key == "computer_guid") {
      c.computer_guid = v;
    } else if (key == "network_guid") {
      c.network_guid = v;
    } else if (key == "instance_guid") {
      c.instance_guid = v;
    } else if (key == "mode") {
      if (v != "unique_by_network") {
        return PermissionDenied("sla mode '" + v + "' is not supported (the only mode is unique_by_network)");
      }
      c.unique_by_network = true;
    } else {
      c.attributes[key] = v;
    }
  }
  return c;
}

Result<PartitionRecord> AllocatePartition(StoreTx& tx, const SlaConditions& sla, const std::string& title,
                                          const std::string& root_title) {
  const std::string what = "No free computer partition found for: " + title;
  if (!sla.unique_by_network) {
    // The common case is one indexed query; the nodes are only loaded to explain a refusal.
    std::map<std::string, std::string> attributes = sla.attributes;
    if (!sla.network_guid.empty()) attributes[kNetworkAttribute] = sla.network_guid;
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FirstFreeMatching(sla.computer_guid, attributes));
    if (p) return std::move(*p);
  }
  SLAPOS_ASSIGN_OR_RETURN(std::vector<NodeRecord> nodes, MatchingNodes(tx, sla, what));
  if (sla.unique_by_network) {
    // Networks already used by the tree (its root and every member).
    std::set<int64_t> tree_nodes;
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> root, tx.FindInstance(root_title, ""));
    if (root) tree_nodes.insert(root->node_id);
    SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> members, tx.ListTreeMembers(root_title));
    for (const PartitionRecord& m : members) tree_nodes.insert(m.node_id);
    SLAPOS_ASSIGN_OR_RETURN(std::vector<NodeRecord> all, tx.ListNodes());
    std::set<std::string> used;
    for (const NodeRecord& n : all) {
      auto it = n.attributes.find(kNetworkAttribute);
      if (tree_nodes.count(n.id) && it != n.attributes.end()) used.insert(it->second);
    }
    std::vector<NodeRecord> kept;
    for (NodeRecord& n : nodes) {
      auto it = n.attributes.find(kNetworkAttribute);
      if (it != n.attributes.end() && !used.count(it->second)) kept.push_back(std::move(n));
    }
    if (kept.empty()) {
      return PermissionDenied(what + ": no compute node matches mode=unique_by_network (every matching node "
                                     "has no network_guid or its network already hosts an instance of tree " +
                              root_title + ")");
    }
    nodes = std::move(kept);
  }
  for (const NodeRecord& n : nodes) {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FirstFreePartition(n.id));
    if (p) return std::move(*p);
  }
  return PermissionDenied(what + ": every matching compute node is full (" + std::to_string(nodes.size()) +
                          " node(s) matched)");
}

Result<PartitionRecord> SelectHost(StoreTx& tx, const SlaConditions& sla, const std::string& title,
                                   const std::string& software_release, const std::string& software_type) {
  const std::string what = "No partition corresponding to shared instance request: " + title;
  SLAPOS_ASSIGN_OR_RETURN(std::vector<NodeRecord> nodes, MatchingNodes(tx, sla, what));
  std::set<int64_t> node_ids;
  for (const NodeRecord& n : nodes) node_ids.insert(n.id);
  SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> hosts, tx.ListHostCandidates(software_release, software_type));
  std::vector<PartitionRecord> candidates;
  for (PartitionRecord& p : hosts) {
    if (node_ids.count(p.node_id)) candidates.push_back(std::move(p));
  }
  if (candidates.empty()) {
    return PermissionDenied(what + ": no started or stopped instance of " + software_release +
                            (software_type.empty() ? std::string() : " with software_type " + software_type) +
                            " on a matching compute node");
  }
  if (sla.instance_guid.empty()) return std::move(candidates.front());
  // The host is named by its JSON guid, "<computer>-<slot>" (legacy) or its slot id.
  for (PartitionRecord& p : candidates) {
    if (MakeGuid(p.title, p.requested_by, false) == sla.instance_guid ||
        p.computer + "-" + p.reference == sla.instance_guid || p.reference == sla.instance_guid) {
      return std::move(p);
    }
  }
  return PermissionDenied(what + ": instance_guid=" + sla.instance_guid + " is not a running instance of " +
                          software_release + " on a matching compute node");
}

}  // namespace slapos::master
