#include "build/recipe.h"

#include "util/strings.h"

namespace slapos::build {

void RecipeRegistry::Register(const std::string& name, RecipeFactory factory) {
  factories_[name] = std::move(factory);
  const std::string suffix = ":default";
  if (EndsWith(name, suffix)) factories_[name.substr(0, name.size() - suffix.size())] = factories_[name];
}

Result<std::unique_ptr<Recipe>> RecipeRegistry::Create(const std::string& name) const {
  auto it = factories_.find(std::string(Trim(name)));
  if (it == factories_.end())
    return NotFound("unknown recipe '" + name + "'; available recipes: " + Join(Names(), ", "));
  return it->second();
}

std::vector<std::string> RecipeRegistry::Names() const {
  std::vector<std::string> out;
  for (const auto& [name, f] : factories_) out.push_back(name);
  return out;
}

}  // namespace slapos::build
