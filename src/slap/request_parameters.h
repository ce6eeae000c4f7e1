// Instance parameters as people give them to `slapos request`: KEY=VALUE words
// (--parameters, --node) or a file (--parameters-file: .json, or .xml instance XML), and the
// way connection parameters are printed back (Python's pprint, as SlapOS prints them).
// Pure functions except the file read; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace slapos::slap {

// ["a=1", "b=x=y"] -> {"a":"1","b":"x=y"} (split at the first '='). `option` names the
// flag in errors. A word without '=' or with an empty key, or a key given twice, is an error.
Result<std::string> ParseKeyValues(const std::vector<std::string>& words, std::string_view option);

// Reads a parameters file into a JSON object text: ".json" must hold a JSON object, ".xml"
// is instance XML (<instance><parameter id=...>); ".yaml"/".yml" are refused with a hint
// (no YAML reader here); other names are tried as JSON, then as instance XML.
Result<std::string> ReadParametersFile(const std::string& path);

// Python's pprint.pformat of a dict (keys sorted; one line when it fits in 80 columns,
// else one "key: value" per line) for a JSON object text.
std::string PythonPrettyDict(std::string_view json_object);

}  // namespace slapos::slap
