// How Python would print a JSON value: the master of SlapOS stores parameter values with
// str() (instance XML, §3.1), and its schema errors quote values with repr(). These helpers
// reproduce both for values that come from JSON. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace slapos::slap {

// repr(): 'text' (quotes chosen as Python does), 1, 1.5, True, None, [1, 'a'], {'k': 'v'}.
std::string PythonRepr(const nlohmann::ordered_json& value);
// str(): like repr() except that a top-level string is itself, unquoted.
std::string PythonStr(const nlohmann::ordered_json& value);
// repr() of a string.
std::string PythonStringRepr(std::string_view s);

}  // namespace slapos::slap
