// Checks a JSON request body against an endpoint's declared fields (types, required fields,
// enums, max lengths, no unknown fields) before anything is written. Messages follow the
// JSON-schema validator wording the SlapOS proxy returns and always name the field.
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "util/status.h"

namespace slapos::master {

enum class JsonType { kString, kObject, kBoolean, kArray, kNumber };

struct FieldSpec {
  std::string name;
  JsonType type = JsonType::kString;
  bool required = false;
  std::vector<std::string> enum_values;  // for strings; empty = any
  size_t max_length = 0;                 // for strings, in characters; 0 = unlimited
};

struct ObjectSpec {
  std::vector<FieldSpec> fields;
  bool allow_additional = false;
};

// `where` prefixes field names in messages ("" for the body, "compute_partition_list[2]" ...).
// Returns InvalidArgument naming the offending field.
Status CheckObject(const nlohmann::json& value, const ObjectSpec& spec, const std::string& where = "");

const char* JsonTypeName(JsonType type);

}  // namespace slapos::master
