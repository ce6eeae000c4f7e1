// Jinja2's built-in filters.
#include "build/jinja/filters.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "build/jinja/json_value.h"
#include "build/jinja/methods.h"
#include "build/jinja/ops.h"
#include "build/jinja/pyformat.h"

namespace slapos::jinja {
namespace {

using FilterFn = Value (*)(const Value&, CallArgs&);

std::string LowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Sort/unique key: strings folded to lower case unless case_sensitive.
Value FoldCase(const Value& v, bool case_sensitive) {
  if (!case_sensitive && v.is_string()) return MakeString(LowerAscii(v.s));
  return v;
}

Value Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return MakeString(out);
}

Value Default(const Value& v, CallArgs& a) {
  Value dflt = a.Take(0, "default_value", MakeString(""));
  bool boolean = Truthy(a.Take(1, "boolean", MakeBool(false)));
  if (v.is_undefined() || (boolean && !Truthy(v))) return dflt;
  return v;
}

Value Join(const Value& v, CallArgs& a) {
  std::string sep = Str(a.Take(0, "d", MakeString("")));
  Value attr = a.Take(1, "attribute", MakeNone());
  std::string out;
  bool first = true;
  for (const Value& item : Iterate(v)) {
    if (!first) out += sep;
    first = false;
    out += Str(attr.is_none() ? item : GetDottedAttr(item, attr));
  }
  return MakeString(out);
}

Value ReplaceFilter(const Value& v, CallArgs& a) {
  Value self = MakeString(Str(v));
  CallArgs m;
  m.args = {MakeString(Str(a.Take(0, "old"))), MakeString(Str(a.Take(1, "new")))};
  Value count = a.Take(2, "count", MakeNone());
  if (!count.is_none()) m.args.push_back(count);
  return CallMethod(self, "replace", m);
}

Value IntFilter(const Value& v, CallArgs& a) {
  Value dflt = a.Take(0, "default", MakeInt(0));
  int64_t base = ToInt(a.Take(1, "base", MakeInt(10)), "base");
  if (v.kind == Kind::kInt) return v;
  if (v.kind == Kind::kBool) return MakeInt(v.b);
  if (v.kind == Kind::kFloat) return std::isfinite(v.f) ? MakeInt(static_cast<int64_t>(v.f)) : dflt;
  if (!v.is_string()) return dflt;
  std::string s = PyStrip(v.s, MakeNone(), true, true);
  std::string digits;
  for (char c : s) {
    if (c != '_') digits += c;
  }
  if (digits.empty()) return dflt;
  char* end = nullptr;
  errno = 0;
  long long r = std::strtoll(digits.c_str(), &end, static_cast<int>(base));
  if (*end == '\0' && errno == 0) return MakeInt(r);
  if (base == 10) {
    double d = std::strtod(digits.c_str(), &end);
    if (*end == '\0' && std::isfinite(d)) return MakeInt(static_cast<int64_t>(d));
  }
  return dflt;
}

Value FloatFilter(const Value& v, CallArgs& a) {
  Value dflt = a.Take(0, "default", MakeFloat(0.0));
  if (v.is_number()) return MakeFloat(v.as_double());
  if (!v.is_string()) return dflt;
  std::string s = PyStrip(v.s, MakeNone(), true, true);
  if (s.empty()) return dflt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  return *end == '\0' ? MakeFloat(d) : dflt;
}

List SortedItems(const Value& v, CallArgs& a, bool* reverse_out, bool unique) {
  bool reverse = unique ? false : Truthy(a.Take(0, "reverse", MakeBool(false)));
  bool cs = Truthy(a.Take(unique ? 0 : 1, "case_sensitive", MakeBool(false)));
  Value attr = a.Take(unique ? 1 : 2, "attribute", MakeNone());
  List items = Iterate(v);
  auto key = [&](const Value& x) { return FoldCase(attr.is_none() ? x : GetDottedAttr(x, attr), cs); };
  if (unique) {
    List out, keys;
    for (const Value& x : items) {
      Value k = key(x);
      if (std::none_of(keys.begin(), keys.end(), [&](const Value& seen) { return Equals(seen, k); })) {
        keys.push_back(k);
        out.push_back(x);
      }
    }
    return out;
  }
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    return reverse ? Compare(key(y), key(x)) < 0 : Compare(key(x), key(y)) < 0;
  });
  if (reverse_out) *reverse_out = reverse;
  return items;
}

Value Sort(const Value& v, CallArgs& a) { return MakeList(SortedItems(v, a, nullptr, false)); }
Value Unique(const Value& v, CallArgs& a) { return MakeList(SortedItems(v, a, nullptr, true)); }

Value First(const Value& v, CallArgs&) {
  List items = Iterate(v);
  return items.empty() ? MakeUndefined("No first item, sequence was empty.") : items.front();
}

Value Last(const Value& v, CallArgs&) {
  List items = Iterate(v);
  return items.empty() ? MakeUndefined("No last item, sequence was empty.") : items.back();
}

Value ToJsonFilter(const Value& v, CallArgs& a) {
  JsonDumpOptions o;
  Value indent = a.Take(0, "indent", MakeNone());
  if (!indent.is_none()) o.indent = static_cast<int>(ToInt(indent, "indent"));
  return MakeString(ToJson(v, o));
}

Value Indent(const Value& v, CallArgs& a) {
  Value width = a.Take(0, "width", MakeInt(4));
  bool first = Truthy(a.Take(1, "first", MakeBool(false)));
  bool blank = Truthy(a.Take(2, "blank", MakeBool(false)));
  first = first || Truthy(a.Take(99, "indentfirst", MakeBool(false)));
  std::string pad = width.is_string() ? width.s : std::string(static_cast<size_t>(std::max<int64_t>(0, ToInt(width, "width"))), ' ');
  std::string s = Str(v) + "\n";
  std::vector<std::string> lines = PySplitLines(s, false);
  std::string out;
  for (size_t k = 0; k < lines.size(); ++k) {
    if (k) out += "\n";
    if (k && (blank || !lines[k].empty())) out += pad;
    out += lines[k];
  }
  if (first) out = pad + out;
  return MakeString(out);
}

// select/reject/selectattr/rejectattr share this: keep items whose (attribute's) test result
// equals `keep`. Without a test name, truthiness decides.
Value SelectImpl(const Value& v, CallArgs& a, bool keep, bool by_attr) {
  Value attr;
  size_t first_arg = 0;
  if (by_attr) {
    if (a.args.empty()) Fail("selectattr/rejectattr need an attribute name");
    attr = a.args[0];
    first_arg = 1;
  }
  std::string test = a.args.size() > first_arg ? Str(a.args[first_arg]) : "";
  CallArgs test_args;
  if (a.args.size() > first_arg + 1) test_args.args.assign(a.args.begin() + static_cast<std::ptrdiff_t>(first_arg + 1), a.args.end());
  a.args.clear();
  List out;
  for (const Value& item : Iterate(v)) {
    Value subject = by_attr ? GetDottedAttr(item, attr) : item;
    CallArgs copy = test_args;
    bool ok = test.empty() ? Truthy(subject) : ApplyTest(test, subject, copy);
    if (ok == keep) out.push_back(item);
  }
  return MakeList(std::move(out));
}

Value Select(const Value& v, CallArgs& a) { return SelectImpl(v, a, true, false); }
Value Reject(const Value& v, CallArgs& a) { return SelectImpl(v, a, false, false); }
Value SelectAttr(const Value& v, CallArgs& a) { return SelectImpl(v, a, true, true); }
Value RejectAttr(const Value& v, CallArgs& a) { return SelectImpl(v, a, false, true); }

Value Map(const Value& v, CallArgs& a) {
  Value attr = a.Take(99, "attribute", MakeNone());
  List out;
  if (!attr.is_none()) {
    Value dflt = a.Take(99, "default", MakeUndefined(""));
    for (const Value& item : Iterate(v)) {
      Value x = GetDottedAttr(item, attr);
      out.push_back(x.is_undefined() && !dflt.is_undefined() ? dflt : x);
    }
    return MakeList(std::move(out));
  }
  if (a.args.empty()) Fail("map() needs a filter name or attribute=");
  std::string filter = Str(a.args[0]);
  if (!HasFilter(filter)) Fail("unknown filter '" + filter + "' passed to map()");
  CallArgs rest;
  rest.args.assign(a.args.begin() + 1, a.args.end());
  rest.kwargs = a.kwargs;
  a.args.clear();
  a.kwargs.clear();
  for (const Value& item : Iterate(v)) {
    CallArgs copy = rest;
    out.push_back(ApplyFilter(filter, item, copy));
  }
  return MakeList(std::move(out));
}

Value DictSort(const Value& v, CallArgs& a) {
  bool cs = Truthy(a.Take(0, "case_sensitive", MakeBool(false)));
  std::string by = Str(a.Take(1, "by", MakeString("key")));
  bool reverse = Truthy(a.Take(2, "reverse", MakeBool(false)));
  if (!v.is_dict()) Fail("dictsort needs a dict, not " + TypeName(v));
  if (by != "key" && by != "value") Fail("You can only sort by either \"key\" or \"value\"");
  List items;
  for (const auto& [k, val] : v.dict->items) items.push_back(MakeTuple({k, val}));
  size_t pos = by == "key" ? 0 : 1;
  std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
    int c = Compare(FoldCase((*x.list)[pos], cs), FoldCase((*y.list)[pos], cs));
    return reverse ? c > 0 : c < 0;
  });
  return MakeList(std::move(items));
}

Value Items(const Value& v, CallArgs&) {
  if (v.is_undefined()) return MakeList();
  if (!v.is_dict()) Fail("items filter: can only get item pairs from a mapping, not " + TypeName(v));
  List out;
  for (const auto& [k, val] : v.dict->items) out.push_back(MakeTuple({k, val}));
  return MakeList(std::move(out));
}

Value Round(const Value& v, CallArgs& a) {
  int64_t precision = ToInt(a.Take(0, "precision", MakeInt(0)), "precision");
  std::string method = Str(a.Take(1, "method", MakeString("common")));
  if (method != "common" && method != "ceil" && method != "floor") Fail("method must be common, ceil or floor");
  double x = ToDouble(v, "round's value");
  // Python's round() keeps ints; Jinja2's ceil/floor methods always give floats.
  if (method == "common" && v.kind != Kind::kFloat && precision >= 0) return v;
  double scale = std::pow(10.0, static_cast<double>(precision));
  double scaled = x * scale;
  double r = method == "ceil" ? std::ceil(scaled) : method == "floor" ? std::floor(scaled)
                                                  : std::nearbyint(scaled);  // half to even, as Python
  return MakeFloat(r / scale);
}

Value Format(const Value& v, CallArgs& a) {
  if (!a.kwargs.empty() && !a.args.empty()) Fail("format filter: can't handle positional and keyword arguments at the same time");
  if (!a.kwargs.empty()) {
    Value d = MakeDict();
    for (auto& [k, val] : a.kwargs) d.dict->Set(MakeString(k), val);
    a.kwargs.clear();
    return MakeString(PercentFormat(Str(v), d));
  }
  Value args = MakeTuple(a.args);
  a.args.clear();
  return MakeString(PercentFormat(Str(v), args));
}

Value B64Encode(const Value& v, CallArgs&) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s = Str(v), out;
  for (size_t n = 0; n < s.size(); n += 3) {
    uint32_t chunk = static_cast<unsigned char>(s[n]) << 16;
    if (n + 1 < s.size()) chunk |= static_cast<unsigned char>(s[n + 1]) << 8;
    if (n + 2 < s.size()) chunk |= static_cast<unsigned char>(s[n + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += n + 1 < s.size() ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += n + 2 < s.size() ? kAlphabet[chunk & 63] : '=';
  }
  return MakeString(out);
}

Value MinMax(const Value& v, CallArgs& a, bool max) {
  bool cs = Truthy(a.Take(0, "case_sensitive", MakeBool(false)));
  Value attr = a.Take(1, "attribute", MakeNone());
  List items = Iterate(v);
  if (items.empty()) return MakeUndefined(std::string("No aggregated item, sequence was empty."));
  auto key = [&](const Value& x) { return FoldCase(attr.is_none() ? x : GetDottedAttr(x, attr), cs); };
  const Value* best = &items[0];
  for (const Value& x : items) {
    int c = Compare(key(x), key(*best));
    if (max ? c > 0 : c < 0) best = &x;
  }
  return *best;
}

Value Sum(const Value& v, CallArgs& a) {
  Value attr = a.Take(0, "attribute", MakeNone());
  Value acc = a.Take(1, "start", MakeInt(0));
  for (const Value& x : Iterate(v)) acc = BinaryOp("+", acc, attr.is_none() ? x : GetDottedAttr(x, attr));
  return acc;
}

Value Batch(const Value& v, CallArgs& a) {
  int64_t size = ToInt(a.Take(0, "linecount"), "linecount");
  if (size <= 0) Fail("batch size must be positive");
  Value fill = a.Take(1, "fill_with", MakeNone());
  List out, cur;
  for (const Value& x : Iterate(v)) {
    cur.push_back(x);
    if (static_cast<int64_t>(cur.size()) == size) {
      out.push_back(MakeList(std::move(cur)));
      cur.clear();
    }
  }
  if (!cur.empty()) {
    if (!fill.is_none()) {
      while (static_cast<int64_t>(cur.size()) < size) cur.push_back(fill);
    }
    out.push_back(MakeList(std::move(cur)));
  }
  return MakeList(std::move(out));
}

Value Reverse(const Value& v, CallArgs&) {
  List items = Iterate(v);
  std::reverse(items.begin(), items.end());
  if (v.is_string()) {
    std::string s;
    for (const Value& c : items) s += c.s;
    return MakeString(s);
  }
  return MakeList(std::move(items));
}

Value StrCase(const Value& v, const char* method) {
  Value s = MakeString(Str(v));
  CallArgs none;
  return CallMethod(s, method, none);
}

Value UrlEncode(const Value& v, CallArgs&) {
  std::string out;
  for (unsigned char c : Str(v)) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return MakeString(out);
}

const std::map<std::string, FilterFn>& Filters() {
  static const std::map<std::string, FilterFn> k = {
      {"abs", [](const Value& v, CallArgs&) { return v.kind == Kind::kFloat ? MakeFloat(std::fabs(v.f)) : MakeInt(std::llabs(ToInt(v, "abs's value"))); }},
      {"attr", [](const Value& v, CallArgs& a) {
         // Python attributes only (methods), never dict items, as Jinja2's attr filter.
         std::string name = Str(a.Take(0, "name"));
         if (v.is_dict() && !HasMethod(v, name)) return MakeUndefined("'" + ObjectTypeRepr(v) + "' has no attribute '" + name + "'");
         return GetAttr(v, name);
       }},
      {"batch", Batch},
      {"b64encode", B64Encode},
      {"capitalize", [](const Value& v, CallArgs&) { return StrCase(v, "capitalize"); }},
      {"center", [](const Value& v, CallArgs& a) {
         return MakeString(FormatWithSpec(MakeString(Str(v)), "^" + std::to_string(ToInt(a.Take(0, "width", MakeInt(80)), "width"))));
       }},
      {"count", [](const Value& v, CallArgs&) { return MakeInt(Length(v)); }},
      {"d", Default},
      {"default", Default},
      {"dictsort", DictSort},
      {"e", [](const Value& v, CallArgs&) { return Escape(Str(v)); }},
      {"escape", [](const Value& v, CallArgs&) { return Escape(Str(v)); }},
      {"first", First},
      {"float", FloatFilter},
      {"format", Format},
      {"indent", Indent},
      {"int", IntFilter},
      {"items", Items},
      {"join", Join},
      {"last", Last},
      {"length", [](const Value& v, CallArgs&) { return MakeInt(Length(v)); }},
      {"list", [](const Value& v, CallArgs&) { return MakeList(Iterate(v)); }},
      {"lower", [](const Value& v, CallArgs&) { return StrCase(v, "lower"); }},
      {"map", Map},
      {"max", [](const Value& v, CallArgs& a) { return MinMax(v, a, true); }},
      {"min", [](const Value& v, CallArgs& a) { return MinMax(v, a, false); }},
      {"pprint", [](const Value& v, CallArgs&) { return MakeString(Repr(v)); }},
      {"reject", Reject},
      {"rejectattr", RejectAttr},
      {"replace", ReplaceFilter},
      {"reverse", Reverse},
      {"round", Round},
      {"safe", [](const Value& v, CallArgs&) { return MakeString(Str(v)); }},
      {"select", Select},
      {"selectattr", SelectAttr},
      {"sort", Sort},
      {"string", [](const Value& v, CallArgs&) { return MakeString(Str(v)); }},
      {"sum", Sum},
      {"title", [](const Value& v, CallArgs&) { return StrCase(v, "title"); }},
      {"tojson", ToJsonFilter},
      {"trim", [](const Value& v, CallArgs& a) { return MakeString(PyStrip(Str(v), a.Take(0, "chars", MakeNone()), true, true)); }},
      {"unique", Unique},
      {"upper", [](const Value& v, CallArgs&) { return StrCase(v, "upper"); }},
      {"urlencode", UrlEncode},
      {"wordcount", [](const Value& v, CallArgs&) { return MakeInt(static_cast<int64_t>(PySplit(Str(v), MakeNone(), -1).size())); }},
  };
  return k;
}

}  // namespace

Value GetDottedAttr(const Value& obj, const Value& path) {
  if (!path.is_string()) return GetItem(obj, path);
  Value cur = obj;
  size_t pos = 0;
  for (;;) {
    size_t dot = path.s.find('.', pos);
    std::string part = path.s.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    bool numeric = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    cur = GetItem(cur, numeric ? MakeInt(std::stoll(part)) : MakeString(part));
    if (dot == std::string::npos) return cur;
    if (cur.is_undefined()) return cur;
    pos = dot + 1;
  }
}

bool HasFilter(const std::string& name) { return Filters().count(name) > 0; }

Value ApplyFilter(const std::string& name, const Value& subject, CallArgs& args) {
  auto it = Filters().find(name);
  if (it == Filters().end()) Fail("unknown filter '" + name + "'");
  Value out = it->second(subject, args);
  args.CheckNoExtraKwargs("filter " + name);
  return out;
}

}  // namespace slapos::jinja
