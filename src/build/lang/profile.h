// The data of a Buildout profile before substitution: sections of options, each value with
// the file and line it was written at (profiles.md §1). Produced by the parser (one file) and
// the loader (extends, +=/-=, command-line overrides); consumed by the resolver. Plain data.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace slapos::build::lang {

// Where a value was written. `file` empty: a built-in default or a programmatic override
// (`what` then says which).
struct Origin {
  std::string file;
  int line = 0;
  std::string what;  // "DEFAULT_VALUE", "COMMAND_LINE_VALUE", ... when file is empty
  std::string ToString() const;
};

struct RawValue {
  std::string value;
  Origin origin;
};

// Option keys are stored exactly as Buildout stores them: `a += x` is the key "a +",
// `a+=x` the key "a+", `<= m` the key "<", `=> a` the key "<part-dependencies>".
struct RawSection {
  Origin origin;  // the header that (last) opened it
  std::map<std::string, RawValue> options;
};

struct RawConfig {
  std::map<std::string, RawSection> sections;
};

// "file:line" of an origin, for error messages ("buildout.cfg:12").
inline std::string Where(const Origin& o) { return o.ToString(); }

}  // namespace slapos::build::lang
