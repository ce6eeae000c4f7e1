// slapos.cookbook:wrapper: an executable /bin/sh launcher for a command line, with its
// environment, optional wait-for-files, pidfile exclusivity and hashed file names
// (profiles.md §2.3).
#include <sys/stat.h>

#include <algorithm>

#include "build/recipes/download.h"
#include "build/recipes/native.h"
#include "build/recipes/options.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::recipes {

namespace {

// md5 over the listed files' contents, in sorted path order.
Result<std::string> HashFiles(const std::string& part, std::vector<std::string> files) {
  std::sort(files.begin(), files.end());
  std::string all;
  for (const auto& f : files) {
    auto text = ReadFile(f);
    if (!text.ok())
      return NotFound("part [" + part + "]: cannot hash " + f + ": " + text.status().message());
    all += *text;
  }
  return Md5Hex(all);
}

class WrapperRecipe : public Recipe {
 public:
  Status Init(const std::string& part, Options& options, const BuildContext& ctx) override {
    (void)ctx;
    SLAPOS_ASSIGN_OR_RETURN(std::string cmd, Require(part, options, "command-line"));
    SLAPOS_ASSIGN_OR_RETURN(std::string path, Require(part, options, "wrapper-path"));
    (void)cmd, (void)path;
    for (const char* unsupported : {"private-tmpfs", "sig-ign", "redirect-signal"})
      if (!Trim(Get(options, unsupported)).empty())
        return InvalidArgument("part [" + part + "]: option '" + unsupported +
                               "' needs the Python launcher, which the native wrapper recipe "
                               "does not provide");
    auto existing = SplitWhitespace(Get(options, "hash-existing-files"));
    if (!existing.empty()) {
      SLAPOS_ASSIGN_OR_RETURN(options["__hash_files__"], HashFiles(part, existing));
    }
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options& options,
                                           const BuildContext& ctx) override {
    auto hashed = SplitWhitespace(Get(options, "hash-files"));
    std::string root = ctx.directory.empty() ? "" : std::string(TrimRight(ctx.directory)) + "/";
    for (const auto& f : hashed) {
      char real[PATH_MAX];
      if (!root.empty() && realpath(f.c_str(), real) && !StartsWith(real, root))
        return InvalidArgument("part [" + part + "]: hash-files must only list files generated "
                               "by this buildout (under " + root + "), not " + f);
    }
    SLAPOS_ASSIGN_OR_RETURN(std::string path, WrapperPath(part, options));
    SLAPOS_ASSIGN_OR_RETURN(std::string script, Script(part, options));
    SLAPOS_RETURN_IF_ERROR(WriteFileIfChanged(path, script, 0700));
    return std::vector<std::string>{path};
  }

  Status Update(const std::string& part, const Options& options, const BuildContext& ctx) override {
    (void)ctx;
    SLAPOS_ASSIGN_OR_RETURN(std::string path, WrapperPath(part, options));
    if (!PathExists(path))
      return FailedPrecondition("part [" + part + "]: unstable wrapper path " + path +
                                " (a file listed in hash-files changed); the part must be "
                                "reinstalled");
    return Status::OK();
  }

 private:
  static Result<std::string> WrapperPath(const std::string& part, const Options& options) {
    std::string path(Trim(Get(options, "wrapper-path")));
    auto files = SplitWhitespace(Get(options, "hash-files"));
    auto existing = SplitWhitespace(Get(options, "hash-existing-files"));
    files.insert(files.end(), existing.begin(), existing.end());
    if (files.empty()) return path;
    SLAPOS_ASSIGN_OR_RETURN(std::string hash, HashFiles(part, files));
    return path + "-" + hash;
  }

  static Result<std::string> Script(const std::string& part, const Options& options) {
    auto args = ShellSplit(Get(options, "command-line"));
    if (!args.ok()) return args.status().WithContext("part [" + part + "]: command-line");
    if (args->empty()) return InvalidArgument("part [" + part + "]: command-line is empty");
    std::string s = "#!/bin/sh -e\n";
    for (const auto& line : Lines(Get(options, "environment"))) {
      auto eq = line.find('=');
      if (eq == std::string::npos)
        return InvalidArgument("part [" + part + "]: environment line '" + line +
                               "' is not KEY=VALUE");
      std::string key(TrimRight(line.substr(0, eq)));
      s += "export " + key + "=" + ShellQuote(std::string(Trim(line.substr(eq + 1)))) + "\n";
    }
    auto wait = SplitWhitespace(Get(options, "wait-for-files"));
    if (!wait.empty()) {
      std::vector<std::string> q;
      for (const auto& f : wait) q.push_back(ShellQuote(f));
      s += "for f in " + Join(q, " ") +
           "; do\n  while [ ! -e \"$f\" ]; do sleep 0.1; done\ndone\n";
    }
    std::string pidfile(Trim(Get(options, "pidfile")));
    if (!pidfile.empty()) {
      s += "pidfile=" + ShellQuote(pidfile) + "\n";
      s += "if [ -s \"$pidfile\" ] && pid=$(cat \"$pidfile\") && kill -0 \"$pid\" 2>/dev/null; "
           "then\n  echo \"Already running with pid $pid.\"\n  exit 1\nfi\n";
      s += "echo $$ > \"$pidfile\"\n";
    }
    SLAPOS_ASSIGN_OR_RETURN(bool reserve, GetBool(part, options, "reserve-cpu", false));
    if (reserve) s += "echo $$ >> ~/.slapos-cpu-exclusive\n";
    std::vector<std::string> quoted;
    for (const auto& a : *args) quoted.push_back(ShellQuote(a));
    s += "exec " + Join(quoted, " ") + " \"$@\"\n";
    return s;
  }
};

}  // namespace

std::unique_ptr<Recipe> NewWrapperRecipe() { return std::make_unique<WrapperRecipe>(); }

}  // namespace slapos::build::recipes
