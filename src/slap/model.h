// The SLAP vocabulary: plain data shared by the client, the node and the master, mirroring
// the SlapOS master API v0 documents (spec master-api.md §4). JSON-valued fields (instance
// parameters, connection parameters, sla parameters) are kept as the text of a JSON object,
// compact and with sorted keys once decoded ("{}" when empty); json_codec.h and
// instance_xml.h convert them. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace slapos::slap {

// Requested (and reported) state of an instance.
enum class InstanceState { kStarted, kStopped, kDestroyed };
// Requested state of a software installation (supply / remove).
enum class SoftwareState { kAvailable, kDestroyed };
// State a node reports for a software installation.
enum class SoftwareReportedState { kAvailable, kBuilding, kDestroyed };

const char* ToString(InstanceState s);
const char* ToString(SoftwareState s);
const char* ToString(SoftwareReportedState s);
// Parse the wire words ("started", ...); the error lists the accepted words.
Result<InstanceState> ParseInstanceState(std::string_view word);
Result<SoftwareState> ParseSoftwareState(std::string_view word);
Result<SoftwareReportedState> ParseSoftwareReportedState(std::string_view word);

// --- compute nodes -------------------------------------------------------------------------

// One address of a partition, as formatted by the node (JSON keys in comments).
struct PartitionAddress {
  std::string ip_address;          // "ip-address" (required)
  std::string network_interface;   // "network-interface"
  std::string netmask;             // "netmask"
  std::string network_address;     // "network-address" (optional, "" = absent)
  std::string gateway_ip_address;  // "gateway-ip-address" (optional, "" = absent)
};

struct PartitionFormat {
  std::string partition_id;  // slot id, e.g. "slappart0"
  std::vector<PartitionAddress> ip_list;
};

// put.v0.compute_node_format: the node's complete list of partitions.
struct ComputeNodeFormat {
  std::string computer_guid;
  std::vector<PartitionFormat> partitions;
};

// slapos.put.WIP.compute_node_attribute_dict (this project's extension): the operator's tags
// of a node (region=eu, network_guid=N1...) that sla parameters are matched against.
struct ComputeNodeAttributes {
  std::string computer_guid;
  std::map<std::string, std::string> attributes;
};

// slapos.get.WIP.compute_node (this project's extension): one registered node.
struct ComputeNodeInfo {
  std::string computer_guid;
  std::map<std::string, std::string> attributes;
  int64_t partition_count = 0;
  int64_t free_partition_count = 0;
};

// --- software installations ----------------------------------------------------------------

// post.v0.software_installation (supply / remove) and one item of
// allDocs.v0.compute_node_software_installation_list (computer_guid is then the node asked).
struct SoftwareInstallation {
  std::string software_release_uri;
  std::string computer_guid;
  SoftwareState state = SoftwareState::kAvailable;
};

// --- instances ------------------------------------------------------------------------------

// post.v0.software_instance: request (or re-request) an instance.
struct InstanceRequest {
  std::string title;  // at most 200 characters
  std::string software_release_uri;
  std::string software_type = "default";
  std::string parameters = "{}";      // JSON object (any values)
  bool shared = false;
  InstanceState state = InstanceState::kStarted;
  std::string sla_parameters = "{}";  // JSON object: computer_guid, instance_guid, ...
};

// The 16-key instance document (§4.2).
struct Instance {
  std::string title;
  std::string instance_guid;
  std::string software_release_uri;
  std::string software_type;
  InstanceState state = InstanceState::kStarted;
  std::string connection_parameters = "{}";  // JSON object
  std::string parameters = "{}";             // JSON object
  bool shared = false;
  std::string root_instance_title;
  std::vector<std::vector<std::string>> ip_list;       // [[interface, ip], ...]
  std::vector<std::vector<std::string>> full_ip_list;  // [[...], ...]
  std::string sla_parameters = "{}";                   // JSON object
  std::string computer_guid;
  std::string compute_partition_id;
  int64_t processing_timestamp = 0;
  std::string access_status_message;
};

// The alternative answer of post.software_instance / get.instance_tree while the master
// has not allocated the instance yet: {"message", "name", "status"}.
struct InstanceNotReady {
  std::string message = "Software Instance Not Ready";
  std::string name = "SoftwareInstanceNotReady";
  int status = 102;
};

// What post.software_instance and get.instance_tree return: the instance, or "not ready".
struct InstanceAnswer {
  bool ready = true;
  Instance instance;           // when ready
  InstanceNotReady not_ready;  // when !ready
};

// One item of allDocs.v0.compute_node_instance_list: what a node must deploy.
struct NodeInstance {
  std::string title;
  std::string instance_guid;
  InstanceState state = InstanceState::kStarted;
  std::string compute_partition_id;   // "" = absent
  std::string software_release_uri;   // "" = absent
};

// One item of allDocs.v0.instance_node_instance_list: a shared instance hosted by an instance.
struct SharedInstance {
  std::string title;
  std::string instance_guid;
  std::string software_type;
  InstanceState state = InstanceState::kStarted;
  std::string parameters = "{}";      // JSON object
  std::string compute_partition_id;   // "" = absent
  std::string software_release_uri;   // "" = absent
};

// --- small answers --------------------------------------------------------------------------

// {"key", "certificate"} of get.v0.software_instance_certificate / post.v0.compute_node_certificate.
struct Certificate {
  std::string key;
  std::string certificate;
};

// {"type": "success", "title": ...}: the answer of every action endpoint.
struct Success {
  std::string title;
};

// The JSON error body of the master: {"status", "type", "title"}.
struct ErrorBody {
  int status = 500;
  std::string type = "Internal Server Error";
  std::string title;
};

// --- API requests that carry only references ------------------------------------------------

// put.v0.software_installation_reported_state
struct SoftwareReport {
  std::string software_release_uri;
  std::string computer_guid;
  SoftwareReportedState reported_state = SoftwareReportedState::kAvailable;
};

// put.v0.software_installation_error
struct SoftwareError {
  std::string software_release_uri;
  std::string computer_guid;
  std::string message;
};

// get.v0.compute_partition
struct PartitionRef {
  std::string computer_guid;
  std::string compute_partition_id;
};

// put.v0.software_instance_connection_parameter
struct ConnectionParameterUpdate {
  std::string instance_guid;
  std::string connection_parameter_dict = "{}";  // JSON object
};

// put.v0.software_instance_reported_state
struct InstanceReport {
  std::string instance_guid;
  InstanceState reported_state = InstanceState::kStarted;
};

// put.v0.software_instance_bang and put.v0.software_instance_error
struct InstanceMessage {
  std::string instance_guid;
  std::string message;
};

// put.v0.software_instance_title
struct InstanceRename {
  std::string instance_guid;
  std::string title;  // the new title, at most 200 characters
};

// post.v0.compute_node_usage
struct ComputeNodeUsage {
  std::string computer_guid;
  std::string tioxml;
};

// put.v0.compute_node_bang
struct ComputeNodeMessage {
  std::string computer_guid;
  std::string message;
};

// --- instance guids --------------------------------------------------------------------------

// Guid of the JSON API: "<title>___<requested_by>___<0|1>" (requested_by is "" for an
// instance requested by a person, so "<title>______0").
struct InstanceGuid {
  std::string title;
  std::string requested_by;
  bool shared = false;
};
std::string MakeInstanceGuid(const InstanceGuid& guid);
// Splits on "___" at most twice; needs three parts and an integer third part, else
// PermissionDenied "instance_guid <g> not handled." (the master's own words).
Result<InstanceGuid> ParseInstanceGuid(std::string_view guid);

}  // namespace slapos::slap
