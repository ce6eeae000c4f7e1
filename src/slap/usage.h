// TioXML usage documents (spec node.md §6.2): what a partition writes in its consumption
// files (<consumption><movement>...) and the journal a node's report sends to the master
// (post.v0.compute_node_usage "tioxml"). Plain data, pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace slapos::slap {

struct UsageMovement {
  std::string resource;   // required
  std::string title;      // optional ("" = absent)
  std::string reference;  // optional ("" = absent)
  double quantity = 0;
  double price = 0;
  std::string vat;        // "VAT" element, a string
  std::vector<std::string> categories;
};

struct UsageArrow {
  std::string type;  // attribute, required
  std::string source;
  std::string destination;
};

struct UsageTransaction {
  std::string type;  // attribute, required ("Sale Packing List")
  std::string title;
  std::string start_date;
  std::string stop_date;
  std::string reference;
  std::string currency;
  std::string payment_mode;
  std::vector<std::string> categories;
  std::vector<UsageArrow> arrows;        // at least one
  std::vector<UsageMovement> movements;  // at least one
};

struct UsageJournal {
  std::vector<UsageTransaction> transactions;  // at least one
};

// Reads a partition consumption file: root <consumption> with one or more <movement>.
// Errors name what is missing or malformed.
Result<std::vector<UsageMovement>> ParsePartitionConsumption(std::string_view xml);
// Writes the same format (for partitions and tests).
std::string WritePartitionConsumption(const std::vector<UsageMovement>& movements);

// Reads / writes a TioXML journal (root <journal>, transactions in schema element order).
Result<UsageJournal> ParseTioXml(std::string_view xml);
std::string WriteTioXml(const UsageJournal& journal);

// The node's daily aggregate: one "Sale Packing List" transaction titled "Resource
// consumptions", empty start date, `stop_date` ("YYYY-mm-dd at HH:MM:SS"), reference
// `computer_id`, one "Administration" arrow, then every movement of every partition with
// its reference overwritten by the partition id. Movements of partitions in order given.
UsageJournal BuildUsageReport(
    const std::string& computer_id, const std::string& stop_date,
    const std::vector<std::pair<std::string, std::vector<UsageMovement>>>& partition_movements);

}  // namespace slapos::slap
