// Buildout substitution applied to template text by slapos.recipe.template and
// collective.recipe.template: `${section:option}` reads another section through the build
// context, `${:option}` the part's own options, and `$$` is an escaped `$` (SlapOS's buildout
// fork, profiles.md §1.5), so `$${x:y}` leaves a literal `${x:y}`. Thread-compatible.
#pragma once

#include <string>

#include "build/recipe.h"

namespace slapos::build::recipes {

// `what` names the template in errors ("part [cfg]: template https://x/t.in: ...").
Result<std::string> SubstituteTemplate(const std::string& text, const std::string& part,
                                       const Options& options, const BuildContext& ctx,
                                       const std::string& what);

}  // namespace slapos::build::recipes
