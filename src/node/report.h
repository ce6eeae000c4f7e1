// `slapos node report` (node.md §6): per busy partition, run etc/report/* as the partition
// user; measure its usage (CPU seconds, memory, disk: usage.h) and add the valid TioXML
// consumption files the instance left; post one aggregate TioXML journal; then destroy every
// partition the master requested destroyed and report it destroyed so the master frees it.
// The master and the supervisor come in through small interfaces so that unit tests use
// fakes. One partition at a time; not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "slap/model.h"
#include "slap/usage.h"
#include "util/env.h"
#include "util/status.h"

namespace slapos::node {

// One busy partition as the master lists it (allDocs.v0.compute_node_instance_list).
struct ReportedInstance {
  std::string partition_id;  // slappartN
  std::string instance_guid;
  slap::InstanceState state = slap::InstanceState::kStarted;
};

// The master as `node report` needs it.
class ReportMaster {
 public:
  virtual ~ReportMaster() = default;
  virtual Result<std::vector<ReportedInstance>> Instances() = 0;
  virtual Status PostUsage(const std::string& tioxml) = 0;
  virtual Status Stopped(const std::string& instance_guid) = 0;
  virtual Status Destroyed(const std::string& instance_guid) = 0;
  virtual Status Error(const std::string& instance_guid, const std::string& message) = 0;
};

// A formatted partition on this node.
struct ReportPartition {
  std::string reference;
  std::string path;
  std::optional<uid_t> uid;  // unset: scripts run as ourselves (tests)
  std::optional<gid_t> gid;
};

struct ReportOptions {
  std::string computer_id;
  std::string instance_root;
  std::vector<ReportPartition> partitions;
  std::string proc_root = "/proc";
  double script_timeout_seconds = 600;  // each etc/report/* script
  std::string instance_storage_home;    // for destruction (destroy.h)
  std::string certificate_repository_path;
  // Stops the partition's supervisor group (NodeSupervisor::StopPartition). Required.
  std::function<Status(const std::string& reference)> stop_partition;
};

struct ReportResult {
  int scripts_run = 0;
  std::vector<std::string> script_failures;  // "slappart1: Script 'x' failed."
  int usage_files = 0;                       // valid files aggregated (then deleted)
  std::vector<std::string> invalid_files;    // left in place, with the reason
  int computer_files = 0;                    // IR/var/xml_report/<computer_id>/* posted as-is
  bool usage_posted = false;
  std::string tioxml;                        // the aggregate posted (empty when none)
  std::vector<std::string> destroyed;        // partitions emptied and reported destroyed
  std::vector<std::string> retained;         // destruction waiting for a retention lock
  std::vector<std::string> errors;           // destruction or posting failures, with reasons
  // §6.1 step 8: 1 when a report script or a destruction failed, else 0.
  int ExitCode() const { return script_failures.empty() && errors.empty() ? 0 : 1; }
};

Result<ReportResult> RunReport(const ReportOptions& options, ReportMaster& master, Env& env);

// The measured movements of one partition: resources "cpu_time" (seconds), "memory" (bytes,
// resident now) and "disk" (bytes), each with its unit in the title.
std::vector<slap::UsageMovement> MeasuredMovements(double cpu_seconds, int64_t memory_bytes, int64_t disk_bytes);

// "YYYY-mm-dd at HH:MM:SS" (UTC) of `micros` since the epoch: the journal's stop_date.
std::string ReportStopDate(int64_t micros);

}  // namespace slapos::node
