// Destruction of a partition requested destroyed (node.md §6.1 step 7, §6.3): the retention
// lock, the instance's sbin/destroy hook run as the partition user, then the partition
// directory emptied completely while the directory itself (owner, 0750), the partition user
// and its addresses stay for the next instance. The caller stops the partition's supervisor
// group first and reports `destroyed` to the master after. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "util/env.h"
#include "util/status.h"

namespace slapos::node {

inline constexpr char kRetentionDelayFile[] = ".slapos-retention-lock-delay";
inline constexpr char kRetentionDateFile[] = ".slapos-retention-lock-date";
inline constexpr char kPartitionResourceFile[] = ".slapos-resource";  // format's, kept

// The retention rule (§6.3) as a pure function. `delay_days` is the content of
// .slapos-retention-lock-delay, `lock_date` of .slapos-retention-lock-date (unix seconds).
struct RetentionVerdict {
  bool allowed = false;
  std::optional<double> arm_lock_date;  // set: write this lock date now (first attempt)
  double lock_date = 0;                 // when not allowed: the date destruction waits for
};
RetentionVerdict CheckRetention(std::optional<double> delay_days, std::optional<double> lock_date,
                                double now_seconds);

// Reads both files of `partition_path` (missing = nullopt); a file that is not a number is an
// error naming it.
struct RetentionFiles {
  std::optional<double> delay_days;
  std::optional<double> lock_date;
};
Result<RetentionFiles> ReadRetentionFiles(const std::string& partition_path);

struct DestroyOptions {
  std::string reference;  // slappartN
  std::string path;       // the partition directory
  std::optional<uid_t> uid;  // owner to restore and user for sbin/destroy (unset: ourselves)
  std::optional<gid_t> gid;
  // Also emptied: <instance_storage_home>/<name>/<reference> for every <name> (external
  // storage, §12). Empty: none.
  std::string instance_storage_home;
  // Removed: <certificate_repository_path>/<reference>.crt and .key. Empty: none.
  std::string certificate_repository_path;
  double hook_timeout_seconds = 600;  // sbin/destroy
};

struct DestroyOutcome {
  bool destroyed = false;  // false: retention lock holds it (see message)
  std::string message;
};

// Retention check, sbin/destroy (non-zero exit = error with its output), then the directory
// emptied (permission problems fixed on the way), owner and mode 0750 restored. On an error
// the partition is left as far as it got; a rerun continues. format's .slapos-resource is kept.
Result<DestroyOutcome> DestroyPartition(const DestroyOptions& options, Env& env);

// Removes everything inside `path` (not crossing into other file systems is not checked;
// symlinks are removed, never followed); `path` itself stays. Directories without write or
// search permission are chmod-ed first.
Status EmptyDirectory(const std::string& path);

}  // namespace slapos::node
