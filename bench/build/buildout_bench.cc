// Benchmark of the build engine's language and runner (see RESULTS.md):
//  1. resolve: a generated software-release-like tree — 1 root + 9 stacks + 40 component
//     files, ~200 sections, extends chains and diamonds, `<=` macros, `+=`, `${:_profile_base_
//     location_}` and cross-file substitutions — loaded and resolved (recipe Init included),
//     in-process and through the real `slapos buildout resolve`;
//  2. rerun: an instance profile (mkdirectory, templates, wrappers, cron, promise plugins —
//     the native recipes) installed once, then rerun with nothing changed.
// Usage: buildout_bench [iterations]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "build/recipes/recipes.h"
#include "build/runner/runner.h"
#include "util/file.h"
#include "util/process.h"

using namespace slapos;
using Clock = std::chrono::steady_clock;

namespace {

void Put(const std::string& path, const std::string& text) {
  Status st = MakeDirs(Dirname(path));
  if (st.ok()) st = WriteFileAtomic(path, text);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    std::exit(1);
  }
}

// 40 components (4 sections each), 9 stacks (4 sections each), a root with macros.
int GenerateTree(const std::string& root) {
  int sections = 0;
  for (int c = 0; c < 40; ++c) {
    std::string n = "c" + std::to_string(c);
    std::string t = "[buildout]\nextends =\n  ../../macros.cfg\n";
    // Chains of 5 components; every component also extends macros.cfg (diamonds). Buildout
    // parses a file once per path that reaches it, so deeper meshes grow exponentially.
    if (c % 5 != 0) t += "  ../c" + std::to_string(c - 1) + "/buildout.cfg\n";
    t += "parts +=\n";
    t += "[" + n + "]\nrecipe = slapos.recipe.cmmi\nurl = ${:_profile_base_location_}/" + n +
         "-1.0.tar.gz\nmd5sum = 0123456789abcdef0123456789abcdef\nshared = true\n";
    if (c > 0) {
      std::string p = "c" + std::to_string(c - 1);
      t += "environment =\n  PATH=${" + p + ":location}/bin:%(PATH)s\n  CPPFLAGS=-I${" + p +
           ":location}/include\n  LDFLAGS=-L${" + p + ":location}/lib -Wl,-rpath=${" + p + ":location}/lib\n";
      t += "configure-options =\n  --with-" + p + "=${" + p + ":location}\n  --disable-static\n";
    }
    t += "[" + n + "-patch]\n<= download-base\nfilename = " + n + ".patch\nmd5sum = 00112233445566778899aabbccddeeff\n";
    t += "[" + n + "-config]\n<= template-base\ninline = prefix=${" + n + ":location} name=${:_buildout_section_name_} $${literal}\n";
    t += "[" + n + "-versions]\nlist = a\n  b\nlist += " + n + "\nlist -= a\n";
    Put(root + "/component/" + n + "/buildout.cfg", t);
    sections += 4;
  }
  std::string macros =
      "[download-base]\nrecipe = slapos.recipe.build:download\nurl = ${:_profile_base_location_}/${:filename}\n"
      "[template-base]\nrecipe = slapos.recipe.template\noutput = ${buildout:directory}/etc/${:_buildout_section_name_}\n";
  Put(root + "/macros.cfg", macros);
  sections += 2;
  for (int s = 0; s < 9; ++s) {
    std::string n = "stack" + std::to_string(s);
    std::string t = "[buildout]\nextends =\n";
    for (int k = 0; k < 5; ++k) t += "  ../../component/c" + std::to_string((s * 5 + k * 7) % 40) + "/buildout.cfg\n";
    t += "parts +=\n  " + n + "\n";
    t += "[" + n + "]\nrecipe = slapos.recipe.cmmi\nurl = http://example.invalid/" + n + ".tar.gz\ndepends =\n  ${c" + std::to_string(s * 4) + ":location}\n  ${c" +
         std::to_string(s * 4 + 3) + "-config:output}\n";
    t += "[" + n + "-template]\n<= template-base\ninline = ${" + n + ":location}\n";
    t += "[" + n + "-part]\n<= " + n + "-template\n  download-base\nfilename = x\n";
    t += "[" + n + ":python2]\nignored = yes\n[" + n + "-cond:linux and bits64]\nok = true\n";
    Put(root + "/stack/" + n + "/buildout.cfg", t);
    sections += 4;
  }
  std::string t = "[buildout]\nshared-part-list = ${:directory}/shared\nextends =\n";
  for (int s = 0; s < 9; ++s) t += "  stack/stack" + std::to_string(s) + "/buildout.cfg\n";
  t += "parts =\n";
  for (int c = 0; c < 40; c += 2) t += "  c" + std::to_string(c) + "-config\n";
  for (int s = 0; s < 9; ++s) t += "  stack" + std::to_string(s) + "-part\n";
  t += "  c39\n";
  t += "[instance-profile]\n<= template-base\ninline = ${c39:location}\n";
  Put(root + "/software.cfg", t);
  sections += 1;
  return sections;
}

const char kInstance[] = R"([buildout]
parts =
  directory
  config
  service-web
  service-worker
  cron-backup
  promise-web
  publish-like
offline = true

[directory]
recipe = slapos.cookbook:mkdirectory
etc = ${buildout:directory}/etc
var = ${buildout:directory}/var
srv = ${buildout:directory}/srv
log = ${:var}/log
run = ${:var}/run
services = ${:etc}/service
scripts = ${:etc}/run
plugin = ${:etc}/plugin
cron-entries = ${:etc}/cron.d

[config]
recipe = slapos.recipe.template
output = ${directory:etc}/app.conf
inline =
  listen = [${:ip}]:${:port}
  log = ${directory:log}/app.log
  shell-var = $${HOME}
ip = ::1
port = 8080

[service-base]
recipe = slapos.cookbook:wrapper
environment =
  HOME=${buildout:directory}
  LANG=C.UTF-8

[service-web]
<= service-base
command-line = /bin/sleep 1000 --config ${config:output}
wrapper-path = ${directory:services}/web

[service-worker]
<= service-base
command-line = /bin/sleep 1000 worker
wrapper-path = ${directory:services}/worker

[cron-backup]
recipe = slapos.cookbook:cron.d
cron-entries = ${directory:cron-entries}
name = backup
frequency = 0 3 * * *
command = ${service-worker:wrapper-path} --backup

[promise-web]
recipe = slapos.cookbook:promise.plugin
output = ${directory:plugin}/check-web.py
module = slapos.promise.plugin.check_socket_listening
config-host = ${config:ip}
config-port = ${config:port}

[publish-like]
recipe = slapos.recipe.template
output = ${directory:etc}/connection.json
inline = {"url": "http://[${config:ip}]:${config:port}/"}
)";

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void Report(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::printf("%-48s n=%-4zu min %8.3f ms  median %8.3f ms  max %8.3f ms\n", what, v.size(), v.front(),
              v[v.size() / 2], v.back());
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 50;
  char tmpl[] = "/tmp/buildout-bench-XXXXXX";
  std::string root = ::mkdtemp(tmpl);

  // 1. Resolve the tree.
  int sections = GenerateTree(root);
  build::RecipeRegistry registry;
  build::RegisterNativeRecipes(registry);
  build::runner::RunOptions ro;
  ro.config_file = root + "/software.cfg";
  ro.log = [](const std::string&) {};
  std::vector<double> times;
  size_t parts = 0, resolved = 0;
  for (int i = 0; i < iterations; ++i) {
    auto t0 = Clock::now();
    auto r = build::runner::OpenProfile(ro, &registry, false);
    if (!r.ok()) {
      std::fprintf(stderr, "resolve failed: %s\n", r.status().ToString().c_str());
      return 1;
    }
    times.push_back(Ms(Clock::now() - t0));
    parts = (*r)->install_order().size();
    resolved = (*r)->sections().size();
  }
  std::printf("tree: 50 files, %d sections written (%zu resolved from parts), %zu parts in install order\n",
              sections, resolved, parts);
  Report("resolve in-process (load+extends+resolve+Init)", times);

  // The same through the real binary (process start, native recipes, JSON output).
  std::vector<double> cli;
  for (int i = 0; i < std::min(iterations, 20); ++i) {
    ProcessOptions po;
    po.argv = {SLAPOS_BIN_PATH, "buildout", "-c", root + "/software.cfg", "resolve"};
    po.env = std::map<std::string, std::string>{{"PATH", "/usr/bin:/bin"}};
    auto t0 = Clock::now();
    auto res = RunProcess(po);
    double ms = Ms(Clock::now() - t0);
    if (!res.ok() || res->exit_code != 0) {
      std::fprintf(stderr, "slapos buildout resolve failed: %s\n", res.ok() ? res->output.c_str() : res.status().ToString().c_str());
      return 1;
    }
    cli.push_back(ms);
  }
  Report("slapos buildout resolve (process, JSON to a pipe)", cli);

  // 2. Instance profile: install once, then no-op reruns.
  std::string inst = root + "/instance";
  Put(inst + "/buildout.cfg", kInstance);
  build::RecipeRegistry native;
  build::RegisterNativeRecipes(native);
  build::runner::RunOptions io;
  io.config_file = inst + "/buildout.cfg";
  io.log = [](const std::string&) {};
  io.extra_sections["slap-connection"] = {{"computer-id", "COMP-1"}, {"partition-id", "slappart0"},
                                          {"server-url", "http://127.0.0.1"}};
  Status st = build::runner::RunBuildout(io, native);
  if (!st.ok()) {
    std::fprintf(stderr, "instance install failed: %s\n", st.ToString().c_str());
    return 1;
  }
  std::vector<double> rerun;
  for (int i = 0; i < iterations; ++i) {
    build::runner::RunReport rep;
    auto t0 = Clock::now();
    st = build::runner::RunBuildout(io, native, &rep);
    rerun.push_back(Ms(Clock::now() - t0));
    if (!st.ok() || !rep.installed.empty() || rep.state_written) {
      std::fprintf(stderr, "rerun was not a no-op: %s (installed %zu)\n", st.ToString().c_str(), rep.installed.size());
      return 1;
    }
  }
  Report("instance no-op rerun in-process (7 parts)", rerun);
  std::vector<double> rerun_cli;
  for (int i = 0; i < std::min(iterations, 20); ++i) {
    ProcessOptions po;
    po.argv = {SLAPOS_BIN_PATH, "buildout", "-q", "-c", inst + "/buildout.cfg"};
    auto t0 = Clock::now();
    auto res = RunProcess(po);
    rerun_cli.push_back(Ms(Clock::now() - t0));
    if (!res.ok() || res->exit_code != 0) {
      std::fprintf(stderr, "slapos buildout rerun failed: %s\n", res.ok() ? res->output.c_str() : res.status().ToString().c_str());
      return 1;
    }
  }
  Report("slapos buildout -q (process, no-op rerun)", rerun_cli);
  RemoveAll(root);
  return 0;
}
