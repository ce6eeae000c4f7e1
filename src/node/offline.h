// Offline mode of `slapos node instance` (node.md §4.9): when the master cannot be reached, the
// node installs nothing; it stops the partitions whose legacy IR/<PID>/.requested_state says
// "stopped" (and removes that file), then asks its supervisor to start every known process, so
// that after a reboot without master the started partitions come back. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace slapos::node {

// True when a failed master call means "master unreachable" for the offline rule: no answer
// (connection refused, timeout, DNS), HTTP 503/5xx, or any HTTP refusal other than 404 (403,
// 4xx). NotFound (404) and InvalidArgument (HTTP 400, or no master URL configured) are not.
bool MasterUnreachable(const Status& s);

// The supervisor operations offline mode needs.
class OfflineSupervisor {
 public:
  virtual ~OfflineSupervisor() = default;
  virtual Status StopPartition(const std::string& reference) = 0;
  virtual Status StartAll() = 0;
};

struct OfflineResult {
  std::vector<std::string> stopped;  // partitions stopped by their .requested_state
  std::vector<std::string> errors;   // what failed (the pass goes on)
};

OfflineResult RunOffline(const std::string& instance_root, OfflineSupervisor& supervisor);

}  // namespace slapos::node
