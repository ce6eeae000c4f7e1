// The real deployment steps of `slapos node instance` (node.md §4.3, §8): the partition's
// profile (release instance.cfg + buildout tail) run by `<slapos> node buildout` as the partition
// user in the partition directory, its supervisor group through NodeSupervisor, its promises as
// the partition user. Not thread-safe (one partition at a time).
#pragma once

#include <string>

#include "node/config.h"
#include "node/instance.h"
#include "node/node_supervisor.h"
#include "slap/slap_client.h"
#include "util/env.h"

namespace slapos::node {

class BuildoutPartitionDeployer : public PartitionDeployer {
 public:
  // `client` fetches partition certificates when certificate_repository_path is set (may be
  // null otherwise). `supervisor` must have been Ensure()d.
  BuildoutPartitionDeployer(const NodeConfig& config, std::string slapos_binary, NodeSupervisor& supervisor,
                            slap::SlapClient* client, Env& env, double promise_timeout)
      : config_(config), binary_(std::move(slapos_binary)), supervisor_(supervisor), client_(client), env_(env),
        promise_timeout_(promise_timeout) {}

  Status Install(const PartitionSlot& slot, const InstanceTarget& t) override;
  Status Start(const PartitionSlot& slot) override;
  Status Stop(const PartitionSlot& slot) override;
  Result<std::vector<PromiseResult>> Promises(const PartitionSlot& slot) override;

 private:
  Status RefreshCertificate(const PartitionSlot& slot, const InstanceTarget& t, std::string* key, std::string* cert);

  const NodeConfig& config_;
  std::string binary_;
  NodeSupervisor& supervisor_;
  slap::SlapClient* client_;
  Env& env_;
  double promise_timeout_;
};

// The last `lines` lines of `text` (what an error report carries of a build log).
std::string LastLines(const std::string& text, size_t lines);

}  // namespace slapos::node
