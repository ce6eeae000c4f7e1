// The node's one supervisor (node.md §8): its configuration skeleton under instance_root, its
// launch when not running, and the partition groups it runs. Everything goes through the
// control socket with supervise::SupervisorClient, so the node also drives Debian's
// supervisord. Not thread-safe; one NodeSupervisor per command run.
//
// Layout (IR = instance_root): IR/etc/supervisord.conf (0600, rewritten only when changed;
// includes IR/etc/supervisord.conf.d/*.conf), socket IR/sv.sock, pidfile
// IR/var/run/supervisord.pid, log IR/var/log/supervisord.log.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "node/config.h"
#include "node/supervisor_group.h"
#include "util/status.h"

namespace slapos::supervise {
class SupervisorClient;
}

namespace slapos::node {

struct NodeSupervisorPaths {
  std::string config;     // IR/etc/supervisord.conf
  std::string config_d;   // IR/etc/supervisord.conf.d
  std::string socket;     // IR/sv.sock
  std::string serverurl;  // "unix://" + socket
  std::string pidfile;    // IR/var/run/supervisord.pid
  std::string logfile;    // IR/var/log/supervisord.log
};

NodeSupervisorPaths SupervisorPathsOf(const NodeConfig& config);

class NodeSupervisor {
 public:
  // `slapos_binary` runs the supervisor daemon: `<slapos_binary> supervisord -c <config>`.
  NodeSupervisor(NodeConfig config, std::string slapos_binary);
  ~NodeSupervisor();

  const NodeSupervisorPaths& paths() const { return paths_; }

  // Writes the skeleton (directories 0700, config 0600 when changed) and starts the daemon
  // unless its socket answers getState RUNNING; waits until it does. Idempotent.
  Status Ensure();

  // Writes IR/etc/supervisord.conf.d/<reference>.conf from `programs` (0600, only when
  // changed; removed when the partition has no programs), then Update(), then
  // startProcessGroup(<reference>) without waiting. A partition without programs is a no-op.
  Status StartPartition(const PartitionPrograms& programs);

  // Deletes the partition's conf files (<reference>.conf and <reference>-*.conf) and Update():
  // its processes are stopped and its group removed. No-op when none exist.
  Status StopPartition(const std::string& reference);

  // reloadConfig, then: removed groups -> stopProcessGroup + removeProcessGroup; changed
  // groups -> stop, remove, add; added groups -> add. Other groups are untouched.
  Status Update();

  // The client on the node's socket (valid after Ensure()).
  const supervise::SupervisorClient& client() const;

 private:
  NodeConfig config_;
  std::string binary_;
  NodeSupervisorPaths paths_;
  std::unique_ptr<supervise::SupervisorClient> client_;
};

}  // namespace slapos::node
