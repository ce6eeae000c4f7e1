// The node's side of the master API v0, over slap::SlapClient (src/slap): the client built from
// slapos.cfg, the format report, and `node software`'s master and builder. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <sys/types.h>

#include "node/computer.h"
#include "node/config.h"
#include "node/software.h"
#include "slap/model.h"
#include "slap/slap_client.h"

namespace slapos::node {

std::unique_ptr<slap::SlapClient> NewSlapClient(const NodeConfig& config);

// put.v0.compute_node_format: every partition with its IPv4 and IPv6 (interface = its tap name).
slap::ComputeNodeFormat ComputeNodeFormatOf(const ComputerDefinition& computer);

class SlapSoftwareMaster : public SoftwareMaster {
 public:
  SlapSoftwareMaster(slap::SlapClient& client, std::string computer_id)
      : client_(client), computer_id_(std::move(computer_id)) {}
  Result<std::vector<SoftwareEntry>> List() override;
  Status Building(const std::string& url) override;
  Status Available(const std::string& url) override;
  Status Destroyed(const std::string& url) override;
  Status Error(const std::string& url, const std::string& log) override;

 private:
  slap::SlapClient& client_;
  std::string computer_id_;
};

// Builds with `<slapos_binary> buildout` in a child process running as the software user:
// writes <dir>/buildout.cfg ("extends = <url>") once, then runs buildout -N in <dir>.
class BuildoutSoftwareBuilder : public SoftwareBuilder {
 public:
  BuildoutSoftwareBuilder(std::string slapos_binary, uid_t uid, gid_t gid)
      : binary_(std::move(slapos_binary)), uid_(uid), gid_(gid) {}
  Status Build(const std::string& url, const std::string& directory) override;

 private:
  std::string binary_;
  uid_t uid_;
  gid_t gid_;
};

}  // namespace slapos::node
