// Conversions between JSON and template values: the render context comes in as JSON, and
// the tojson filter writes Python json.dumps-compatible text.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "build/jinja/value.h"

namespace slapos::jinja {

// JSON objects become dicts (in the JSON library's key order), arrays lists.
Value FromJson(const nlohmann::json& j);

struct JsonDumpOptions {
  int indent = -1;         // <0: one line with ", " and ": " separators (Python's default)
  bool sort_keys = true;   // Jinja2's tojson sorts keys
  bool html_safe = true;   // Jinja2's tojson escapes < > & ' as \u003c...
};
// json.dumps(value); fails on values JSON cannot hold (Undefined, callables).
std::string ToJson(const Value& v, const JsonDumpOptions& options);

}  // namespace slapos::jinja
