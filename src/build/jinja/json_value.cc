#include "build/jinja/json_value.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace slapos::jinja {

Value FromJson(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return MakeNone();
    case nlohmann::json::value_t::boolean: return MakeBool(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return MakeInt(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return MakeFloat(static_cast<double>(u));
      return MakeInt(static_cast<int64_t>(u));
    }
    case nlohmann::json::value_t::number_float: return MakeFloat(j.get<double>());
    case nlohmann::json::value_t::string: return MakeString(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      List items;
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(FromJson(item));
      return MakeList(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      Value d = MakeDict();
      for (auto it = j.begin(); it != j.end(); ++it) d.dict->Set(MakeString(it.key()), FromJson(it.value()));
      return d;
    }
    default: return MakeNone();
  }
}

namespace {

void AppendEscaped(std::string& out, const std::string& s, bool html_safe) {
  out += '"';
  for (size_t n = 0; n < s.size(); ++n) {
    unsigned char c = static_cast<unsigned char>(s[n]);
    char buf[16];
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      default: break;
    }
    if (html_safe && (c == '<' || c == '>' || c == '&' || c == '\'')) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x20 || c == 0x7f) {
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // Decode one UTF-8 sequence; emit \uXXXX (surrogate pairs above the BMP), like
      // Python's ensure_ascii.
      size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
      uint32_t cp = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : len == 4 ? c & 0x07 : c;
      if (n + len > s.size()) len = 1;
      for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[n + k]) & 0x3F);
      n += len - 1;
      if (cp >= 0x10000) {
        cp -= 0x10000;
        std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
      } else {
        std::snprintf(buf, sizeof buf, "\\u%04x", cp);
      }
      out += buf;
    }
  }
  out += '"';
}

std::string KeyText(const Value& k) {
  switch (k.kind) {
    case Kind::kString: return k.s;
    case Kind::kInt: return std::to_string(k.i);
    case Kind::kFloat: return FloatRepr(k.f);
    case Kind::kBool: return k.b ? "true" : "false";
    case Kind::kNone: return "null";
    default: Fail("keys must be str, int, float, bool or None, not " + TypeName(k));
  }
}

void Dump(std::string& out, const Value& v, const JsonDumpOptions& o, int level) {
  if (level > 500) Fail("values nest too deeply to write as JSON (does a list or dict contain itself?)");
  auto newline = [&](int lvl) {
    out += '\n';
    out.append(static_cast<size_t>(o.indent * lvl), ' ');
  };
  switch (v.kind) {
    case Kind::kNone: out += "null"; return;
    case Kind::kBool: out += v.b ? "true" : "false"; return;
    case Kind::kInt: out += std::to_string(v.i); return;
    case Kind::kFloat:
      if (std::isnan(v.f)) out += "NaN";
      else if (std::isinf(v.f)) out += v.f > 0 ? "Infinity" : "-Infinity";
      else out += FloatRepr(v.f);
      return;
    case Kind::kString: AppendEscaped(out, v.s, o.html_safe); return;
    case Kind::kList:
    case Kind::kTuple: {
      if (v.list->empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const Value& item : *v.list) {
        if (!first) out += o.indent >= 0 ? "," : ", ";
        first = false;
        if (o.indent >= 0) newline(level + 1);
        Dump(out, item, o, level + 1);
      }
      if (o.indent >= 0) newline(level);
      out += ']';
      return;
    }
    case Kind::kDict: {
      if (v.dict->items.empty()) {
        out += "{}";
        return;
      }
      std::vector<std::pair<std::string, const Value*>> entries;
      for (const auto& [k, val] : v.dict->items) entries.emplace_back(KeyText(k), &val);
      if (o.sort_keys) {
        std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      }
      out += '{';
      bool first = true;
      for (const auto& [k, val] : entries) {
        if (!first) out += o.indent >= 0 ? "," : ", ";
        first = false;
        if (o.indent >= 0) newline(level + 1);
        AppendEscaped(out, k, o.html_safe);
        out += ": ";
        Dump(out, *val, o, level + 1);
      }
      if (o.indent >= 0) newline(level);
      out += '}';
      return;
    }
    case Kind::kUndefined: Fail(v.s.empty() ? "Object of type Undefined is not JSON serializable" : v.s);
    case Kind::kCallable: Fail("Object of type function is not JSON serializable");
  }
}

}  // namespace

std::string ToJson(const Value& v, const JsonDumpOptions& options) {
  std::string out;
  Dump(out, v, options, 0);
  return out;
}

}  // namespace slapos::jinja
