// The node's saved definition (node.md §1.8): the computer and its partitions as `slapos node
// format` made them, kept as JSON at computer_json and per partition in .slapos-resource.
// Partitions are only ever added. Plain data; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace slapos::node {

struct PartitionDefinition {
  int index = 0;
  std::string reference;  // slappartN
  std::string path;       // instance_root/slappartN
  std::string user;       // slapuserN (group of the same name)
  std::string tap;        // slaptapN: the "network interface" label even without a tap
  std::string ipv4;       // local IPv4, added as /32
  std::string ipv6;       // global IPv6
  int ipv6_prefixlen = 64;
  std::string ipv6_range;  // "net/len", empty when partition_has_ipv6_range is false
  bool tap_created = false;

  bool operator==(const PartitionDefinition&) const = default;
};

struct ComputerDefinition {
  std::string reference;  // computer_id
  std::string address;    // the IPv6 base address of the node
  int prefixlen = 0;
  std::string interface_name;
  std::string ipv6_interface;
  std::string ipv4_local_network;
  std::string software_user;
  std::string software_root;
  std::string instance_root;
  std::vector<PartitionDefinition> partitions;

  bool operator==(const ComputerDefinition&) const = default;
};

std::string EncodeComputerJson(const ComputerDefinition& c);
Result<ComputerDefinition> DecodeComputerJson(const std::string& text, const std::string& where);
// The partition's .slapos-resource file content.
std::string EncodePartitionResource(const PartitionDefinition& p);
Result<PartitionDefinition> DecodePartitionResource(const std::string& text, const std::string& where);

}  // namespace slapos::node
