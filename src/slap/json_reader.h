// Internal to src/slap (includes nlohmann/json.hpp; never include it from other folders):
// a strict reader of one JSON object that checks fields the way the master's JSON schema
// does, with the same wording in its errors, plus small JSON helpers for the codecs.
#pragma once

#include <nlohmann/json.hpp>

#include <cmath>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "slap/model.h"
#include "slap/python_repr.h"
#include "util/status.h"

namespace slapos::slap::internal {

using Json = nlohmann::ordered_json;


inline constexpr size_t kMaxTitleLength = 200;

inline Result<Json> Parse(std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return InvalidArgument(std::string("body is not valid JSON: ") + e.what());
  }
}

inline Status NotOfType(const Json& v, const char* type) {
  return InvalidArgument(PythonRepr(v) + " is not of type '" + type + "'");
}

// Reads one JSON object: required/optional fields with exact types, then rejects any key it
// was not asked about (requests) or ignores them (responses).
class ObjectReader {
 public:
  ObjectReader(const Json& j, bool strict_keys) : j_(j), strict_(strict_keys) {}

  // The value must be an object; `required` keys are checked here in schema order.
  Status Begin(std::initializer_list<const char*> required) {
    if (!j_.is_object()) return NotOfType(j_, "object");
    for (const char* key : required) {
      if (!j_.contains(key)) return InvalidArgument(std::string("'") + key + "' is a required property");
    }
    return Status::OK();
  }

  Status String(const char* key, std::string* out, bool required = true, size_t max_len = 0) {
    const Json* v = Get(key);
    if (v == nullptr) return Missing(key, required);
    if (!v->is_string()) return NotOfType(*v, "string");
    *out = v->get<std::string>();
    if (max_len > 0 && out->size() > max_len) {
      return InvalidArgument(PythonStringRepr(*out) + " is too long");
    }
    return Status::OK();
  }

  Status Bool(const char* key, bool* out, bool required = true) {
    const Json* v = Get(key);
    if (v == nullptr) return Missing(key, required);
    if (!v->is_boolean()) return NotOfType(*v, "boolean");
    *out = v->get<bool>();
    return Status::OK();
  }

  Status Int(const char* key, int64_t* out, bool required = true) {
    const Json* v = Get(key);
    if (v == nullptr) return Missing(key, required);
    if (v->is_number_integer() || v->is_number_unsigned()) {
      *out = v->get<int64_t>();
      return Status::OK();
    }
    if (v->is_number_float()) {  // jsonschema counts 3.0 as an integer
      double d = v->get<double>();
      if (std::floor(d) == d && std::fabs(d) < 9.2e18) {
        *out = static_cast<int64_t>(d);
        return Status::OK();
      }
    }
    return NotOfType(*v, "integer");
  }

  // A JSON object kept as compact text.
  Status Object(const char* key, std::string* out, bool required = true) {
    const Json* v = Get(key);
    if (v == nullptr) return Missing(key, required);
    if (!v->is_object()) return NotOfType(*v, "object");
    *out = v->dump();
    return Status::OK();
  }

  template <typename E>
  Status Enum(const char* key, E* out, Result<E> (*parse)(std::string_view), bool required = true) {
    const Json* v = Get(key);
    if (v == nullptr) return Missing(key, required);
    if (!v->is_string()) return NotOfType(*v, "string");
    Result<E> e = parse(v->get_ref<const std::string&>());
    if (!e.ok()) return e.status();
    *out = *e;
    return Status::OK();
  }

  // An array whose items are read by `item` (given each element).
  template <typename F>
  Status Array(const char* key, F item, bool required = true) {
    const Json* v = Get(key);
    if (v == nullptr) return Missing(key, required);
    if (!v->is_array()) return NotOfType(*v, "array");
    for (const Json& element : *v) SLAPOS_RETURN_IF_ERROR(item(element));
    return Status::OK();
  }

  // Additional properties check (requests only).
  Status End() {
    if (!strict_) return Status::OK();
    std::vector<std::string> extra;
    for (const auto& [key, value] : j_.items()) {
      if (!seen_.count(key)) extra.push_back(PythonStringRepr(key));
    }
    if (extra.empty()) return Status::OK();
    std::string list;
    for (size_t i = 0; i < extra.size(); ++i) list += (i ? ", " : "") + extra[i];
    return InvalidArgument("Additional properties are not allowed (" + list +
                           (extra.size() == 1 ? " was" : " were") + " unexpected)");
  }

 private:
  const Json* Get(const char* key) {
    seen_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  static Status Missing(const char* key, bool required) {
    if (required) return InvalidArgument(std::string("'") + key + "' is a required property");
    return Status::OK();
  }

  const Json& j_;
  bool strict_;
  std::set<std::string> seen_;
};

// Parses `text` and runs `read` over it with a request (strict) or response reader.
template <typename T, typename F>
Result<T> DecodeWith(std::string_view text, bool strict, F read) {
  SLAPOS_ASSIGN_OR_RETURN(Json j, Parse(text));
  ObjectReader r(j, strict);
  T out{};
  SLAPOS_RETURN_IF_ERROR(read(r, out));
  SLAPOS_RETURN_IF_ERROR(r.End());
  return out;
}

inline Json ObjectFromText(const std::string& text) {
  if (text.empty()) return Json::object();
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json::object();
}

inline Json IpList(const std::vector<std::vector<std::string>>& list) {
  Json a = Json::array();
  for (const auto& row : list) a.push_back(row);
  return a;
}

inline Status ReadIpList(ObjectReader& r, const char* key, std::vector<std::vector<std::string>>* out) {
  return r.Array(key, [out](const Json& row) -> Status {
    if (!row.is_array()) return NotOfType(row, "array");
    std::vector<std::string> strings;
    for (const Json& s : row) {
      if (!s.is_string()) return NotOfType(s, "string");
      strings.push_back(s.get<std::string>());
    }
    out->push_back(std::move(strings));
    return Status::OK();
  });
}

// The sla_parameters schema: declared keys typed, any other key a string.
inline Status CheckSlaParameters(const std::string& text) {
  Json sla = ObjectFromText(text);
  for (const auto& [key, value] : sla.items()) {
    if (key == "retention_delay") {
      if (!value.is_number()) return NotOfType(value, "number");
    } else if (!value.is_string()) {
      return NotOfType(value, "string");
    }
  }
  return Status::OK();
}

// A JSON object whose values must all be strings, e.g. node attributes.
inline Status ReadStringMap(ObjectReader& r, const char* key, std::map<std::string, std::string>* out,
                            bool required = true) {
  std::string text;
  SLAPOS_RETURN_IF_ERROR(r.Object(key, &text, required));
  Json j = ObjectFromText(text);
  for (const auto& [k, v] : j.items()) {
    if (!v.is_string()) return NotOfType(v, "string");
    (*out)[k] = v.get<std::string>();
  }
  return Status::OK();
}

inline Json StringMap(const std::map<std::string, std::string>& m) {
  Json j = Json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j;
}

inline Json ResultList(Json items) { return Json{{"result_list", std::move(items)}}; }

}  // namespace slapos::slap::internal
