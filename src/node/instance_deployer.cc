#include "node/instance_deployer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "node/partition.h"
#include "node/supervisor_group.h"
#include "util/file.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

constexpr off_t kInstanceLogRotate = 20 << 20;  // node.md §4.2 step 8

// Writes `data` with `mode` and owner uid:gid unless the file already holds exactly it.
Status WriteOwned(const std::string& path, const std::string& data, mode_t mode, uid_t uid, gid_t gid) {
  auto old = ReadFile(path);
  if (!old.ok() || *old != data) SLAPOS_RETURN_IF_ERROR(WriteFileUnsynced(path, data, mode));
  if (chmod(path.c_str(), mode) != 0) return ErrnoError("chmod " + path, errno);
  if (chown(path.c_str(), uid, gid) != 0) return ErrnoError("chown " + path, errno);
  return Status::OK();
}

void AppendLog(const std::string& path, const std::string& text, uid_t uid, gid_t gid) {
  struct stat st{};
  if (stat(path.c_str(), &st) == 0 && st.st_size >= kInstanceLogRotate) rename(path.c_str(), (path + ".1").c_str());
  FILE* f = fopen(path.c_str(), "a");
  if (!f) {
    LOG_WARNING("cannot append to {}: {}", path, strerror(errno));
    return;
  }
  fwrite(text.data(), 1, text.size(), f);
  fclose(f);
  if (chown(path.c_str(), uid, gid) != 0) LOG_WARNING("cannot chown {}: {}", path, strerror(errno));
}

}  // namespace

std::string LastLines(const std::string& text, size_t lines) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  size_t pos = end;
  for (size_t n = 0; pos > 0; --pos)
    if (text[pos - 1] == '\n' && ++n == lines) break;
  return text.substr(pos, end - pos);
}

Status BuildoutPartitionDeployer::RefreshCertificate(const PartitionSlot& slot, const InstanceTarget& t,
                                                     std::string* key, std::string* cert) {
  if (config_.certificate_repository_path.empty() || !client_) return Status::OK();
  const std::string& repo = config_.certificate_repository_path;
  *key = repo + "/" + slot.reference + ".key";
  *cert = repo + "/" + slot.reference + ".crt";
  auto c = client_->GetInstanceCertificate(t.instance_guid);
  if (!c.ok()) return c.status().WithContext("Partition " + slot.reference + " certificate from the master");
  SLAPOS_RETURN_IF_ERROR(MakeDirs(repo, 0755));
  SLAPOS_RETURN_IF_ERROR(WriteOwned(*key, c->key, 0400, slot.uid, slot.gid));
  return WriteOwned(*cert, c->certificate, 0400, slot.uid, slot.gid);
}

Status BuildoutPartitionDeployer::Install(const PartitionSlot& slot, const InstanceTarget& t) {
  struct stat st{};
  if (stat(slot.path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return NotFound("partition directory " + slot.path + " does not exist; run 'slapos node format'");
  if ((st.st_mode & 07777) != 0750)
    return FailedPrecondition(fmt::format("partition directory {} has mode {:o}, not 750; run 'slapos node format'",
                                          slot.path, st.st_mode & 07777));
  if (t.software_release_uri.empty())
    return FailedPrecondition("the master gives no software release for partition " + slot.reference);
  std::string sr = config_.software_root + "/" + Md5Hex(t.software_release_uri);
  if (!IsDirectory(sr))
    return FailedPrecondition("Software Release " + t.software_release_uri + " is not present on system (" + sr +
                              "); run 'slapos node software'");
  std::string profile_path = sr + "/instance.cfg";
  if (!PathExists(profile_path)) profile_path = sr + "/template.cfg";
  auto profile = ReadFile(profile_path);
  if (!profile.ok())
    return FailedPrecondition("Software Release " + t.software_release_uri + " is not correctly installed: no " +
                              sr + "/instance.cfg; check 'slapos node software'");

  // software_release -> SR (replaced when it is a symlink; anything else there is left alone).
  std::string link = slot.path + "/software_release";
  struct stat lst{};
  bool exists = lstat(link.c_str(), &lst) == 0;
  if (exists && S_ISLNK(lst.st_mode)) {
    char buf[4096];
    ssize_t n = readlink(link.c_str(), buf, sizeof buf - 1);
    if (n < 0 || std::string(buf, static_cast<size_t>(n)) != sr) {
      unlink(link.c_str());
      exists = false;
    }
  }
  if (!exists) {
    if (symlink(sr.c_str(), link.c_str()) != 0) return ErrnoError("symlink " + link, errno);
    if (lchown(link.c_str(), slot.uid, slot.gid) != 0) return ErrnoError("lchown " + link, errno);
  }

  SlapConnection c{config_.computer_id, slot.reference, config_.master_url, t.software_release_uri, "", "",
                   t.state};
  SLAPOS_RETURN_IF_ERROR(RefreshCertificate(slot, t, &c.key_file, &c.cert_file));
  // Owner root, group = the partition's: the instance reads its profile but cannot edit it.
  SLAPOS_RETURN_IF_ERROR(
      WriteOwned(slot.path + "/buildout.cfg", PartitionBuildoutProfile(*profile, c), 0640, 0, slot.gid));
  std::string retention = slot.path + "/.slapos-retention-lock-delay";
  if (!PathExists(retention)) SLAPOS_RETURN_IF_ERROR(WriteOwned(retention, "0", 0644, 0, slot.gid));

  std::string log_dir = slot.path + "/.slapgrid/log";
  SLAPOS_RETURN_IF_ERROR(MakeDirs(log_dir, 0755));
  if (chown((slot.path + "/.slapgrid").c_str(), slot.uid, slot.gid) != 0 ||
      chown(log_dir.c_str(), slot.uid, slot.gid) != 0)
    return ErrnoError("chown " + log_dir, errno);

  ProcessOptions o;
  o.argv = {binary_, "node", "buildout"};
  o.cwd = slot.path;
  o.uid = slot.uid;
  o.gid = slot.gid;
  o.extra_env = {{"HOME", slot.path},
                 {"USER", slot.user},
                 {"LOGNAME", slot.user},
                 {"SLAPGRID_INSTANCE_ROOT", config_.instance_root}};
  o.timeout_seconds = config_.partition_timeout;
  int64_t start = env_.MonotonicMicros();
  SLAPOS_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(o));
  double seconds = static_cast<double>(env_.MonotonicMicros() - start) / 1e6;
  std::string log = log_dir + "/instance.log";
  AppendLog(log, r.output, slot.uid, slot.gid);
  LOG_INFO("partition {}: buildout {} in {:.2f} s", slot.reference, r.success() ? "done" : "failed", seconds);
  if (r.success()) return Status::OK();
  std::string why = r.timed_out ? fmt::format("timed out after {} s (partition_timeout)", config_.partition_timeout)
                    : r.term_signal ? fmt::format("killed by signal {}", r.term_signal)
                                    : fmt::format("exit code {}", r.exit_code);
  return Internal("buildout of partition " + slot.reference + " failed (" + why + "); log " + log + ":\n" +
                  LastLines(r.output, 30));
}

Status BuildoutPartitionDeployer::Start(const PartitionSlot& slot) {
  SLAPOS_ASSIGN_OR_RETURN(auto programs, ListPartitionPrograms(slot.reference, slot.path, slot.user));
  return supervisor_.StartPartition(programs);
}

Status BuildoutPartitionDeployer::Stop(const PartitionSlot& slot) { return supervisor_.StopPartition(slot.reference); }

Result<std::vector<PromiseResult>> BuildoutPartitionDeployer::Promises(const PartitionSlot& slot) {
  PromiseRunOptions o;
  o.partition_path = slot.path;
  o.uid = slot.uid;
  o.gid = slot.gid;
  o.timeout_seconds = promise_timeout_;
  return RunPromises(o, env_);
}

}  // namespace slapos::node
