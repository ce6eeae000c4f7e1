// Small slapos.cookbook recipes: mkdirectory, symbolic.link, cron.d (profiles.md §2.3).
#include <sys/stat.h>
#include <unistd.h>

#include "build/recipes/cron.h"
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

// Every option but `recipe` and `mode` (and Buildout's own `_...` keys) names a directory to
// create. Returns nothing, so Buildout never deletes them (data safety, as upstream).
class MkDirectoryRecipe : public Recipe {
 public:
  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    SLAPOS_ASSIGN_OR_RETURN(unsigned mode, GetMode(part, options, "mode", 0777));
    for (const auto& [key, value] : options) {
      if (key == "recipe" || key == "mode" || key == "<" || StartsWith(key, "_")) continue;
      std::string path(Trim(value));
      if (path.empty()) continue;
      if (!ctx.directory.empty()) path = JoinPath(ctx.directory, path);
      if (PathExists(path) && !IsDirectory(path))
        return AlreadyExists("part [" + part + "]: " + key + " = " + path +
                             " exists and is not a directory");
      Status st = MakeDirs(path, mode);
      if (!st.ok()) return st.WithContext("part [" + part + "]: " + key);
    }
    return std::vector<std::string>{};
  }
  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    return Install(part, options, ctx).status();
  }
};

// `link-binary` lines are paths; each gets a symlink of the same base name in `target-directory`.
class SymbolicLinkRecipe : public Recipe {
 public:
  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    (void)ctx;
    SLAPOS_ASSIGN_OR_RETURN(std::string dir, Require(part, options, "target-directory"));
    std::vector<std::string> links;
    for (const auto& target : Lines(Get(options, "link-binary"))) {
      std::string base = target.substr(target.rfind('/') + 1);
      std::string link = JoinPath(dir, base);
      struct stat st;
      if (lstat(link.c_str(), &st) == 0) {
        if (!S_ISLNK(st.st_mode))
          return AlreadyExists("part [" + part + "]: " + link +
                               " exists and is not a symbolic link; remove it");
        unlink(link.c_str());
      }
      if (symlink(target.c_str(), link.c_str()) != 0)
        return ErrnoError("part [" + part + "]: symlink " + link + " -> " + target, errno);
      links.push_back(link);
    }
    return links;
  }
  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    return Install(part, options, ctx).status();
  }
};

// Writes <cron-entries>/<name> = "<frequency> <command>"; `time` (a systemd calendar spec)
// may replace `frequency`.
class CronDRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    (void)ctx;
    std::string time(Trim(Get(options, "time")));
    if (!time.empty()) {
      auto freq = SystemdCalendarToCron(time);
      if (!freq.ok()) return freq.status().WithContext("part [" + part + "]: time");
      options["frequency"] = *freq;
    }
    SLAPOS_ASSIGN_OR_RETURN(std::string f, Require(part, options, "frequency"));
    if (SplitWhitespace(f).size() != 5 && !StartsWith(f, "@"))
      return InvalidArgument("part [" + part + "]: frequency '" + f +
                             "' is not 5 cron fields (minute hour day month weekday)");
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    (void)ctx;
    SLAPOS_ASSIGN_OR_RETURN(std::string dir, Require(part, options, "cron-entries"));
    SLAPOS_ASSIGN_OR_RETURN(std::string command, Require(part, options, "command"));
    SLAPOS_ASSIGN_OR_RETURN(std::string frequency, Require(part, options, "frequency"));
    std::string name(Trim(Get(options, "name", part)));
    if (name.find('/') != std::string::npos)
      return InvalidArgument("part [" + part + "]: name '" + name + "' may not contain '/'");
    std::string path = JoinPath(dir, name);
    SLAPOS_RETURN_IF_ERROR(WriteFileIfChanged(path, frequency + " " + command + "\n", 0644));
    return std::vector<std::string>{path};
  }
  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    return Install(part, options, ctx).status();
  }
};

}  // namespace

std::unique_ptr<Recipe> NewMkDirectoryRecipe() { return std::make_unique<MkDirectoryRecipe>(); }
std::unique_ptr<Recipe> NewSymbolicLinkRecipe() { return std::make_unique<SymbolicLinkRecipe>(); }
std::unique_ptr<Recipe> NewCronDRecipe() { return std::make_unique<CronDRecipe>(); }

}  // namespace slapos::build::recipes
