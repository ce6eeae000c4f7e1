#include "build/jinja/methods.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "build/jinja/ops.h"
#include "build/jinja/pyformat.h"

namespace slapos::jinja {
namespace {

const std::set<std::string>& DictMethods() {
  static const std::set<std::string> k = {"get", "items", "keys", "values", "update", "setdefault", "pop", "copy", "clear",
                                          "__setitem__", "__getitem__", "__contains__"};
  return k;
}
const std::set<std::string>& ListMethods() {
  static const std::set<std::string> k = {"append", "extend", "index", "insert", "pop", "remove", "count", "reverse", "copy", "sort", "clear"};
  return k;
}
const std::set<std::string>& TupleMethods() {
  static const std::set<std::string> k = {"index", "count"};
  return k;
}
const std::set<std::string>& StrMethods() {
  static const std::set<std::string> k = {
      "split", "rsplit", "strip", "lstrip", "rstrip", "startswith", "endswith", "replace", "format",
      "join", "upper", "lower", "splitlines", "find", "rfind", "count", "title", "capitalize",
      "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper", "zfill", "partition",
      "rpartition", "center", "ljust", "rjust", "index", "encode", "decode"};
  return k;
}

void ArgCount(const CallArgs& args, const std::string& name, size_t min, size_t max) {
  if (args.args.size() < min || args.args.size() > max) {
    Fail(name + "() takes " + (min == max ? std::to_string(min) : std::to_string(min) + " to " + std::to_string(max)) +
         " argument(s) (" + std::to_string(args.args.size()) + " given)");
  }
}

const std::string& StrArg(const Value& v, const std::string& method) {
  if (!v.is_string()) Fail(method + "() argument must be str, not " + TypeName(v));
  return v.s;
}

bool IsWs(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

Value AffixTest(const std::string& s, const Value& affix, bool prefix, const std::string& method) {
  auto test = [&](const std::string& a) {
    if (a.size() > s.size()) return false;
    return prefix ? s.compare(0, a.size(), a) == 0 : s.compare(s.size() - a.size(), a.size(), a) == 0;
  };
  if (affix.kind == Kind::kTuple) {
    for (const Value& a : *affix.list) {
      if (test(StrArg(a, method))) return MakeBool(true);
    }
    return MakeBool(false);
  }
  return MakeBool(test(StrArg(affix, method)));
}

Value StrMethod(const std::string& s, const std::string& name, CallArgs& args) {
  std::string full = "str." + name;
  if (name == "split" || name == "rsplit") {
    Value sep = args.Take(0, "sep", MakeNone());
    Value maxsplit = args.Take(1, "maxsplit", MakeInt(-1));
    if (name == "rsplit" && ToInt(maxsplit, "maxsplit") >= 0) {
      // rsplit with a limit: split everything then re-join the leftmost extra pieces.
      List all = PySplit(s, sep, -1);
      int64_t limit = ToInt(maxsplit, "maxsplit");
      if (static_cast<int64_t>(all.size()) <= limit + 1) return MakeList(std::move(all));
      if (sep.is_none()) Fail("rsplit() with maxsplit and no separator is not supported");
      size_t keep = all.size() - static_cast<size_t>(limit);
      std::string head;
      for (size_t k = 0; k < keep; ++k) head += (k ? sep.s : "") + all[k].s;
      List out{MakeString(head)};
      out.insert(out.end(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end());
      return MakeList(std::move(out));
    }
    return MakeList(PySplit(s, sep, ToInt(maxsplit, "maxsplit")));
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    ArgCount(args, full, 0, 1);
    Value chars = args.args.empty() ? MakeNone() : args.args[0];
    return MakeString(PyStrip(s, chars, name != "rstrip", name != "lstrip"));
  }
  if (name == "startswith" || name == "endswith") {
    ArgCount(args, full, 1, 1);
    return AffixTest(s, args.args[0], name == "startswith", full);
  }
  if (name == "replace") {
    ArgCount(args, full, 2, 3);
    const std::string& from = StrArg(args.args[0], full);
    const std::string& to = StrArg(args.args[1], full);
    int64_t count = args.args.size() > 2 ? ToInt(args.args[2], "count") : -1;
    std::string out;
    size_t pos = 0;
    if (from.empty()) {
      List chars = Iterate(MakeString(s));
      for (size_t k = 0; k < chars.size(); ++k) {
        if (count < 0 || static_cast<int64_t>(k) < count) out += to;
        out += chars[k].s;
      }
      if (count < 0 || static_cast<int64_t>(chars.size()) < count) out += to;
      return MakeString(out);
    }
    for (int64_t done = 0; count < 0 || done < count; ++done) {
      size_t at = s.find(from, pos);
      if (at == std::string::npos) break;
      out.append(s, pos, at - pos);
      out += to;
      pos = at + from.size();
    }
    out.append(s, pos);
    return MakeString(out);
  }
  if (name == "format") {
    Value out = MakeString(StrFormat(s, args));
    args.kwargs.clear();  // consumed as named fields
    return out;
  }
  if (name == "join") {
    ArgCount(args, full, 1, 1);
    std::string out;
    bool first = true;
    for (const Value& item : Iterate(args.args[0])) {
      if (!item.is_string()) Fail("sequence item: expected str instance, " + TypeName(item) + " found");
      if (!first) out += s;
      first = false;
      out += item.s;
    }
    return MakeString(out);
  }
  if (name == "upper" || name == "lower") {
    std::string out = s;
    for (char& c : out) c = static_cast<char>(name == "upper" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
    return MakeString(out);
  }
  if (name == "title" || name == "capitalize") {
    std::string out = s;
    bool start = true;
    for (size_t k = 0; k < out.size(); ++k) {
      unsigned char c = static_cast<unsigned char>(out[k]);
      if (name == "capitalize") {
        out[k] = static_cast<char>(k == 0 ? std::toupper(c) : std::tolower(c));
      } else {
        out[k] = static_cast<char>(start ? std::toupper(c) : std::tolower(c));
        start = !std::isalpha(c);
      }
    }
    return MakeString(out);
  }
  if (name == "splitlines") {
    bool keepends = Truthy(args.Take(0, "keepends", MakeBool(false)));
    List out;
    for (auto& line : PySplitLines(s, keepends)) out.push_back(MakeString(line));
    return MakeList(std::move(out));
  }
  if (name == "find" || name == "rfind" || name == "index") {
    ArgCount(args, full, 1, 1);
    const std::string& sub = StrArg(args.args[0], full);
    size_t at = name == "rfind" ? s.rfind(sub) : s.find(sub);
    if (at == std::string::npos && name == "index") Fail("substring not found");
    return MakeInt(at == std::string::npos ? -1 : static_cast<int64_t>(at));
  }
  if (name == "count") {
    ArgCount(args, full, 1, 1);
    const std::string& sub = StrArg(args.args[0], full);
    if (sub.empty()) return MakeInt(Length(MakeString(s)) + 1);
    int64_t n = 0;
    for (size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) ++n;
    return MakeInt(n);
  }
  if (name.rfind("is", 0) == 0) {
    if (s.empty()) return MakeBool(false);
    bool has_cased = false;
    for (unsigned char c : s) {
      bool ok = name == "isdigit" ? std::isdigit(c) : name == "isalpha" ? std::isalpha(c)
              : name == "isalnum" ? std::isalnum(c) : name == "isspace" ? std::isspace(c)
              : name == "islower" ? !std::isupper(c) : !std::islower(c);
      if (std::isalpha(c)) has_cased = true;
      if (!ok) return MakeBool(false);
    }
    if (name == "islower" || name == "isupper") return MakeBool(has_cased);
    return MakeBool(true);
  }
  if (name == "zfill") {
    ArgCount(args, full, 1, 1);
    int64_t width = ToInt(args.args[0], "width");
    int64_t len = static_cast<int64_t>(s.size());
    if (len >= width) return MakeString(s);
    size_t sign = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    return MakeString(s.substr(0, sign) + std::string(static_cast<size_t>(width - len), '0') + s.substr(sign));
  }
  if (name == "partition" || name == "rpartition") {
    ArgCount(args, full, 1, 1);
    const std::string& sep = StrArg(args.args[0], full);
    if (sep.empty()) Fail("empty separator");
    size_t at = name == "partition" ? s.find(sep) : s.rfind(sep);
    if (at == std::string::npos) {
      return name == "partition" ? MakeTuple({MakeString(s), MakeString(""), MakeString("")})
                                 : MakeTuple({MakeString(""), MakeString(""), MakeString(s)});
    }
    return MakeTuple({MakeString(s.substr(0, at)), MakeString(sep), MakeString(s.substr(at + sep.size()))});
  }
  if (name == "center" || name == "ljust" || name == "rjust") {
    ArgCount(args, full, 1, 2);
    std::string fill = args.args.size() > 1 ? StrArg(args.args[1], full) : " ";
    std::string spec = fill + (name == "center" ? "^" : name == "ljust" ? "<" : ">") + std::to_string(ToInt(args.args[0], "width"));
    return MakeString(FormatWithSpec(MakeString(s), spec));
  }
  if (name == "encode" || name == "decode") return MakeString(s);  // text is UTF-8 throughout
  Fail("'str' object has no attribute '" + name + "'");
}

int64_t IndexOf(const List& items, const Value& x) {
  for (size_t k = 0; k < items.size(); ++k) {
    if (Equals(items[k], x)) return static_cast<int64_t>(k);
  }
  return -1;
}

Value ListMethod(Value& obj, const std::string& name, CallArgs& args) {
  List& items = *obj.list;
  std::string full = TypeName(obj) + "." + name;
  if (name == "append") {
    ArgCount(args, full, 1, 1);
    items.push_back(args.args[0]);
  } else if (name == "extend") {
    ArgCount(args, full, 1, 1);
    List more = Iterate(args.args[0]);
    items.insert(items.end(), more.begin(), more.end());
  } else if (name == "index") {
    ArgCount(args, full, 1, 1);
    int64_t at = IndexOf(items, args.args[0]);
    if (at < 0) Fail(Repr(args.args[0]) + " is not in " + TypeName(obj));
    return MakeInt(at);
  } else if (name == "count") {
    ArgCount(args, full, 1, 1);
    return MakeInt(std::count_if(items.begin(), items.end(), [&](const Value& v) { return Equals(v, args.args[0]); }));
  } else if (name == "insert") {
    ArgCount(args, full, 2, 2);
    int64_t at = ToInt(args.args[0], "index"), size = static_cast<int64_t>(items.size());
    if (at < 0) at = std::max<int64_t>(0, at + size);
    at = std::min(at, size);
    items.insert(items.begin() + at, args.args[1]);
  } else if (name == "pop") {
    ArgCount(args, full, 0, 1);
    if (items.empty()) Fail("pop from empty list");
    int64_t at = args.args.empty() ? -1 : ToInt(args.args[0], "index"), size = static_cast<int64_t>(items.size());
    if (at < 0) at += size;
    if (at < 0 || at >= size) Fail("pop index out of range");
    Value v = items[static_cast<size_t>(at)];
    items.erase(items.begin() + at);
    return v;
  } else if (name == "remove") {
    ArgCount(args, full, 1, 1);
    int64_t at = IndexOf(items, args.args[0]);
    if (at < 0) Fail("list.remove(x): x not in list");
    items.erase(items.begin() + at);
  } else if (name == "reverse") {
    std::reverse(items.begin(), items.end());
  } else if (name == "sort") {
    bool reverse = Truthy(args.Take(99, "reverse", MakeBool(false)));
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
      return reverse ? Compare(b, a) < 0 : Compare(a, b) < 0;
    });
  } else if (name == "copy") {
    return MakeList(items);
  } else if (name == "clear") {
    items.clear();
  }
  return MakeNone();
}

Value DictMethod(Value& obj, const std::string& name, CallArgs& args) {
  Dict& d = *obj.dict;
  std::string full = "dict." + name;
  if (name == "get") {
    ArgCount(args, full, 1, 2);
    const Value* v = d.Find(args.args[0]);
    return v ? *v : args.args.size() > 1 ? args.args[1] : MakeNone();
  }
  if (name == "items" || name == "keys" || name == "values") {
    ArgCount(args, full, 0, 0);
    List out;
    out.reserve(d.items.size());
    for (const auto& [k, v] : d.items) {
      out.push_back(name == "items" ? MakeTuple({k, v}) : name == "keys" ? k : v);
    }
    return MakeList(std::move(out));
  }
  if (name == "update") {
    ArgCount(args, full, 0, 1);
    if (!args.args.empty()) {
      const Value& other = args.args[0];
      if (other.is_dict()) {
        auto copy = other.dict->items;  // other may be d itself
        for (auto& [k, v] : copy) d.Set(k, v);
      } else {
        for (const Value& pair : Iterate(other)) {
          List kv = Iterate(pair);
          if (kv.size() != 2) Fail("dictionary update sequence element has length " + std::to_string(kv.size()) + "; 2 is required");
          d.Set(kv[0], kv[1]);
        }
      }
    }
    for (auto& [k, v] : args.kwargs) d.Set(MakeString(k), v);
    args.kwargs.clear();
    return MakeNone();
  }
  if (name == "setdefault") {
    ArgCount(args, full, 1, 2);
    if (const Value* v = d.Find(args.args[0])) return *v;
    Value dflt = args.args.size() > 1 ? args.args[1] : MakeNone();
    d.Set(args.args[0], dflt);
    return dflt;
  }
  if (name == "pop") {
    ArgCount(args, full, 1, 2);
    if (const Value* v = d.Find(args.args[0])) {
      Value out = *v;
      d.Erase(args.args[0]);
      return out;
    }
    if (args.args.size() > 1) return args.args[1];
    Fail("KeyError: " + Repr(args.args[0]));
  }
  if (name == "__setitem__") {
    ArgCount(args, full, 2, 2);
    d.Set(args.args[0], args.args[1]);
    return MakeNone();
  }
  if (name == "__getitem__") {
    ArgCount(args, full, 1, 1);
    if (const Value* v = d.Find(args.args[0])) return *v;
    Fail("KeyError: " + Repr(args.args[0]));
  }
  if (name == "__contains__") {
    ArgCount(args, full, 1, 1);
    return MakeBool(d.Find(args.args[0]) != nullptr);
  }
  if (name == "copy") {
    Value copy = MakeDict();
    *copy.dict = d;
    copy.dict->is_namespace = false;
    return copy;
  }
  if (name == "clear") {
    d.items.clear();
    d.index.clear();
  }
  return MakeNone();
}

}  // namespace

bool HasMethod(const Value& obj, const std::string& name) {
  switch (obj.kind) {
    case Kind::kString: return StrMethods().count(name) > 0;
    case Kind::kList: return ListMethods().count(name) > 0;
    case Kind::kTuple: return TupleMethods().count(name) > 0;
    case Kind::kDict: return !obj.dict->is_namespace && DictMethods().count(name) > 0;
    default: return false;
  }
}

Value CallMethod(Value& obj, const std::string& name, CallArgs& args) {
  Value out;
  switch (obj.kind) {
    case Kind::kString: out = StrMethod(obj.s, name, args); break;
    case Kind::kList:
    case Kind::kTuple: out = ListMethod(obj, name, args); break;
    case Kind::kDict: out = DictMethod(obj, name, args); break;
    default: Fail("'" + TypeName(obj) + "' object has no attribute '" + name + "'");
  }
  args.CheckNoExtraKwargs(TypeName(obj) + "." + name);
  return out;
}

List PySplit(const std::string& s, const Value& sep, int64_t maxsplit) {
  List out;
  if (sep.is_none() || sep.is_undefined()) {
    size_t n = 0;
    while (n < s.size() && IsWs(s[n])) ++n;
    while (n < s.size()) {
      if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
        size_t end = s.size();
        while (end > n && IsWs(s[end - 1])) --end;
        out.push_back(MakeString(s.substr(n, end - n)));
        return out;
      }
      size_t start = n;
      while (n < s.size() && !IsWs(s[n])) ++n;
      out.push_back(MakeString(s.substr(start, n - start)));
      while (n < s.size() && IsWs(s[n])) ++n;
    }
    return out;
  }
  const std::string& d = StrArg(sep, "str.split");
  if (d.empty()) Fail("empty separator");
  size_t pos = 0;
  for (;;) {
    size_t at = s.find(d, pos);
    if (at == std::string::npos || (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit)) {
      out.push_back(MakeString(s.substr(pos)));
      return out;
    }
    out.push_back(MakeString(s.substr(pos, at - pos)));
    pos = at + d.size();
  }
}

std::string PyStrip(const std::string& s, const Value& chars, bool left, bool right) {
  auto strip = [&](char c) {
    if (chars.is_none() || chars.is_undefined()) return IsWs(c);
    return StrArg(chars, "str.strip").find(c) != std::string::npos;
  };
  size_t b = 0, e = s.size();
  if (left) {
    while (b < e && strip(s[b])) ++b;
  }
  if (right) {
    while (e > b && strip(s[e - 1])) --e;
  }
  return s.substr(b, e - b);
}

std::vector<std::string> PySplitLines(const std::string& s, bool keepends) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t n = 0; n < s.size(); ++n) {
    char c = s[n];
    if (c != '\n' && c != '\r' && c != '\v' && c != '\f' && c != '\x1c' && c != '\x1d' && c != '\x1e') continue;
    size_t end = n;
    if (c == '\r' && n + 1 < s.size() && s[n + 1] == '\n') ++n;
    out.push_back(s.substr(start, (keepends ? n + 1 : end) - start));
    start = n + 1;
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

}  // namespace slapos::jinja
