// Parses Jinja2 template source into a Template (ast.h). Thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>

#include "build/jinja/ast.h"

namespace slapos::jinja {

// Parses `source`; throws TemplateError "<name>:<line>: what is wrong" on syntax errors.
Template ParseTemplate(std::string_view source, const std::string& name,
                       bool keep_trailing_newline, bool do_extension);

}  // namespace slapos::jinja
