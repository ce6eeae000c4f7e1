// slapos.cookbook:switch-softwaretype (profiles.md §2, §4.6): picks, by the partition's
// software type, one rendered instance profile (`<type> = section:option`, `default` for the
// type "default" and the legacy "RootSoftwareInstance") and runs it as a nested buildout in
// the same directory with its own `.installed-<part>.cfg`. The nested run is
// `<this slapos binary> node buildout`, so it has the same recipes (node ones included), the
// same user and the same environment; [slap-connection] is copied and [slap-configuration] is
// handed over already computed (recipe emptied) so the master is not asked twice.
// Pure helpers are unit-tested; the recipe runs the nested buildout on every install/update.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "build/recipe.h"
#include "util/status.h"

namespace slapos::node {

// The `section:option` the software type maps to: the option named like the type, else
// `default` for "default"/"RootSoftwareInstance"/"". An unknown type is an error listing the
// known ones.
struct ProfileChoice {
  std::string section;
  std::string option;
};
Result<ProfileChoice> ChooseSoftwareTypeProfile(const std::string& part, const build::Options& options,
                                                const std::string& software_type);

// What the nested run needs besides the profile path.
struct NestedBuildout {
  std::string binary;   // the slapos binary
  std::string profile;  // path of the rendered profile
  std::string part;     // the switch part's name (gives .installed-<part>.cfg)
  bool offline = false;
  bool newest = false;
  build::Options buildout;            // parent [buildout]: directory, eggs-directory, ...
  build::Options slap_connection;     // copied as is
  build::Options slap_configuration;  // handed over computed, recipe emptied
};
// argv of the nested run: `<binary> node buildout -c <profile> [-o] section:option=value...`.
// Values are escaped (`$` -> `$$`) so they are taken literally; options whose name the
// command line cannot carry (spaces, ':', brackets, a trailing +/-) are left out.
std::vector<std::string> NestedBuildoutArgv(const NestedBuildout& nested);

std::unique_ptr<build::Recipe> NewSwitchSoftwareTypeRecipe();

}  // namespace slapos::node
