#include "master/request_check.h"

#include <nlohmann/json.hpp>

namespace slapos::master {
namespace {

bool HasType(const nlohmann::json& v, JsonType t) {
  switch (t) {
    case JsonType::kString: return v.is_string();
    case JsonType::kObject: return v.is_object();
    case JsonType::kBoolean: return v.is_boolean();
    case JsonType::kArray: return v.is_array();
    case JsonType::kNumber: return v.is_number();
  }
  return false;
}

std::string FieldName(const std::string& where, const std::string& name) {
  return where.empty() ? name : where + "." + name;
}

// A short rendering of a value for messages (long values are cut).
std::string Show(const nlohmann::json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

const char* JsonTypeName(JsonType type) {
  switch (type) {
    case JsonType::kString: return "string";
    case JsonType::kObject: return "object";
    case JsonType::kBoolean: return "boolean";
    case JsonType::kArray: return "array";
    case JsonType::kNumber: return "number";
  }
  return "?";
}

Status CheckObject(const nlohmann::json& value, const ObjectSpec& spec, const std::string& where) {
  if (!value.is_object()) {
    return InvalidArgument((where.empty() ? std::string("request body") : "field '" + where + "'") + ": " +
                           Show(value) + " is not of type 'object'");
  }
  for (const FieldSpec& f : spec.fields) {
    if (f.required && !value.contains(f.name)) {
      return InvalidArgument("'" + f.name + "' is a required property" +
                             (where.empty() ? std::string() : " (in '" + where + "')"));
    }
  }
  for (const auto& [key, v] : value.items()) {
    const FieldSpec* f = nullptr;
    for (const FieldSpec& candidate : spec.fields) {
      if (candidate.name == key) f = &candidate;
    }
    if (f == nullptr) {
      if (spec.allow_additional) continue;
      return InvalidArgument("Additional properties are not allowed ('" + key + "' was unexpected)" +
                             (where.empty() ? std::string() : " (in '" + where + "')"));
    }
    std::string name = FieldName(where, key);
    if (!HasType(v, f->type)) {
      return InvalidArgument("field '" + name + "': " + Show(v) + " is not of type '" + JsonTypeName(f->type) + "'");
    }
    if (f->type == JsonType::kString) {
      const std::string& s = v.get_ref<const std::string&>();
      if (!f->enum_values.empty()) {
        bool found = false;
        std::string list;
        for (const std::string& e : f->enum_values) {
          found = found || e == s;
          list += (list.empty() ? "'" : ", '") + e + "'";
        }
        if (!found) return InvalidArgument("field '" + name + "': " + Show(v) + " is not one of [" + list + "]");
      }
      if (f->max_length > 0 && Utf8Length(s) > f->max_length) {
        return InvalidArgument("field '" + name + "': " + Show(v) + " is too long (at most " +
                               std::to_string(f->max_length) + " characters)");
      }
    }
  }
  return Status::OK();
}

}  // namespace slapos::master
