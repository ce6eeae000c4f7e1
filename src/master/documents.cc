// Shared pieces of the handlers: success bodies, timestamps, guids, instance documents.
#include <algorithm>

#include "master/handlers.h"

namespace slapos::master {

json Success(const std::string& title) { return json{{"type", "success"}, {"title", title}}; }

int64_t NextTimestamp(Env* env, int64_t previous) {
  int64_t now = env->NowMicros() / 1000000;
  return std::max(now, previous + 1);
}

std::string MakeGuid(const std::string& title, const std::string& requested_by, bool shared) {
  return title + "___" + requested_by + "___" + (shared ? "1" : "0");
}

Result<InstanceGuid> ParseGuid(const std::string& guid) {
  auto bad = [&] { return PermissionDenied("instance_guid " + guid + " not handled."); };
  auto first = guid.find("___");
  if (first == std::string::npos) return bad();
  auto second = guid.find("___", first + 3);
  if (second == std::string::npos) return bad();
  std::string flag = guid.substr(second + 3);
  if (flag != "0" && flag != "1") return bad();
  InstanceGuid g;
  g.title = guid.substr(0, first);
  g.requested_by = guid.substr(first + 3, second - first - 3);
  g.shared = flag == "1";
  return g;
}

json ParseStored(const std::string& text) {
  json v = json::parse(text, nullptr, false);
  if (v.is_discarded() || !v.is_object()) return json::object();
  return v;
}

namespace {

Result<json> IpList(StoreTx& tx, int64_t partition_id) {
  SLAPOS_ASSIGN_OR_RETURN(std::vector<IpEntry> ips, tx.ListAddresses(partition_id));
  json out = json::array();
  for (const IpEntry& ip : ips) out.push_back(json::array({ip.interface, ip.address}));
  return out;
}

}  // namespace

Result<json> PartitionDocument(StoreTx& tx, const PartitionRecord& p, const json* parameters, const json* sla) {
  SLAPOS_ASSIGN_OR_RETURN(json ips, IpList(tx, p.id));
  return json{
      {"title", p.title},
      {"instance_guid", MakeGuid(p.title, p.requested_by, false)},
      {"software_release_uri", p.software_release},
      {"software_type", p.software_type},
      {"state", p.requested_state},
      {"connection_parameters", ParseStored(p.connection)},
      {"parameters", parameters ? *parameters : ParseStored(p.parameters)},
      {"shared", false},
      {"root_instance_title", p.requested_by.empty() ? p.title : p.requested_by},
      {"ip_list", std::move(ips)},
      {"full_ip_list", json::array()},
      {"sla_parameters", sla ? *sla : ParseStored(p.sla)},
      {"computer_guid", p.computer},
      {"compute_partition_id", p.reference},
      {"processing_timestamp", p.timestamp},
      {"access_status_message", ""},
  };
}

Result<json> SharedDocument(StoreTx& tx, const SharedRecord& s) {
  SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> host, tx.FindPartitionById(s.host_partition_id));
  if (!host) return PermissionDenied("No partition hosting " + MakeGuid(s.title, s.requested_by, true) + " found.");
  SLAPOS_ASSIGN_OR_RETURN(json ips, IpList(tx, host->id));
  return json{
      {"title", s.title},
      {"instance_guid", MakeGuid(s.title, s.requested_by, true)},
      {"software_release_uri", s.software_release},
      {"software_type", s.software_type},
      {"state", s.requested_state},
      {"connection_parameters", ParseStored(s.connection)},
      {"parameters", ParseStored(s.parameters)},
      {"shared", true},
      {"root_instance_title", s.requested_by.empty() ? s.title : s.requested_by},
      {"ip_list", std::move(ips)},
      {"full_ip_list", json::array()},
      {"sla_parameters", ParseStored(s.sla)},
      {"computer_guid", host->computer},
      {"compute_partition_id", host->reference},
      {"processing_timestamp", s.timestamp},
      {"access_status_message", ""},
  };
}

Status FreePartition(StoreTx& tx, PartitionRecord p) {
  SLAPOS_RETURN_IF_ERROR(tx.DeleteSharedByHost(p.id));
  p.busy = false;
  p.title.clear();
  p.requested_by.clear();
  p.software_release.clear();
  p.software_type.clear();
  p.requested_state = "started";
  p.parameters = "{}";
  p.connection = "{}";
  p.sla = "{}";
  return tx.UpdatePartition(p);
}

}  // namespace slapos::master
