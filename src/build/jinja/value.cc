#include "build/jinja/value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace slapos::jinja {

void Fail(std::string message) { throw TemplateError{std::move(message), false}; }

Value MakeUndefined(std::string message) {
  Value v;
  v.s = std::move(message);
  return v;
}
Value MakeNone() {
  Value v;
  v.kind = Kind::kNone;
  return v;
}
Value MakeBool(bool b) {
  Value v;
  v.kind = Kind::kBool;
  v.b = b;
  return v;
}
Value MakeInt(int64_t i) {
  Value v;
  v.kind = Kind::kInt;
  v.i = i;
  return v;
}
Value MakeFloat(double f) {
  Value v;
  v.kind = Kind::kFloat;
  v.f = f;
  return v;
}
Value MakeString(std::string s) {
  Value v;
  v.kind = Kind::kString;
  v.s = std::move(s);
  return v;
}
Value MakeList(List items) {
  Value v;
  v.kind = Kind::kList;
  v.list = std::make_shared<List>(std::move(items));
  return v;
}
Value MakeTuple(List items) {
  Value v;
  v.kind = Kind::kTuple;
  v.list = std::make_shared<List>(std::move(items));
  return v;
}
Value MakeDict() {
  Value v;
  v.kind = Kind::kDict;
  v.dict = std::make_shared<Dict>();
  return v;
}
Value MakeCallable(std::string name, std::function<Value(CallArgs&)> fn) {
  Value v;
  v.kind = Kind::kCallable;
  v.fn = std::make_shared<Callable>(Callable{std::move(name), std::move(fn)});
  return v;
}

Value CallArgs::Take(size_t pos, const std::string& name, Value fallback) {
  for (auto it = kwargs.begin(); it != kwargs.end(); ++it) {
    if (it->first == name) {
      Value v = std::move(it->second);
      kwargs.erase(it);
      return v;
    }
  }
  if (pos < args.size()) return args[pos];
  return fallback;
}

void CallArgs::CheckNoExtraKwargs(const std::string& callee) const {
  if (!kwargs.empty()) {
    Fail(callee + "() got an unexpected keyword argument '" + kwargs.front().first + "'");
  }
}

const Value* Dict::Find(const Value& key) const {
  auto it = index.find(HashKey(key));
  return it == index.end() ? nullptr : &items[it->second].second;
}

const Value* Dict::FindStr(std::string_view key) const {
  std::string k = "s";
  k += key;
  auto it = index.find(k);
  return it == index.end() ? nullptr : &items[it->second].second;
}

void Dict::Set(const Value& key, Value value) {
  std::string k = HashKey(key);
  auto it = index.find(k);
  if (it != index.end()) {
    items[it->second].second = std::move(value);
    return;
  }
  index.emplace(std::move(k), items.size());
  items.emplace_back(key, std::move(value));
}

bool Dict::Erase(const Value& key) {
  auto it = index.find(HashKey(key));
  if (it == index.end()) return false;
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(it->second));
  index.clear();
  for (size_t n = 0; n < items.size(); ++n) index.emplace(HashKey(items[n].first), n);
  return true;
}

std::string TypeName(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined: return "Undefined";
    case Kind::kNone: return "NoneType";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "str";
    case Kind::kList: return "list";
    case Kind::kTuple: return "tuple";
    case Kind::kDict: return v.dict->is_namespace ? "Namespace" : "dict";
    case Kind::kCallable: return "function";
  }
  return "object";
}

std::string ObjectTypeRepr(const Value& v) {
  if (v.is_none()) return "None";
  return TypeName(v) + " object";
}

bool Truthy(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined:
    case Kind::kNone: return false;
    case Kind::kBool: return v.b;
    case Kind::kInt: return v.i != 0;
    case Kind::kFloat: return v.f != 0;
    case Kind::kString: return !v.s.empty();
    case Kind::kList:
    case Kind::kTuple: return !v.list->empty();
    case Kind::kDict: return !v.dict->items.empty();
    case Kind::kCallable: return true;
  }
  return false;
}

std::string FloatRepr(double f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  if (f == 0) return std::signbit(f) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // "-d.ddde+XX"
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  int exp = std::stoi(sci.substr(e + 1));
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  int decpt = exp + 1;  // digits before the decimal point
  std::string out;
  if (decpt > 16 || decpt < -3) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    out += eb;
  } else if (decpt <= 0) {
    out = "0." + std::string(static_cast<size_t>(-decpt), '0') + digits;
  } else if (static_cast<size_t>(decpt) >= digits.size()) {
    out = digits + std::string(static_cast<size_t>(decpt) - digits.size(), '0') + ".0";
  } else {
    out = digits.substr(0, static_cast<size_t>(decpt)) + "." +
          digits.substr(static_cast<size_t>(decpt));
  }
  return neg ? "-" + out : out;
}

std::string ReprString(std::string_view s) {
  char quote = '\'';
  if (s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos) quote = '"';
  std::string out(1, quote);
  for (unsigned char c : s) {
    if (c == quote || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += quote;
  return out;
}

namespace {
// Bounds the recursion of Repr/Equals over nested (possibly self-containing) containers.
thread_local int g_nesting = 0;
struct NestingGuard {
  NestingGuard() {
    if (++g_nesting > 500) {
      --g_nesting;
      Fail("values nest too deeply (more than 500 levels; does a list or dict contain itself?)");
    }
  }
  ~NestingGuard() { --g_nesting; }
};
}  // namespace

static std::string JoinRepr(const List& items) {
  std::string out;
  for (size_t n = 0; n < items.size(); ++n) {
    if (n) out += ", ";
    out += Repr(items[n]);
  }
  return out;
}

std::string Repr(const Value& v) {
  NestingGuard guard;
  switch (v.kind) {
    case Kind::kString: return ReprString(v.s);
    case Kind::kUndefined: return "Undefined";
    case Kind::kList: return "[" + JoinRepr(*v.list) + "]";
    case Kind::kTuple:
      return "(" + JoinRepr(*v.list) + (v.list->size() == 1 ? ",)" : ")");
    case Kind::kDict: {
      std::string out = v.dict->is_namespace ? "<Namespace {" : "{";
      bool first = true;
      for (const auto& [k, val] : v.dict->items) {
        if (!first) out += ", ";
        first = false;
        out += Repr(k) + ": " + Repr(val);
      }
      return out + (v.dict->is_namespace ? "}>" : "}");
    }
    case Kind::kCallable: return "<function " + v.fn->name + ">";
    default: return Str(v);
  }
}

std::string Str(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined: return "";
    case Kind::kNone: return "None";
    case Kind::kBool: return v.b ? "True" : "False";
    case Kind::kInt: return std::to_string(v.i);
    case Kind::kFloat: return FloatRepr(v.f);
    case Kind::kString: return v.s;
    default: return Repr(v);
  }
}

bool Equals(const Value& a, const Value& b) {
  NestingGuard guard;
  if (a.is_number() && b.is_number()) {
    if (a.kind != Kind::kFloat && b.kind != Kind::kFloat) {
      return (a.kind == Kind::kBool ? a.b : a.i) == (b.kind == Kind::kBool ? b.b : b.i);
    }
    return a.as_double() == b.as_double();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kUndefined:
    case Kind::kNone: return true;
    case Kind::kString: return a.s == b.s;
    case Kind::kList:
    case Kind::kTuple: {
      if (a.list == b.list) return true;
      if (a.list->size() != b.list->size()) return false;
      for (size_t n = 0; n < a.list->size(); ++n) {
        if (!Equals((*a.list)[n], (*b.list)[n])) return false;
      }
      return true;
    }
    case Kind::kDict: {
      if (a.dict == b.dict) return true;
      if (a.dict->items.size() != b.dict->items.size()) return false;
      for (const auto& [k, val] : a.dict->items) {
        const Value* other = b.dict->Find(k);
        if (!other || !Equals(val, *other)) return false;
      }
      return true;
    }
    case Kind::kCallable: return a.fn == b.fn;
    default: return false;
  }
}

int Compare(const Value& a, const Value& b, const char* op) {
  if (a.is_number() && b.is_number()) {
    if (a.kind != Kind::kFloat && b.kind != Kind::kFloat) {
      int64_t x = a.kind == Kind::kBool ? a.b : a.i, y = b.kind == Kind::kBool ? b.b : b.i;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    double x = a.as_double(), y = b.as_double();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) return a.s.compare(b.s) < 0 ? -1 : a.s == b.s ? 0 : 1;
  if (a.kind == b.kind && a.is_sequence()) {
    const List &x = *a.list, &y = *b.list;
    for (size_t n = 0; n < x.size() && n < y.size(); ++n) {
      if (!Equals(x[n], y[n])) return Compare(x[n], y[n], op);
    }
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  Fail(std::string("'") + op + "' not supported between instances of '" + TypeName(a) +
       "' and '" + TypeName(b) + "'");
}

std::string HashKey(const Value& v) {
  switch (v.kind) {
    case Kind::kString: return "s" + v.s;
    case Kind::kInt: return "i" + std::to_string(v.i);
    case Kind::kBool: return v.b ? "i1" : "i0";
    case Kind::kFloat:
      if (std::floor(v.f) == v.f && std::fabs(v.f) < 9e18) {
        return "i" + std::to_string(static_cast<int64_t>(v.f));
      }
      return "f" + FloatRepr(v.f);
    case Kind::kNone: return "n";
    case Kind::kTuple: {
      std::string out = "t(";
      for (const Value& item : *v.list) out += HashKey(item) + "\x1f";
      return out + ")";
    }
    default: Fail("unhashable type: '" + TypeName(v) + "'");
  }
}

// Splits UTF-8 text into code points (invalid bytes stand alone).
static List Utf8Chars(const std::string& s) {
  List out;
  for (size_t n = 0; n < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[n]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (n + len > s.size()) len = 1;
    out.push_back(MakeString(s.substr(n, len)));
    n += len;
  }
  return out;
}

List Iterate(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined: return {};
    case Kind::kList:
    case Kind::kTuple: return *v.list;
    case Kind::kString: return Utf8Chars(v.s);
    case Kind::kDict: {
      List keys;
      keys.reserve(v.dict->items.size());
      for (const auto& item : v.dict->items) keys.push_back(item.first);
      return keys;
    }
    default: Fail("'" + TypeName(v) + "' object is not iterable");
  }
}

int64_t Length(const Value& v) {
  switch (v.kind) {
    case Kind::kUndefined: return 0;
    case Kind::kList:
    case Kind::kTuple: return static_cast<int64_t>(v.list->size());
    case Kind::kDict: return static_cast<int64_t>(v.dict->items.size());
    case Kind::kString: {
      int64_t count = 0;
      for (unsigned char c : v.s) count += (c & 0xC0) != 0x80;
      return count;
    }
    default: Fail("object of type '" + TypeName(v) + "' has no len()");
  }
}

bool Contains(const Value& container, const Value& item) {
  switch (container.kind) {
    case Kind::kUndefined: return false;
    case Kind::kString:
      if (!item.is_string()) {
        Fail("'in <string>' requires string as left operand, not " + TypeName(item));
      }
      return container.s.find(item.s) != std::string::npos;
    case Kind::kList:
    case Kind::kTuple:
      for (const Value& x : *container.list) {
        if (Equals(x, item)) return true;
      }
      return false;
    case Kind::kDict: return container.dict->Find(item) != nullptr;
    default: Fail("argument of type '" + TypeName(container) + "' is not iterable");
  }
}

}  // namespace slapos::jinja
