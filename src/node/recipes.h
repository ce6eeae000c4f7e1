// The SlapOS instance recipes the node provides natively to the build engine (profiles.md §4.4,
// §4.5): slapos.cookbook:slapconfiguration (and .serialised) and slapos.cookbook:publish (and
// .serialised). They talk to the master named by the profile's options / [slap-connection].
// Registration is not thread-safe (RecipeRegistry rules).
#pragma once

#include "build/recipe.h"

namespace slapos::node {

void RegisterNodeRecipes(build::RecipeRegistry& registry);

}  // namespace slapos::node
