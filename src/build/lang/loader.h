// Loading a Buildout profile tree (profiles.md §1.3-1.4, §1.9): the root file, its `extends`
// (relative paths, file:// and http(s):// URLs, chains and diamonds, in Buildout's order), the
// `+=`/`-=` merge with its quirks, `${:_profile_base_location_}` bound to the file each line is
// written in, the [buildout] defaults and command-line overrides. The result is still raw:
// substitution and macros are the resolver's. Thread-compatible.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "build/lang/condition.h"
#include "build/lang/profile.h"
#include "util/status.h"

namespace slapos::build::lang {

struct LoadOptions {
  // `section:option=value`, `option=value` ([buildout]), `section:option+=value`, `-=`.
  // `buildout:extends=f1 f2` loads those files over the main profile (Buildout 3).
  std::vector<std::string> overrides;
  // Options added programmatically on top of the profile, before `overrides` (the node's
  // [slap-connection] tail). Merged like a file that extends the profile.
  std::map<std::string, std::map<std::string, std::string>> extra_sections;
  // Forces offline mode (remote extends only from `extends-cache`), as `-o` does.
  bool offline = false;
  // Write downloaded extends into `extends-cache` (false for resolve/annotate).
  bool write_extends_cache = true;
  // Fetches a URL; unset: libcurl (FetchUrl).
  std::function<Result<std::string>(const std::string& url)> fetch;
  ConditionEnv env = ConditionEnv::Host();
};

// Loads `path` (a file path or URL) with everything it extends. Errors name the file, the
// line and the option.
Result<RawConfig> LoadProfile(const std::string& path, const LoadOptions& options);

// Buildout's `_update(d1, d2)`: merges `top` over `base` (sections of `top` that `base` also has
// go through `+=`/`-=` processing; others are copied as they are).
void MergeConfig(RawConfig& base, RawConfig top);
// Buildout's `_update_section(s1, s2)`.
void MergeSection(RawSection& base, RawSection top);

// Parses `section:option=value` (default section `buildout`) into a one-option config.
Result<RawConfig> ParseOverride(const std::string& text);

}  // namespace slapos::build::lang
