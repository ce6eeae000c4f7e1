#include "slap/request_parameters.h"

#include <nlohmann/json.hpp>

#include <map>

#include "slap/instance_xml.h"
#include "slap/python_repr.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::slap {

using Json = nlohmann::ordered_json;

Result<std::string> ParseKeyValues(const std::vector<std::string>& words, std::string_view option) {
  Json out = Json::object();
  for (const std::string& word : words) {
    size_t eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument(std::string(option) + " expects KEY=VALUE words, got '" + word + "'");
    }
    std::string key = word.substr(0, eq);
    if (out.contains(key)) {
      return InvalidArgument(std::string(option) + ": key '" + key + "' is given more than once");
    }
    out[key] = word.substr(eq + 1);
  }
  return out.dump();
}

namespace {

Result<std::string> JsonObjectFile(const std::string& path, const std::string& text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("parameters file '" + path + "' is not valid JSON");
  if (!j.is_object()) {
    return InvalidArgument("parameters file '" + path + "' must hold a JSON object, got " + PythonRepr(j));
  }
  return j.dump();
}

}  // namespace

Result<std::string> ReadParametersFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return InvalidArgument("cannot read parameters file '" + path + "': " + text.status().message());
  std::string lower = ToLower(path);
  if (EndsWith(lower, ".json")) return JsonObjectFile(path, *text);
  if (EndsWith(lower, ".yaml") || EndsWith(lower, ".yml")) {
    return InvalidArgument("parameters file '" + path +
                           "': YAML is not supported by this client; write the parameters as a JSON object "
                           "in a .json file");
  }
  if (EndsWith(lower, ".xml")) {
    Result<std::string> j = InstanceXmlToJson(*text);
    if (!j.ok()) return j.status().WithContext("parameters file '" + path + "'");
    return j;
  }
  Result<std::string> as_json = JsonObjectFile(path, *text);
  if (as_json.ok()) return as_json;
  Result<std::string> as_xml = InstanceXmlToJson(*text);
  if (as_xml.ok()) return as_xml;
  return InvalidArgument("parameters file '" + path + "' is neither a JSON object nor instance XML");
}

std::string PythonPrettyDict(std::string_view json_object) {
  Json j = Json::parse(json_object.begin(), json_object.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::string(json_object);
  std::map<std::string, std::string> items;  // pprint sorts dict keys
  for (const auto& [k, v] : j.items()) items[k] = PythonRepr(v);
  std::vector<std::string> parts;
  for (const auto& [k, v] : items) parts.push_back(PythonStringRepr(k) + ": " + v);
  std::string one_line = "{" + Join(parts, ", ") + "}";
  if (one_line.size() <= 80) return one_line;
  return "{" + Join(parts, ",\n ") + "}";
}

}  // namespace slapos::slap
