#include "node/computer.h"

#include <nlohmann/json.hpp>

namespace slapos::node {

namespace {

using nlohmann::json;

json PartitionToJson(const PartitionDefinition& p) {
  return json{{"index", p.index},
              {"reference", p.reference},
              {"path", p.path},
              {"user", p.user},
              {"tap", p.tap},
              {"tap_created", p.tap_created},
              {"ipv4", p.ipv4},
              {"ipv6", p.ipv6},
              {"ipv6_prefixlen", p.ipv6_prefixlen},
              {"ipv6_range", p.ipv6_range}};
}

PartitionDefinition PartitionFromJson(const json& j) {
  PartitionDefinition p;
  p.index = j.at("index").get<int>();
  p.reference = j.at("reference").get<std::string>();
  p.path = j.at("path").get<std::string>();
  p.user = j.at("user").get<std::string>();
  p.tap = j.value("tap", "");
  p.tap_created = j.value("tap_created", false);
  p.ipv4 = j.value("ipv4", "");
  p.ipv6 = j.value("ipv6", "");
  p.ipv6_prefixlen = j.value("ipv6_prefixlen", 64);
  p.ipv6_range = j.value("ipv6_range", "");
  return p;
}

}  // namespace

std::string EncodeComputerJson(const ComputerDefinition& c) {
  json parts = json::array();
  for (const auto& p : c.partitions) parts.push_back(PartitionToJson(p));
  json j{{"reference", c.reference},
         {"address", c.address},
         {"prefixlen", c.prefixlen},
         {"interface_name", c.interface_name},
         {"ipv6_interface", c.ipv6_interface},
         {"ipv4_local_network", c.ipv4_local_network},
         {"software_user", c.software_user},
         {"software_root", c.software_root},
         {"instance_root", c.instance_root},
         {"partition_list", parts}};
  return j.dump(2) + "\n";
}

Result<ComputerDefinition> DecodeComputerJson(const std::string& text, const std::string& where) {
  try {
    json j = json::parse(text);
    ComputerDefinition c;
    c.reference = j.at("reference").get<std::string>();
    c.address = j.value("address", "");
    c.prefixlen = j.value("prefixlen", 0);
    c.interface_name = j.value("interface_name", "");
    c.ipv6_interface = j.value("ipv6_interface", "");
    c.ipv4_local_network = j.value("ipv4_local_network", "");
    c.software_user = j.value("software_user", "");
    c.software_root = j.value("software_root", "");
    c.instance_root = j.value("instance_root", "");
    for (const auto& p : j.at("partition_list")) c.partitions.push_back(PartitionFromJson(p));
    for (size_t i = 0; i < c.partitions.size(); ++i)
      if (c.partitions[i].index != static_cast<int>(i))
        return Corruption(where + ": partition_list[" + std::to_string(i) + "] has index " +
                          std::to_string(c.partitions[i].index) + "; the file was edited by hand, restore it");
    return c;
  } catch (const std::exception& e) {
    return Corruption(where + ": not a node definition (" + e.what() +
                      "); restore it or remove it to format from scratch");
  }
}

std::string EncodePartitionResource(const PartitionDefinition& p) { return PartitionToJson(p).dump(4) + "\n"; }

Result<PartitionDefinition> DecodePartitionResource(const std::string& text, const std::string& where) {
  try {
    return PartitionFromJson(json::parse(text));
  } catch (const std::exception& e) {
    return Corruption(where + ": not a partition resource file (" + e.what() + ")");
  }
}

}  // namespace slapos::node
