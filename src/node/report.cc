// `slapos node report` (report.h).
#include "node/report.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <utility>

#include "node/destroy.h"
#include "node/usage.h"
#include "util/file.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

// Executable regular files of `dir` in name order; a missing directory is empty.
std::vector<std::string> ReportScripts(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    struct stat st{};
    if (stat((dir + "/" + n).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (!(st.st_mode & 0111)) {
      LOG_WARNING("report script {}/{} is not executable; skipped", dir, n);
      continue;
    }
    names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// Runs <partition>/etc/report/* with a fresh file path under var/xml_report/ as argument.
// Returns the failure lines.
std::vector<std::string> RunReportScripts(const ReportPartition& p, double timeout, int* run) {
  std::vector<std::string> failures;
  std::string dir = p.path + "/etc/report";
  auto scripts = ReportScripts(dir);
  if (scripts.empty()) return failures;
  std::string out_dir = p.path + "/var/xml_report";
  if (!IsDirectory(out_dir)) {
    Status made = MakeDirs(out_dir, 0750);
    if (made.ok() && p.uid) made = chown(out_dir.c_str(), *p.uid, p.gid.value_or(-1)) == 0
                                       ? Status::OK() : ErrnoError("chown " + out_dir, errno);
    if (!made.ok()) {
      failures.push_back(p.reference + ": cannot prepare " + out_dir + ": " + made.message());
      return failures;
    }
  }
  for (const auto& name : scripts) {
    std::string tmpl = out_dir + "/slapreport.XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    int fd = mkstemp(buf.data());
    if (fd < 0) {
      failures.push_back(p.reference + ": Script '" + name + "' failed: cannot create a file in " + out_dir);
      continue;
    }
    if (p.uid && fchown(fd, *p.uid, p.gid.value_or(-1)) != 0) LOG_WARNING("chown {}: {}", buf.data(), errno);
    close(fd);
    std::string out_file = buf.data();
    ProcessOptions o;
    o.argv = {dir + "/" + name, out_file};
    o.cwd = dir;
    o.uid = p.uid;
    o.gid = p.gid;
    o.timeout_seconds = timeout;
    o.env = std::map<std::string, std::string>{{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"HOME", p.path}};
    ++*run;
    auto r = RunProcess(o);
    if (!r.ok() || !r->success()) {
      std::string why = !r.ok() ? r.status().message()
                        : r->timed_out ? "timed out"
                                       : "exit code " + std::to_string(r->exit_code) + ": " +
                                             std::string(TrimRight(r->output));
      LOG_WARNING("partition {}: report script {} failed: {}", p.reference, name, why);
      failures.push_back(p.reference + ": Script '" + name + "' failed.");
    }
    struct stat st{};
    if (stat(out_file.c_str(), &st) == 0 && st.st_size == 0) unlink(out_file.c_str());  // wrote nothing
  }
  return failures;
}

std::vector<std::string> RegularFiles(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string path = dir + "/" + e->d_name;
    struct stat st{};
    if (e->d_name[0] != '.' && lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) out.push_back(path);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::vector<slap::UsageMovement> MeasuredMovements(double cpu_seconds, int64_t memory_bytes, int64_t disk_bytes) {
  std::vector<slap::UsageMovement> m(3);
  m[0].resource = "cpu_time";
  m[0].title = "CPU time (seconds)";
  m[0].quantity = cpu_seconds;
  m[1].resource = "memory";
  m[1].title = "Resident memory (bytes)";
  m[1].quantity = static_cast<double>(memory_bytes);
  m[2].resource = "disk";
  m[2].title = "Disk used (bytes)";
  m[2].quantity = static_cast<double>(disk_bytes);
  for (auto& x : m) x.vat = "";
  return m;
}

std::string ReportStopDate(int64_t micros) {
  time_t t = static_cast<time_t>(micros / 1000000);
  struct tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d at %H:%M:%S", &tm);
  return buf;
}

Result<ReportResult> RunReport(const ReportOptions& o, ReportMaster& master, Env& env) {
  if (!o.stop_partition) return InvalidArgument("RunReport: stop_partition is required");
  ReportResult result;
  SLAPOS_ASSIGN_OR_RETURN(std::vector<ReportedInstance> instances, master.Instances());
  std::map<std::string, ReportedInstance> by_partition;
  for (const auto& i : instances) by_partition[i.partition_id] = i;
  std::vector<const ReportPartition*> busy;
  for (const auto& p : o.partitions)
    if (by_partition.count(p.reference)) busy.push_back(&p);
  for (const auto& [id, inst] : by_partition) {
    bool local = std::any_of(o.partitions.begin(), o.partitions.end(),
                             [&](const ReportPartition& p) { return p.reference == id; });
    if (!local) LOG_WARNING("master lists instance {} on partition {}, which this node does not have; ignored",
                            inst.instance_guid, id);
  }

  // 1. Report scripts (§6.1 step 3).
  for (const ReportPartition* p : busy) {
    auto failures = RunReportScripts(*p, o.script_timeout_seconds, &result.scripts_run);
    for (const auto& f : failures) {
      (void)master.Error(by_partition[p->reference].instance_guid, f.substr(f.find(": ") + 2));
      result.script_failures.push_back(f);
    }
  }

  // 2. Usage: measured, plus the valid consumption files (§6.1 step 4).
  std::vector<PartitionToMeasure> measure;
  for (const ReportPartition* p : busy) measure.push_back({p->reference, p->path, p->uid.value_or(0)});
  std::vector<PartitionUsage> measured;
  if (!measure.empty()) {
    SLAPOS_ASSIGN_OR_RETURN(measured, MeasurePartitions(measure, o.proc_root));
  }
  std::vector<std::pair<std::string, std::vector<slap::UsageMovement>>> movements;
  std::vector<std::string> consumed;  // deleted once posted
  for (size_t i = 0; i < busy.size(); ++i) {
    const ReportPartition& p = *busy[i];
    std::vector<slap::UsageMovement> m;
    if (p.uid) {  // without a user, the uid-0 totals would be ours, not the partition's
      m = MeasuredMovements(measured[i].cpu_seconds, measured[i].memory_bytes, measured[i].disk_bytes);
    } else {
      m = MeasuredMovements(0, 0, measured[i].disk_bytes);
    }
    SLAPOS_ASSIGN_OR_RETURN(auto files, CollectUsageFiles(p.path, o.instance_root, p.reference));
    for (const auto& f : files) {
      auto parsed = slap::ParsePartitionConsumption(f.content);
      if (!parsed.ok()) {
        LOG_WARNING("partition {}: usage file {} is not a valid consumption document, left in place: {}", p.reference,
                    f.path, parsed.status().message());
        result.invalid_files.push_back(f.path + ": " + parsed.status().message());
        continue;
      }
      m.insert(m.end(), parsed->begin(), parsed->end());
      consumed.push_back(f.path);
      ++result.usage_files;
    }
    movements.emplace_back(p.reference, std::move(m));
  }

  // 3. Computer-level journals, each sent as-is (§6.1 step 5).
  for (const auto& path : RegularFiles(o.instance_root + "/var/xml_report/" + o.computer_id)) {
    auto text = ReadFile(path);
    if (!text.ok()) continue;
    auto parsed = slap::ParseTioXml(*text);
    if (!parsed.ok()) {
      LOG_WARNING("computer usage file {} is not a valid TioXML journal, left in place: {}", path,
                  parsed.status().message());
      result.invalid_files.push_back(path + ": " + parsed.status().message());
      continue;
    }
    Status st = master.PostUsage(*text);
    if (!st.ok()) {
      result.errors.push_back("posting " + path + " to the master: " + st.message());
      continue;
    }
    unlink(path.c_str());
    ++result.computer_files;
  }

  // 4. The aggregate (§6.1 step 6, §6.2).
  bool usage_failed = false;
  if (!movements.empty()) {
    slap::UsageJournal journal =
        slap::BuildUsageReport(o.computer_id, ReportStopDate(env.NowMicros()), movements);
    result.tioxml = slap::WriteTioXml(journal);
    Status st = slap::ParseTioXml(result.tioxml).status();
    if (st.ok()) st = master.PostUsage(result.tioxml);
    if (st.ok()) {
      result.usage_posted = true;
      for (const auto& f : consumed)
        if (unlink(f.c_str()) != 0) LOG_WARNING("could not delete posted usage file {}", f);
      LOG_INFO("usage of {} partitions posted ({} usage files)", movements.size(), result.usage_files);
    } else {
      usage_failed = true;
      result.errors.push_back("posting the usage report to the master: " + st.message());
      if (!busy.empty())
        (void)master.Error(by_partition[busy.front()->reference].instance_guid,
                           "Usage report failed: " + st.message());
    }
  }

  // 5. Destruction (§6.1 step 7).
  for (const ReportPartition* p : busy) {
    const ReportedInstance& inst = by_partition[p->reference];
    if (inst.state != slap::InstanceState::kDestroyed) continue;
    Status stopped = o.stop_partition(p->reference);
    if (!stopped.ok()) {
      std::string e = "partition " + p->reference + ": stopping its processes: " + stopped.message();
      result.errors.push_back(e);
      (void)master.Error(inst.instance_guid, e);
      continue;
    }
    (void)master.Stopped(inst.instance_guid);
    if (usage_failed) {
      LOG_WARNING("partition {}: destruction postponed, its usage could not be reported", p->reference);
      continue;
    }
    DestroyOptions d;
    d.reference = p->reference;
    d.path = p->path;
    d.uid = p->uid;
    d.gid = p->gid;
    d.instance_storage_home = o.instance_storage_home;
    d.certificate_repository_path = o.certificate_repository_path;
    auto outcome = DestroyPartition(d, env);
    if (!outcome.ok()) {
      result.errors.push_back("partition " + p->reference + ": destruction failed: " + outcome.status().message());
      (void)master.Error(inst.instance_guid, "Destruction failed: " + outcome.status().message());
      continue;
    }
    if (!outcome->destroyed) {
      LOG_INFO("partition {}: not destroyed yet: {}", p->reference, outcome->message);
      result.retained.push_back(p->reference + ": " + outcome->message);
      continue;
    }
    Status told = master.Destroyed(inst.instance_guid);
    if (!told.ok() && told.code() == Code::kPermissionDenied) {
      // The master's "not yet" (e.g. a root whose children are not freed): the next report
      // tells it again; the directory is already empty.
      LOG_INFO("partition {}: emptied; the master does not free it yet: {}", p->reference, told.message());
      result.retained.push_back(p->reference + ": " + told.message());
      continue;
    }
    if (!told.ok()) {
      LOG_WARNING("partition {}: emptied, but the master refused 'destroyed': {}", p->reference, told.message());
      result.errors.push_back("partition " + p->reference + ": emptied, but reporting destroyed failed: " +
                              told.message());
      continue;
    }
    result.destroyed.push_back(p->reference);
  }
  return result;
}

}  // namespace slapos::node
