// `slapos configure local` (node.md §10): the plan of a one-machine SlapOS — master, node and
// supervisor — computed from the options, the host's routes and the setup a previous run
// recorded. Pure functions over plain data (no system calls); local_setup_apply.h carries it
// out through the LocalHost seam. Thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/status.h"

namespace slapos::node {

// Every option of `slapos configure local`. Network options left empty are chosen so that they
// do not clash with the host's routes (or taken from the recorded setup on a rerun).
struct LocalSetupOptions {
  std::string interface_name = "slapos0";  // a bridge the setup creates; never a host interface
  std::string ipv4_local_network;          // e.g. 10.44.0.0/16; empty: first free candidate
  std::string ipv6_prefix;                 // e.g. fd12:3456:789a::/64; empty: a ULA from the machine id
  int partition_amount = 10;
  std::string master_host = "127.0.0.1";
  int master_port = 5000;
  std::string computer_id = "local_computer";
  std::string instance_root = "/srv/slapgrid";
  std::string software_root = "/opt/slapgrid";
  std::string buildout_directory = "/opt/slapos";          // pidfiles, definition, logs
  std::string configuration_directory = "/etc/opt/slapos";  // slapos.cfg, configure-local.cfg
  std::string state_directory = "/var/lib/slapos";         // the master's database
  std::string client_config;                                // default: $HOME/.slapos/slapos-client.cfg
  std::string partition_base_name = "slappart";
  std::string user_base_name = "slapuser";
  std::string software_user = "slapsoft";
  // The options the user gave on the command line (their --names without dashes, e.g.
  // "partition-number"); the others may be taken from the recorded setup.
  std::set<std::string> explicit_options;
};

// What the plan needs to know about the machine.
struct LocalHostFacts {
  std::vector<std::string> ipv4_routes;  // "a.b.c.d/len" of every route not on our interface
  std::vector<std::string> ipv6_routes;  // "x::/len", same
  std::string machine_seed;              // e.g. /etc/machine-id; picks the ULA global id
  std::optional<std::string> recorded;   // the text of configure-local.cfg when it exists
  std::string recorded_path;             // for messages
  bool node_daemon_available = false;    // `slapos node daemon` exists in this binary
  std::string slapos_binary = "slapos"; // what the supervisor programs run
};

// One file the setup writes.
struct PlannedFile {
  std::string path;
  std::string content;
  int mode = 0644;
};

struct LocalSetupPlan {
  LocalSetupOptions options;  // resolved: every network chosen, every path set
  std::string master_url;     // http://host:port
  std::string slapos_cfg_path;
  std::string recorded_path;  // configure-local.cfg
  std::string database_path;  // state_directory/master.db
  std::string supervisor_programs_path;  // instance_root/etc/supervisord.conf.d/slapos-local.conf
  std::string ipv6_interface_address;    // prefix::1, put on the interface
  int ipv6_prefixlen = 64;
  bool rerun = false;  // a recorded setup exists (its options are kept or changed in place)
  // Options of a recorded setup that this run changes in place, one line each for the user
  // ("--partition-number 10 -> 40: node format adds the new partitions"); empty otherwise.
  std::vector<std::string> changed_in_place;
  std::vector<PlannedFile> files;       // slapos.cfg, client config (not the programs file)
  std::string supervisor_programs;      // content of supervisor_programs_path
  // The same without the node daemon: in place until the first `node format` is done, so the
  // daemon's own format at its start never runs at the same time as ours.
  std::string supervisor_programs_master_only;
  std::vector<std::string> directories;  // created when missing, in this order
  std::vector<std::string> notes;       // things the user should know (e.g. no node daemon yet)
};

// Checks names, paths, ports and networks; the message names the option and what to do.
Status ValidateLocalOptions(const LocalSetupOptions& options);

// The first candidate IPv4 network (10.44.0.0/16, 10.45.0.0/16, ..., 172.16.0.0/16, ...) that
// overlaps none of `routes`; a default route (0.0.0.0/0) is ignored.
Result<std::string> ChooseIpv4Network(const std::vector<std::string>& routes);
// A /64 in the ULA range: fd + 40 bits from md5(seed), subnet 0, 1, ... until it overlaps none
// of `routes` (::/0 and fe80::/10 ignored).
Result<std::string> ChooseIpv6Prefix(const std::vector<std::string>& routes, const std::string& seed);
// Whether two "addr/len" networks of the same family overlap; errors on unparsable input.
Result<bool> NetworksOverlap(const std::string& a, const std::string& b);

// Whether an option (its --name without dashes) of an existing setup may change in place: ""
// when it may (partition-number: upwards only), else the reason it may not.
std::string WhyOptionIsFixed(const std::string& option);

// Resolves the options against the recorded setup, validates, and renders every file. A rerun
// keeps the recorded value of every option not given explicitly. An explicit option that
// differs changes the setup in place when that is safe: more partitions (format adds them),
// another client configuration file. Any other difference (fewer partitions, networks, names,
// paths, the master's address...) refuses the whole run: the error names each option, both
// values, why it cannot change, and `slapos configure local --remove`.
Result<LocalSetupPlan> PlanLocalSetup(const LocalSetupOptions& options, const LocalHostFacts& facts);

// The files' contents (exposed for tests and docs).
std::string RenderSlaposCfg(const LocalSetupPlan& plan);
std::string RenderClientCfg(const LocalSetupPlan& plan);
std::string RenderSupervisorPrograms(const LocalSetupPlan& plan, const std::string& slapos_binary,
                                     bool node_daemon);
// configure-local.cfg: every resolved option, and what the setup created (for --remove).
struct LocalSetupRecord {
  LocalSetupOptions options;
  std::vector<std::string> created_directories;  // removed (with contents) by --remove, reverse order
  std::vector<std::string> created_files;        // removed by --remove
  bool created_interface = false;
};
std::string RenderRecord(const LocalSetupRecord& record);
Result<LocalSetupRecord> ParseRecord(const std::string& text, const std::string& path);

}  // namespace slapos::node
