// The part runner (profiles.md §1.10): loads and resolves a profile, then brings the directory
// to it. Parts no longer wanted, or whose options (after substitution and recipe Init) changed,
// or whose recorded paths vanished, are uninstalled (recipe Uninstall, then their paths
// removed); new parts are installed, unchanged ones updated, in install order.
// `.installed.cfg` is rewritten atomically after each change, so a failing part stops the run
// and the recorded state of everything else stays true. Not thread-safe per directory: the
// caller runs one buildout per directory at a time (the node does).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "build/lang/resolver.h"
#include "build/recipe.h"
#include "util/status.h"

namespace slapos::build::runner {

struct RunOptions {
  std::string config_file = "buildout.cfg";  // path or URL
  // `section:option=value` (default section buildout), as on Buildout's command line.
  std::vector<std::string> overrides;
  // Options added on top of the profile (the node's [slap-connection] / [buildout] tail).
  std::map<std::string, std::map<std::string, std::string>> extra_sections;
  bool offline = false;            // -o: no network; remote extends from extends-cache only
  bool newest = true;              // -N sets false
  std::string download_cache;      // sets buildout:download-cache when not empty
  // Install (or update) only these parts; the others are neither installed nor uninstalled.
  std::vector<std::string> parts;
  // One line per step ("Installing a.", recipe progress...). Unset: LOG_INFO.
  std::function<void(const std::string& line)> log;
  // Live progress of downloads and build commands (a terminal's status line); null: each such
  // step logs a line when it starts and one when it ends. See build/progress.h.
  Progress* progress = nullptr;
};

// What a run did, for callers and tests.
struct RunReport {
  std::vector<std::string> uninstalled;
  std::vector<std::string> installed;
  std::vector<std::string> updated;
  bool state_written = false;  // .installed.cfg changed
};

// Loads `options.config_file` with everything it extends and resolves it (recipes are created
// from `registry` and initialised). Nothing is installed; only remote extends are fetched.
Result<std::unique_ptr<lang::Resolver>> OpenProfile(const RunOptions& options,
                                                    const RecipeRegistry* registry,
                                                    bool write_extends_cache = true);

// Installs the profile: `slapos buildout install`. The error of a failing part names it, its
// recipe and what failed.
Status RunBuildout(const RunOptions& options, const RecipeRegistry& registry,
                   RunReport* report = nullptr);

}  // namespace slapos::build::runner
