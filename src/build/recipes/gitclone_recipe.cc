// slapos.recipe.build:gitclone: a working copy of a git repository at a branch or revision,
// through the `git` program (profiles.md §2.3).
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "build/recipes/shell.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

class GitCloneRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(std::string repo, Require(part, options, "repository"));
    (void)repo;
    if (Trim(Get(options, "location")).empty()) options["location"] = DefaultLocation(part, ctx);
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(std::string repo, Require(part, options, "repository"));
    SLAPOS_ASSIGN_OR_RETURN(bool develop, GetBool(part, options, "develop", false));
    std::string location = Get(options, "location", DefaultLocation(part, ctx));
    std::string branch(Trim(Get(options, "branch")));
    std::string revision(Trim(Get(options, "revision")));
    if (PathExists(location)) {
      if (develop && IsDirectory(JoinPath(location, ".git"))) {
        if (ctx.log) ctx.log("part [" + part + "]: keeping develop checkout " + location);
        return std::vector<std::string>{};
      }
      return AlreadyExists("part [" + part + "]: " + location +
                           " already exists; remove it or point 'location' elsewhere");
    }
    if (ctx.offline && (StartsWith(repo, "http") || StartsWith(repo, "git@") ||
                        StartsWith(repo, "ssh://") || StartsWith(repo, "git://")))
      return Unavailable("part [" + part + "]: offline mode: cannot clone " + repo);
    SLAPOS_RETURN_IF_ERROR(MakeDirs(Dirname(location)));
    std::vector<std::string> clone = {"clone", "--quiet"};
    if (!branch.empty() && revision.empty()) clone.insert(clone.end(), {"--branch", branch});
    std::string depth(Trim(Get(options, "git-clone-depth")));
    if (!depth.empty() && revision.empty()) clone.insert(clone.end(), {"--depth", depth});
    SLAPOS_ASSIGN_OR_RETURN(bool no_sub, GetBool(part, options, "ignore-cloning-submodules", false));
    if (!no_sub) clone.push_back("--recurse-submodules");
    clone.insert(clone.end(), {repo, location});
    Status st = Git(part, options, clone, "", ctx);
    if (st.ok() && !revision.empty()) {
      st = Git(part, options, {"checkout", "--quiet", "--detach", revision}, location, ctx);
      if (st.ok() && !no_sub)
        st = Git(part, options, {"submodule", "update", "--init", "--recursive"}, location, ctx);
    }
    std::string sparse(Trim(Get(options, "sparse-checkout")));
    if (st.ok() && !sparse.empty()) {
      std::vector<std::string> args = {"sparse-checkout", "set", "--no-cone"};
      for (const auto& l : Lines(sparse)) args.push_back(l);
      st = Git(part, options, args, location, ctx);
    }
    if (!st.ok()) {
      RemoveAll(location);
      return st;
    }
    if (develop) return std::vector<std::string>{};
    return std::vector<std::string>{location};
  }

  // Follows the branch when no revision pins the checkout (not for develop checkouts).
  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(bool develop, GetBool(part, options, "develop", false));
    std::string revision(Trim(Get(options, "revision")));
    if (develop || !revision.empty() || ctx.offline) return Status::OK();
    std::string location = Get(options, "location", DefaultLocation(part, ctx));
    SLAPOS_RETURN_IF_ERROR(Git(part, options, {"fetch", "--quiet", "origin"}, location, ctx));
    std::string branch(Trim(Get(options, "branch")));
    std::string upstream = branch.empty() ? "@{upstream}" : "origin/" + branch;
    return Git(part, options, {"reset", "--quiet", "--hard", upstream}, location, ctx);
  }

 private:
  static Status Git(const std::string& part, const Options& options,
                    const std::vector<std::string>& args, const std::string& cwd,
                    const BuildContext& ctx) {
    ProcessOptions p;
    p.argv = {Get(options, "git-executable", "git")};
    auto insecure = GetBool(part, options, "ignore-ssl-certificate", false);
    if (insecure.ok() && *insecure)
      p.argv.insert(p.argv.end(), {"-c", "http.sslVerify=false"});
    p.argv.insert(p.argv.end(), args.begin(), args.end());
    p.cwd = cwd;
    p.extra_env = {{"GIT_TERMINAL_PROMPT", "0"}};
    p.max_captured = 16 * 1024;
    const std::string label = "part [" + part + "]: git" + (args.empty() ? "" : " " + args[0]);
    ProgressStep step(ctx.progress, ctx.log, label, "part [" + part + "]: git " + Join(args, " "));
    auto r = RunWithProgress(p, step.progress());
    if (!r.ok()) return r.status().WithContext("part [" + part + "]: running git");
    step.Done(r->success());
    if (!r->success())
      return IOError("part [" + part + "]: git " + Join(args, " ") + " failed (exit code " +
                     std::to_string(r->exit_code) + "): " + std::string(Trim(r->output)));
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Recipe> NewGitCloneRecipe() { return std::make_unique<GitCloneRecipe>(); }

}  // namespace slapos::build::recipes
