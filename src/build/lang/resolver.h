// The resolver (profiles.md §1.5, §1.7, §1.8): turns a loaded raw profile into substituted
// sections, Buildout's way — lazily, section by section, on first use. It expands `<=` macros,
// substitutes `${section:option}` / `${:option}` with cycle detection, turns `$$` into `$`
// (SlapOS's fork: `$${x:y}` gives a literal `${x:y}`), calls each recipe's Init when its
// section is first initialised (so `${part:location}` sees the recipe's defaults) and records
// the install order: sections with a recipe, in the order their initialisation finished,
// starting from [buildout] and then `buildout:parts`. Not thread-safe: one resolver per run.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "build/lang/profile.h"
#include "build/recipe.h"
#include "util/status.h"

namespace slapos::build::lang {

struct ResolveOptions {
  // Recipes to instantiate and Init; null: recipes are not instantiated (language only).
  const RecipeRegistry* registry = nullptr;
  // One line per step (recipes get it through BuildContext::log).
  std::function<void(const std::string& line)> log;
  // Given to recipes as BuildContext::progress (null: steps report through `log`).
  Progress* progress = nullptr;
};

class Resolver {
 public:
  Resolver(RawConfig config, ResolveOptions options);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Initialises [buildout], then each section of `buildout:parts` (or `only`, when not empty);
  // fills install_order(). Errors name the file, the line and the option.
  Status ResolveParts(const std::vector<std::string>& only = {});

  // Initialises `section` if needed (recipe Init included) and returns its options. A section
  // being initialised (a reference loop through sections) is returned as far as it got.
  Result<Options> Section(const std::string& section);
  // `text` substituted as if it were an option of `section`.
  Result<std::string> Substitute(const std::string& text, const std::string& section);
  // Tries every section not initialised yet, without adding to the install order; returns the
  // ones that fail, with their error (macro-only sections typically do).
  std::map<std::string, std::string> ResolveRemaining();

  // Parts in install order (sections with a non-empty recipe).
  const std::vector<std::string>& install_order() const { return install_order_; }
  // Every initialised section, substituted.
  std::map<std::string, Options> sections() const;
  // The recipe object made for `part` at Init (null when no registry); the runner installs
  // through it.
  Recipe* recipe(const std::string& part) const;
  // Sections whose options `section` referenced while it was initialised (direct only).
  std::set<std::string> dependencies(const std::string& section) const;
  // Where each option of `section` came from (after macro expansion), for annotate.
  std::map<std::string, Origin> origins(const std::string& section) const;
  // `section`'s raw (unsubstituted) options after macro expansion once it has been
  // initialised, its merged raw options otherwise; empty when there is no such section.
  RawSection expanded(const std::string& section) const;
  const RawConfig& raw() const { return config_; }
  // The context given to recipes (valid once [buildout] is initialised).
  const BuildContext& context() const { return ctx_; }

 private:
  struct State;
  Result<State*> Init(const std::string& name);
  Result<std::string> Get(State& s, const std::string& option, std::vector<std::string>& seen);
  Result<std::string> Expand(const std::string& text, State& s, const RawValue& raw,
                             const std::string& option, std::vector<std::string>& seen);
  Result<RawSection> ExpandMacros(const std::string& name, const RawSection& raw,
                                  std::vector<std::string>& doing);
  Status MakeContext(State& buildout);

  RawConfig config_;
  ResolveOptions options_;
  BuildContext ctx_;
  std::map<std::string, std::unique_ptr<State>> states_;
  std::vector<std::string> install_order_;
  bool record_parts_ = true;
};

}  // namespace slapos::build::lang
