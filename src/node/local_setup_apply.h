// Carrying out a `slapos configure local` plan (local_setup.h) and removing it, through the
// LocalHost seam: LinuxLocalHost (local_setup_linux.cc) does it for real, unit tests use a fake.
// Every step checks before it acts, so a rerun of a complete setup changes nothing.
// Single-threaded.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node/local_setup.h"
#include "util/status.h"

namespace slapos::node {

class LocalHost {
 public:
  virtual ~LocalHost() = default;

  // Facts for the plan: routes not on `own_interface`, machine id, the recorded setup.
  virtual Result<std::vector<std::string>> Routes(bool ipv6, const std::string& own_interface) = 0;
  virtual std::string MachineSeed() = 0;

  // Files and directories.
  virtual bool Exists(const std::string& path) = 0;
  virtual bool IsEmptyDirectory(const std::string& path) = 0;  // false when missing or not a directory
  virtual Result<std::optional<std::string>> ReadFileIfExists(const std::string& path) = 0;
  virtual Status WriteFile(const std::string& path, const std::string& content, int mode) = 0;
  virtual Status MakeDirectory(const std::string& path) = 0;  // one level, 0755
  virtual Status RemoveAll(const std::string& path) = 0;

  // The bridge and its addresses.
  virtual bool InterfaceExists(const std::string& name) = 0;
  virtual Status CreateBridge(const std::string& name) = 0;  // created and up
  virtual Result<bool> InterfaceUp(const std::string& name) = 0;
  virtual Status SetInterfaceUp(const std::string& name) = 0;
  virtual Result<bool> HasAddress(const std::string& name, const std::string& address, int prefixlen) = 0;
  virtual Status AddIpv6Address(const std::string& name, const std::string& address, int prefixlen) = 0;
  virtual Status DeleteInterface(const std::string& name) = 0;

  // Something accepts TCP connections on host:port.
  virtual bool PortAnswers(const std::string& host, int port) = 0;

  // The node's supervisor (NodeSupervisor over slapos.cfg): launched when not running, its
  // configuration re-read; returns true when it was not running before.
  virtual Result<bool> EnsureSupervisor(const std::string& slapos_cfg) = 0;
  // Names of the supervisor's programs in state RUNNING / STARTING.
  virtual Result<std::vector<std::string>> RunningPrograms(const std::string& slapos_cfg) = 0;
  virtual Status StartProgram(const std::string& slapos_cfg, const std::string& name) = 0;
  // Stops every program and the supervisor itself; no-op when it is not running.
  virtual Status ShutdownSupervisor(const std::string& slapos_cfg) = 0;
  // Kills what is left of the processes of `users` (partition and software users).
  virtual Status KillUserProcesses(const std::vector<std::string>& users) = 0;

  // Waits until the master answers HTTP on `url` (bounded); error names the log to read.
  virtual Status WaitMaster(const std::string& url, const std::string& log_path) = 0;

  // `slapos node format --now --cfg F` / `slapos node unformat --yes --cfg F` in a child
  // process: its output, or an error carrying it. RunFormat first waits for a format of the same
  // F already running (e.g. the node daemon's), so that two never run at once.
  virtual Result<std::string> RunFormat(const std::string& slapos_cfg) = 0;
  virtual Result<std::string> RunUnformat(const std::string& slapos_cfg) = 0;
};

std::unique_ptr<LocalHost> NewLinuxLocalHost(const std::string& slapos_binary);

// Gathers the facts (routes, machine seed, recorded setup at
// <configuration_directory>/configure-local.cfg) and plans.
Result<LocalSetupPlan> PlanOnHost(const LocalSetupOptions& options, LocalHost& host, bool node_daemon_available,
                                  const std::string& slapos_binary);

struct LocalSetupResult {
  std::vector<std::string> changes;  // one line per change made; empty = everything was in place
  std::string format_output;         // what `node format` printed
};

// Checks everything first (a slapos.cfg or database not written by configure local, a
// non-empty instance/software root, an existing interface of that name, a busy master port are
// refused before anything is changed), records what it will create, then creates or repairs:
// directories, bridge and its IPv6 address, slapos.cfg, client configuration, supervisor with
// the master (and node daemon) programs, waits for the master, runs `node format`. On a setup
// changed in place (plan.changed_in_place: more partitions), the same steps rewrite slapos.cfg
// and let format add the partitions; the supervisor, master and daemon keep running.
Result<LocalSetupResult> ApplyLocalSetup(const LocalSetupPlan& plan, LocalHost& host);

// Removes everything the recorded setup created: supervisor and every process under it,
// leftover partition processes, partitions with their users and groups (`node unformat`), the
// interface, the files and directories. Returns one line per removal; a missing record is
// "nothing to remove" (empty list).
Result<std::vector<std::string>> RemoveLocalSetup(const std::string& configuration_directory, LocalHost& host);

}  // namespace slapos::node
