// `slapos buildout`: install a Buildout profile (software release or instance), or show how it
// resolves (`annotate`, `resolve`) without installing anything. See docs/buildout.md.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "build/progress.h"
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

std::string Indented(const std::string& value) { return ReplaceAll(value, "\n", "\n    "); }

// Buildout's annotate: each option's raw (unsubstituted) merged value and the file:line it was
// written at. Options a section gets from its `<=` macros follow (their macro's file:line), then
// options a recipe's Init set. When the section resolves and an option's resolved value differs
// from its raw text, a `resolved:` line shows it.
void PrintAnnotated(const build::lang::Resolver& resolver,
                    const std::map<std::string, std::string>& unresolved,
                    const std::vector<std::string>& only) {
  std::printf("Annotated sections\n==================\n");
  std::map<std::string, build::Options> resolved = resolver.sections();
  for (const auto& [name, raw] : resolver.raw().sections) {
    if (!only.empty() && std::find(only.begin(), only.end(), name) == only.end()) continue;
    std::printf("\n[%s]\n", name.c_str());
    auto err = unresolved.find(name);
    if (err != unresolved.end()) std::printf("# not resolved: %s\n", err->second.c_str());
    const build::Options* values = nullptr;
    if (auto it = resolved.find(name); it != resolved.end()) values = &it->second;
    std::string recipe = values && values->count("recipe") ? values->at("recipe") : "";
    auto show = [&](const std::string& key, const std::string& text, const std::string& where) {
      std::printf("%s= %s\n    %s\n", key.c_str(), Indented(text).c_str(), where.c_str());
      if (!values) return;
      auto v = values->find(key);
      if (v != values->end() && v->second != text)
        std::printf("    resolved: %s\n", Indented(v->second).c_str());
    };
    for (const auto& [key, value] : raw.options) show(key, value.value, value.origin.ToString());
    build::lang::RawSection expanded = resolver.expanded(name);
    for (const auto& [key, value] : expanded.options)
      if (!raw.options.count(key)) show(key, value.value, value.origin.ToString() + " (from a <= macro)");
    if (!values) continue;
    for (const auto& [key, value] : *values)
      if (!raw.options.count(key) && !expanded.options.count(key))
        std::printf("%s= %s\n    SET BY RECIPE %s\n", key.c_str(), Indented(value).c_str(), recipe.c_str());
  }
}

int RunBuildoutCommand(const std::string& name, const std::vector<std::string>& args) {
  CLI::App app{
      "Install a Buildout profile (software.cfg or an instance's buildout.cfg), or show how it "
      "resolves.\n\n"
      "  slapos buildout [-c FILE] [-U] [-o] [-N] [section:option=value...] [install [PART...]]\n"
      "  slapos buildout [-c FILE] annotate [SECTION...]\n"
      "                                       each option's raw value, the file:line it came from and\n"
      "                                       its resolved value\n"
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
  // On a terminal, long downloads and build commands show a live status line; otherwise (logs,
  // pipes) each gives a line when it starts and one when it ends.
  build::Progress::Options po;
  po.terminal = !quiet && isatty(STDERR_FILENO) == 1;
  if (po.terminal) {
    struct winsize ws {};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) po.width = ws.ws_col;
    po.write = [](const std::string& text) {
      std::fputs(text.c_str(), stderr);
      std::fflush(stderr);
    };
  } else if (!quiet) {
    po.write = [](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    };
  }
  build::Progress progress(po);
  options.progress = &progress;
  options.log = [&progress](const std::string& line) { progress.Log(line); };

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
      for (const std::string& section : rest)
        if (!(*resolver)->raw().sections.count(section))
          return Fail("annotate: no section [" + section + "] in " + config);
      PrintAnnotated(**resolver, unresolved, rest);
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
