// Resource usage of partitions for `slapos node report` (node.md §6): CPU time and memory of the
// processes each partition user runs (read from /proc, no help from the instance), the disk its
// directory takes, and the usage files (TioXML `consumption` documents) instances leave in
// var/xml_report/. Pure reads; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

#include "util/status.h"

namespace slapos::node {

struct ProcessTotals {
  int processes = 0;
  double cpu_seconds = 0;    // user + system time, summed over live processes
  int64_t memory_bytes = 0;  // resident set size, summed
};

// One pass over `proc_root` (normally "/proc"): totals per real uid. Processes that vanish
// while being read are skipped.
Result<std::map<uid_t, ProcessTotals>> ReadProcessTotals(const std::string& proc_root = "/proc");

// Bytes allocated on disk under `path` (st_blocks * 512, hard links counted once, symlinks not
// followed, other file systems not entered).
Result<int64_t> DiskUsage(const std::string& path);

struct PartitionToMeasure {
  std::string reference;  // slappartN
  std::string path;
  uid_t uid = 0;
};

struct PartitionUsage {
  std::string reference;
  int processes = 0;
  double cpu_seconds = 0;
  int64_t memory_bytes = 0;
  int64_t disk_bytes = 0;
};

Result<std::vector<PartitionUsage>> MeasurePartitions(const std::vector<PartitionToMeasure>& partitions,
                                                      const std::string& proc_root = "/proc");

struct UsageFile {
  std::string path;
  std::string content;
};

// The usage files left for partition `reference`: <path>/var/xml_report/* and
// <instance_root>/var/xml_report/<reference>/*, regular files only, in name order.
Result<std::vector<UsageFile>> CollectUsageFiles(const std::string& partition_path, const std::string& instance_root,
                                                 const std::string& reference);

}  // namespace slapos::node
