#include "build/lang/condition.h"

#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cctype>
#include <regex>
#include <vector>

#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::lang {

namespace {

struct Value {
  enum Kind { kNone, kBool, kInt, kStr, kTuple, kDict, kModule, kFunc, kFile } kind = kNone;
  bool b = false;
  long long i = 0;
  std::string s;          // string, module/function name, file path
  bool version = false;   // a PEP 508 marker variable: compared as a version
  std::vector<Value> items;
  std::map<std::string, Value> dict;
};

Value None() { return Value{}; }
Value Bool(bool b) { Value v; v.kind = Value::kBool; v.b = b; return v; }
Value Int(long long i) { Value v; v.kind = Value::kInt; v.i = i; return v; }
Value Str(std::string s, bool version = false) {
  Value v; v.kind = Value::kStr; v.s = std::move(s); v.version = version; return v;
}
Value Named(Value::Kind k, std::string name) { Value v; v.kind = k; v.s = std::move(name); return v; }

bool Truthy(const Value& v) {
  switch (v.kind) {
    case Value::kNone: return false;
    case Value::kBool: return v.b;
    case Value::kInt: return v.i != 0;
    case Value::kStr: return !v.s.empty();
    case Value::kTuple: return !v.items.empty();
    case Value::kDict: return !v.dict.empty();
    default: return true;
  }
}

std::string Repr(const Value& v) {
  switch (v.kind) {
    case Value::kNone: return "None";
    case Value::kBool: return v.b ? "True" : "False";
    case Value::kInt: return std::to_string(v.i);
    case Value::kStr: return "'" + v.s + "'";
    case Value::kTuple: {
      std::vector<std::string> parts;
      for (const Value& x : v.items) parts.push_back(Repr(x));
      return "(" + Join(parts, ", ") + ")";
    }
    case Value::kDict: return "{...}";
    default: return v.s;
  }
}

// Splits "3.11.2" into numbers; false when it is not a dotted number.
bool ParseVersion(const std::string& s, std::vector<long long>* out) {
  if (s.empty()) return false;
  for (const std::string& p : Split(s, '.')) {
    long long n;
    if (!ParseInt64(p, &n) || n < 0) return false;
    out->push_back(n);
  }
  return true;
}

struct Token {
  enum Kind { kEnd, kName, kInt, kStr, kOp } kind = kEnd;
  std::string text;
};

class Evaluator {
 public:
  Evaluator(std::string_view src, const ConditionEnv& env) : src_(src), env_(env) {}

  Result<bool> Run() {
    Status st = Tokenize();
    if (!st.ok()) return st;
    Result<Value> v = Or();
    if (!v.ok()) return v.status();
    if (Peek().kind != Token::kEnd) return Error("unexpected '" + Peek().text + "'");
    return Truthy(*v);
  }

 private:
  Status Error(const std::string& what) const { return InvalidArgument(what); }

  Status Tokenize() {
    size_t i = 0;
    while (i < src_.size()) {
      char c = src_[i];
      if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < src_.size() && (std::isalnum(static_cast<unsigned char>(src_[j])) || src_[j] == '_')) ++j;
        tokens_.push_back({Token::kName, std::string(src_.substr(i, j - i))});
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        size_t j = i;
        while (j < src_.size() && std::isdigit(static_cast<unsigned char>(src_[j]))) ++j;
        tokens_.push_back({Token::kInt, std::string(src_.substr(i, j - i))});
        i = j;
      } else if (c == '\'' || c == '"') {
        std::string s;
        size_t j = i + 1;
        for (; j < src_.size() && src_[j] != c; ++j) {
          if (src_[j] == '\\' && j + 1 < src_.size()) {
            char e = src_[++j];
            if (e == 'x' && j + 2 < src_.size()) {
              s += static_cast<char>(std::stoi(std::string(src_.substr(j + 1, 2)), nullptr, 16));
              j += 2;
            } else if (e == 'n') {
              s += '\n';
            } else if (e == 't') {
              s += '\t';
            } else {
              s += e;
            }
          } else {
            s += src_[j];
          }
        }
        if (j >= src_.size()) return Error("unterminated string");
        tokens_.push_back({Token::kStr, s});
        i = j + 1;
      } else {
        static const char* kOps[] = {"==", "!=", "<=", ">=", "~=", "<", ">", "(", ")", "[", "]", ",", ".", ":"};
        bool found = false;
        for (const char* op : kOps) {
          std::string_view o(op);
          if (src_.substr(i, o.size()) == o) {
            tokens_.push_back({Token::kOp, std::string(o)});
            i += o.size();
            found = true;
            break;
          }
        }
        if (!found) return Error(std::string("unexpected character '") + c + "'");
      }
    }
    tokens_.push_back({Token::kEnd, "end of expression"});
    return Status::OK();
  }

  const Token& Peek(size_t k = 0) const { return tokens_[std::min(pos_ + k, tokens_.size() - 1)]; }
  bool IsOp(const char* op, size_t k = 0) const { return Peek(k).kind == Token::kOp && Peek(k).text == op; }
  bool IsName(const char* n, size_t k = 0) const { return Peek(k).kind == Token::kName && Peek(k).text == n; }
  Status Expect(const char* op) {
    if (!IsOp(op)) return Error(std::string("expected '") + op + "' before '" + Peek().text + "'");
    ++pos_;
    return Status::OK();
  }

  Result<Value> Or() {
    SLAPOS_ASSIGN_OR_RETURN(Value left, And());
    while (IsName("or")) {
      ++pos_;
      SLAPOS_ASSIGN_OR_RETURN(Value right, And());
      left = Truthy(left) ? left : right;
    }
    return left;
  }
  Result<Value> And() {
    SLAPOS_ASSIGN_OR_RETURN(Value left, Not());
    while (IsName("and")) {
      ++pos_;
      SLAPOS_ASSIGN_OR_RETURN(Value right, Not());
      left = Truthy(left) ? right : left;
    }
    return left;
  }
  Result<Value> Not() {
    if (IsName("not")) {
      ++pos_;
      SLAPOS_ASSIGN_OR_RETURN(Value v, Not());
      return Bool(!Truthy(v));
    }
    return Comparison();
  }

  Result<Value> Comparison() {
    SLAPOS_ASSIGN_OR_RETURN(Value left, Primary());
    bool result = true;
    bool any = false;
    for (;;) {
      std::string op;
      if (Peek().kind == Token::kOp && (Peek().text == "==" || Peek().text == "!=" || Peek().text == "<" ||
                                        Peek().text == "<=" || Peek().text == ">" || Peek().text == ">=" ||
                                        Peek().text == "~=")) {
        op = Peek().text;
        ++pos_;
      } else if (IsName("in")) {
        op = "in";
        ++pos_;
      } else if (IsName("not") && IsName("in", 1)) {
        op = "not in";
        pos_ += 2;
      } else if (IsName("is") && IsName("not", 1)) {
        op = "!=";
        pos_ += 2;
      } else if (IsName("is")) {
        op = "==";
        ++pos_;
      } else {
        break;
      }
      SLAPOS_ASSIGN_OR_RETURN(Value right, Primary());
      SLAPOS_ASSIGN_OR_RETURN(bool r, Compare(left, op, right));
      result = result && r;
      any = true;
      left = right;
    }
    if (!any) return left;
    return Bool(result);
  }

  // <0, 0, >0; error when the two cannot be ordered.
  Result<int> Order(const Value& a, const Value& b) {
    if ((a.kind == Value::kInt || a.kind == Value::kBool) && (b.kind == Value::kInt || b.kind == Value::kBool)) {
      long long x = a.kind == Value::kBool ? a.b : a.i, y = b.kind == Value::kBool ? b.b : b.i;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.kind == Value::kStr && b.kind == Value::kStr) {
      std::vector<long long> va, vb;
      if ((a.version || b.version) && ParseVersion(a.s, &va) && ParseVersion(b.s, &vb)) {
        size_t n = std::max(va.size(), vb.size());
        va.resize(n, 0);
        vb.resize(n, 0);
        return va < vb ? -1 : va > vb ? 1 : 0;
      }
      return a.s < b.s ? -1 : a.s > b.s ? 1 : 0;
    }
    if (a.kind == Value::kTuple && b.kind == Value::kTuple) {
      for (size_t k = 0; k < a.items.size() && k < b.items.size(); ++k) {
        SLAPOS_ASSIGN_OR_RETURN(int c, Order(a.items[k], b.items[k]));
        if (c != 0) return c;
      }
      return a.items.size() < b.items.size() ? -1 : a.items.size() > b.items.size() ? 1 : 0;
    }
    return Error("cannot compare " + Repr(a) + " with " + Repr(b));
  }

  bool Equal(const Value& a, const Value& b) {
    if (a.kind != b.kind) {
      bool na = a.kind == Value::kInt || a.kind == Value::kBool, nb = b.kind == Value::kInt || b.kind == Value::kBool;
      if (na && nb) return (a.kind == Value::kBool ? a.b : a.i) == (b.kind == Value::kBool ? b.b : b.i);
      return false;
    }
    if (a.kind == Value::kStr || a.kind == Value::kInt || a.kind == Value::kBool || a.kind == Value::kNone ||
        a.kind == Value::kTuple) {
      Result<int> o = Order(a, b);
      if (a.kind == Value::kNone) return true;
      return o.ok() && *o == 0;
    }
    return a.s == b.s;
  }

  Result<bool> Compare(const Value& a, const std::string& op, const Value& b) {
    if (op == "==") return Equal(a, b);
    if (op == "!=") return !Equal(a, b);
    if (op == "in" || op == "not in") {
      bool in = false;
      if (b.kind == Value::kStr && a.kind == Value::kStr) {
        in = b.s.find(a.s) != std::string::npos;
      } else if (b.kind == Value::kTuple) {
        for (const Value& x : b.items) in = in || Equal(a, x);
      } else if (b.kind == Value::kDict && a.kind == Value::kStr) {
        in = b.dict.count(a.s) > 0;
      } else {
        return Error("'in' needs a string, tuple, list or dict on its right, not " + Repr(b));
      }
      return op == "in" ? in : !in;
    }
    if (op == "~=") {  // PEP 440 compatible release: >= v and == v with the last part dropped
      std::vector<long long> va, vb;
      if (!ParseVersion(a.s, &va) || !ParseVersion(b.s, &vb) || vb.size() < 2)
        return Error("'~=' needs versions, got " + Repr(a) + " and " + Repr(b));
      std::vector<long long> prefix(vb.begin(), vb.end() - 1);
      std::vector<long long> head(va.begin(), va.begin() + std::min(va.size(), prefix.size()));
      SLAPOS_ASSIGN_OR_RETURN(int c, Order(Str(a.s, true), Str(b.s, true)));
      return c >= 0 && head == prefix;
    }
    SLAPOS_ASSIGN_OR_RETURN(int c, Order(a, b));
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
  }

  Result<Value> Primary() {
    SLAPOS_ASSIGN_OR_RETURN(Value v, Atom());
    for (;;) {
      if (IsOp(".")) {
        ++pos_;
        if (Peek().kind != Token::kName) return Error("expected a name after '.'");
        std::string attr = Peek().text;
        ++pos_;
        SLAPOS_ASSIGN_OR_RETURN(v, Attribute(v, attr));
      } else if (IsOp("(")) {
        ++pos_;
        std::vector<Value> args;
        while (!IsOp(")")) {
          SLAPOS_ASSIGN_OR_RETURN(Value a, Or());
          args.push_back(std::move(a));
          if (!IsOp(",")) break;
          ++pos_;
        }
        SLAPOS_RETURN_IF_ERROR(Expect(")"));
        SLAPOS_ASSIGN_OR_RETURN(v, Call(v, args));
      } else if (IsOp("[")) {
        ++pos_;
        SLAPOS_ASSIGN_OR_RETURN(Value index, Or());
        SLAPOS_RETURN_IF_ERROR(Expect("]"));
        if (v.kind == Value::kDict && index.kind == Value::kStr) {
          auto it = v.dict.find(index.s);
          if (it == v.dict.end()) return Error("KeyError: " + Repr(index));
          v = it->second;
        } else if ((v.kind == Value::kTuple || v.kind == Value::kStr) && index.kind == Value::kInt) {
          long long n = static_cast<long long>(v.kind == Value::kTuple ? v.items.size() : v.s.size());
          long long k = index.i < 0 ? index.i + n : index.i;
          if (k < 0 || k >= n) return Error("IndexError: index " + std::to_string(index.i) + " out of range");
          v = v.kind == Value::kTuple ? v.items[k] : Str(std::string(1, v.s[k]));
        } else {
          return Error("cannot index " + Repr(v) + " with " + Repr(index));
        }
      } else {
        return v;
      }
    }
  }

  Result<Value> Atom() {
    Token t = Peek();
    ++pos_;
    switch (t.kind) {
      case Token::kInt: {
        long long n = 0;
        ParseInt64(t.text, &n);
        return Int(n);
      }
      case Token::kStr: {
        std::string s = t.text;
        while (Peek().kind == Token::kStr) s += tokens_[pos_++].text;
        return Str(s);
      }
      case Token::kName: return Name(t.text);
      case Token::kOp:
        if (t.text == "(" || t.text == "[") {
          const char* close = t.text == "(" ? ")" : "]";
          Value tuple;
          tuple.kind = Value::kTuple;
          bool comma = t.text == "[";
          while (!IsOp(close)) {
            SLAPOS_ASSIGN_OR_RETURN(Value item, Or());
            tuple.items.push_back(std::move(item));
            if (!IsOp(",")) break;
            comma = true;
            ++pos_;
          }
          SLAPOS_RETURN_IF_ERROR(Expect(close));
          if (!comma && tuple.items.size() == 1) return tuple.items[0];
          return tuple;
        }
        return Error("unexpected '" + t.text + "'");
      case Token::kEnd: return Error("unexpected end of expression");
    }
    return Error("unexpected '" + t.text + "'");
  }

  std::string PythonVersion() const {
    return std::to_string(env_.python_major) + "." + std::to_string(env_.python_minor);
  }

  Result<Value> Name(const std::string& n) {
    if (n == "True") return Bool(true);
    if (n == "False") return Bool(false);
    if (n == "None") return None();
    if (n == "sys" || n == "os" || n == "platform" || n == "re") return Named(Value::kModule, n);
    if (n == "open" || n == "len" || n == "str" || n == "int") return Named(Value::kFunc, n);
    // PEP 508 marker variables.
    if (n == "python_version") return Str(PythonVersion(), true);
    if (n == "python_full_version" || n == "implementation_version")
      return Str(PythonVersion() + "." + std::to_string(env_.python_micro), true);
    if (n == "os_name") return Str("posix");
    if (n == "sys_platform") return Str(env_.sys_platform);
    if (n == "platform_machine") return Str(env_.machine);
    if (n == "platform_system") return Str(env_.system);
    if (n == "platform_python_implementation") return Str("CPython");
    if (n == "implementation_name") return Str("cpython");
    // Buildout's own flags.
    if (n == "python2") return Bool(env_.python_major == 2);
    if (n == "python3") return Bool(env_.python_major == 3);
    if (StartsWith(n, "python") && n.size() >= 8) {
      std::string digits = n.substr(6);
      long long v;
      if (ParseInt64(digits, &v)) {
        int major = digits[0] - '0';
        long long minor;
        ParseInt64(digits.substr(1), &minor);
        return Bool(major == env_.python_major && minor == env_.python_minor);
      }
    }
    if (n == "cpython") return Bool(true);
    if (n == "pypy" || n == "jython" || n == "ironpython") return Bool(false);
    if (n == "linux") return Bool(StartsWith(env_.sys_platform, "linux"));
    if (n == "windows") return Bool(env_.sys_platform == "win32");
    if (n == "cygwin") return Bool(env_.sys_platform == "cygwin");
    if (n == "solaris") return Bool(StartsWith(env_.sys_platform, "sunos"));
    if (n == "macosx") return Bool(env_.sys_platform == "darwin");
    if (n == "posix") return Bool(true);
    if (n == "bits32") return Bool(env_.bits == 32);
    if (n == "bits64") return Bool(env_.bits == 64);
    if (n == "little_endian") return Bool(env_.little_endian);
    if (n == "big_endian") return Bool(!env_.little_endian);
    return Error("name '" + n + "' is not defined");
  }

  Result<Value> Attribute(const Value& v, const std::string& attr) {
    if (v.kind == Value::kModule) {
      const std::string& m = v.s;
      if (m == "sys") {
        if (attr == "version_info") {
          Value t;
          t.kind = Value::kTuple;
          t.items = {Int(env_.python_major), Int(env_.python_minor), Int(env_.python_micro), Str("final"), Int(0)};
          return t;
        }
        if (attr == "platform") return Str(env_.sys_platform);
        if (attr == "maxsize") return Int(env_.bits == 64 ? 9223372036854775807LL : 2147483647LL);
        if (attr == "byteorder") return Str(env_.little_endian ? "little" : "big");
        if (attr == "version") return Str(PythonVersion() + "." + std::to_string(env_.python_micro));
      } else if (m == "os") {
        if (attr == "path") return Named(Value::kModule, "os.path");
        if (attr == "name") return Str("posix");
        if (attr == "F_OK") return Int(F_OK);
        if (attr == "R_OK") return Int(R_OK);
        if (attr == "W_OK") return Int(W_OK);
        if (attr == "X_OK") return Int(X_OK);
        if (attr == "access") return Named(Value::kFunc, "os.access");
      } else if (m == "os.path") {
        if (attr == "isdir" || attr == "isfile" || attr == "exists") return Named(Value::kFunc, "os.path." + attr);
      } else if (m == "platform") {
        if (attr == "machine" || attr == "system" || attr == "freedesktop_os_release" || attr == "python_version")
          return Named(Value::kFunc, "platform." + attr);
      } else if (m == "re") {
        if (attr == "match" || attr == "search") return Named(Value::kFunc, "re." + attr);
      }
      return Error("module '" + m + "' has no attribute '" + attr + "' that this engine knows");
    }
    if (v.kind == Value::kTuple && (attr == "major" || attr == "minor" || attr == "micro") && v.items.size() >= 3)
      return v.items[attr == "major" ? 0 : attr == "minor" ? 1 : 2];
    if (v.kind == Value::kStr || v.kind == Value::kFile || v.kind == Value::kDict) {
      Value method = v;
      method.kind = Value::kFunc;
      method.s = "method." + attr;
      method.items = {v};
      return method;
    }
    return Error(Repr(v) + " has no attribute '" + attr + "'");
  }

  Result<Value> Call(const Value& f, const std::vector<Value>& args) {
    if (f.kind != Value::kFunc) return Error(Repr(f) + " is not callable");
    const std::string& n = f.s;
    auto str_arg = [&](size_t k) -> Result<std::string> {
      if (k >= args.size() || args[k].kind != Value::kStr) return Error(n + "() needs a string argument");
      return args[k].s;
    };
    if (n == "platform.machine") return Str(env_.machine);
    if (n == "platform.system") return Str(env_.system);
    if (n == "platform.python_version") return Str(PythonVersion() + "." + std::to_string(env_.python_micro));
    if (n == "platform.freedesktop_os_release") {
      Value d;
      d.kind = Value::kDict;
      for (const auto& [k, val] : env_.os_release) d.dict[k] = Str(val);
      return d;
    }
    if (n == "os.path.isdir" || n == "os.path.isfile" || n == "os.path.exists") {
      SLAPOS_ASSIGN_OR_RETURN(std::string p, str_arg(0));
      struct stat st;
      if (::stat(p.c_str(), &st) != 0) return Bool(false);
      if (n == "os.path.isdir") return Bool(S_ISDIR(st.st_mode));
      if (n == "os.path.isfile") return Bool(S_ISREG(st.st_mode));
      return Bool(true);
    }
    if (n == "os.access") {
      SLAPOS_ASSIGN_OR_RETURN(std::string p, str_arg(0));
      if (args.size() < 2 || args[1].kind != Value::kInt) return Error("os.access() needs a mode");
      return Bool(::access(p.c_str(), static_cast<int>(args[1].i)) == 0);
    }
    if (n == "open") {
      SLAPOS_ASSIGN_OR_RETURN(std::string p, str_arg(0));
      return Named(Value::kFile, p);
    }
    if (n == "len") {
      if (args.size() != 1) return Error("len() takes one argument");
      if (args[0].kind == Value::kStr) return Int(static_cast<long long>(args[0].s.size()));
      if (args[0].kind == Value::kTuple) return Int(static_cast<long long>(args[0].items.size()));
      if (args[0].kind == Value::kDict) return Int(static_cast<long long>(args[0].dict.size()));
      return Error("len() of " + Repr(args[0]));
    }
    if (n == "str") return args.empty() ? Str("") : (args[0].kind == Value::kStr ? args[0] : Str(Repr(args[0])));
    if (n == "int") {
      if (args.size() == 1 && args[0].kind == Value::kInt) return args[0];
      SLAPOS_ASSIGN_OR_RETURN(std::string s, str_arg(0));
      long long v;
      if (!ParseInt64(std::string(Trim(s)), &v)) return Error("invalid literal for int(): '" + s + "'");
      return Int(v);
    }
    if (n == "re.match" || n == "re.search") {
      SLAPOS_ASSIGN_OR_RETURN(std::string pattern, str_arg(0));
      SLAPOS_ASSIGN_OR_RETURN(std::string text, str_arg(1));
      try {
        std::regex re(pattern, std::regex::ECMAScript);
        std::smatch m;
        bool found = n == "re.match" ? std::regex_search(text, m, re, std::regex_constants::match_continuous)
                                     : std::regex_search(text, m, re);
        return found ? Str(m.str(0).empty() ? " " : m.str(0)) : None();
      } catch (const std::regex_error& e) {
        return Error("bad regular expression '" + pattern + "': " + e.what());
      }
    }
    if (StartsWith(n, "method.")) {
      std::string m = n.substr(7);
      const Value& self = f.items[0];
      if (self.kind == Value::kFile && m == "read") {
        Result<std::string> data = ReadFile(self.s);
        if (!data.ok()) return Error("open('" + self.s + "'): " + data.status().message());
        return Str(*data);
      }
      if (self.kind == Value::kDict && m == "get") {
        SLAPOS_ASSIGN_OR_RETURN(std::string key, str_arg(0));
        auto it = self.dict.find(key);
        if (it != self.dict.end()) return it->second;
        return args.size() > 1 ? args[1] : None();
      }
      if (self.kind == Value::kStr) {
        if (m == "startswith" || m == "endswith") {
          SLAPOS_ASSIGN_OR_RETURN(std::string a, str_arg(0));
          return Bool(m == "startswith" ? StartsWith(self.s, a) : EndsWith(self.s, a));
        }
        if (m == "lower") return Str(ToLower(self.s));
        if (m == "strip") return Str(std::string(Trim(self.s)));
      }
      return Error("unsupported method '" + m + "' on " + Repr(self));
    }
    return Error("unsupported function '" + n + "'");
  }

  std::string_view src_;
  const ConditionEnv& env_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

ConditionEnv MakeHostEnv() {
  ConditionEnv env;
  struct utsname u;
  if (::uname(&u) == 0) env.machine = u.machine;
  env.bits = sizeof(void*) * 8;
  uint16_t probe = 1;
  env.little_endian = *reinterpret_cast<uint8_t*>(&probe) == 1;
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    Result<std::string> text = ReadFile(path);
    if (!text.ok()) continue;
    for (const std::string& line : Split(*text, '\n')) {
      size_t eq = line.find('=');
      if (eq == std::string::npos || StartsWith(Trim(line), "#")) continue;
      std::string v = std::string(Trim(line.substr(eq + 1)));
      if (v.size() >= 2 && (v[0] == '"' || v[0] == '\'') && v.back() == v[0]) v = v.substr(1, v.size() - 2);
      env.os_release[std::string(Trim(line.substr(0, eq)))] = v;
    }
    break;
  }
  return env;
}

}  // namespace

const ConditionEnv& ConditionEnv::Host() {
  static const ConditionEnv env = MakeHostEnv();
  return env;
}

Result<bool> EvaluateCondition(std::string_view expression, const ConditionEnv& env) {
  Evaluator e(Trim(expression), env);
  return e.Run();
}

}  // namespace slapos::build::lang
