// Whole-file helpers over POSIX: read, atomic write (nothing half-written survives a crash),
// directory creation. Thread-safe (no shared state).
#pragma once

#include <string>
#include <sys/types.h>

#include "util/status.h"

namespace slapos {

Result<std::string> ReadFile(const std::string& path);
// Writes `data` to a temporary file beside `path`, fsyncs it, renames it over `path`, and
// fsyncs the directory. `mode` applies to the new file.
Status WriteFileAtomic(const std::string& path, std::string_view data, mode_t mode = 0644);
// Like WriteFileAtomic for readers (they see the old text or the new one, never a part of it),
// but without fsync: for files that can be rebuilt and are written many times in a run (a
// build's state, a partition's marks). The path is remembered until SyncUnsyncedWrites(); after
// a crash before that, the file may hold its old text or be empty. An existing regular file is
// swapped with the new one (renameat2 RENAME_EXCHANGE) rather than renamed over: on ext4 a rename
// over a file flushes the new file's data first (auto_da_alloc), about 1 ms each.
Status WriteFileUnsynced(const std::string& path, std::string_view data, mode_t mode = 0644);
// WriteFileUnsynced for a file rewritten many times by one owner (a build's state, saved after
// every part): the temporary beside it is kept between writes (it holds the previous text after
// each swap) and rewritten in place, so the run creates and deletes one inode instead of one per
// write. The destructor removes it; a crash leaves it behind (`<path>.tmp.<pid>`, read by
// nothing). Not thread-safe; one FileRewriter per path at a time.
class FileRewriter {
 public:
  explicit FileRewriter(std::string path, mode_t mode = 0644);
  ~FileRewriter();
  FileRewriter(const FileRewriter&) = delete;
  FileRewriter& operator=(const FileRewriter&) = delete;
  Status Write(std::string_view data);

 private:
  std::string path_, tmp_;
  mode_t mode_;
  bool kept_ = false;  // tmp_ holds a previous text, ours to reuse
};
// fsyncs every file this process wrote with WriteFileUnsynced() or a FileRewriter since the last
// call, then their directories; one journal commit covers them all. Files removed since are
// skipped. Thread-safe.
Status SyncUnsyncedWrites();
// mkdir -p with `mode` for the directories it creates.
Status MakeDirs(const std::string& path, mode_t mode = 0755);
bool PathExists(const std::string& path);
bool IsDirectory(const std::string& path);
// rm -rf; a missing path is not an error.
Status RemoveAll(const std::string& path);
// The directory part of `path` ("." when there is none).
std::string Dirname(const std::string& path);
// `base`/`rel`, or `rel` when it is absolute.
std::string JoinPath(const std::string& base, const std::string& rel);

}  // namespace slapos
