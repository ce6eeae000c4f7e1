// Plain records the master keeps: compute nodes, their partitions (slots and the instance
// occupying each), software installations and shared instances. Parameters, connection
// parameters and sla are JSON object texts (types preserved). Pure data; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace slapos::master {

struct NodeRecord {
  int64_t id = 0;
  std::string reference;                          // computer_guid
  std::map<std::string, std::string> attributes;  // operator tags: region=eu, network_guid=N1...
};

struct IpEntry {
  std::string interface;  // network-interface
  std::string address;    // ip-address
  std::string netmask;
};

struct PartitionRecord {
  int64_t id = 0;
  int64_t node_id = 0;
  std::string computer;   // node reference
  std::string reference;  // slot id, e.g. slappart0
  bool busy = false;
  // Instance fields (meaningful when busy).
  std::string title;
  std::string requested_by;  // root title of the tree; "" for a root instance
  std::string software_release;
  std::string software_type;
  std::string requested_state = "started";  // started | stopped | destroyed
  std::string parameters = "{}";
  std::string connection = "{}";
  std::string sla = "{}";
  int64_t timestamp = 0;  // processing_timestamp, seconds; strictly increases on each change
  // The last status the node reported ("" = none yet): "#error <message>" or "#access ...".
  // Written only by StoreTx::SetPartitionStatus; cleared when the partition is freed.
  std::string access_status;
  int64_t access_status_at = 0;  // seconds
};

struct SoftwareRecord {
  std::string computer;
  std::string url;
  std::string requested_state = "available";  // available | destroyed
  // The node's last report (StoreTx::SetSoftwareReport): "" (none), building, available or
  // error; `error` is the log of the last error report (capped).
  std::string reported_state;
  std::string error;
  int64_t reported_at = 0;  // seconds
};

// One usage document (TioXML) a node posted with post.v0.compute_node_usage.
struct UsageRecord {
  int64_t id = 0;
  std::string computer;
  int64_t received_at = 0;  // seconds
  std::string tioxml;
};

struct SharedRecord {
  int64_t id = 0;
  std::string title;
  std::string requested_by;
  std::string software_release;
  std::string software_type;
  std::string requested_state = "started";  // started | stopped
  std::string parameters = "{}";
  std::string connection = "{}";
  std::string sla = "{}";
  int64_t host_partition_id = 0;
  int64_t timestamp = 0;
  std::string access_status;  // as PartitionRecord::access_status (StoreTx::SetSharedStatus)
  int64_t access_status_at = 0;
};

}  // namespace slapos::master
