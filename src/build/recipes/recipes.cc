#include "build/recipes/recipes.h"

#include "build/recipes/native.h"

namespace slapos::build {

void RegisterNativeRecipes(RecipeRegistry& registry) {
  using namespace recipes;
  registry.Register("slapos.recipe.build:download", NewDownloadRecipe);
  registry.Register("slapos.recipe.build:download-unpacked", NewDownloadUnpackedRecipe);
  registry.Register("slapos.recipe.cmmi", NewCmmiRecipe);
  registry.Register("slapos.recipe.cmmi:default", NewCmmiRecipe);
  registry.Register("slapos.recipe.template", NewTemplateRecipe);
  registry.Register("slapos.recipe.template:default", NewTemplateRecipe);
  registry.Register("collective.recipe.template", NewCollectiveTemplateRecipe);
#ifdef SLAPOS_HAVE_JINJA
  registry.Register("slapos.recipe.template:jinja2", NewJinja2Recipe);
#endif
  registry.Register("plone.recipe.command", NewCommandRecipe);
  registry.Register("slapos.recipe.build:gitclone", NewGitCloneRecipe);
  registry.Register("slapos.cookbook:wrapper", NewWrapperRecipe);
  registry.Register("slapos.cookbook:mkdirectory", NewMkDirectoryRecipe);
  registry.Register("slapos.recipe.build:mkdirectory", NewMkDirectoryRecipe);
  registry.Register("slapos.cookbook:symbolic.link", NewSymbolicLinkRecipe);
  registry.Register("slapos.cookbook:generate.password", NewGeneratePasswordRecipe);
  registry.Register("slapos.cookbook:cron.d", NewCronDRecipe);
  registry.Register("slapos.cookbook:promise.plugin", NewPromisePluginRecipe);
}

}  // namespace slapos::build
