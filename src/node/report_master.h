// The master of `slapos node report` over slap::SlapClient (API v0): the node's instance list,
// compute_node_usage, and the instance reported states and errors. Not thread-safe.
#pragma once

#include <string>

#include "node/report.h"
#include "slap/slap_client.h"

namespace slapos::node {

class SlapReportMaster : public ReportMaster {
 public:
  SlapReportMaster(slap::SlapClient& client, std::string computer_id)
      : client_(client), computer_id_(std::move(computer_id)) {}
  Result<std::vector<ReportedInstance>> Instances() override;
  Status PostUsage(const std::string& tioxml) override;
  Status Stopped(const std::string& instance_guid) override;
  Status Destroyed(const std::string& instance_guid) override;
  Status Error(const std::string& instance_guid, const std::string& message) override;

 private:
  slap::SlapClient& client_;
  std::string computer_id_;
};

}  // namespace slapos::node
