// The shared fixture of the compute node's end-to-end tests (tests/node/*_e2e_test.cc): a
// temporary directory, a tag that makes user and interface names unique to this run, a real
// `slapos master` on a temporary SQLite, interfaces the test makes (veth pairs, network
// namespaces), a node's slapos.cfg, and cleanups that always run, last made first undone.
// Test code only; not thread-safe.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e_support.h"
#include "slap/slap_client.h"
#include "util/process.h"
#include "util/testing.h"

namespace slapos::e2e {

// What a test node's slapos.cfg says (node.md §1.2). Every path is under `root`:
// software_root = root/soft, instance_root = root/srv, computer_json = root/state/slapos.json,
// pidfiles root/sr.pid, root/cp.pid, root/ur.pid.
struct TestNodeConfig {
  std::string computer_id;
  std::string master_url = "http://127.0.0.1:1";  // nothing there: for `node format --local`
  std::string root;
  int partition_amount = 1;
  std::string interface_name;  // empty: alter_network = false (no addresses)
  std::string ipv4_local_network;
  bool create_tap = false;
  std::string tap_base_name;  // written when not empty
  std::string partition_base_name = "slappart";
  std::string user_base_name;
  std::string software_user;
  std::string extra_slapformat;  // more "key = value\n" lines for [slapformat]
};
std::string RenderTestNodeConfig(const TestNodeConfig& config);

// Runs `argv` as user `uid` (in /), killing it after `timeout` seconds.
ProcessResult ExecAs(const std::vector<std::string>& argv, uid_t uid, double timeout = 120);

// How many processes run as `uid` now (-1 when /proc cannot be read).
int ProcessCountOf(uid_t uid);

class NodeE2ETest : public ::testing::Test {
 protected:
  // Runs the cleanups, last registered first.
  void TearDown() override;

  // tag = prefix + (pid % modulo): names of users, partitions and interfaces unique to this
  // run. Makes the temporary directory world-searchable (partition users live under it).
  void UseTag(const std::string& prefix, int modulo = 100000);

  // Registers `undo`, run at TearDown (even when the test failed), last registered first.
  void Defer(std::function<void()> undo);

  // `slapos master` on host:<free port> with dir/master.db (log dir/master.log), waited for
  // until it answers; sets port, url and client. Use under ASSERT_NO_FATAL_FAILURE.
  void StartMaster(const std::string& host = "127.0.0.1");
  std::string MasterLog() const;

  // A veth pair `name` / `peer` (the test's own), `name` up with `ipv6_address` (addr/len,
  // nodad) when given; deleted at TearDown. Use under ASSERT_NO_FATAL_FAILURE.
  void AddVethPair(const std::string& name, const std::string& peer,
                   const std::string& ipv6_address = "");
  // A network namespace, deleted at TearDown.
  void AddNetns(const std::string& name);
  // Runs argv inside network namespace `netns` (`ip netns exec`).
  ProcessResult InNetns(const std::string& netns, std::vector<std::string> argv,
                        double timeout = 600);

  // A node of this test: computer `computer_id`, `partitions` partitions under dir, this test's
  // names (tag + "p", tag + "u", tag + "soft") and its master when started (else none).
  TestNodeConfig NodeConfigOfThisTest(const std::string& computer_id, int partitions) const;
  // Writes `config` to `path` (default: dir/slapos.cfg, kept in `cfg`).
  void WriteNodeConfig(const TestNodeConfig& config, const std::string& path = "");
  // At TearDown: the node's supervisor is shut down and `slapos node unformat` removes its
  // partitions and users (inside `netns` when given). Call once the node may be formatted.
  void UnformatAtTearDown(const std::string& cfg_path, const std::string& netns = "");
  // `slapos node <args...> --cfg <cfg>`.
  ProcessResult SlaposNode(std::vector<std::string> args, double timeout = 600);
  // Stops the supervisor of the node configured by `cfg_path` (its instance_root's socket),
  // waiting until its pidfile is gone; no-op when it does not run.
  static void ShutdownSupervisor(const std::string& cfg_path);

  testing::TempDir dir{"node-e2e"};
  std::string tag;
  std::string cfg;  // the node's slapos.cfg (WriteNodeConfig)
  int port = 0;     // the master's
  std::string url;  // the master's
  std::unique_ptr<testing::ChildProcess> master;
  std::unique_ptr<slap::SlapClient> client;

 private:
  std::vector<std::function<void()>> cleanups_;
};

// A node with a real master, a veth pair (IPv6 on it) and 3 formatted partitions, ready to
// deploy the bundled hello release (instance, destroy, watchdog, offline tests). As root.
class HelloNodeE2ETest : public NodeE2ETest {
 protected:
  // Names of users, partitions and the veth pair start with this (change it in a subclass's
  // constructor so that suites do not share names).
  std::string prefix = "ni";

  void SetUp() override;

  // Requests `title` on this node; expects the master to answer it ready.
  slap::Instance Request(const std::string& title, const std::string& sr, const std::string& params,
                         slap::InstanceState state = slap::InstanceState::kStarted);
  // The instance's connection parameters (an empty object when unknown).
  nlohmann::json Connection(const std::string& guid);
  // The body curl gets from `u` (or a note saying there was no answer).
  std::string Get(const std::string& u);
  // True once the body from `u` contains `text`, within `seconds`.
  bool Answers(const std::string& u, const std::string& text, double seconds = 10);
  // The owner of instance_root/<partition> (0 when missing).
  uid_t UidOf(const std::string& partition);
  // Supplies the bundled hello release and builds it with `node software`.
  std::string SupplyHello();
  // `slapos supervisorctl` on the node's supervisor.
  ProcessResult Ctl(std::vector<std::string> args);
  // The hello service's pid in partition directory `path` (0 when unreadable).
  static long long HelloPid(const std::string& path);

  std::string veth, computer;
};

}  // namespace slapos::e2e
