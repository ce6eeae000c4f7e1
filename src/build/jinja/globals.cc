// The global functions every template sees: range, dict, list, namespace, joiner; and the
// Python modules a context may import natively (json).
#include <nlohmann/json.hpp>

#include "build/jinja/evaluator.h"
#include "build/jinja/json_value.h"
#include "build/jinja/methods.h"
#include "build/jinja/ops.h"
#include "build/typed_value.h"

namespace slapos::jinja {
namespace {

constexpr int64_t kMaxRange = 10'000'000;

Value Range(CallArgs& a) {
  a.CheckNoExtraKwargs("range");
  if (a.args.empty() || a.args.size() > 3) Fail("range expected 1 to 3 arguments, got " + std::to_string(a.args.size()));
  int64_t start = 0, stop, step = 1;
  if (a.args.size() == 1) {
    stop = ToInt(a.args[0], "range() argument");
  } else {
    start = ToInt(a.args[0], "range() argument");
    stop = ToInt(a.args[1], "range() argument");
    if (a.args.size() == 3) step = ToInt(a.args[2], "range() argument");
  }
  if (step == 0) Fail("range() arg 3 must not be zero");
  List out;
  for (int64_t k = start; step > 0 ? k < stop : k > stop; k += step) {
    if (static_cast<int64_t>(out.size()) >= kMaxRange) Fail("range() is too large (more than 10000000 items)");
    out.push_back(MakeInt(k));
  }
  return MakeList(std::move(out));
}

Value DictFn(CallArgs& a) {
  Value d = MakeDict();
  if (a.args.size() > 1) Fail("dict expected at most 1 argument, got " + std::to_string(a.args.size()));
  if (!a.args.empty()) {
    const Value& src = a.args[0];
    if (src.is_dict()) {
      for (const auto& [k, v] : src.dict->items) d.dict->Set(k, v);
    } else {
      for (const Value& pair : Iterate(src)) {
        List kv = Iterate(pair);
        if (kv.size() != 2) Fail("dictionary update sequence element has length " + std::to_string(kv.size()) + "; 2 is required");
        d.dict->Set(kv[0], kv[1]);
      }
    }
  }
  for (auto& [k, v] : a.kwargs) d.dict->Set(MakeString(k), v);
  a.kwargs.clear();
  return d;
}

Value ListFn(CallArgs& a) {
  a.CheckNoExtraKwargs("list");
  if (a.args.size() > 1) Fail("list expected at most 1 argument, got " + std::to_string(a.args.size()));
  return MakeList(a.args.empty() ? List{} : Iterate(a.args[0]));
}

Value Namespace(CallArgs& a) {
  Value ns = DictFn(a);
  ns.dict->is_namespace = true;
  return ns;
}

Value Joiner(CallArgs& a) {
  std::string sep = Str(a.Take(0, "sep", MakeString(", ")));
  a.CheckNoExtraKwargs("joiner");
  auto used = std::make_shared<bool>(false);
  return MakeCallable("joiner", [sep, used](CallArgs&) {
    if (!*used) {
      *used = true;
      return MakeString("");
    }
    return MakeString(sep);
  });
}

Value JsonDumps(CallArgs& a) {
  Value obj = a.Take(0, "obj");
  JsonDumpOptions o;
  o.html_safe = false;
  o.sort_keys = Truthy(a.Take(99, "sort_keys", MakeBool(false)));
  Value indent = a.Take(99, "indent", MakeNone());
  if (!indent.is_none()) o.indent = static_cast<int>(ToInt(indent, "indent"));
  a.CheckNoExtraKwargs("json.dumps");
  return MakeString(ToJson(obj, o));
}

Value JsonLoads(CallArgs& a) {
  Value text = a.Take(0, "s");
  a.CheckNoExtraKwargs("json.loads");
  if (!text.is_string()) Fail("json.loads() needs a str, not " + TypeName(text));
  nlohmann::json j = nlohmann::json::parse(text.s, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) Fail("json.loads(): invalid JSON: " + ReprString(text.s.substr(0, 80)));
  return FromJson(j);
}

// six.iteritems(d) and friends: the py2/py3 helpers older SlapOS profiles call.
Value SixView(CallArgs& a, const char* method) {
  std::string name = std::string("six.iter") + method;
  Value d = a.Take(0, "d");
  a.CheckNoExtraKwargs(name);
  if (!d.is_dict()) Fail(name + "() needs a dict, not " + TypeName(d));
  if (a.args.size() > 1) Fail(name + "() takes 1 argument (" + std::to_string(a.args.size()) + " given)");
  CallArgs none;
  return CallMethod(d, method, none);
}

}  // namespace

Value MakeModule(const std::string& name) {
  Value m = MakeDict();
  m.dict->is_namespace = true;
  if (name == "json") {
    m.dict->Set(MakeString("dumps"), MakeCallable("json.dumps", JsonDumps));
    m.dict->Set(MakeString("loads"), MakeCallable("json.loads", JsonLoads));
  } else if (name == "six") {
    m.dict->Set(MakeString("iteritems"), MakeCallable("six.iteritems", [](CallArgs& a) { return SixView(a, "items"); }));
    m.dict->Set(MakeString("iterkeys"), MakeCallable("six.iterkeys", [](CallArgs& a) { return SixView(a, "keys"); }));
    m.dict->Set(MakeString("itervalues"), MakeCallable("six.itervalues", [](CallArgs& a) { return SixView(a, "values"); }));
  } else {
    return MakeUndefined("");
  }
  return m;
}

// slapos.recipe.template's dumps(): the value as Buildout profile text that is read back as
// that value (build/typed_value.h). A one-line string without surrounding blanks is written as
// itself; anything else as "!json <JSON>". `$` is doubled, as profile text needs.
static Value BuildoutDumps(CallArgs& a) {
  Value obj = a.Take(0, "value");
  a.CheckNoExtraKwargs("dumps");
  std::string text;
  bool plain = obj.is_string() && !obj.s.empty() && obj.s.find_first_of("\n\r") == std::string::npos &&
               obj.s.front() != ' ' && obj.s.front() != '\t' && obj.s.back() != ' ' && obj.s.back() != '\t' &&
               !build::IsTypedValue(obj.s);
  if (plain) {
    text = obj.s;
  } else {
    if (obj.is_undefined()) Fail("dumps(): " + (obj.s.empty() ? std::string("the value is undefined") : obj.s));
    JsonDumpOptions o;
    o.html_safe = false;
    o.sort_keys = false;  // Python's json.dumps order: as the dict was built
    text = build::TypedValue(ToJson(obj, o));
  }
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '$') out += '$';
  }
  return MakeString(out);
}

Value MakeGlobals() {
  Value g = MakeDict();
  g.dict->Set(MakeString("range"), MakeCallable("range", Range));
  g.dict->Set(MakeString("dict"), MakeCallable("dict", DictFn));
  g.dict->Set(MakeString("list"), MakeCallable("list", ListFn));
  g.dict->Set(MakeString("namespace"), MakeCallable("namespace", Namespace));
  g.dict->Set(MakeString("joiner"), MakeCallable("joiner", Joiner));
  g.dict->Set(MakeString("dumps"), MakeCallable("dumps", BuildoutDumps));
  return g;
}

}  // namespace slapos::jinja
