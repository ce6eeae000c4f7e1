// Shared pieces of the handlers: success bodies, timestamps, guids, instance documents.
#include <algorithm>

#include "master/handlers.h"

namespace slapos::master {

json Success(const std::string& title) { return json{{"type", "success"}, {"title", title}}; }

int64_t NowSeconds(Env* env) { return env->NowMicros() / 1000000; }

int64_t NextTimestamp(Env* env, int64_t previous) { return std::max(NowSeconds(env), previous + 1); }

std::string CapReport(const std::string& message) {
  if (message.size() <= kMaxReportBytes) return message;
  size_t start = message.size() - kMaxReportBytes;
  // Never start inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (start < message.size() && (static_cast<unsigned char>(message[start]) & 0xC0) == 0x80) ++start;
  return "[... " + std::to_string(start) + " bytes cut] " + message.substr(start);
}

std::string ErrorStatus(const std::string& message) { return "#error " + CapReport(message); }

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
  for (const IpEntry& ip : ips) {
    json pair = json::array();
    pair.push_back(ip.interface);
    pair.push_back(ip.address);
    out.push_back(std::move(pair));
  }
  return out;
}

// Builds the 16 keys one by one: much cheaper than nlohmann's initializer-list constructor
// (which copies every pair through temporary arrays), and this runs on every instance request.
json InstanceDocument(const std::string& title, const std::string& requested_by, bool shared,
                      const std::string& software_release, const std::string& software_type, const std::string& state,
                      json connection, json parameters, json ips, json sla, const std::string& computer,
                      const std::string& slot, int64_t timestamp, const std::string& access_status) {
  json d = json::object();
  d["title"] = title;
  d["instance_guid"] = MakeGuid(title, requested_by, shared);
  d["software_release_uri"] = software_release;
  d["software_type"] = software_type;
  d["state"] = state;
  d["connection_parameters"] = std::move(connection);
  d["parameters"] = std::move(parameters);
  d["shared"] = shared;
  d["root_instance_title"] = requested_by.empty() ? title : requested_by;
  d["ip_list"] = std::move(ips);
  d["full_ip_list"] = json::array();
  d["sla_parameters"] = std::move(sla);
  d["computer_guid"] = computer;
  d["compute_partition_id"] = slot;
  d["processing_timestamp"] = timestamp;
  d["access_status_message"] = access_status;
  return d;
}

}  // namespace

Result<json> PartitionDocument(StoreTx& tx, const PartitionRecord& p, const json* parameters, const json* sla) {
  SLAPOS_ASSIGN_OR_RETURN(json ips, IpList(tx, p.id));
  return InstanceDocument(p.title, p.requested_by, false, p.software_release, p.software_type, p.requested_state,
                          ParseStored(p.connection), parameters ? *parameters : ParseStored(p.parameters),
                          std::move(ips), sla ? *sla : ParseStored(p.sla), p.computer, p.reference, p.timestamp,
                          p.access_status);
}

Result<json> SharedDocument(StoreTx& tx, const SharedRecord& s) {
  SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> host, tx.FindPartitionById(s.host_partition_id));
  if (!host) return PermissionDenied("No partition hosting " + MakeGuid(s.title, s.requested_by, true) + " found.");
  SLAPOS_ASSIGN_OR_RETURN(json ips, IpList(tx, host->id));
  return InstanceDocument(s.title, s.requested_by, true, s.software_release, s.software_type, s.requested_state,
                          ParseStored(s.connection), ParseStored(s.parameters), std::move(ips), ParseStored(s.sla),
                          host->computer, host->reference, s.timestamp, s.access_status);
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
  SLAPOS_RETURN_IF_ERROR(tx.SetPartitionStatus(p.id, "", 0));
  return tx.UpdatePartition(p);
}

}  // namespace slapos::master
