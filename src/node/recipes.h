// The SlapOS instance recipes the node provides natively to the build engine (profiles.md §4.4,
// §4.5, §4.6): slapos.cookbook:slapconfiguration (and .serialised), slapos.cookbook:publish
// (and .serialised), slapos.cookbook:request and
// requestoptional (and .serialised; request_recipe.h), slapos.cookbook:switch-softwaretype
// (switch_softwaretype_recipe.h). They talk to the master named by the profile's options /
// [slap-connection].
// Registration is not thread-safe (RecipeRegistry rules).
#pragma once

#include "build/recipe.h"

namespace slapos::node {

void RegisterNodeRecipes(build::RecipeRegistry& registry);

}  // namespace slapos::node
