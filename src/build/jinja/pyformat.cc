#include "build/jinja/pyformat.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "build/jinja/ops.h"

namespace slapos::jinja {
namespace {

std::string Printf(const std::string& spec, double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, spec.c_str(), v);
  return buf;
}

std::string PrintfInt(const std::string& spec, long long v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, spec.c_str(), v);
  return buf;
}

int64_t IntForFormat(const Value& v, char type) {
  if (v.kind == Kind::kInt) return v.i;
  if (v.kind == Kind::kBool) return v.b;
  if (v.kind == Kind::kFloat && type != 'x' && type != 'X' && type != 'o') return static_cast<int64_t>(v.f);
  Fail(std::string("%") + type + " format: " + (type == 'x' || type == 'X' || type == 'o' ? "an integer" : "a real number") +
       " is required, not " + TypeName(v));
}

double FloatForFormat(const Value& v, char type) {
  if (v.is_number()) return v.as_double();
  Fail(std::string("%") + type + " format: a real number is required, not " + TypeName(v));
}

}  // namespace

std::string PercentFormat(std::string_view fmt, const Value& args) {
  List positional;
  const Dict* mapping = nullptr;
  if (args.kind == Kind::kTuple) {
    positional = *args.list;
  } else {
    if (args.is_dict()) mapping = args.dict.get();
    positional.push_back(args);
  }
  size_t next = 0;
  bool used_mapping = false;
  std::string out;
  for (size_t n = 0; n < fmt.size(); ++n) {
    if (fmt[n] != '%') {
      out += fmt[n];
      continue;
    }
    ++n;
    if (n >= fmt.size()) Fail("incomplete format");
    if (fmt[n] == '%') {
      out += '%';
      continue;
    }
    const Value* arg = nullptr;
    if (fmt[n] == '(') {
      size_t close = fmt.find(')', n);
      if (close == std::string_view::npos) Fail("incomplete format key");
      std::string key(fmt.substr(n + 1, close - n - 1));
      if (!mapping) Fail("format requires a mapping");
      arg = mapping->FindStr(key);
      if (!arg) Fail("format key '" + key + "' not found in the mapping");
      used_mapping = true;
      n = close + 1;
    }
    std::string spec = "%";
    while (n < fmt.size() && std::strchr("-+ 0#", fmt[n])) spec += fmt[n++];
    while (n < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[n]))) spec += fmt[n++];
    if (n < fmt.size() && fmt[n] == '.') {
      spec += fmt[n++];
      while (n < fmt.size() && std::isdigit(static_cast<unsigned char>(fmt[n]))) spec += fmt[n++];
    }
    while (n < fmt.size() && std::strchr("hlL", fmt[n])) ++n;
    if (n >= fmt.size()) Fail("incomplete format");
    char type = fmt[n];
    if (!arg) {
      if (next >= positional.size()) Fail("not enough arguments for format string");
      arg = &positional[next++];
    }
    switch (type) {
      case 's':
      case 'r':
      case 'a': {
        std::string text = type == 's' ? Str(*arg) : Repr(*arg);
        std::string s_spec = spec + "s";
        // Width/precision apply to the text; snprintf on a long string is fine.
        int len = std::snprintf(nullptr, 0, s_spec.c_str(), text.c_str());
        std::string res(static_cast<size_t>(len), '\0');
        std::snprintf(res.data(), res.size() + 1, s_spec.c_str(), text.c_str());
        out += res;
        break;
      }
      case 'd':
      case 'i':
      case 'u': out += PrintfInt(spec + "lld", IntForFormat(*arg, type)); break;
      case 'x':
      case 'X':
      case 'o': out += PrintfInt(spec + "ll" + type, IntForFormat(*arg, type)); break;
      case 'c':
        if (arg->is_string()) {
          out += arg->s;
        } else {
          out += static_cast<char>(IntForFormat(*arg, type));
        }
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': out += Printf(spec + type, FloatForFormat(*arg, type)); break;
      default: Fail(std::string("unsupported format character '") + type + "'");
    }
  }
  if (!used_mapping && next < positional.size() && !mapping) {
    Fail("not all arguments converted during string formatting");
  }
  return out;
}

std::string FormatWithSpec(const Value& value, std::string_view spec) {
  size_t n = 0;
  char fill = ' ', align = 0, sign = '-';
  bool alt = false, zero = false;
  std::string grouping;
  auto is_align = [](char c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (spec.size() >= 2 && is_align(spec[1])) {
    fill = spec[0];
    align = spec[1];
    n = 2;
  } else if (!spec.empty() && is_align(spec[0])) {
    align = spec[0];
    n = 1;
  }
  if (n < spec.size() && (spec[n] == '+' || spec[n] == '-' || spec[n] == ' ')) sign = spec[n++];
  if (n < spec.size() && spec[n] == '#') {
    alt = true;
    ++n;
  }
  if (n < spec.size() && spec[n] == '0') {
    zero = true;
    ++n;
  }
  size_t width = 0;
  while (n < spec.size() && std::isdigit(static_cast<unsigned char>(spec[n]))) width = width * 10 + static_cast<size_t>(spec[n++] - '0');
  if (n < spec.size() && (spec[n] == ',' || spec[n] == '_')) grouping = spec[n++];
  int precision = -1;
  if (n < spec.size() && spec[n] == '.') {
    ++n;
    precision = 0;
    while (n < spec.size() && std::isdigit(static_cast<unsigned char>(spec[n]))) precision = precision * 10 + (spec[n++] - '0');
  }
  char type = n < spec.size() ? spec[n++] : 0;
  if (n != spec.size()) Fail("invalid format specifier '" + std::string(spec) + "'");

  std::string body;
  bool numeric = value.is_number() && !(value.kind == Kind::kBool && type == 0);
  if (type == 's' || (type == 0 && !numeric)) {
    if (type == 's' && !value.is_string()) Fail("unknown format code 's' for object of type '" + TypeName(value) + "'");
    body = Str(value);
    if (precision >= 0 && body.size() > static_cast<size_t>(precision)) body.resize(static_cast<size_t>(precision));
  } else {
    if (!value.is_number()) {
      Fail(std::string("unknown format code '") + (type ? type : ' ') + "' for object of type '" + TypeName(value) + "'");
    }
    bool is_int = value.kind != Kind::kFloat;
    std::string printf_spec = "%";
    if (alt) printf_spec += '#';
    if (sign == '+' || sign == ' ') printf_spec += sign;
    if (precision >= 0 && !(is_int && (type == 0 || type == 'd'))) printf_spec += "." + std::to_string(precision);
    switch (type) {
      case 0:
        body = is_int ? std::to_string(value.kind == Kind::kBool ? value.b : value.i) : FloatRepr(value.f);
        if (sign == '+' && value.as_double() >= 0) body = "+" + body;
        if (precision >= 0 && !is_int) body = Printf(printf_spec + "g", value.f);
        break;
      case 'd':
        if (!is_int) Fail("unknown format code 'd' for object of type 'float'");
        body = PrintfInt(printf_spec + "lld", value.kind == Kind::kBool ? value.b : value.i);
        break;
      case 'x':
      case 'X':
      case 'o':
        if (!is_int) Fail(std::string("unknown format code '") + type + "' for object of type 'float'");
        body = PrintfInt(printf_spec + "ll" + type, value.i);
        break;
      case 'b': {
        if (!is_int) Fail("unknown format code 'b' for object of type 'float'");
        uint64_t u = static_cast<uint64_t>(value.i < 0 ? -value.i : value.i);
        do {
          body.insert(body.begin(), static_cast<char>('0' + (u & 1)));
          u >>= 1;
        } while (u);
        if (alt) body = "0b" + body;
        if (value.i < 0) body = "-" + body;
        break;
      }
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G':
        if (precision < 0 && type != 'g' && type != 'G') printf_spec += ".6";
        body = Printf(printf_spec + type, value.as_double());
        break;
      case '%':
        if (precision < 0) printf_spec += ".6";
        body = Printf(printf_spec + "f", value.as_double() * 100) + "%";
        break;
      default: Fail(std::string("unknown format code '") + type + "' for a number");
    }
    if (!grouping.empty()) {
      size_t start = body.find_first_of("0123456789");
      size_t end = body.find_first_not_of("0123456789", start);
      if (end == std::string::npos) end = body.size();
      for (size_t k = end; k > start + 3; k -= 3) body.insert(k - 3, grouping);
    }
    if (zero && !align) {
      fill = '0';
      align = '=';
    }
  }
  size_t len = static_cast<size_t>(Length(MakeString(body)));
  if (len >= width) return body;
  size_t pad = width - len;
  if (!align) align = numeric ? '>' : '<';
  switch (align) {
    case '<': return body + std::string(pad, fill);
    case '^': return std::string(pad / 2, fill) + body + std::string(pad - pad / 2, fill);
    case '=': {
      size_t at = (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
      return body.substr(0, at) + std::string(pad, fill) + body.substr(at);
    }
    default: return std::string(pad, fill) + body;
  }
}

std::string StrFormat(std::string_view fmt, const CallArgs& args) {
  std::string out;
  size_t auto_index = 0;
  for (size_t n = 0; n < fmt.size(); ++n) {
    char c = fmt[n];
    if (c == '}') {
      if (n + 1 < fmt.size() && fmt[n + 1] == '}') ++n;
      else Fail("single '}' encountered in format string");
      out += '}';
      continue;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (n + 1 < fmt.size() && fmt[n + 1] == '{') {
      out += '{';
      ++n;
      continue;
    }
    size_t close = fmt.find('}', n);
    if (close == std::string_view::npos) Fail("single '{' encountered in format string");
    std::string_view field = fmt.substr(n + 1, close - n - 1);
    n = close;
    std::string_view spec;
    char conv = 0;
    if (size_t colon = field.find(':'); colon != std::string_view::npos) {
      spec = field.substr(colon + 1);
      field = field.substr(0, colon);
    }
    if (size_t bang = field.find('!'); bang != std::string_view::npos) {
      if (bang + 1 < field.size()) conv = field[bang + 1];
      field = field.substr(0, bang);
    }
    size_t name_end = field.find_first_of(".[");
    std::string name(field.substr(0, name_end));
    Value v;
    if (name.empty()) {
      if (auto_index >= args.args.size()) Fail("Replacement index " + std::to_string(auto_index) + " out of range for positional args tuple");
      v = args.args[auto_index++];
    } else if (std::isdigit(static_cast<unsigned char>(name[0]))) {
      size_t idx = std::stoul(name);
      if (idx >= args.args.size()) Fail("Replacement index " + name + " out of range for positional args tuple");
      v = args.args[idx];
    } else {
      bool found = false;
      for (const auto& [k, val] : args.kwargs) {
        if (k == name) {
          v = val;
          found = true;
        }
      }
      if (!found) Fail("format(): missing keyword argument '" + name + "'");
    }
    std::string_view rest = name_end == std::string_view::npos ? std::string_view() : field.substr(name_end);
    while (!rest.empty()) {
      if (rest[0] == '.') {
        size_t e = rest.find_first_of(".[", 1);
        v = GetAttr(v, std::string(rest.substr(1, e == std::string_view::npos ? std::string_view::npos : e - 1)));
        rest = e == std::string_view::npos ? std::string_view() : rest.substr(e);
      } else {
        size_t e = rest.find(']');
        if (e == std::string_view::npos) Fail("missing ']' in format string");
        std::string key(rest.substr(1, e - 1));
        long long idx = 0;
        bool numeric = !key.empty() && key.find_first_not_of("0123456789") == std::string::npos;
        if (numeric) idx = std::stoll(key);
        v = GetItem(v, numeric ? MakeInt(idx) : MakeString(key));
        rest = rest.substr(e + 1);
      }
    }
    if (conv == 'r' || conv == 'a') v = MakeString(Repr(v));
    else if (conv == 's') v = MakeString(Str(v));
    out += FormatWithSpec(v, spec);
  }
  return out;
}

}  // namespace slapos::jinja
