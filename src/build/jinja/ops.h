// Python operators and attribute/item access on Jinja values, as Jinja2 applies them.
// Failures throw TemplateError (located by the evaluator). Thread-compatible.
#pragma once

#include <string>

#include "build/jinja/value.h"

namespace slapos::jinja {

// obj.name: a method bound to obj, else the dict item, else Undefined; fails on Undefined obj.
Value GetAttr(const Value& obj, const std::string& name);
// obj[key]: item first (negative indexes count from the end), else Undefined.
Value GetItem(const Value& obj, const Value& key);
// obj[start:stop:step] on lists, tuples and strings (null parts are Undefined values).
Value Slice(const Value& obj, const Value& start, const Value& stop, const Value& step);
// + - * / // % ** on two values.
Value BinaryOp(const std::string& op, const Value& a, const Value& b);
// Unary - and +.
Value Negate(const Value& v, bool minus);
// Fails with the undefined value's message when `v` is Undefined.
void RequireDefined(const Value& v);
// Number conversions used by filters and methods (fail with a message naming `what`).
int64_t ToInt(const Value& v, const char* what);
double ToDouble(const Value& v, const char* what);

}  // namespace slapos::jinja
