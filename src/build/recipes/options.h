// Small helpers every native recipe uses to read its options the way SlapOS recipes do:
// defaults, booleans, line lists, the default `location`, shared-part locations, shell quoting.
// Pure functions (SharedLocation reads [buildout] through the context); thread-safe.
#pragma once

#include <string>
#include <vector>

#include "build/recipe.h"

namespace slapos::build::recipes {

// The option's value, or `fallback` when it is absent.
std::string Get(const Options& options, const std::string& key, const std::string& fallback = "");
bool Has(const Options& options, const std::string& key);
// The option's value; InvalidArgument naming the part when it is absent or blank.
Result<std::string> Require(const std::string& part, const Options& options, const std::string& key);
// Buildout booleans: true/yes/on/1 and false/no/off/0 (case-insensitive); `fallback` when the
// option is absent or empty; InvalidArgument naming part and option on anything else.
Result<bool> GetBool(const std::string& part, const Options& options, const std::string& key,
                     bool fallback);
// Non-empty trimmed lines of a multi-line value.
std::vector<std::string> Lines(const std::string& value);
// Octal file mode ("0755", "755", "0o644"); `fallback` when absent.
Result<unsigned> GetMode(const std::string& part, const Options& options, const std::string& key,
                         unsigned fallback);
// Writes `content` at `path` (parents created) with exactly `mode`, atomically; does nothing
// when the file already holds that content and mode (no-op reruns stay cheap: no fsync).
Status WriteFileIfChanged(const std::string& path, const std::string& content, unsigned mode);
// <parts-directory>/<part>.
std::string DefaultLocation(const std::string& part, const BuildContext& ctx);
// Quotes `word` for /bin/sh (single quotes unless it is plainly safe).
std::string ShellQuote(const std::string& word);
// Python shlex.split semantics (quotes, backslashes, # is not a comment); error on an open quote.
Result<std::vector<std::string>> ShellSplit(const std::string& text);

// Where a `shared = true` part lives: <dir>/<part>/<md5 of its options> for the first directory
// of [buildout] shared-part-list that already holds a finished build, else the last one.
struct SharedPlace {
  std::string location;
  bool complete = false;  // a finished build is already there (its signature file exists)
};
Result<SharedPlace> SharedLocation(const std::string& part, const Options& options,
                                   const BuildContext& ctx);
// The file that marks a shared part as finished (written last by the recipe).
std::string SharedSignaturePath(const std::string& location);
// Writes the signature file: the options the part was built with, one `key = value` per line.
Status WriteSharedSignature(const std::string& location, const Options& options);

}  // namespace slapos::build::recipes
