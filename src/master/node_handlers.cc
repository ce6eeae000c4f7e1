// Compute node endpoints: format (registration), what a node must deploy, one partition's
// document, node attributes (WIP extension), usage reports, node bang, and the proxy's no-op
// node calls.
#include <set>

#include "master/handlers.h"
#include "slap/usage.h"

namespace slapos::master {
namespace {

FieldSpec Str(const char* name) { return FieldSpec{name, JsonType::kString, true, {}, 0}; }

struct FormatSlot {
  std::string id;
  std::vector<IpEntry> ips;
};

// compute_partition_list items: {partition_id, ip_list: [{ip-address, network-interface,
// netmask, network-address, gateway-ip-address}]}; extra keys are allowed by the schema.
Result<std::vector<FormatSlot>> ParseSlots(const json& list) {
  static const ObjectSpec kSlot{{Str("partition_id"), FieldSpec{"ip_list", JsonType::kArray, false, {}, 0}}, true};
  static const ObjectSpec kIp{{Str("ip-address"), FieldSpec{"network-interface", JsonType::kString, false, {}, 0},
                               FieldSpec{"netmask", JsonType::kString, false, {}, 0},
                               FieldSpec{"network-address", JsonType::kString, false, {}, 0},
                               FieldSpec{"gateway-ip-address", JsonType::kString, false, {}, 0}},
                              true};
  std::vector<FormatSlot> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    std::string where = "compute_partition_list[" + std::to_string(i) + "]";
    SLAPOS_RETURN_IF_ERROR(CheckObject(list[i], kSlot, where));
    FormatSlot slot;
    slot.id = list[i]["partition_id"];
    if (slot.id.empty()) return InvalidArgument("field '" + where + ".partition_id': must not be empty");
    if (!seen.insert(slot.id).second) {
      return InvalidArgument("field '" + where + ".partition_id': " + slot.id + " is listed twice");
    }
    if (list[i].contains("ip_list")) {
      const json& ips = list[i]["ip_list"];
      for (size_t j = 0; j < ips.size(); ++j) {
        std::string ip_where = where + ".ip_list[" + std::to_string(j) + "]";
        SLAPOS_RETURN_IF_ERROR(CheckObject(ips[j], kIp, ip_where));
        IpEntry e;
        e.address = ips[j]["ip-address"];
        e.interface = ips[j].value("network-interface", "");
        e.netmask = ips[j].value("netmask", "");
        slot.ips.push_back(std::move(e));
      }
    }
    out.push_back(std::move(slot));
  }
  return out;
}

Result<json> PutFormat(Context& ctx, const json& body) {
  std::string computer = body["computer_guid"];
  if (computer.empty()) return InvalidArgument("field 'computer_guid': must not be empty");
  SLAPOS_ASSIGN_OR_RETURN(std::vector<FormatSlot> slots, ParseSlots(body["compute_partition_list"]));
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(int64_t node_id, tx.UpsertNode(computer));
    SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> existing, tx.ListPartitions(node_id));
    std::set<std::string> listed;
    for (const FormatSlot& s : slots) listed.insert(s.id);
    for (const PartitionRecord& p : existing) {
      if (listed.count(p.reference)) continue;
      if (p.busy) {
        return PermissionDenied("partition " + p.reference + " of " + computer + " is not in the new list but holds "
                                "instance " + p.title + "; destroy that instance first or keep the partition");
      }
      SLAPOS_RETURN_IF_ERROR(tx.DeletePartition(p.id));
    }
    for (const FormatSlot& s : slots) {
      int64_t id = 0;
      for (const PartitionRecord& p : existing) {
        if (p.reference == s.id) id = p.id;
      }
      if (id == 0) {
        SLAPOS_ASSIGN_OR_RETURN(id, tx.InsertPartition(node_id, s.id));
      }
      SLAPOS_RETURN_IF_ERROR(tx.ReplaceAddresses(id, s.ips));
    }
    return Status::OK();
  }));
  return Success("Formatted");
}

Result<json> NodeInstanceList(Context& ctx, const json& body) {
  std::string computer = body["computer_guid"];
  json list = json::array();
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode(computer));
    if (!node) return PermissionDenied(computer + " is not registered.");
    SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> parts, tx.ListPartitions(node->id));
    for (const PartitionRecord& p : parts) {
      if (!p.busy) continue;
      list.push_back(json{{"title", p.title},
                          {"instance_guid", MakeGuid(p.title, p.requested_by, false)},
                          {"state", p.requested_state},
                          {"compute_partition_id", p.reference},
                          {"software_release_uri", p.software_release}});
    }
    return Status::OK();
  }));
  return json{{"result_list", std::move(list)}};
}

Result<json> GetComputePartition(Context& ctx, const json& body) {
  std::string computer = body["computer_guid"];
  std::string slot = body["compute_partition_id"];
  json out;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode(computer));
    if (!node) return PermissionDenied(computer + " is not registered.");
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FindPartition(node->id, slot));
    if (!p || !p->busy) return PermissionDenied("No instance on partition " + slot + " found.");
    SLAPOS_ASSIGN_OR_RETURN(out, PartitionDocument(tx, *p));
    return Status::OK();
  }));
  return out;
}

Result<json> ComputeNodeList(Context& ctx, const json&) {
  json list = json::array();
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::vector<NodeRecord> nodes, tx.ListNodes());
    for (const NodeRecord& n : nodes) list.push_back(json{{"computer_guid", n.reference}});
    return Status::OK();
  }));
  return json{{"result_list", std::move(list)}};
}

// WIP extension: {computer_guid, attribute_dict: {key: "value"}} replaces a node's attributes.
Result<json> PutNodeAttributes(Context& ctx, const json& body) {
  std::string computer = body["computer_guid"];
  std::map<std::string, std::string> attributes;
  for (const auto& [k, v] : body["attribute_dict"].items()) {
    if (!v.is_string()) {
      return InvalidArgument("field 'attribute_dict." + k + "': " + v.dump() + " is not of type 'string'");
    }
    if (k.empty()) return InvalidArgument("field 'attribute_dict': attribute names must not be empty");
    attributes[k] = v;
  }
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode(computer));
    if (!node) return PermissionDenied(computer + " is not registered.");
    return tx.SetNodeAttributes(node->id, attributes);
  }));
  return Success("Attributes set");
}

// WIP extension: one node with its attributes and partition counts.
Result<json> GetNode(Context& ctx, const json& body) {
  std::string computer = body["computer_guid"];
  json out;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode(computer));
    if (!node) return PermissionDenied(computer + " is not registered.");
    SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> parts, tx.ListPartitions(node->id));
    int64_t free_count = 0;
    for (const PartitionRecord& p : parts) free_count += p.busy ? 0 : 1;
    json attrs = json::object();
    for (const auto& [k, v] : node->attributes) attrs[k] = v;
    out = json{{"computer_guid", node->reference},
               {"attribute_dict", std::move(attrs)},
               {"partition_count", static_cast<int64_t>(parts.size())},
               {"free_partition_count", free_count}};
    return Status::OK();
  }));
  return out;
}

Result<json> Ignored(Context&, const json&) { return Success("Ignored"); }

// post.v0.compute_node_usage: a TioXML journal (node.md §6.2) kept with the node and the time
// received, for accounting (read back with `slapos master usage`).
Result<json> PostUsage(Context& ctx, const json& body) {
  UsageRecord usage;
  usage.computer = body["computer_guid"];
  usage.tioxml = body["tioxml"];
  Result<slap::UsageJournal> journal = slap::ParseTioXml(usage.tioxml);
  if (!journal.ok()) {
    return InvalidArgument("field 'tioxml': not a TioXML journal: " + journal.status().message() +
                           "; nothing was stored");
  }
  usage.received_at = NowSeconds(ctx.env);
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode(usage.computer));
    if (!node) return PermissionDenied(usage.computer + " is not registered.");
    return tx.InsertUsage(usage).status();
  }));
  return Success("Usage stored");
}

// put.v0.compute_node_bang: every busy partition of the node is processed again (its
// processing_timestamp moves forward), as the ERP5 master bangs each instance of the node.
Result<json> PutNodeBang(Context& ctx, const json& body) {
  std::string computer = body["computer_guid"];
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode(computer));
    if (!node) return PermissionDenied(computer + " is not registered.");
    SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> parts, tx.ListPartitions(node->id));
    for (PartitionRecord& p : parts) {
      if (!p.busy) continue;
      p.timestamp = NextTimestamp(ctx.env, p.timestamp);
      SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(p));
    }
    return Status::OK();
  }));
  return Success("Bang handled");
}

Result<json> NodeCertificate(Context&, const json&) {
  // Node certificates come with the identity work; the proxy answers empty strings too.
  return json{{"key", ""}, {"certificate", ""}};
}

Result<json> NodeStatus(Context&, const json&) { return json{{"text", "Unknown (not implemented)"}}; }

Result<json> HateoasUrl(Context& ctx, const json&) {
  std::string host = ctx.host_header.empty() ? "localhost" : ctx.host_header;
  return json{{"hateoas_url", "http://" + host + "/hateoas/"}};
}

}  // namespace

void AddNodeEndpoints(std::vector<Endpoint>* out) {
  out->push_back({"/slapos.put.v0.compute_node_format",
                  {{Str("computer_guid"), FieldSpec{"compute_partition_list", JsonType::kArray, true, {}, 0}}},
                  &PutFormat});
  out->push_back({"/slapos.allDocs.v0.compute_node_instance_list", {{Str("computer_guid")}}, &NodeInstanceList});
  out->push_back({"/slapos.get.v0.compute_partition", {{Str("computer_guid"), Str("compute_partition_id")}},
                  &GetComputePartition});
  out->push_back({"/slapos.post.v0.compute_node_certificate", {{Str("computer_guid")}}, &NodeCertificate});
  out->push_back({"/slapos.remove.v0.compute_node_certificate", {{Str("computer_guid")}}, &Ignored});
  out->push_back({"/slapos.post.v0.compute_node_usage", {{Str("computer_guid"), Str("tioxml")}}, &PostUsage});
  out->push_back({"/slapos.put.v0.compute_node_bang", {{Str("computer_guid"), Str("message")}}, &PutNodeBang});
  out->push_back({"/slapos.get.v0.compute_node_status", {{Str("computer_guid")}}, &NodeStatus});
  out->push_back({"/slapos.get.v0.hateoas_url", {{}}, &HateoasUrl});
  out->push_back({"/slapos.allDocs.WIP.compute_node_list", {{}}, &ComputeNodeList});
  out->push_back({"/slapos.put.WIP.compute_node_attribute_dict",
                  {{Str("computer_guid"), FieldSpec{"attribute_dict", JsonType::kObject, true, {}, 0}}},
                  &PutNodeAttributes});
  out->push_back({"/slapos.get.WIP.compute_node", {{Str("computer_guid")}}, &GetNode});
}

}  // namespace slapos::master
