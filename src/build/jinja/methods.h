// Python methods of template values that SlapOS profiles call: dict.get/items/keys/values/
// update/setdefault/pop/copy, list.append/extend/index/insert/pop/remove/count/reverse,
// str.split/strip/startswith/endswith/replace/format/join/upper/lower/splitlines/...
#pragma once

#include <string>

#include "build/jinja/value.h"

namespace slapos::jinja {

// True when `obj` has a method called `name`.
bool HasMethod(const Value& obj, const std::string& name);
// Calls it; mutating methods change the shared list/dict in place.
Value CallMethod(Value& obj, const std::string& name, CallArgs& args);

// Python str.split / str.strip semantics, shared with filters.
List PySplit(const std::string& s, const Value& sep, int64_t maxsplit);
std::string PyStrip(const std::string& s, const Value& chars, bool left, bool right);
std::vector<std::string> PySplitLines(const std::string& s, bool keepends);

}  // namespace slapos::jinja
