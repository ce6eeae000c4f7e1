// The node's configuration (slapos.cfg, node.md §1.2 and §2): [slapformat] and [slapos] merged
// flat (a key in [slapos] wins), read and validated completely before anything is changed.
// Plain data; thread-compatible.
#pragma once

#include <cstdint>
#include <string>

#include "util/ini.h"
#include "util/status.h"

namespace slapos::node {

// An IPv4 network "a.b.c.d/len", host byte order.
struct Ipv4Network {
  uint32_t address = 0;  // network address (host bits cleared)
  int prefixlen = 0;
  std::string ToString() const;
};
Result<Ipv4Network> ParseIpv4Network(const std::string& text);
std::string Ipv4ToString(uint32_t address);
Result<uint32_t> ParseIpv4(const std::string& text);

struct NodeConfig {
  std::string path;  // the file read, for messages

  // [slapos]
  std::string computer_id;
  std::string master_url;
  std::string software_root = "/opt/slapgrid";
  std::string instance_root = "/srv/slapgrid";
  std::string key_file;
  std::string cert_file;
  std::string master_ca_file;
  std::string certificate_repository_path;
  int64_t maximum_periodicity = 86400;  // seconds
  double promise_timeout = 20;          // seconds per promise
  double partition_timeout = 0;         // seconds; 0 = none
  std::string pidfile_software = "/opt/slapos/slapgrid-sr.pid";
  std::string pidfile_instance = "/opt/slapos/slapgrid-cp.pid";
  std::string pidfile_report = "/opt/slapos/slapgrid-ur.pid";
  bool root_check = true;

  // [slapformat]
  int partition_amount = 0;
  std::string interface_name;
  std::string ipv6_interface;  // empty: interface_name
  // Our addition: a fixed IPv6 prefix ("fd00:1::/64") instead of discovering the base network
  // from the IPv6 interface's global addresses (node.md §1.6). Empty: discover.
  std::string ipv6_prefix;
  std::string ipv4_local_network;
  std::string partition_base_name = "slappart";
  std::string user_base_name = "slapuser";
  std::string tap_base_name = "slaptap";
  std::string software_user = "slapsoft";
  bool create_tap = true;
  bool tap_ipv6 = true;
  std::string tap_gateway_interface;
  bool create_tun = false;
  bool partition_has_ipv6_range = true;
  int ipv6_prefixshift = 16;
  bool alter_user = true;
  bool alter_network = true;
  std::string instance_storage_home;
  std::string computer_xml;
  // Where format keeps its definition (JSON). Default: computer_xml with ".json" in place of
  // ".xml", else /opt/slapos/slapos.json.
  std::string computer_json;
  std::string log_file;

  // The effective IPv6 interface.
  const std::string& Ipv6Interface() const { return ipv6_interface.empty() ? interface_name : ipv6_interface; }
  std::string PartitionReference(int index) const { return partition_base_name + std::to_string(index); }
  std::string PartitionUser(int index) const { return user_base_name + std::to_string(index); }
  std::string PartitionTap(int index) const { return tap_base_name + std::to_string(index); }
  std::string PartitionPath(int index) const { return instance_root + "/" + PartitionReference(index); }
};

// Which checks apply: every command needs [slapos]; format also needs [slapformat].
enum class ConfigUse { kSlapgrid, kFormat };

// Reads and validates; errors name the file, the option and what to do.
Result<NodeConfig> ParseNodeConfig(const IniFile& ini, ConfigUse use);
Result<NodeConfig> LoadNodeConfig(const std::string& path, ConfigUse use);

// --cfg, else $SLAPOS_CONFIGURATION, else /etc/opt/slapos/slapos.cfg.
std::string DefaultNodeConfigPath(const std::string& cli_value);

}  // namespace slapos::node
