// A Jinja2 template renderer covering what SlapOS profiles use (profiles.md §2.3,
// slapos.recipe.template:jinja2). Pure: no file or network access except through `loader`.
// Thread-safe: each call owns its state.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace slapos::jinja {

struct RenderOptions {
  // Named in error messages ("instance.cfg.in:12: unknown filter 'foo'").
  std::string template_name = "<template>";
  // Returns the source of another template for {% import %} / {% include %} / {% extends %},
  // by the name written in the template. Unset: those tags are errors.
  std::function<Result<std::string>(const std::string& name)> loader;
  // Jinja2's `do` extension ({% do list.append(x) %}); SlapOS's recipe enables it.
  bool do_extension = true;
  // Jinja2 drops one trailing newline of the template unless this is set.
  bool keep_trailing_newline = false;
};

// Renders `source` with `context` (a JSON object: its keys are the template's variables).
// Errors name the template, the line and what is wrong.
Result<std::string> Render(std::string_view source, const nlohmann::json& context,
                           const RenderOptions& options = {});

}  // namespace slapos::jinja
