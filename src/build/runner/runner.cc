#include "build/runner/runner.h"

#include <algorithm>
#include <set>

#include "build/lang/loader.h"
#include "build/runner/installed.h"
#include "util/file.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::build::runner {

namespace {

const char kSignatureKey[] = "__buildout_signature__";

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string Digest(const Options& options) {
  std::string text;
  for (const auto& [k, v] : options) text += k + "=" + v + "\n";
  return Md5Hex(text);
}

// Parts that `section` depends on through references, directly or through sections without
// a recipe.
void DependencyParts(const lang::Resolver& r, const std::string& section, const std::set<std::string>& parts,
                     std::set<std::string>& seen, std::set<std::string>& out) {
  for (const std::string& d : r.dependencies(section)) {
    if (!seen.insert(d).second) continue;
    if (parts.count(d)) {
      out.insert(d);
    } else {
      DependencyParts(r, d, parts, seen, out);
    }
  }
}

}  // namespace

Result<std::unique_ptr<lang::Resolver>> OpenProfile(const RunOptions& options,
                                                    const RecipeRegistry* registry,
                                                    bool write_extends_cache) {
  lang::LoadOptions lo;
  lo.overrides = options.overrides;
  if (options.offline) lo.overrides.push_back("buildout:offline=true");
  if (!options.newest) lo.overrides.push_back("buildout:newest=false");
  if (!options.download_cache.empty()) lo.overrides.push_back("buildout:download-cache=" + options.download_cache);
  lo.extra_sections = options.extra_sections;
  lo.offline = options.offline;
  lo.write_extends_cache = write_extends_cache;
  SLAPOS_ASSIGN_OR_RETURN(lang::RawConfig config, lang::LoadProfile(options.config_file, lo));
  lang::ResolveOptions ro;
  ro.registry = registry;
  ro.log = options.log;
  ro.progress = options.progress;
  auto resolver = std::make_unique<lang::Resolver>(std::move(config), ro);
  SLAPOS_RETURN_IF_ERROR(resolver->ResolveParts());
  if (!options.parts.empty()) SLAPOS_RETURN_IF_ERROR(resolver->ResolveParts(options.parts));
  return resolver;
}

Status RunBuildout(const RunOptions& options, const RecipeRegistry& registry, RunReport* report) {
  RunReport local;
  RunReport& rep = report ? *report : local;
  auto log = options.log ? options.log : [](const std::string& line) { LOG_INFO("{}", line); };

  SLAPOS_ASSIGN_OR_RETURN(std::unique_ptr<lang::Resolver> resolver, OpenProfile(options, &registry));
  const BuildContext& ctx = resolver->context();
  SLAPOS_ASSIGN_OR_RETURN(Options bo, resolver->Section("buildout"));
  const std::string state_path = JoinPath(ctx.directory, bo["installed"]);
  SLAPOS_ASSIGN_OR_RETURN(InstalledState state, ReadInstalled(state_path));
  std::string written = PathExists(state_path) ? FormatInstalled(state) : "";

  // What the profile wants now: each part's options plus a signature that ties it to the
  // parts it references (SlapOS's fork: a changed dependency reinstalls its dependents).
  const std::vector<std::string>& order = resolver->install_order();
  std::set<std::string> part_set(order.begin(), order.end());
  std::map<std::string, Options> wanted;
  for (const std::string& part : order) {
    SLAPOS_ASSIGN_OR_RETURN(Options opts, resolver->Section(part));
    std::set<std::string> seen{part}, deps;
    DependencyParts(*resolver, part, part_set, seen, deps);
    std::vector<std::string> sig{"slapos-cpp-native"};
    for (const std::string& d : deps)
      if (wanted.count(d)) sig.push_back(d + ":" + Digest(wanted[d]));
    opts[kSignatureKey] = Join(sig, " ");
    wanted[part] = std::move(opts);
  }
  // `install PART...`: those parts and, as Buildout does, every part they reference
  // (recursively), in install order; nothing else is installed, updated or uninstalled.
  std::set<std::string> asked;
  for (std::vector<std::string> todo = options.parts; !todo.empty();) {
    std::string part = todo.back();
    todo.pop_back();
    if (!asked.insert(part).second) continue;
    std::set<std::string> seen{part}, deps;
    DependencyParts(*resolver, part, part_set, seen, deps);
    todo.insert(todo.end(), deps.begin(), deps.end());
  }
  auto selected = [&](const std::string& part) { return options.parts.empty() || asked.count(part) > 0; };
  std::vector<std::string> targets;
  for (const std::string& part : order)
    if (selected(part)) targets.push_back(part);

  FileRewriter state_writer(state_path);  // one temporary for all the saves of this run
  auto save = [&]() -> Status {
    std::vector<std::string> parts;
    for (const std::string& p : order)
      if (state.installed.count(p)) parts.push_back(p);
    for (const std::string& p : state.parts)
      if (state.installed.count(p) && !Contains(parts, p)) parts.push_back(p);
    state.parts = parts;
    std::string text = FormatInstalled(state);
    if (text == written && PathExists(state_path)) return Status::OK();
    rep.state_written = true;
    SLAPOS_RETURN_IF_ERROR(MakeDirs(Dirname(state_path)));
    SLAPOS_RETURN_IF_ERROR(state_writer.Write(text).WithContext("writing " + state_path));
    written = std::move(text);
    return Status::OK();
  };
  auto remove_paths = [&](const std::string& part, const std::vector<std::string>& paths) -> Status {
    for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
      Status st = RemoveAll(*it);
      if (!st.ok()) return st.WithContext("uninstalling part '" + part + "'");
    }
    return Status::OK();
  };

  // Uninstall phase, last installed first.
  std::vector<std::string> previous = state.parts;
  for (auto it = previous.rbegin(); it != previous.rend(); ++it) {
    const std::string& part = *it;
    if (!selected(part)) continue;
    const InstalledPart& old = state.installed[part];
    std::string why;
    if (!wanted.count(part)) {
      why = "no longer wanted";
    } else if (wanted[part] != old.options) {
      why = "options changed";
    } else {
      for (const std::string& p : old.paths)
        if (!PathExists(p)) why = "'" + p + "' is missing";
    }
    if (why.empty()) continue;
    log("Uninstalling " + part + " (" + why + ").");
    auto recipe_name = old.options.find("recipe");
    if (recipe_name != old.options.end()) {
      Result<std::unique_ptr<Recipe>> recipe = registry.Create(recipe_name->second);
      if (recipe.ok()) {
        Status st = (*recipe)->Uninstall(part, old.options, ctx);
        if (!st.ok()) return st.WithContext("uninstalling part '" + part + "' (recipe " + recipe_name->second + ")");
      }
    }
    SLAPOS_RETURN_IF_ERROR(remove_paths(part, old.paths));
    state.installed.erase(part);
    rep.uninstalled.push_back(part);
    SLAPOS_RETURN_IF_ERROR(save());
  }

  if (!targets.empty()) {
    SLAPOS_RETURN_IF_ERROR(MakeDirs(ctx.parts_directory));
    SLAPOS_RETURN_IF_ERROR(MakeDirs(ctx.bin_directory));
  }

  // Install phase, in install order.
  for (const std::string& part : targets) {
    Recipe* recipe = resolver->recipe(part);
    const Options& opts = wanted[part];
    const std::string recipe_name = opts.count("recipe") ? opts.at("recipe") : "";
    if (!recipe) return Internal("part '" + part + "' has no recipe object");
    if (state.installed.count(part)) {
      log("Updating " + part + ".");
      Status st = recipe->Update(part, opts, ctx);
      if (!st.ok()) {
        std::vector<std::string> paths = state.installed[part].paths;
        state.installed.erase(part);
        Status rm = remove_paths(part, paths);
        Status sv = save();
        (void)rm, (void)sv;
        return Status(st.code(), "part '" + part + "' (recipe " + recipe_name + ") failed to update: " +
                                     st.message() + "; it was uninstalled and will be installed again next run");
      }
      rep.updated.push_back(part);
      continue;
    }
    log("Installing " + part + ".");
    Result<std::vector<std::string>> paths = recipe->Install(part, opts, ctx);
    if (!paths.ok())
      return Status(paths.status().code(), "part '" + part + "' (recipe " + recipe_name +
                                               ") failed to install: " + paths.status().message());
    InstalledPart done;
    done.options = opts;
    for (const std::string& p : *paths) done.paths.push_back(JoinPath(ctx.directory, p));
    state.installed[part] = std::move(done);
    rep.installed.push_back(part);
    SLAPOS_RETURN_IF_ERROR(save());
  }
  SLAPOS_RETURN_IF_ERROR(save());
  // One sync for the whole run: the parts' files and every save of the state above.
  if (rep.state_written || !rep.updated.empty()) return SyncUnsyncedWrites();
  return Status::OK();
}

}  // namespace slapos::build::runner
