#include "slap/python_repr.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace slapos::slap {

std::string PythonStringRepr(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (ch == quote || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else if (ch == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += ch;  // printable, including UTF-8 bytes (Python 3 keeps printable non-ASCII)
    }
  }
  out += quote;
  return out;
}

std::string PythonRepr(const nlohmann::ordered_json& v) {
  switch (v.type()) {
    case nlohmann::ordered_json::value_t::null: return "None";
    case nlohmann::ordered_json::value_t::boolean: return v.get<bool>() ? "True" : "False";
    case nlohmann::ordered_json::value_t::string: return PythonStringRepr(v.get_ref<const std::string&>());
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned:
    case nlohmann::ordered_json::value_t::number_float: return v.dump();
    case nlohmann::ordered_json::value_t::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ", ";
        first = false;
        out += PythonRepr(item);
      }
      return out + "]";
    }
    case nlohmann::ordered_json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : v.items()) {
        if (!first) out += ", ";
        first = false;
        out += PythonStringRepr(key) + ": " + PythonRepr(item);
      }
      return out + "}";
    }
    default: return v.dump();
  }
}

std::string PythonStr(const nlohmann::ordered_json& v) {
  if (v.is_string()) return v.get<std::string>();
  return PythonRepr(v);
}

}  // namespace slapos::slap
