// Instance XML (spec master-api.md §3.1): how SlapOS stores instance and connection
// parameters, and the JSON-in-XML "_" convention (§3.2) used by software releases whose
// schema says "serialisation": "json-in-xml". Pure functions; thread-safe.
//
//   <?xml version='1.0' encoding='utf-8'?>
//   <instance>
//     <parameter id="url">mysql://...</parameter>
//   </instance>
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace slapos::slap {

// Writes a JSON object as instance XML exactly as SlapOS's dict2xml does: keys sorted, values
// converted with Python's str() (1 -> "1", true -> "True", null -> "None", {"a": 1} ->
// "{'a': 1}"), two-space indent, single-quoted XML declaration, trailing newline; an empty
// object gives "<instance/>". InvalidArgument if `json_object` is not a JSON object.
Result<std::string> InstanceXmlFromJson(std::string_view json_object);

// Reads instance XML into a JSON object text whose values are strings, or null for an empty
// element (SlapOS's xml2dict QUIRK: an empty string comes back null); a repeated id joins the
// values with one space. Empty input gives "{}". InvalidArgument on malformed XML.
Result<std::string> InstanceXmlToJson(std::string_view xml);

// How a software release wants its parameters.
enum class Serialisation { kXml, kJsonInXml };
const char* ToString(Serialisation s);
Result<Serialisation> ParseSerialisation(std::string_view word);  // "xml" | "json-in-xml"

// JSON-in-XML, client side: {"_": "<the parameters as JSON, indent 2>"}; an object that is
// already exactly {"_": ...} is returned unchanged.
Result<std::string> WrapJsonInXml(std::string_view json_object);
// The reverse: when the object has exactly one key "_" holding a JSON text, that JSON
// (compact); otherwise the object unchanged. InvalidArgument if "_" is not valid JSON.
Result<std::string> UnwrapJsonInXml(std::string_view json_object);

// The "serialisation" a software release schema (software.cfg.json) declares for
// `software_type`: the type's own entry under "software-type" wins over the top level;
// "xml" when none. InvalidArgument when the schema is not JSON or the value is unknown.
Result<Serialisation> SerialisationFromSchema(std::string_view schema_json,
                                              std::string_view software_type);

}  // namespace slapos::slap
