#include "slap/instance_xml.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <map>

#include "slap/python_repr.h"

namespace slapos::slap {

namespace {

using Json = nlohmann::ordered_json;

std::string EscapeText(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeAttribute(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += "&#9;"; break;
      default: out += c;
    }
  }
  return out;
}

Result<Json> ParseObject(std::string_view text, const char* what) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument(std::string(what) + " is not valid JSON: " + std::string(text.substr(0, 200)));
  if (!j.is_object()) return InvalidArgument(std::string(what) + " must be a JSON object, got " + PythonRepr(j));
  return j;
}

}  // namespace

Result<std::string> InstanceXmlFromJson(std::string_view json_object) {
  SLAPOS_ASSIGN_OR_RETURN(Json j, ParseObject(json_object, "instance parameters"));
  std::string out = "<?xml version='1.0' encoding='utf-8'?>\n";
  if (j.empty()) return out + "<instance/>\n";
  std::map<std::string, std::string> sorted;
  for (const auto& [key, value] : j.items()) sorted[key] = PythonStr(value);
  out += "<instance>\n";
  for (const auto& [key, value] : sorted) {
    out += "  <parameter id=\"" + EscapeAttribute(key) + "\">" + EscapeText(value) + "</parameter>\n";
  }
  return out + "</instance>\n";
}

Result<std::string> InstanceXmlToJson(std::string_view xml) {
  if (xml.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::string("{}");
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(),
                                                  pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!parsed) {
    return InvalidArgument(std::string("instance XML is malformed at byte ") +
                           std::to_string(parsed.offset) + ": " + parsed.description());
  }
  pugi::xml_node root = doc.document_element();
  Json out = Json::object();
  for (pugi::xml_node p : root.children("parameter")) {
    std::string id = p.attribute("id").value();
    const char* text = p.child_value();
    Json value = (text == nullptr || *text == '\0') ? Json(nullptr) : Json(std::string(text));
    if (out.contains(id)) {
      value = PythonStr(out[id]) + " " + PythonStr(value);
    }
    out[id] = std::move(value);
  }
  return out.dump();
}

const char* ToString(Serialisation s) { return s == Serialisation::kXml ? "xml" : "json-in-xml"; }

Result<Serialisation> ParseSerialisation(std::string_view word) {
  if (word == "xml") return Serialisation::kXml;
  if (word == "json-in-xml") return Serialisation::kJsonInXml;
  return InvalidArgument("unknown serialisation '" + std::string(word) +
                         "' (expected 'xml' or 'json-in-xml')");
}

Result<std::string> WrapJsonInXml(std::string_view json_object) {
  SLAPOS_ASSIGN_OR_RETURN(Json j, ParseObject(json_object, "instance parameters"));
  if (j.size() == 1 && j.contains("_")) return j.dump();
  // Python's json.dumps(params, indent=2): ", " is ",\n" at each level, non-ASCII escaped.
  Json wrapped = Json::object();
  wrapped["_"] = j.dump(2, ' ', /*ensure_ascii=*/true);
  return wrapped.dump();
}

Result<std::string> UnwrapJsonInXml(std::string_view json_object) {
  SLAPOS_ASSIGN_OR_RETURN(Json j, ParseObject(json_object, "parameters"));
  if (j.size() != 1 || !j.contains("_") || !j["_"].is_string()) return j.dump();
  const std::string& inner = j["_"].get_ref<const std::string&>();
  Json decoded = Json::parse(inner, nullptr, /*allow_exceptions=*/false);
  if (decoded.is_discarded()) {
    return InvalidArgument("the '_' parameter (json-in-xml) is not valid JSON: " + inner.substr(0, 200));
  }
  return decoded.dump();
}

Result<Serialisation> SerialisationFromSchema(std::string_view schema_json,
                                              std::string_view software_type) {
  Json j = Json::parse(schema_json.begin(), schema_json.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument("software release schema is not a JSON object");
  }
  std::string word = "xml";
  if (j.contains("serialisation") && j["serialisation"].is_string()) {
    word = j["serialisation"].get<std::string>();
  }
  auto types = j.find("software-type");
  if (types != j.end() && types->is_object()) {
    auto entry = types->find(std::string(software_type));
    if (entry != types->end() && entry->is_object() && entry->contains("serialisation") &&
        (*entry)["serialisation"].is_string()) {
      word = (*entry)["serialisation"].get<std::string>();
    }
  }
  return ParseSerialisation(word);
}

}  // namespace slapos::slap
