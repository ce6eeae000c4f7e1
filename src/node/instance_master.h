// The master side of `slapos node instance` over slap::SlapClient (master API v0): the busy
// partitions of this node with their timestamps, and the started/stopped/error reports.
// Not thread-safe.
#pragma once

#include <string>

#include "node/instance.h"
#include "slap/slap_client.h"

namespace slapos::node {

class SlapInstanceMaster : public InstanceMaster {
 public:
  SlapInstanceMaster(slap::SlapClient& client, std::string computer_id)
      : client_(client), computer_id_(std::move(computer_id)) {}
  // allDocs.v0.compute_node_instance_list, then get.v0.compute_partition for each busy
  // partition (the list carries no timestamp).
  Result<std::vector<InstanceTarget>> List() override;
  Status Started(const InstanceTarget& t) override;
  Status Stopped(const InstanceTarget& t) override;
  Status Error(const InstanceTarget& t, const std::string& message) override;

 private:
  slap::SlapClient& client_;
  std::string computer_id_;
};

}  // namespace slapos::node
