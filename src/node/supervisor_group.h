// A partition's processes as one supervisor group (node.md §8.2): every entry of
// <partition>/etc/run (process name = file name) and etc/service (name + "-on-watch") becomes a
// [program:<PID>_<name>] of [group:<PID>], run as the partition user in the partition directory,
// logging to <partition>/.<PID>_<name>.log. Written to
// <instance_root>/etc/supervisord.conf.d/<PID>.conf. Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/status.h"

namespace slapos::node {

struct PartitionPrograms {
  std::string reference;  // slappartN: the group name
  std::string path;       // partition directory
  std::string user;       // slapuserN
  std::vector<std::string> run;      // file names in etc/run
  std::vector<std::string> service;  // file names in etc/service
  // md5 of each program file's content, by command path (filled by ListPartitionPrograms).
  // Written into the program's environment (SLAPOS_PROGRAM_DIGEST) so that a rewritten wrapper
  // makes its group "changed" and the supervisor restarts it on the next start.
  std::map<std::string, std::string> digests{};
};

// Lists etc/run and etc/service (regular files and symlinks, name order; missing dirs are empty)
// and digests each file.
Result<PartitionPrograms> ListPartitionPrograms(const std::string& reference, const std::string& path,
                                                const std::string& user);

// The supervisord-dialect INI text; empty when the partition has no programs.
std::string PartitionSupervisorConfig(const PartitionPrograms& programs);

// <instance_root>/etc/supervisord.conf.d/<reference>.conf
std::string PartitionSupervisorConfigPath(const std::string& instance_root, const std::string& reference);

}  // namespace slapos::node
