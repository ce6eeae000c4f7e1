#include "node/switch_softwaretype_recipe.h"

#include <limits.h>
#include <unistd.h>

#include "util/process.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

using build::BuildContext;
using build::Options;

std::string Get(const Options& o, const std::string& key) {
  auto it = o.find(key);
  return it == o.end() ? "" : std::string(Trim(it->second));
}

// Options that are not software types.
bool IsReserved(const std::string& key) {
  return key == "recipe" || key == "override" || key.empty() || key[0] == '_' || key[0] == '<' ||
         key == "-extends";
}

bool CarriableName(const std::string& key) {
  if (key.empty() || key.find_first_of(" \t[]{}:=") != std::string::npos) return false;
  return key.back() != '+' && key.back() != '-';
}

std::string Escape(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '$') out += '$';
    out += c;
  }
  return out;
}

std::string SelfBinary() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "slapos";
  return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

Result<ProfileChoice> ChooseSoftwareTypeProfile(const std::string& part, const Options& o,
                                                const std::string& software_type) {
  std::string type = software_type;
  auto it = o.find(type);
  if ((it == o.end() || IsReserved(type)) &&
      (type.empty() || type == "default" || type == "RootSoftwareInstance"))
    it = o.find("default");
  if (it == o.end() || IsReserved(it->first)) {
    std::vector<std::string> known;
    for (const auto& [k, v] : o)
      if (!IsReserved(k)) known.push_back(k);
    return InvalidArgument("part [" + part + "] (switch-softwaretype): this software release has no software type '" +
                           software_type + "' (known: " + (known.empty() ? "none" : Join(known, ", ")) +
                           "); request the instance with one of them");
  }
  std::string ref = std::string(Trim(it->second));
  size_t colon = ref.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == ref.size())
    return InvalidArgument("part [" + part + "] (switch-softwaretype): " + it->first + " = '" + ref +
                           "' is not 'section:option' (the option holding the rendered profile's path)");
  return ProfileChoice{ref.substr(0, colon), ref.substr(colon + 1)};
}

std::vector<std::string> NestedBuildoutArgv(const NestedBuildout& n) {
  std::vector<std::string> argv{n.binary, "node", "buildout", "-c", n.profile};
  if (n.offline) argv.push_back("-o");
  auto add = [&](const std::string& section, const std::string& key, const std::string& value) {
    if (CarriableName(key)) argv.push_back(section + ":" + key + "=" + Escape(value));
  };
  add("buildout", "installed", ".installed-" + n.part + ".cfg");
  add("buildout", "newest", n.newest ? "true" : "false");
  for (const char* key : {"directory", "eggs-directory", "develop-eggs-directory"})
    if (auto it = n.buildout.find(key); it != n.buildout.end()) add("buildout", key, it->second);
  for (const auto& [k, v] : n.slap_connection) add("slap-connection", k, v);
  for (const auto& [k, v] : n.slap_configuration)
    if (k != "recipe") add("slap-configuration", k, v);
  if (!n.slap_configuration.empty()) argv.push_back("slap-configuration:recipe=");
  return argv;
}

namespace {

class SwitchSoftwareTypeRecipe : public build::Recipe {
 public:
  Status Init(const std::string& part, Options& o, const BuildContext& ctx) override {
    if (!ctx.section) return Internal("part [" + part + "]: switch-softwaretype needs the other sections");
    auto conf = ctx.section("slap-configuration");
    if (!conf.ok())
      return conf.status().WithContext("part [" + part +
                                       "] (switch-softwaretype): needs a section named [slap-configuration] "
                                       "(slapos.cookbook:slapconfiguration)");
    nested_ = NestedBuildout{};
    nested_.slap_configuration = *conf;
    SLAPOS_ASSIGN_OR_RETURN(ProfileChoice choice, ChooseSoftwareTypeProfile(part, o, Get(*conf, "slap-software-type")));
    // Initialising the section makes it a part installed before this one (it renders the profile).
    auto holder = ctx.section(choice.section);
    if (!holder.ok()) return holder.status().WithContext("part [" + part + "] (switch-softwaretype)");
    nested_.profile = Get(*holder, choice.option);
    if (nested_.profile.empty())
      return InvalidArgument("part [" + part + "] (switch-softwaretype): option '" + choice.option +
                             "' of section [" + choice.section + "] is empty or missing; it must give the profile's path");
    if (auto conn = ctx.section("slap-connection"); conn.ok()) nested_.slap_connection = *conn;
    if (auto bo = ctx.section("buildout"); bo.ok()) nested_.buildout = *bo;
    nested_.part = part;
    nested_.offline = ctx.offline;
    nested_.newest = ctx.newest;
    nested_.binary = SelfBinary();
    o["software-type-section"] = choice.section;
    o["profile"] = nested_.profile;
    return Status::OK();
  }

  Result<std::vector<std::string>> Install(const std::string& part, const Options&, const BuildContext& ctx) override {
    SLAPOS_RETURN_IF_ERROR(Run(part, ctx));
    return std::vector<std::string>{};
  }
  Status Update(const std::string& part, const Options&, const BuildContext& ctx) override { return Run(part, ctx); }

 private:
  Status Run(const std::string& part, const BuildContext& ctx) {
    ProcessOptions po;
    po.argv = NestedBuildoutArgv(nested_);
    po.cwd = ctx.directory;
    po.max_captured = 64 * 1024;
    if (ctx.log) ctx.log("part [" + part + "]: running " + nested_.profile + " as a nested buildout");
    auto r = RunProcess(po);
    if (!r.ok()) return r.status().WithContext("part [" + part + "]: starting the nested buildout");
    if (ctx.log)
      for (const auto& line : Split(r->output, '\n'))
        if (!line.empty()) ctx.log("  " + line);
    if (!r->success()) {
      std::string tail = r->output.size() > 2000 ? r->output.substr(r->output.size() - 2000) : r->output;
      return Internal("part [" + part + "]: the nested buildout of " + nested_.profile + " failed (exit " +
                      std::to_string(r->exit_code) + "): " + std::string(Trim(tail)));
    }
    return Status::OK();
  }

  NestedBuildout nested_;
};

}  // namespace

std::unique_ptr<build::Recipe> NewSwitchSoftwareTypeRecipe() { return std::make_unique<SwitchSoftwareTypeRecipe>(); }

}  // namespace slapos::node
