// Partition destruction (destroy.h).
#include "node/destroy.h"

#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

#include "util/file.h"
#include "util/log.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

Result<std::optional<double>> ReadNumberFile(const std::string& path, const char* what) {
  if (!PathExists(path)) return std::optional<double>{};
  SLAPOS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::string t(Trim(text));
  char* end = nullptr;
  errno = 0;
  double v = t.empty() ? 0 : std::strtod(t.c_str(), &end);
  if (t.empty() || errno != 0 || end != t.c_str() + t.size() || !std::isfinite(v))
    return InvalidArgument(path + " holds '" + t + "', not " + what +
                           "; fix or remove the file, then run 'slapos node report' again");
  return std::optional<double>{v};
}

// Removes `path` (any type) recursively without following symlinks.
Status RemoveTree(const std::string& path) {
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) return errno == ENOENT ? Status::OK() : ErrnoError("lstat " + path, errno);
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("removing " + path, errno);
    return Status::OK();
  }
  SLAPOS_RETURN_IF_ERROR(EmptyDirectory(path));
  if (rmdir(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("removing directory " + path, errno);
  return Status::OK();
}

}  // namespace

RetentionVerdict CheckRetention(std::optional<double> delay_days, std::optional<double> lock_date,
                                double now_seconds) {
  RetentionVerdict v;
  if (lock_date) {
    v.allowed = now_seconds >= *lock_date;
    v.lock_date = *lock_date;
    return v;
  }
  if (!delay_days || *delay_days <= 0) {
    v.allowed = true;
    return v;
  }
  // First attempt with a delay: arm the lock; the data survives until the date passes.
  v.arm_lock_date = now_seconds + *delay_days * 86400;
  v.lock_date = *v.arm_lock_date;
  v.allowed = false;
  return v;
}

Result<RetentionFiles> ReadRetentionFiles(const std::string& partition_path) {
  RetentionFiles f;
  SLAPOS_ASSIGN_OR_RETURN(f.delay_days,
                          ReadNumberFile(partition_path + "/" + kRetentionDelayFile, "a number of days"));
  SLAPOS_ASSIGN_OR_RETURN(f.lock_date,
                          ReadNumberFile(partition_path + "/" + kRetentionDateFile, "a unix time"));
  return f;
}

Status EmptyDirectory(const std::string& path) {
  // Make sure we may list and unlink inside (an instance may leave 0500 directories).
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) return ErrnoError("lstat " + path, errno);
  if (!S_ISDIR(st.st_mode)) return FailedPrecondition(path + " is not a directory");
  if ((st.st_mode & 0700) != 0700 && chmod(path.c_str(), (st.st_mode & 07777) | 0700) != 0)
    return ErrnoError("making " + path + " writable to empty it", errno);
  DIR* d = opendir(path.c_str());
  if (!d) return ErrnoError("listing " + path, errno);
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  for (const auto& n : names) SLAPOS_RETURN_IF_ERROR(RemoveTree(path + "/" + n));
  return Status::OK();
}

Result<DestroyOutcome> DestroyPartition(const DestroyOptions& o, Env& env) {
  if (o.path.empty() || o.path == "/") return InvalidArgument("refusing to destroy partition path '" + o.path + "'");
  if (!IsDirectory(o.path))
    return FailedPrecondition("partition " + o.reference + ": " + o.path +
                              " is not a directory; run 'slapos node format' to recreate it");
  DestroyOutcome out;

  // 1. Retention lock (§6.3).
  SLAPOS_ASSIGN_OR_RETURN(RetentionFiles files, ReadRetentionFiles(o.path));
  double now = static_cast<double>(env.NowMicros()) / 1e6;
  RetentionVerdict verdict = CheckRetention(files.delay_days, files.lock_date, now);
  if (verdict.arm_lock_date) {
    std::string date = fmt::format("{:.0f}\n", *verdict.arm_lock_date);
    SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(o.path + "/" + kRetentionDateFile, date, 0644));
    LOG_INFO("partition {}: retention lock armed until {:.0f}", o.reference, *verdict.arm_lock_date);
  }
  if (!verdict.allowed) {
    out.message = fmt::format("retention lock holds the data until {:.0f} (unix time)", verdict.lock_date);
    return out;
  }

  // 2. The instance's own hook.
  std::string hook = o.path + "/sbin/destroy";
  struct stat hs{};
  if (stat(hook.c_str(), &hs) == 0 && S_ISREG(hs.st_mode)) {
    if (!(hs.st_mode & 0111))
      return FailedPrecondition("partition " + o.reference + ": " + hook + " is not executable");
    ProcessOptions p;
    p.argv = {hook};
    p.cwd = o.path;
    p.uid = o.uid;
    p.gid = o.gid;
    p.timeout_seconds = o.hook_timeout_seconds;
    std::map<std::string, std::string> child_env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"HOME", o.path}};
    if (o.uid) {
      if (passwd* pw = getpwuid(*o.uid)) child_env["USER"] = child_env["LOGNAME"] = pw->pw_name;
    }
    p.env = child_env;
    SLAPOS_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(p));
    if (!r.success())
      return FailedPrecondition("partition " + o.reference + ": " + hook +
                                (r.timed_out ? " timed out" : " failed with exit code " + std::to_string(r.exit_code)) +
                                ": " + std::string(TrimRight(r.output)));
  }

  // 3. Node-held secrets and external storage.
  if (!o.certificate_repository_path.empty()) {
    for (const char* ext : {".crt", ".key"}) {
      std::string f = o.certificate_repository_path + "/" + o.reference + ext;
      if (unlink(f.c_str()) != 0 && errno != ENOENT) return ErrnoError("removing " + f, errno);
    }
  }
  if (!o.instance_storage_home.empty() && IsDirectory(o.instance_storage_home)) {
    DIR* d = opendir(o.instance_storage_home.c_str());
    if (!d) return ErrnoError("listing " + o.instance_storage_home, errno);
    std::vector<std::string> stores;
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") stores.push_back(o.instance_storage_home + "/" + n + "/" + o.reference);
    }
    closedir(d);
    for (const auto& s : stores)
      if (IsDirectory(s)) SLAPOS_RETURN_IF_ERROR(EmptyDirectory(s));
  }

  // 4. Everything inside the partition directory; the directory itself stays, as it was made,
  // and so does format's .slapos-resource (the partition's definition, not instance data).
  std::string resource_path = o.path + "/" + kPartitionResourceFile;
  std::optional<std::string> resource;
  struct stat rs{};
  if (lstat(resource_path.c_str(), &rs) == 0 && S_ISREG(rs.st_mode)) {
    SLAPOS_ASSIGN_OR_RETURN(std::string text, ReadFile(resource_path));
    resource = std::move(text);
  }
  SLAPOS_RETURN_IF_ERROR(EmptyDirectory(o.path));
  if (resource) SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(resource_path, *resource, rs.st_mode & 07777));
  if (o.uid && chown(o.path.c_str(), *o.uid, o.gid.value_or(static_cast<gid_t>(-1))) != 0)
    return ErrnoError("restoring the owner of " + o.path, errno);
  if (chmod(o.path.c_str(), 0750) != 0) return ErrnoError("restoring mode 0750 of " + o.path, errno);
  out.destroyed = true;
  out.message = "emptied";
  LOG_INFO("partition {}: destroyed (directory emptied)", o.reference);
  return out;
}

}  // namespace slapos::node
