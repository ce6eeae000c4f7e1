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
