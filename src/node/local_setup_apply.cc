#include "node/local_setup_apply.h"

#include <algorithm>

#include "util/file.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

void AddUnique(std::vector<std::string>* list, const std::string& item) {
  if (std::find(list->begin(), list->end(), item) == list->end()) list->push_back(item);
}

// `path` and its missing ancestors, outermost first.
std::vector<std::string> MissingLevels(LocalHost& host, const std::string& path) {
  std::vector<std::string> out;
  for (std::string p = path; p.size() > 1 && !host.Exists(p); p = Dirname(p)) out.insert(out.begin(), p);
  return out;
}

std::string ProgramsLog(const LocalSetupPlan& plan) { return plan.options.instance_root + "/var/log/slapos-master.log"; }

// Every file the setup may leave behind outside the directories it creates.
std::vector<std::string> OwnedFiles(const LocalSetupPlan& plan) {
  const auto& o = plan.options;
  std::vector<std::string> files = {plan.slapos_cfg_path, o.client_config, plan.database_path,
                                    plan.database_path + "-wal", plan.database_path + "-shm",
                                    o.buildout_directory + "/slapos.json", o.buildout_directory + "/slapgrid-sr.pid",
                                    o.buildout_directory + "/slapgrid-cp.pid", o.buildout_directory + "/slapgrid-ur.pid"};
  return files;
}

Status Preflight(const LocalSetupPlan& plan, LocalHost& host) {
  const auto& o = plan.options;
  const std::string fix = "; remove it, or choose another path with the matching option (slapos configure local --help)";
  if (host.Exists(plan.slapos_cfg_path))
    return FailedPrecondition(plan.slapos_cfg_path + " exists and was not written by 'slapos configure local' (no " +
                              plan.recorded_path + "): this machine already has a SlapOS node configuration" + fix);
  if (host.Exists(o.client_config))
    return FailedPrecondition("the client configuration " + o.client_config +
                              " exists already; move it away or give --client-configuration");
  if (host.Exists(plan.database_path))
    return FailedPrecondition("the master database " + plan.database_path + " exists already" + fix +
                              " (--state-directory)");
  for (const auto& [opt, dir] : {std::pair{"--slapos-instance-root", o.instance_root},
                                 std::pair{"--slapos-software-root", o.software_root}})
    if (host.Exists(dir) && !host.IsEmptyDirectory(dir))
      return FailedPrecondition(std::string(opt) + " " + dir +
                                " exists and is not empty; configure local only uses a new or empty directory "
                                "(it removes it with --remove): give another one with " + opt);
  if (host.InterfaceExists(o.interface_name))
    return FailedPrecondition("the network interface " + o.interface_name +
                              " exists already and was not created by configure local; give another name with "
                              "--interface-name");
  if (host.PortAnswers(o.master_host, o.master_port))
    return FailedPrecondition("something already listens on " + o.master_host + ":" + std::to_string(o.master_port) +
                              "; give another port with --master-port");
  return Status::OK();
}

}  // namespace

Result<LocalSetupPlan> PlanOnHost(const LocalSetupOptions& options, LocalHost& host, bool node_daemon_available,
                                  const std::string& slapos_binary) {
  LocalHostFacts facts;
  facts.recorded_path = options.configuration_directory + "/configure-local.cfg";
  SLAPOS_ASSIGN_OR_RETURN(facts.recorded, host.ReadFileIfExists(facts.recorded_path));
  // The interface of a recorded setup may have another name than the option's default.
  std::string own = options.interface_name;
  if (facts.recorded) {
    auto rec = ParseRecord(*facts.recorded, facts.recorded_path);
    if (rec.ok() && !options.explicit_options.count("interface-name")) own = rec->options.interface_name;
  }
  SLAPOS_ASSIGN_OR_RETURN(facts.ipv4_routes, host.Routes(false, own));
  SLAPOS_ASSIGN_OR_RETURN(facts.ipv6_routes, host.Routes(true, own));
  facts.machine_seed = host.MachineSeed();
  facts.node_daemon_available = node_daemon_available;
  facts.slapos_binary = slapos_binary;
  return PlanLocalSetup(options, facts);
}

Result<LocalSetupResult> ApplyLocalSetup(const LocalSetupPlan& plan, LocalHost& host) {
  const auto& o = plan.options;
  LocalSetupResult result;
  auto& changes = result.changes;

  // 1. Checks, and what this run will create, recorded before anything is created.
  LocalSetupRecord record;
  SLAPOS_ASSIGN_OR_RETURN(auto recorded_text, host.ReadFileIfExists(plan.recorded_path));
  if (recorded_text) {
    SLAPOS_ASSIGN_OR_RETURN(record, ParseRecord(*recorded_text, plan.recorded_path));
    // Another client configuration path: never over a file someone else wrote.
    if (record.options.client_config != o.client_config) {
      SLAPOS_ASSIGN_OR_RETURN(auto existing, host.ReadFileIfExists(o.client_config));
      if (existing && *existing != RenderClientCfg(plan))
        return FailedPrecondition("--client-configuration " + o.client_config +
                                  ": the file exists already and was not written by configure local. Nothing was "
                                  "changed. Move it away or give another path");
    }
  } else {
    SLAPOS_RETURN_IF_ERROR(Preflight(plan, host));
    record.created_interface = true;
  }
  record.options = o;
  for (const auto& dir : plan.directories)
    for (const auto& level : MissingLevels(host, dir)) AddUnique(&record.created_directories, level);
  for (const auto& dir : {o.instance_root, o.software_root}) AddUnique(&record.created_directories, dir);
  for (const auto& f : OwnedFiles(plan))
    if (!recorded_text || !host.Exists(f)) AddUnique(&record.created_files, f);
  std::string record_text = RenderRecord(record);
  if (!recorded_text) {
    // The configuration directory holds the record, so it comes first.
    for (const auto& level : MissingLevels(host, o.configuration_directory)) {
      SLAPOS_RETURN_IF_ERROR(host.MakeDirectory(level));
      changes.push_back("created directory " + level);
    }
  }
  if (!recorded_text || *recorded_text != record_text) {
    SLAPOS_RETURN_IF_ERROR(host.WriteFile(plan.recorded_path, record_text, 0644));
    changes.push_back("recorded the setup in " + plan.recorded_path);
  }
  for (const auto& line : plan.changed_in_place) changes.push_back("changed in place: " + line);

  // 2. Directories.
  for (const auto& dir : plan.directories)
    for (const auto& level : MissingLevels(host, dir)) {
      SLAPOS_RETURN_IF_ERROR(host.MakeDirectory(level));
      changes.push_back("created directory " + level);
    }

  // 3. The bridge and its IPv6 address (format adds the partitions' addresses).
  if (!host.InterfaceExists(o.interface_name)) {
    SLAPOS_RETURN_IF_ERROR(host.CreateBridge(o.interface_name));
    changes.push_back("created bridge " + o.interface_name);
  }
  SLAPOS_ASSIGN_OR_RETURN(bool up, host.InterfaceUp(o.interface_name));
  if (!up) {
    SLAPOS_RETURN_IF_ERROR(host.SetInterfaceUp(o.interface_name));
    changes.push_back("set " + o.interface_name + " up");
  }
  SLAPOS_ASSIGN_OR_RETURN(bool has6, host.HasAddress(o.interface_name, plan.ipv6_interface_address, plan.ipv6_prefixlen));
  if (!has6) {
    SLAPOS_RETURN_IF_ERROR(host.AddIpv6Address(o.interface_name, plan.ipv6_interface_address, plan.ipv6_prefixlen));
    changes.push_back("added " + plan.ipv6_interface_address + "/" + std::to_string(plan.ipv6_prefixlen) + " to " +
                      o.interface_name);
  }

  // 4. Configuration files.
  auto write_if_changed = [&](const PlannedFile& f) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(auto old, host.ReadFileIfExists(f.path));
    if (old && *old == f.content) return Status::OK();
    for (const auto& level : MissingLevels(host, Dirname(f.path))) SLAPOS_RETURN_IF_ERROR(host.MakeDirectory(level));
    SLAPOS_RETURN_IF_ERROR(host.WriteFile(f.path, f.content, f.mode));
    changes.push_back((old ? "rewrote " : "wrote ") + f.path);
    return Status::OK();
  };
  for (const auto& f : plan.files) SLAPOS_RETURN_IF_ERROR(write_if_changed(f));

  // 5. The supervisor running the master. Until the first format is done, without the node
  // daemon (which formats at its start too).
  PlannedFile programs{plan.supervisor_programs_path, plan.supervisor_programs, 0600};
  SLAPOS_ASSIGN_OR_RETURN(auto current, host.ReadFileIfExists(programs.path));
  bool daemon_in_place = current && *current == programs.content;
  if (!daemon_in_place)
    SLAPOS_RETURN_IF_ERROR(write_if_changed({programs.path, plan.supervisor_programs_master_only, 0600}));
  SLAPOS_ASSIGN_OR_RETURN(bool launched, host.EnsureSupervisor(plan.slapos_cfg_path));
  if (launched) changes.push_back("started the node's supervisor");
  auto ensure_running = [&](const std::string& name) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(auto running, host.RunningPrograms(plan.slapos_cfg_path));
    if (std::find(running.begin(), running.end(), name) != running.end()) return Status::OK();
    SLAPOS_RETURN_IF_ERROR(host.StartProgram(plan.slapos_cfg_path, name));
    changes.push_back("started " + name);
    return Status::OK();
  };
  if (!launched) SLAPOS_RETURN_IF_ERROR(ensure_running("slapos-master"));
  SLAPOS_RETURN_IF_ERROR(host.WaitMaster(plan.master_url, ProgramsLog(plan)));

  // 6. The partitions, reported to the master.
  SLAPOS_ASSIGN_OR_RETURN(result.format_output, host.RunFormat(plan.slapos_cfg_path));
  // Its summary line "node ID: N partitions, M changes" (log lines may come around it).
  std::string summary;
  for (const auto& line : Split(result.format_output, '\n'))
    if (line.find(" partitions, ") != std::string::npos && EndsWith(Trim(line), " changes")) summary = Trim(line);
  if (summary.empty() || summary.find(" 0 changes") == std::string::npos)
    changes.push_back("node format: " + (summary.empty() ? std::string("done") : summary));

  // 7. The node daemon, when this slapos has one.
  if (programs.content != plan.supervisor_programs_master_only) {
    if (!daemon_in_place) {
      SLAPOS_RETURN_IF_ERROR(write_if_changed(programs));
      SLAPOS_RETURN_IF_ERROR(host.EnsureSupervisor(plan.slapos_cfg_path).status());
    }
    SLAPOS_RETURN_IF_ERROR(ensure_running("slapos-node"));
  }
  return result;
}

Result<std::vector<std::string>> RemoveLocalSetup(const std::string& configuration_directory, LocalHost& host) {
  std::vector<std::string> changes;
  std::string recorded_path = configuration_directory + "/configure-local.cfg";
  SLAPOS_ASSIGN_OR_RETURN(auto text, host.ReadFileIfExists(recorded_path));
  if (!text) return changes;
  SLAPOS_ASSIGN_OR_RETURN(LocalSetupRecord rec, ParseRecord(*text, recorded_path));
  const auto& o = rec.options;
  std::string cfg = configuration_directory + "/slapos.cfg";
  if (host.Exists(cfg)) {
    SLAPOS_RETURN_IF_ERROR(host.ShutdownSupervisor(cfg));
    changes.push_back("stopped the supervisor, the master and every partition process");
    std::vector<std::string> users = {o.software_user};
    for (int i = 0; i < o.partition_amount; ++i) users.push_back(o.user_base_name + std::to_string(i));
    SLAPOS_RETURN_IF_ERROR(host.KillUserProcesses(users));
    SLAPOS_ASSIGN_OR_RETURN(std::string out, host.RunUnformat(cfg));
    changes.push_back("removed the partitions, their users and groups, addresses and the software user");
  }
  if (rec.created_interface && host.InterfaceExists(o.interface_name)) {
    SLAPOS_RETURN_IF_ERROR(host.DeleteInterface(o.interface_name));
    changes.push_back("deleted interface " + o.interface_name);
  }
  for (auto it = rec.created_files.rbegin(); it != rec.created_files.rend(); ++it)
    if (host.Exists(*it)) {
      SLAPOS_RETURN_IF_ERROR(host.RemoveAll(*it));
      changes.push_back("removed " + *it);
    }
  // Innermost first; the configuration directory (which holds the record) goes last.
  std::vector<std::string> dirs = rec.created_directories;
  std::stable_sort(dirs.begin(), dirs.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  // The configuration directory and its ancestors hold the record: they go last.
  auto holds_record = [&](const std::string& d) {
    return d == configuration_directory || StartsWith(configuration_directory, d + "/");
  };
  for (const auto& d : dirs)
    if (!holds_record(d) && host.Exists(d)) {
      SLAPOS_RETURN_IF_ERROR(host.RemoveAll(d));
      changes.push_back("removed " + d);
    }
  SLAPOS_RETURN_IF_ERROR(host.RemoveAll(recorded_path));
  changes.push_back("removed " + recorded_path);
  for (const auto& d : dirs)
    if (holds_record(d) && host.Exists(d)) {
      SLAPOS_RETURN_IF_ERROR(host.RemoveAll(d));
      changes.push_back("removed " + d);
    }
  return changes;
}

}  // namespace slapos::node
