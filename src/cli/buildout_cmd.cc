// `slapos buildout`: install a Buildout profile (software release or instance), or show how it
// resolves (`annotate`, `resolve`) without installing anything. See docs/buildout.md.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "build/recipes/recipes.h"
#include "build/runner/runner.h"
#include "cli/command.h"
#include "cli/parse.h"
#include "util/strings.h"

namespace slapos::cli {
namespace {

using build::runner::RunOptions;

int Fail(const std::string& message) {
  std::fprintf(stderr, "slapos buildout: error: %s\n", message.c_str());
  return 1;
}

void PrintAnnotated(const build::lang::Resolver& resolver,
                    const std::map<std::string, std::string>& unresolved) {
  std::printf("Annotated sections\n==================\n");
  std::map<std::string, build::Options> resolved = resolver.sections();
  for (const auto& [name, raw] : resolver.raw().sections) {
    std::printf("\n[%s]\n", name.c_str());
    auto err = unresolved.find(name);
    if (err != unresolved.end()) std::printf("# not resolved: %s\n", err->second.c_str());
    std::map<std::string, build::lang::Origin> origins = resolver.origins(name);
    build::Options values;
    if (auto it = resolved.find(name); it != resolved.end()) {
      values = it->second;
    } else {
      for (const auto& [k, v] : raw.options) values[k] = v.value;  // raw, unsubstituted
    }
    std::string recipe = values.count("recipe") ? values["recipe"] : "";
    for (const auto& [key, value] : values) {
      std::printf("%s= %s\n", key.c_str(), ReplaceAll(value, "\n", "\n    ").c_str());
      auto o = origins.find(key);
      std::string where = o != origins.end() ? o->second.ToString() : "SET BY RECIPE " + recipe;
      std::printf("    %s\n", where.c_str());
    }
  }
}

int RunBuildoutCommand(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app{
      "Install a Buildout profile (software.cfg or an instance's buildout.cfg), or show how it "
      "resolves.\n\n"
      "  slapos buildout [-c FILE] [-U] [-o] [-N] [section:option=value...] [install [PART...]]\n"
      "  slapos buildout [-c FILE] annotate     each resolved option and the file:line it came from\n"
      "  slapos buildout [-c FILE] resolve      JSON: {\"sections\": {...}, \"install_order\": [...]}\n\n"
      "annotate and resolve install, download (except remote extends) and write nothing.",
      "slapos " + name};
  std::string config = "buildout.cfg";
  bool user_defaults_off = false, offline = false, not_newest = false, newest = false, quiet = false;
  int verbose = 0;
  std::string download_cache;
  std::vector<std::string> words;
  app.add_option("-c,--config", config, "profile to use (path or URL; default: buildout.cfg)");
  app.add_flag("-U", user_defaults_off, "do not read user defaults (~/.buildout/default.cfg); always the case here");
  app.add_flag("-o,--offline", offline, "offline: no network, remote extends only from extends-cache");
  app.add_flag("-N", not_newest, "do not look for newer versions (newest = false)");
  app.add_flag("-n", newest, "look for newer versions (newest = true, the default)");
  app.add_flag("-q", quiet, "only print errors");
  app.add_flag("-v", verbose, "more output");
  app.add_option("--download-cache", download_cache, "directory where downloads are cached");
  app.add_option("words", words, "section:option=value overrides, then the command and its arguments");
  app.allow_extras(false);
  app.positionals_at_end(false);
  if (int rc = ParseArgs(app, args); rc >= 0) return rc;

  RunOptions options;
  options.config_file = config;
  options.offline = offline;
  options.newest = !not_newest;
  options.download_cache = download_cache;
  std::string command = "install";
  size_t i = 0;
  for (; i < words.size() && words[i].find('=') != std::string::npos; ++i) options.overrides.push_back(words[i]);
  if (i < words.size()) command = words[i++];
  std::vector<std::string> rest(words.begin() + static_cast<long>(i), words.end());
  if (!quiet) {
    options.log = [](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    };
  } else {
    options.log = [](const std::string&) {};
  }

  build::RecipeRegistry registry;
  build::RegisterNativeRecipes(registry);

  if (command == "install") {
    options.parts = rest;
    Status st = build::runner::RunBuildout(options, registry);
    if (!st.ok()) return Fail(st.message());
    return 0;
  }
  if (command == "resolve" || command == "annotate") {
    if (command == "resolve" && !rest.empty()) return Fail("resolve takes no arguments, got '" + rest[0] + "'");
    options.log = [](const std::string&) {};
    auto resolver = build::runner::OpenProfile(options, &registry, /*write_extends_cache=*/false);
    if (!resolver.ok()) return Fail(resolver.status().message());
    std::map<std::string, std::string> unresolved = (*resolver)->ResolveRemaining();
    if (command == "annotate") {
      PrintAnnotated(**resolver, unresolved);
      return 0;
    }
    nlohmann::json out;
    out["sections"] = nlohmann::json::object();
    for (const auto& [section, opts] : (*resolver)->sections()) out["sections"][section] = opts;
    out["install_order"] = (*resolver)->install_order();
    if (!unresolved.empty()) out["unresolved"] = unresolved;
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  return Fail("unknown command '" + command + "'; expected install, annotate or resolve (see --help)");
}

}  // namespace

SLAPOS_COMMAND("buildout", "install a Buildout profile, or show how it resolves (annotate, resolve)",
               RunBuildoutCommand);

}  // namespace slapos::cli
