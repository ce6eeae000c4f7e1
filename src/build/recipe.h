// The recipe interface of the build engine, and the registry recipes are found in by name
// ("slapos.recipe.cmmi", "slapos.recipe.template:jinja2", ...). The runner (runner/) drives
// recipes; native recipes live in recipes/; the node registers its own (publish, request,
// slapconfiguration) through the same registry. A registry is filled at start-up and then
// only read: reads are thread-safe, Register is not.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "util/status.h"

namespace slapos::build {

class Progress;  // build/progress.h

// One section's options, every value fully substituted.
using Options = std::map<std::string, std::string>;

// What a recipe may see of the buildout it runs in.
struct BuildContext {
  // [buildout] directory, parts-directory, bin-directory, download-cache... (already substituted).
  std::string directory;
  std::string parts_directory;
  std::string bin_directory;
  std::string download_cache;  // empty: none
  bool offline = false;        // -o
  bool newest = false;         // -N means false
  // Returns another section's options, substituted (initialising its recipe first, as Buildout
  // does); an error when the section does not exist or cannot be resolved.
  std::function<Result<Options>(const std::string& section)> section;
  // One line per step for logs / progress.
  std::function<void(const std::string& line)> log;
  // Live progress of long steps (downloads, build commands); null: steps report through `log`
  // (one line at the start and one at the end of each). See build/progress.h.
  Progress* progress = nullptr;
};

class Recipe {
 public:
  virtual ~Recipe() = default;
  // Called once, when the section is first used, before any substitution reads its options:
  // may set defaults (e.g. `location` = parts/<part>) that other sections then see. Must have
  // no side effects on disk: `slapos buildout resolve` calls it too.
  virtual Status Init(const std::string& part, Options& options, const BuildContext& ctx) {
    (void)part, (void)options, (void)ctx;
    return Status::OK();
  }
  // Installs the part. Returns the paths it created: the runner records them in
  // .installed.cfg and removes them when the part is uninstalled.
  virtual Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                                   const BuildContext& ctx) = 0;
  // Called instead of Install when the part is already installed with the same options.
  virtual Status Update(const std::string& part, const Options& options, const BuildContext& ctx) {
    (void)part, (void)options, (void)ctx;
    return Status::OK();
  }
  // Called before the recorded paths are removed (uninstall recipes); default: nothing.
  virtual Status Uninstall(const std::string& part, const Options& options, const BuildContext& ctx) {
    (void)part, (void)options, (void)ctx;
    return Status::OK();
  }
};

using RecipeFactory = std::function<std::unique_ptr<Recipe>()>;

class RecipeRegistry {
 public:
  // `name` as profiles spell it: "egg" or "egg:entry" ("slapos.recipe.build:download").
  // An entry named "egg:default" also answers to plain "egg".
  void Register(const std::string& name, RecipeFactory factory);
  // A new recipe object, or NotFound listing the available names.
  Result<std::unique_ptr<Recipe>> Create(const std::string& name) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, RecipeFactory> factories_;
};

}  // namespace slapos::build
