// The native recipes of the build engine, under the names SlapOS profiles use
// (../shared/spec/profiles.md §2.2-2.3). Thread-compatible: call once at start-up.
#pragma once

#include "build/recipe.h"

namespace slapos::build {

// Registers every native recipe into `registry`.
void RegisterNativeRecipes(RecipeRegistry& registry);

}  // namespace slapos::build
