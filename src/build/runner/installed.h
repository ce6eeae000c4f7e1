// `.installed.cfg`: what the runner installed (profiles.md §1.10). For each part: its options
// after substitution and recipe Init (the signature a rerun compares), the recipe's extra
// `__buildout_signature__`, and the paths Install created. RunBuildout saves it after every part
// atomically but not synced (a FileRewriter), and syncs it, and the parts' files written the
// same way, once at the end. After a crash it holds the previous state, or is empty: an empty
// file reads as nothing installed, and the next run installs every part again. Plain data +
// read/format; thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "build/recipe.h"
#include "util/status.h"

namespace slapos::build::runner {

struct InstalledPart {
  Options options;                 // includes `recipe` and `__buildout_signature__`
  std::vector<std::string> paths;  // __buildout_installed__
};

struct InstalledState {
  std::vector<std::string> parts;  // install order
  std::map<std::string, InstalledPart> installed;
};

// Reads `path`; a missing file is an empty state. Corruption names the file and line.
Result<InstalledState> ReadInstalled(const std::string& path);
// The text of the file (format: [buildout] parts = ..., then one section per part, options
// sorted; a value's further lines follow as tab-indented continuation lines, kept verbatim).
std::string FormatInstalled(const InstalledState& state);

}  // namespace slapos::build::runner
