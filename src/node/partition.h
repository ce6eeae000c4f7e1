// Per-partition deployment facts of `slapos node instance` (node.md §4.2-4.4) that need no
// master: the buildout tail appended to the instance profile, and whether a partition is up
// to date. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace slapos::node {

struct SlapConnection {
  std::string computer_id;
  std::string partition_id;
  std::string server_url;
  std::string software_release_url;
  std::string key_file;
  std::string cert_file;
  std::string requested_state;  // started / stopped
};

// [buildout] bin-directory + offline, [slap-connection], [slap_connection] (legacy spellings).
std::string BuildoutTail(const SlapConnection& c);

// The partition's profile: the release's instance.cfg followed by two newlines and the tail.
std::string PartitionBuildoutProfile(const std::string& instance_cfg, const SlapConnection& c);

struct TimestampCheck {
  std::optional<std::string> stored;  // content of <partition>/.timestamp, if any
  int64_t stored_mtime = 0;           // seconds
  std::string master;                 // the master's timestamp ("" = none sent)
  int64_t now = 0;                    // seconds
  int64_t periodicity = 86400;        // 0 = always redeploy; < 0 = never while unchanged
};

// True when the partition must not be redeployed: the stored timestamp equals the master's and
// the periodicity has not elapsed (node.md §4.2 step 7).
bool PartitionUpToDate(const TimestampCheck& t);

}  // namespace slapos::node
