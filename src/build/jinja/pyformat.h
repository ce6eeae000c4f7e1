// Python string formatting for templates: "%s" % args (printf-style) and str.format()
// with the common format-spec mini-language. Throws TemplateError on bad formats.
#pragma once

#include <string>
#include <string_view>

#include "build/jinja/value.h"

namespace slapos::jinja {

// fmt % args: args is a tuple (several values), a dict (for %(name)s) or one value.
std::string PercentFormat(std::string_view fmt, const Value& args);
// fmt.format(*args, **kwargs).
std::string StrFormat(std::string_view fmt, const CallArgs& args);
// format(value, spec): "{:>10}", "{:.2f}", "{:04d}"...
std::string FormatWithSpec(const Value& value, std::string_view spec);

}  // namespace slapos::jinja
