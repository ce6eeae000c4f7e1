#include "node/local_setup.h"

#include <fmt/format.h>

#include <cctype>
#include <map>

#include "node/config.h"
#include "node/ipv6.h"
#include "util/file.h"
#include "util/ini.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

constexpr char kHeader[] =
    "# Written by `slapos configure local` (docs/configure-local.md). Rerun that command to check\n"
    "# and repair the setup; `slapos configure local --remove` removes everything it created.\n";

bool ValidName(const std::string& s, size_t max) {
  if (s.empty() || s.size() > max || !std::islower(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '_' &&
        c != '-')
      return false;
  return true;
}

Status CheckPath(const char* option, const std::string& path) {
  if (path.empty() || path[0] != '/' || path == "/" || path.find("..") != std::string::npos ||
      path.find_first_of(" \t\n\"'") != std::string::npos)
    return InvalidArgument("--" + std::string(option) + " '" + path +
                           "': give an absolute path other than / (no spaces, quotes or '..')");
  return Status::OK();
}

// Every option as (command-line name, value), in one order: recording, comparing, messages.
std::vector<std::pair<std::string, std::string>> OptionList(const LocalSetupOptions& o) {
  return {
      {"interface-name", o.interface_name},
      {"ipv4-local-network", o.ipv4_local_network},
      {"ipv6-prefix", o.ipv6_prefix},
      {"partition-number", std::to_string(o.partition_amount)},
      {"master-host", o.master_host},
      {"master-port", std::to_string(o.master_port)},
      {"computer-id", o.computer_id},
      {"slapos-instance-root", o.instance_root},
      {"slapos-software-root", o.software_root},
      {"slapos-buildout-directory", o.buildout_directory},
      {"slapos-configuration-directory", o.configuration_directory},
      {"state-directory", o.state_directory},
      {"client-configuration", o.client_config},
      {"partition-base-name", o.partition_base_name},
      {"user-base-name", o.user_base_name},
      {"software-user", o.software_user},
  };
}

Status SetOption(LocalSetupOptions* o, const std::string& name, const std::string& value) {
  auto num = [&](int* out) -> Status {
    long long v = 0;
    if (!ParseInt64(value, &v) || v < 0 || v > 1000000) return InvalidArgument(name + " = '" + value + "' is not a number");
    *out = static_cast<int>(v);
    return Status::OK();
  };
  if (name == "interface-name") o->interface_name = value;
  else if (name == "ipv4-local-network") o->ipv4_local_network = value;
  else if (name == "ipv6-prefix") o->ipv6_prefix = value;
  else if (name == "partition-number") return num(&o->partition_amount);
  else if (name == "master-host") o->master_host = value;
  else if (name == "master-port") return num(&o->master_port);
  else if (name == "computer-id") o->computer_id = value;
  else if (name == "slapos-instance-root") o->instance_root = value;
  else if (name == "slapos-software-root") o->software_root = value;
  else if (name == "slapos-buildout-directory") o->buildout_directory = value;
  else if (name == "slapos-configuration-directory") o->configuration_directory = value;
  else if (name == "state-directory") o->state_directory = value;
  else if (name == "client-configuration") o->client_config = value;
  else if (name == "partition-base-name") o->partition_base_name = value;
  else if (name == "user-base-name") o->user_base_name = value;
  else if (name == "software-user") o->software_user = value;
  else return InvalidArgument("unknown option '" + name + "'");
  return Status::OK();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& l : Split(text, '\n')) {
    std::string t(Trim(l));
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

}  // namespace

Status ValidateLocalOptions(const LocalSetupOptions& o) {
  if (!ValidName(o.interface_name, 15))
    return InvalidArgument("--interface-name '" + o.interface_name +
                           "': 1 to 15 characters of a-z 0-9 _ -, starting with a letter");
  for (const char* host : {"lo", "eth0", "eth1", "wlan0", "docker0", "br0"})
    if (o.interface_name == host)
      return InvalidArgument("--interface-name " + o.interface_name +
                             ": configure local creates its own interface and never touches the host's; pick a new "
                             "name such as slapos0");
  for (auto [opt, v] : {std::pair{"partition-base-name", &o.partition_base_name},
                        std::pair{"user-base-name", &o.user_base_name}, std::pair{"software-user", &o.software_user}})
    if (!ValidName(*v, 24))
      return InvalidArgument("--" + std::string(opt) + " '" + *v + "': 1 to 24 characters of a-z 0-9 _ -");
  if (o.computer_id.empty() || o.computer_id.find_first_of(" \t\n/") != std::string::npos)
    return InvalidArgument("--computer-id '" + o.computer_id + "': a non-empty id without spaces or '/'");
  if (o.partition_amount < 1 || o.partition_amount > 4000)
    return InvalidArgument("--partition-number " + std::to_string(o.partition_amount) + ": give 1 to 4000");
  if (o.master_port < 1 || o.master_port > 65535)
    return InvalidArgument("--master-port " + std::to_string(o.master_port) + ": give a TCP port, 1 to 65535");
  auto host = ParseIpv4(o.master_host);
  if (!host.ok()) return InvalidArgument("--master-host '" + o.master_host + "': give an IPv4 address, e.g. 127.0.0.1");
  SLAPOS_RETURN_IF_ERROR(CheckPath("slapos-instance-root", o.instance_root));
  SLAPOS_RETURN_IF_ERROR(CheckPath("slapos-software-root", o.software_root));
  SLAPOS_RETURN_IF_ERROR(CheckPath("slapos-buildout-directory", o.buildout_directory));
  SLAPOS_RETURN_IF_ERROR(CheckPath("slapos-configuration-directory", o.configuration_directory));
  SLAPOS_RETURN_IF_ERROR(CheckPath("state-directory", o.state_directory));
  if (!o.client_config.empty()) SLAPOS_RETURN_IF_ERROR(CheckPath("client-configuration", o.client_config));
  if (o.instance_root == o.software_root)
    return InvalidArgument("--slapos-instance-root and --slapos-software-root must differ (both " + o.instance_root + ")");
  if (!o.ipv4_local_network.empty()) {
    auto net = ParseIpv4Network(o.ipv4_local_network);
    if (!net.ok())
      return InvalidArgument("--ipv4-local-network '" + o.ipv4_local_network + "': " + net.status().message());
    if (net->prefixlen > 30 || (int64_t{1} << (32 - net->prefixlen)) - 2 < int64_t{2} * o.partition_amount)
      return InvalidArgument("--ipv4-local-network " + o.ipv4_local_network + " is too small for " +
                             std::to_string(o.partition_amount) +
                             " partitions (needs twice as many addresses); give a larger one, e.g. 10.44.0.0/16");
  }
  if (!o.ipv6_prefix.empty()) {
    auto net = ParseIpv6Network(o.ipv6_prefix);
    if (!net.ok()) return InvalidArgument("--ipv6-prefix '" + o.ipv6_prefix + "': " + net.status().message());
    if (net->prefixlen < 16 || net->prefixlen > 64)
      return InvalidArgument("--ipv6-prefix " + o.ipv6_prefix +
                             ": give a /16 to /64 network (each partition gets a /(len+16) range), e.g. fd12:3456:789a::/64");
  }
  return Status::OK();
}

Result<bool> NetworksOverlap(const std::string& a, const std::string& b) {
  bool v6 = a.find(':') != std::string::npos;
  if (v6 != (b.find(':') != std::string::npos)) return false;
  if (v6) {
    SLAPOS_ASSIGN_OR_RETURN(Ipv6Network x, ParseIpv6Network(a.find('/') == std::string::npos ? a + "/128" : a));
    SLAPOS_ASSIGN_OR_RETURN(Ipv6Network y, ParseIpv6Network(b.find('/') == std::string::npos ? b + "/128" : b));
    const Ipv6Network& wider = x.prefixlen <= y.prefixlen ? x : y;
    const Ipv6Network& narrower = x.prefixlen <= y.prefixlen ? y : x;
    return wider.Contains(narrower.Network());
  }
  SLAPOS_ASSIGN_OR_RETURN(Ipv4Network x, ParseIpv4Network(a.find('/') == std::string::npos ? a + "/32" : a));
  SLAPOS_ASSIGN_OR_RETURN(Ipv4Network y, ParseIpv4Network(b.find('/') == std::string::npos ? b + "/32" : b));
  int len = std::min(x.prefixlen, y.prefixlen);
  uint32_t mask = len == 0 ? 0 : ~uint32_t{0} << (32 - len);
  return (x.address & mask) == (y.address & mask);
}

namespace {

// The first route of `routes` that overlaps `net`, skipping default routes; "" when none.
Result<std::string> Clash(const std::string& net, const std::vector<std::string>& routes) {
  for (const auto& r : routes) {
    if (r == "default" || EndsWith(r, "/0") || StartsWith(ToLower(r), "fe80:")) continue;
    auto o = NetworksOverlap(net, r);
    if (!o.ok()) continue;  // a route we cannot parse (e.g. multicast keywords) cannot clash
    if (*o) return r;
  }
  return std::string();
}

}  // namespace

Result<std::string> ChooseIpv4Network(const std::vector<std::string>& routes) {
  std::vector<std::string> candidates;
  for (int b = 44; b < 256; ++b) candidates.push_back(fmt::format("10.{}.0.0/16", b));
  for (int b = 16; b < 32; ++b) candidates.push_back(fmt::format("172.{}.0.0/16", b));
  for (const auto& c : candidates) {
    SLAPOS_ASSIGN_OR_RETURN(std::string clash, Clash(c, routes));
    if (clash.empty()) return c;
  }
  return FailedPrecondition("every candidate IPv4 network (10.44-255.0.0/16, 172.16-31.0.0/16) clashes with a "
                            "route of this machine; give one with --ipv4-local-network");
}

Result<std::string> ChooseIpv6Prefix(const std::vector<std::string>& routes, const std::string& seed) {
  std::string h = Md5Hex(seed.empty() ? std::string("slapos-local") : seed);
  // fd + 40-bit global id (RFC 4193) + 16-bit subnet.
  for (int subnet = 0; subnet < 4096; ++subnet) {
    std::string c = fmt::format("fd{}:{}:{}:{:x}::/64", h.substr(0, 2), h.substr(2, 4), h.substr(6, 4), subnet);
    auto parsed = ParseIpv6Network(c);
    if (!parsed.ok()) return Internal("built an invalid ULA prefix " + c);
    c = Ipv6ToString(parsed->Network()) + "/64";
    SLAPOS_ASSIGN_OR_RETURN(std::string clash, Clash(c, routes));
    if (clash.empty()) return c;
  }
  return FailedPrecondition("no free IPv6 ULA /64 found; give one with --ipv6-prefix");
}

std::string WhyOptionIsFixed(const std::string& option) {
  static const std::map<std::string, std::string> kWhy = {
      {"interface-name", "the partitions' addresses are on this interface"},
      {"ipv4-local-network", "every partition has an address in this network, known to the master and the instances"},
      {"ipv6-prefix", "every partition has an address and a range in this network, known to the master and the "
                      "instances"},
      {"master-host", "the node, the client and every deployed instance reach the master at this address"},
      {"master-port", "the node, the client and every deployed instance reach the master at this address"},
      {"computer-id", "the master knows this node and its partitions by this id"},
      {"slapos-instance-root", "the partitions and the supervisor's files are there"},
      {"slapos-software-root", "the built software releases are there"},
      {"slapos-buildout-directory", "the node's saved definition (slapos.json) and pidfiles are there"},
      {"slapos-configuration-directory", "the setup is recorded there"},
      {"state-directory", "the master database is there"},
      {"partition-base-name", "the existing partitions have these names"},
      {"user-base-name", "the existing partitions' users have these names"},
      {"software-user", "the software releases belong to this user"},
  };
  auto it = kWhy.find(option);
  return it == kWhy.end() ? std::string() : it->second;  // partition-number (upwards), client-configuration
}

Result<LocalSetupPlan> PlanLocalSetup(const LocalSetupOptions& given, const LocalHostFacts& facts) {
  LocalSetupPlan plan;
  LocalSetupOptions o = given;
  if (facts.recorded) {
    SLAPOS_ASSIGN_OR_RETURN(LocalSetupRecord rec, ParseRecord(*facts.recorded, facts.recorded_path));
    auto mine = OptionList(o), theirs = OptionList(rec.options);
    std::vector<std::string> refused;
    for (size_t i = 0; i < mine.size(); ++i) {
      const auto& [name, value] = mine[i];
      const std::string& old = theirs[i].second;
      if (!o.explicit_options.count(name)) {
        SLAPOS_RETURN_IF_ERROR(SetOption(&o, name, old));
        continue;
      }
      if (value == old) continue;
      std::string asked = "--" + name + " " + value + " (the setup has " + (old.empty() ? std::string("none") : old);
      std::string why = WhyOptionIsFixed(name);
      if (name == "partition-number" && o.partition_amount < rec.options.partition_amount)
        why = "partitions are only ever added, never removed: a partition may hold an instance and its data; give " +
              old + " or more";
      if (!why.empty()) {
        refused.push_back(asked + ": " + why + ")");
      } else if (name != "partition-number") {  // (more partitions: said below, with the resolved names)
        plan.changed_in_place.push_back("--" + name + " " + old + " -> " + value);
      }
    }
    if (!refused.empty())
      return FailedPrecondition("a local setup already exists (" + facts.recorded_path +
                                ") and these options cannot change in place: " + Join(refused, "; ") +
                                ". Nothing was changed. Rerun without them to keep the setup (more partitions and "
                                "another --client-configuration are changed in place), or remove it first with "
                                "'slapos configure local --remove' (this deletes its partitions and the master "
                                "database) and set it up again with the new values");
    if (o.partition_amount > rec.options.partition_amount) {
      plan.changed_in_place.insert(
          plan.changed_in_place.begin(),
          "--partition-number " + std::to_string(rec.options.partition_amount) + " -> " +
              std::to_string(o.partition_amount) + ": node format adds " + o.partition_base_name +
              std::to_string(rec.options.partition_amount) + " to " + o.partition_base_name +
              std::to_string(o.partition_amount - 1));
      auto net = ParseIpv4Network(o.ipv4_local_network);
      if (net.ok()) {
        int64_t room = ((int64_t{1} << (32 - net->prefixlen)) - 2) / 2;
        if (o.partition_amount > room)
          return FailedPrecondition("--partition-number " + std::to_string(o.partition_amount) +
                                    ": the setup's IPv4 network " + o.ipv4_local_network + " has room for " +
                                    std::to_string(room) +
                                    " partitions at most (two addresses each) and cannot change in place. Nothing "
                                    "was changed. Give at most " + std::to_string(room) +
                                    ", or remove the setup with 'slapos configure local --remove' and set it up "
                                    "again with a larger --ipv4-local-network");
      }
    }
    plan.rerun = true;
  }
  if (o.client_config.empty()) return InvalidArgument("no client configuration path (is $HOME set?)");
  SLAPOS_RETURN_IF_ERROR(ValidateLocalOptions(o));
  if (o.ipv4_local_network.empty()) {
    SLAPOS_ASSIGN_OR_RETURN(o.ipv4_local_network, ChooseIpv4Network(facts.ipv4_routes));
  } else if (!plan.rerun) {  // a recorded network was checked when the setup was made
    SLAPOS_ASSIGN_OR_RETURN(std::string clash, Clash(o.ipv4_local_network, facts.ipv4_routes));
    if (!clash.empty())
      return FailedPrecondition("--ipv4-local-network " + o.ipv4_local_network + " overlaps the route " + clash +
                                " of this machine; give another network (or leave the option out to pick a free one)");
  }
  if (o.ipv6_prefix.empty()) {
    SLAPOS_ASSIGN_OR_RETURN(o.ipv6_prefix, ChooseIpv6Prefix(facts.ipv6_routes, facts.machine_seed));
  } else if (!plan.rerun) {
    SLAPOS_ASSIGN_OR_RETURN(std::string clash, Clash(o.ipv6_prefix, facts.ipv6_routes));
    if (!clash.empty())
      return FailedPrecondition("--ipv6-prefix " + o.ipv6_prefix + " overlaps the route " + clash +
                                " of this machine; give another prefix (or leave the option out to pick a free one)");
  }
  SLAPOS_RETURN_IF_ERROR(ValidateLocalOptions(o));
  plan.options = o;
  plan.master_url = fmt::format("http://{}:{}", o.master_host, o.master_port);
  plan.slapos_cfg_path = o.configuration_directory + "/slapos.cfg";
  plan.recorded_path = o.configuration_directory + "/configure-local.cfg";
  plan.database_path = o.state_directory + "/master.db";
  plan.supervisor_programs_path = o.instance_root + "/etc/supervisord.conf.d/slapos-local.conf";
  auto v6 = ParseIpv6Network(o.ipv6_prefix);
  if (!v6.ok()) return v6.status();
  plan.ipv6_interface_address = Ipv6ToString(v6->Network() + 1);
  plan.ipv6_prefixlen = v6->prefixlen;
  plan.directories = {o.configuration_directory, o.state_directory, o.buildout_directory, o.instance_root,
                      o.software_root, Dirname(o.client_config)};
  plan.files = {{plan.slapos_cfg_path, RenderSlaposCfg(plan), 0644},
                {o.client_config, RenderClientCfg(plan), 0644}};
  plan.supervisor_programs = RenderSupervisorPrograms(plan, facts.slapos_binary, facts.node_daemon_available);
  plan.supervisor_programs_master_only = RenderSupervisorPrograms(plan, facts.slapos_binary, false);
  if (!facts.node_daemon_available)
    plan.notes.push_back("this slapos has no 'node daemon' yet: run 'slapos node software' and 'slapos node instance' "
                         "yourself (scripts/run.sh does)");
  return plan;
}

std::string RenderSlaposCfg(const LocalSetupPlan& plan) {
  const auto& o = plan.options;
  std::string s = kHeader;
  s += "[slapos]\n";
  s += "computer_id = " + o.computer_id + "\n";
  s += "master_url = " + plan.master_url + "\n";
  s += "software_root = " + o.software_root + "\n";
  s += "instance_root = " + o.instance_root + "\n";
  s += "pidfile_software = " + o.buildout_directory + "/slapgrid-sr.pid\n";
  s += "pidfile_instance = " + o.buildout_directory + "/slapgrid-cp.pid\n";
  s += "pidfile_report = " + o.buildout_directory + "/slapgrid-ur.pid\n";
  s += "\n[slapformat]\n";
  s += "partition_amount = " + std::to_string(o.partition_amount) + "\n";
  s += "interface_name = " + o.interface_name + "\n";
  s += "ipv4_local_network = " + o.ipv4_local_network + "\n";
  s += "ipv6_prefix = " + o.ipv6_prefix + "\n";
  s += "create_tap = false\n";
  s += "partition_base_name = " + o.partition_base_name + "\n";
  s += "user_base_name = " + o.user_base_name + "\n";
  s += "software_user = " + o.software_user + "\n";
  s += "computer_json = " + o.buildout_directory + "/slapos.json\n";
  s += "\n[slapproxy]\n";
  s += "host = " + o.master_host + "\n";
  s += "port = " + std::to_string(o.master_port) + "\n";
  s += "database_uri = " + plan.database_path + "\n";
  return s;
}

std::string RenderClientCfg(const LocalSetupPlan& plan) {
  return std::string(kHeader) + "[slapos]\nmaster_url = " + plan.master_url + "\n";
}

std::string RenderSupervisorPrograms(const LocalSetupPlan& plan, const std::string& slapos_binary,
                                     bool node_daemon) {
  const auto& o = plan.options;
  std::string log_dir = o.instance_root + "/var/log";
  std::string s = kHeader;
  s += "[program:slapos-master]\n";
  s += "command = " + slapos_binary + " proxy start --cfg " + plan.slapos_cfg_path + " --no-access-log\n";
  s += "autostart = true\nautorestart = true\nstartsecs = 1\nstopwaitsecs = 30\nuser = root\n";
  s += "directory = " + o.state_directory + "\n";
  s += "redirect_stderr = true\n";
  s += "stdout_logfile = " + log_dir + "/slapos-master.log\n";
  s += "stdout_logfile_maxbytes = 10MB\nstdout_logfile_backups = 5\n";
  if (node_daemon) {
    s += "\n[program:slapos-node]\n";
    s += "command = " + slapos_binary + " node daemon --cfg " + plan.slapos_cfg_path + "\n";
    s += "autostart = true\nautorestart = true\nstartsecs = 1\nstopwaitsecs = 60\nuser = root\n";
    s += "directory = " + o.buildout_directory + "\n";
    s += "redirect_stderr = true\n";
    s += "stdout_logfile = " + log_dir + "/slapos-node.log\n";
    s += "stdout_logfile_maxbytes = 10MB\nstdout_logfile_backups = 5\n";
  }
  return s;
}

std::string RenderRecord(const LocalSetupRecord& r) {
  std::string s = kHeader;
  s += "# What the setup is and what it created; read by reruns and by --remove. Do not edit.\n";
  s += "[options]\n";
  for (const auto& [name, value] : OptionList(r.options)) s += name + " = " + value + "\n";
  s += "\n[created]\n";
  s += std::string("interface = ") + (r.created_interface ? "true" : "false") + "\n";
  s += "directories =";
  for (const auto& d : r.created_directories) s += "\n    " + d;
  s += "\nfiles =";
  for (const auto& f : r.created_files) s += "\n    " + f;
  s += "\n";
  return s;
}

Result<LocalSetupRecord> ParseRecord(const std::string& text, const std::string& path) {
  SLAPOS_ASSIGN_OR_RETURN(IniFile ini, ParseIni(text, path));
  const IniSection* opts = ini.Find("options");
  if (!opts)
    return Corruption(path + ": no [options] section; this file was not written by 'slapos configure local' "
                      "(remove the setup by hand or restore the file)");
  LocalSetupRecord r;
  r.options.ipv4_local_network.clear();
  for (const auto& [name, value] : OptionList(r.options)) {
    if (!opts->Has(name))
      return Corruption(path + ": [options] " + name + " is missing; the file is damaged (restore it, or remove the "
                                                       "setup by hand: docs/configure-local.md)");
    Status s = SetOption(&r.options, name, opts->Get(name));
    if (!s.ok()) return Corruption(path + ": [options] " + s.message());
  }
  r.created_interface = ini.Get("created", "interface") == "true";
  r.created_directories = Lines(ini.Get("created", "directories"));
  r.created_files = Lines(ini.Get("created", "files"));
  return r;
}

}  // namespace slapos::node
