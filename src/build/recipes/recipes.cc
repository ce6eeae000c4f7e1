#include "build/recipes/recipes.h"

namespace slapos::build {

void RegisterNativeRecipes(RecipeRegistry& registry) {
  (void)registry;  // each native recipe adds its line here as it lands
}

}  // namespace slapos::build
