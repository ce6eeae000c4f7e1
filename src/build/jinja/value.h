// The value model of the Jinja2 renderer: Python-like values (None, bool, int, float, str,
// list, tuple, dict, callables) plus Jinja2's Undefined. Lists and dicts are shared by
// reference, as in Python, so {% do l.append(x) %} changes every name bound to `l`.
// Not thread-safe: values belong to one Render() call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace slapos::jinja {

// Raised inside the renderer on any template error; Render() turns it into a Status.
// `located` is set once the message carries "template:line: ".
struct TemplateError {
  std::string message;
  bool located = false;
};
[[noreturn]] void Fail(std::string message);

struct Value;
struct Dict;
struct Callable;
using List = std::vector<Value>;
using ListPtr = std::shared_ptr<List>;
using DictPtr = std::shared_ptr<Dict>;
using CallablePtr = std::shared_ptr<Callable>;

enum class Kind { kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kTuple, kDict, kCallable };

struct Value {
  Kind kind = Kind::kUndefined;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // kString: the text; kUndefined: the message an access would raise
  ListPtr list;   // kList, kTuple
  DictPtr dict;   // kDict
  CallablePtr fn; // kCallable

  bool is_undefined() const { return kind == Kind::kUndefined; }
  bool is_none() const { return kind == Kind::kNone; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_number() const { return kind == Kind::kInt || kind == Kind::kFloat || kind == Kind::kBool; }
  bool is_sequence() const { return kind == Kind::kList || kind == Kind::kTuple; }
  bool is_dict() const { return kind == Kind::kDict; }
  double as_double() const { return kind == Kind::kFloat ? f : kind == Kind::kBool ? (b ? 1 : 0) : double(i); }
};

Value MakeUndefined(std::string message);
Value MakeNone();
Value MakeBool(bool b);
Value MakeInt(int64_t i);
Value MakeFloat(double f);
Value MakeString(std::string s);
Value MakeList(List items = {});
Value MakeTuple(List items);
Value MakeDict();

// Positional and keyword arguments of a call.
struct CallArgs {
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;
  // Removes and returns keyword `name`, else positional `pos` (if present), else `fallback`.
  Value Take(size_t pos, const std::string& name, Value fallback = MakeUndefined(""));
  // Fails when a keyword argument remains that Take() did not consume.
  void CheckNoExtraKwargs(const std::string& callee) const;
};

struct Callable {
  std::string name;
  std::function<Value(CallArgs&)> fn;
};
Value MakeCallable(std::string name, std::function<Value(CallArgs&)> fn);

// A Python dict: insertion-ordered, keyed by hashable values.
struct Dict {
  std::vector<std::pair<Value, Value>> items;
  std::unordered_map<std::string, size_t> index;  // HashKey(key) -> position in items
  bool is_namespace = false;                       // made by namespace(): allows {% set ns.x %}

  const Value* Find(const Value& key) const;
  const Value* FindStr(std::string_view key) const;
  void Set(const Value& key, Value value);
  bool Erase(const Value& key);
};

// Python's type name ("str", "int", "dict", "NoneType"...).
std::string TypeName(const Value& v);
// Jinja2's description of an object in messages ("dict object", "None").
std::string ObjectTypeRepr(const Value& v);
bool Truthy(const Value& v);
std::string Str(const Value& v);   // Python str()
std::string Repr(const Value& v);  // Python repr()
std::string ReprString(std::string_view s);
std::string FloatRepr(double f);
bool Equals(const Value& a, const Value& b);
// <0, 0, >0; fails ("'<' not supported between ...") when the types do not order.
int Compare(const Value& a, const Value& b, const char* op = "<");
// Key identifying a hashable value in a Dict; fails on unhashable values.
std::string HashKey(const Value& v);
// Items of an iterable (dict: keys, str: characters); fails when not iterable.
List Iterate(const Value& v);
// len(); fails on values without a length.
int64_t Length(const Value& v);
// "in" operator.
bool Contains(const Value& container, const Value& item);

}  // namespace slapos::jinja
