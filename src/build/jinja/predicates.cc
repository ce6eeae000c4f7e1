// Jinja2's tests: {% if x is defined %}, {{ n is divisibleby 3 }}...
#include <cctype>
#include <map>

#include "build/jinja/filters.h"
#include "build/jinja/ops.h"

namespace slapos::jinja {
namespace {

using TestFn = bool (*)(const Value&, CallArgs&);

const Value& Arg(CallArgs& args, const std::string& test) {
  if (args.args.empty()) Fail("test '" + test + "' needs an argument");
  return args.args[0];
}

bool SameAs(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kList:
    case Kind::kTuple: return a.list == b.list;
    case Kind::kDict: return a.dict == b.dict;
    case Kind::kCallable: return a.fn == b.fn;
    default: return Equals(a, b);
  }
}

bool CaseTest(const Value& v, bool upper) {
  if (!v.is_string()) return false;
  bool cased = false;
  for (unsigned char c : v.s) {
    if (upper ? std::islower(c) : std::isupper(c)) return false;
    if (std::isalpha(c)) cased = true;
  }
  return cased;
}

const std::map<std::string, TestFn>& Tests() {
  static const std::map<std::string, TestFn> k = {
      {"defined", [](const Value& v, CallArgs&) { return !v.is_undefined(); }},
      {"undefined", [](const Value& v, CallArgs&) { return v.is_undefined(); }},
      {"none", [](const Value& v, CallArgs&) { return v.is_none(); }},
      {"string", [](const Value& v, CallArgs&) { return v.is_string(); }},
      {"number", [](const Value& v, CallArgs&) { return v.is_number(); }},
      {"integer", [](const Value& v, CallArgs&) { return v.kind == Kind::kInt; }},
      {"float", [](const Value& v, CallArgs&) { return v.kind == Kind::kFloat; }},
      {"boolean", [](const Value& v, CallArgs&) { return v.kind == Kind::kBool; }},
      {"true", [](const Value& v, CallArgs&) { return v.kind == Kind::kBool && v.b; }},
      {"false", [](const Value& v, CallArgs&) { return v.kind == Kind::kBool && !v.b; }},
      {"mapping", [](const Value& v, CallArgs&) { return v.is_dict(); }},
      {"sequence", [](const Value& v, CallArgs&) { return v.is_sequence() || v.is_string() || v.is_dict(); }},
      {"iterable", [](const Value& v, CallArgs&) {
         return v.is_sequence() || v.is_string() || v.is_dict() || v.is_undefined();
       }},
      {"callable", [](const Value& v, CallArgs&) { return v.kind == Kind::kCallable; }},
      {"sameas", [](const Value& v, CallArgs& a) { return SameAs(v, Arg(a, "sameas")); }},
      {"even", [](const Value& v, CallArgs&) { return ToInt(v, "the 'even' test's value") % 2 == 0; }},
      {"odd", [](const Value& v, CallArgs&) { return ToInt(v, "the 'odd' test's value") % 2 != 0; }},
      {"divisibleby", [](const Value& v, CallArgs& a) {
         int64_t d = ToInt(Arg(a, "divisibleby"), "divisibleby's argument");
         if (d == 0) Fail("divisibleby 0: integer modulo by zero");
         return ToInt(v, "the 'divisibleby' test's value") % d == 0;
       }},
      {"in", [](const Value& v, CallArgs& a) { return Contains(Arg(a, "in"), v); }},
      {"eq", [](const Value& v, CallArgs& a) { return Equals(v, Arg(a, "eq")); }},
      {"ne", [](const Value& v, CallArgs& a) { return !Equals(v, Arg(a, "ne")); }},
      {"lt", [](const Value& v, CallArgs& a) { return Compare(v, Arg(a, "lt"), "<") < 0; }},
      {"le", [](const Value& v, CallArgs& a) { return Compare(v, Arg(a, "le"), "<=") <= 0; }},
      {"gt", [](const Value& v, CallArgs& a) { return Compare(v, Arg(a, "gt"), ">") > 0; }},
      {"ge", [](const Value& v, CallArgs& a) { return Compare(v, Arg(a, "ge"), ">=") >= 0; }},
      {"lower", [](const Value& v, CallArgs&) { return CaseTest(v, false); }},
      {"upper", [](const Value& v, CallArgs&) { return CaseTest(v, true); }},
      {"escaped", [](const Value&, CallArgs&) { return false; }},
  };
  return k;
}

const std::map<std::string, std::string>& TestAliases() {
  static const std::map<std::string, std::string> k = {
      {"==", "eq"}, {"equalto", "eq"}, {"!=", "ne"}, {"<", "lt"}, {"lessthan", "lt"},
      {"<=", "le"}, {">", "gt"}, {"greaterthan", "gt"}, {">=", "ge"}};
  return k;
}

}  // namespace

bool HasTest(const std::string& name) { return Tests().count(name) || TestAliases().count(name); }

bool ApplyTest(const std::string& name, const Value& subject, CallArgs& args) {
  auto alias = TestAliases().find(name);
  const std::string& real = alias == TestAliases().end() ? name : alias->second;
  auto it = Tests().find(real);
  if (it == Tests().end()) Fail("unknown test '" + name + "'");
  return it->second(subject, args);
}

}  // namespace slapos::jinja
