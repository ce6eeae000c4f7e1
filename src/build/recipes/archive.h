// Unpacking source archives (tar, tar.gz, tar.bz2, tar.xz, zip... anything libarchive reads)
// into a directory, optionally without their single top-level directory. Refuses entries that
// would escape the destination (absolute paths, "..", symlinked parents). Thread-safe.
#pragma once

#include <string>

#include "util/status.h"

namespace slapos::build::recipes {

enum class StripTopLevel {
  kAuto,  // strip when every entry lies under one top-level directory (SlapOS's default)
  kYes,   // strip; an error when there is not exactly one top-level directory
  kNo,
};

// Extracts `archive` into `dest` (created if needed). Errors name the archive and the entry.
Status ExtractArchive(const std::string& archive, const std::string& dest, StripTopLevel strip);

}  // namespace slapos::build::recipes
