// Non-string option values (profiles.md §1.6). SlapOS's Buildout fork lets option values be
// Python objects (dicts, lists, numbers, booleans) and gives templates `dumps()` to write one
// into a profile so that it is read back as the object. The fork's text format is not known
// (the spec says so), so this engine uses its own, documented in docs/buildout.md: a typed
// value is the text "!json " followed by the value as JSON (`!json {"a": [1, 2]}`,
// `!json 8080`). Rules: a whole-value reference `${s:o}` to a typed value keeps it typed; a
// reference inside longer text inserts its JSON text; the jinja2 recipe's `key`, `jsonkey` and
// `section` contexts give templates the object. Header-only, so that the jinja renderer, the
// resolver and recipes (the node's too) share one definition. Thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

namespace slapos::build {

inline constexpr std::string_view kTypedValuePrefix = "!json ";

// True when `value` is a typed value ("!json ...").
inline bool IsTypedValue(std::string_view value) {
  return value.substr(0, kTypedValuePrefix.size()) == kTypedValuePrefix;
}

// The JSON text of a typed value (`value` itself when it is not typed).
inline std::string_view TypedValueJson(std::string_view value) {
  return IsTypedValue(value) ? value.substr(kTypedValuePrefix.size()) : value;
}

// The option value that stands for the JSON text `json` (what a recipe stores to publish an
// object, e.g. TypedValue(j.dump())).
inline std::string TypedValue(std::string_view json) {
  return std::string(kTypedValuePrefix) + std::string(json);
}

}  // namespace slapos::build
