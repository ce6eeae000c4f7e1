// Factories of the native recipes, one per SlapOS recipe name (registered in recipes.cc).
// Each recipe object serves one part; not shared between threads.
#pragma once

#include <memory>

#include "build/recipe.h"

namespace slapos::build::recipes {

std::unique_ptr<Recipe> NewDownloadRecipe();          // slapos.recipe.build:download
std::unique_ptr<Recipe> NewDownloadUnpackedRecipe();  // slapos.recipe.build:download-unpacked
std::unique_ptr<Recipe> NewCmmiRecipe();              // slapos.recipe.cmmi
std::unique_ptr<Recipe> NewTemplateRecipe();          // slapos.recipe.template
std::unique_ptr<Recipe> NewCollectiveTemplateRecipe();  // collective.recipe.template
std::unique_ptr<Recipe> NewJinja2Recipe();            // slapos.recipe.template:jinja2
std::unique_ptr<Recipe> NewCommandRecipe();           // plone.recipe.command
std::unique_ptr<Recipe> NewGitCloneRecipe();          // slapos.recipe.build:gitclone
std::unique_ptr<Recipe> NewWrapperRecipe();           // slapos.cookbook:wrapper
std::unique_ptr<Recipe> NewMkDirectoryRecipe();       // slapos.cookbook:mkdirectory
std::unique_ptr<Recipe> NewSymbolicLinkRecipe();      // slapos.cookbook:symbolic.link
std::unique_ptr<Recipe> NewGeneratePasswordRecipe();  // slapos.cookbook:generate.password
std::unique_ptr<Recipe> NewCronDRecipe();             // slapos.cookbook:cron.d
std::unique_ptr<Recipe> NewPromisePluginRecipe();     // slapos.cookbook:promise.plugin

}  // namespace slapos::build::recipes
