// slapos.recipe.cmmi: configure / make / make install of a source archive or directory
// (profiles.md §2.3).
#include <unistd.h>

#include "build/recipes/archive.h"
#include "build/recipes/download.h"
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "build/recipes/shell.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

constexpr const char* kLocationToken = "@@LOCATION@@";

// Every option with @@LOCATION@@ replaced by the final location.
Options Resolved(const Options& options, const std::string& location) {
  Options out;
  for (const auto& [k, v] : options) out[k] = ReplaceAll(v, kLocationToken, location);
  return out;
}

// Lines joined by spaces (configure-options and make-options are written one per line).
std::string Words(const std::string& value) { return Join(Lines(value), " "); }

class CmmiRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    if (Trim(Get(options, "url")).empty() && Trim(Get(options, "path")).empty())
      return InvalidArgument("part [" + part + "]: slapos.recipe.cmmi needs 'url' or 'path'");
    for (const char* hook : {"pre-configure-hook", "pre-make-hook", "post-make-hook"})
      if (!Trim(Get(options, hook)).empty())
        return InvalidArgument("part [" + part + "]: option '" + hook +
                               "' runs Python, which the native cmmi recipe does not embed; "
                               "use the shell hooks (pre-configure, pre-build, pre-install, "
                               "post-install) instead");
    SLAPOS_ASSIGN_OR_RETURN(bool shared, GetBool(part, options, "shared", false));
    if (shared) {
      SLAPOS_ASSIGN_OR_RETURN(SharedPlace place, SharedLocation(part, options, ctx));
      options["location"] = place.location;
    } else if (Trim(Get(options, "location")).empty()) {
      options["location"] = DefaultLocation(part, ctx);
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& raw,
                                           const BuildContext& ctx) override {
    std::string location = Get(raw, "location", DefaultLocation(part, ctx));
    SLAPOS_ASSIGN_OR_RETURN(bool shared, GetBool(part, raw, "shared", false));
    if (shared && PathExists(SharedSignaturePath(location))) {
      if (ctx.log) ctx.log("part [" + part + "]: shared build already in " + location);
      return std::vector<std::string>{};
    }
    Options options = Resolved(raw, location);
    bool existed = PathExists(location);
    std::string compile_dir;
    Status st = Build(part, options, location, ctx, &compile_dir);
    if (!st.ok()) {
      if (!existed) RemoveAll(location);
      if (!compile_dir.empty() && PathExists(compile_dir))
        st = st.WithContext("(build directory kept for inspection: " + compile_dir + ")");
      return st;
    }
    SLAPOS_ASSIGN_OR_RETURN(bool keep, GetBool(part, options, "keep-compile-dir", false));
    if (!keep && !Trim(Get(options, "url")).empty()) RemoveAll(compile_dir);
    if (shared) {
      SLAPOS_RETURN_IF_ERROR(WriteSharedSignature(location, raw));
      return std::vector<std::string>{};
    }
    return std::vector<std::string>{location};
  }

 private:
  static Result<std::map<std::string, std::string>> Environment(const std::string& part,
                                                                const Options& options,
                                                                const BuildContext& ctx) {
    std::map<std::string, std::string> env;
    std::string section = std::string(Trim(Get(options, "environment-section")));
    if (!section.empty()) {
      if (!ctx.section) return NotFound("part [" + part + "]: no section lookup available");
      auto got = ctx.section(section);
      if (!got.ok()) return got.status().WithContext("part [" + part + "]: environment-section");
      for (const auto& [k, v] : *got) {
        if (k == "recipe" || StartsWith(k, "_")) continue;
        SLAPOS_ASSIGN_OR_RETURN(env[k], ExpandEnvReferences(std::string(Trim(v))));
      }
    }
    for (const auto& line : Lines(Get(options, "environment"))) {
      auto eq = line.find('=');
      if (eq == std::string::npos)
        return InvalidArgument("part [" + part + "]: environment line '" + line +
                               "' is not KEY=VALUE");
      std::string key(Trim(line.substr(0, eq)));
      auto value = ExpandEnvReferences(std::string(Trim(line.substr(eq + 1))));
      if (!value.ok()) return value.status().WithContext("part [" + part + "]: environment");
      env[key] = *value;
    }
    return env;
  }

  static Status Build(const std::string& part, const Options& options, const std::string& location,
                      const BuildContext& ctx, std::string* compile_dir) {
    SLAPOS_ASSIGN_OR_RETURN(auto env, Environment(part, options, ctx));
    std::string url(Trim(Get(options, "url")));
    std::string src;
    if (!url.empty()) {
      std::string bare;
      Checksum from_url;
      SplitUrlChecksum(url, &bare, &from_url);
      SLAPOS_ASSIGN_OR_RETURN(Checksum sum, ChecksumFromOptions(part, options, from_url));
      *compile_dir = JoinPath(ctx.parts_directory, part + "__compile__");
      SLAPOS_RETURN_IF_ERROR(RemoveAll(*compile_dir));
      std::string archive = *compile_dir + ".archive";
      Status st = DownloadToFile(bare, sum, DownloadOptionsFor(ctx), archive);
      if (st.ok()) {
        if (ctx.log) ctx.log("part [" + part + "]: unpacking " + bare);
        st = ExtractArchive(archive, *compile_dir, StripTopLevel::kAuto);
      }
      unlink(archive.c_str());
      if (!st.ok()) return st.WithContext("part [" + part + "]");
      src = *compile_dir;
    } else {
      src = std::string(Trim(Get(options, "path")));
      if (!IsDirectory(src))
        return NotFound("part [" + part + "]: path " + src + " is not a directory");
    }
    SLAPOS_RETURN_IF_ERROR(MakeDirs(location));
    auto run = [&](const std::string& step, const std::string& command) {
      return RunShellStep(ShellStep{part, step, command, src, env}, ctx);
    };

    // Patches, each checked against the checksum its URL carries.
    std::string patch_binary = Get(options, "patch-binary", "patch");
    std::string patch_options = Words(Get(options, "patch-options", "-p0"));
    int n = 0;
    for (const auto& line : Lines(Get(options, "patches"))) {
      std::string patch_url = SplitWhitespace(line)[0], bare;
      Checksum sum;
      SplitUrlChecksum(patch_url, &bare, &sum);
      std::string file = JoinPath(src, ".slapos-patch-" + std::to_string(n++));
      Status st = DownloadToFile(bare, sum, DownloadOptionsFor(ctx), file);
      if (!st.ok()) return st.WithContext("part [" + part + "]: patch");
      st = run("patch " + bare, patch_binary + " " + patch_options + " < " + ShellQuote(file));
      unlink(file.c_str());
      SLAPOS_RETURN_IF_ERROR(st);
    }

    auto hook = [&](const char* name) -> Status {
      std::string cmd(Trim(Get(options, name)));
      return cmd.empty() ? Status::OK() : run(std::string(name) + " hook", cmd);
    };
    SLAPOS_RETURN_IF_ERROR(hook("pre-configure"));
    std::string configure_options = Words(Get(options, "configure-options"));
    std::string custom = std::string(Trim(Get(options, "configure-command")));
    if (!custom.empty()) {
      SLAPOS_RETURN_IF_ERROR(run("configure", custom + " " + configure_options));
    } else if (PathExists(JoinPath(src, "configure"))) {
      std::string prefix = Get(options, "prefix", location);
      SLAPOS_RETURN_IF_ERROR(
          run("configure", "./configure --prefix=" + ShellQuote(prefix) + " " + configure_options));
    } else if (ctx.log) {
      ctx.log("part [" + part + "]: no configure script; skipping configure");
    }
    SLAPOS_RETURN_IF_ERROR(hook("pre-build"));
    std::string make = Get(options, "make-binary", "make") + " " + Words(Get(options, "make-options"));
    SLAPOS_RETURN_IF_ERROR(run("make", make));
    SLAPOS_RETURN_IF_ERROR(hook("pre-install"));
    std::string targets = Words(Get(options, "make-targets", "install"));
    if (!Trim(targets).empty()) SLAPOS_RETURN_IF_ERROR(run("make " + targets, make + " " + targets));
    SLAPOS_RETURN_IF_ERROR(hook("post-install"));
    for (const auto& path : Lines(Get(options, "promises")))
      if (!PathExists(path))
        return FailedPrecondition("part [" + part + "]: promise not kept: " + path +
                                  " does not exist after the build");
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<Recipe> NewCmmiRecipe() { return std::make_unique<CmmiRecipe>(); }

}  // namespace slapos::build::recipes
