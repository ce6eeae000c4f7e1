// Jinja2's built-in filters ({{ x | name(args) }}) and tests ({% if x is name %}), with
// Jinja2's semantics for the arguments SlapOS profiles use. Stateless; thread-safe.
#pragma once

#include <string>

#include "build/jinja/value.h"

namespace slapos::jinja {

bool HasFilter(const std::string& name);
// Applies filter `name` to `subject`; throws TemplateError on bad arguments.
Value ApplyFilter(const std::string& name, const Value& subject, CallArgs& args);

bool HasTest(const std::string& name);
bool ApplyTest(const std::string& name, const Value& subject, CallArgs& args);

// Follows "a.b.0" through attributes/items (Jinja2's attribute= arguments).
Value GetDottedAttr(const Value& obj, const Value& path);

}  // namespace slapos::jinja
