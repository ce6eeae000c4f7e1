// plone.recipe.command: run shell on install (`command`) and update (`update-command`);
// `location` lists the paths the part owns; `stop-on-error` makes a failure fatal.
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "build/recipes/shell.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

class CommandRecipe : public Recipe {
 public:
  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    SLAPOS_RETURN_IF_ERROR(Run(part, "command", options, ctx));
    return SplitWhitespace(Get(options, "location"));
  }

  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    return Run(part, "update-command", options, ctx);
  }

 private:
  static Status Run(const std::string& part, const std::string& key, const Options& options,
                    const BuildContext& ctx) {
    std::string command(Trim(Get(options, key)));
    if (command.empty()) return Status::OK();
    SLAPOS_ASSIGN_OR_RETURN(bool stop, GetBool(part, options, "stop-on-error", false));
    Status st = RunShellStep(ShellStep{part, key, command, ctx.directory, {}}, ctx);
    if (!st.ok() && !stop) {
      if (ctx.log) ctx.log(st.message() + " (ignored: stop-on-error is not set)");
      return Status::OK();
    }
    return st;
  }
};

}  // namespace

std::unique_ptr<Recipe> NewCommandRecipe() { return std::make_unique<CommandRecipe>(); }

}  // namespace slapos::build::recipes
