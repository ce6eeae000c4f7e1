// Runs the real `slapos buildout` on profiles written by the test.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos {
namespace {

using slapos::testing::TempDir;

struct Out {
  int code = -1;
  std::string output;
};

class BuildoutCli : public ::testing::Test {
 protected:
  void Write(const std::string& rel, const std::string& text) {
    ASSERT_TRUE(MakeDirs(Dirname(dir_.Join(rel))).ok());
    ASSERT_TRUE(WriteFileAtomic(dir_.Join(rel), text).ok());
  }
  Out Slapos(std::vector<std::string> args) {
    ProcessOptions o;
    o.argv = {slapos::testing::SlaposBinary(), "buildout"};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.cwd = dir_.path();
    o.timeout_seconds = 60;
    Result<ProcessResult> r = RunProcess(o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? Out{r->exit_code, r->output} : Out{};
  }
  std::string Read(const std::string& rel) {
    Result<std::string> r = ReadFile(dir_.Join(rel));
    return r.ok() ? *r : "<missing>";
  }
  TempDir dir_{"slapos-buildout-cli"};
};

const char kProfile[] =
    "[buildout]\n"
    "parts = cfg\n"
    "[directory]\n"
    "recipe = slapos.cookbook:mkdirectory\n"
    "etc = ${buildout:directory}/etc\n"
    "[cfg]\n"
    "recipe = slapos.recipe.template\n"
    "inline = port=${:port} etc=${directory:etc} literal=$${x:y}\n"
    "output = ${directory:etc}/app.conf\n"
    "port = 8080\n"
    "[macro-only]\n"
    "url = ${:_profile_base_location_}/${:filename}\n";

TEST_F(BuildoutCli, HelpAndBadCommand) {
  Out h = Slapos({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.output.find("annotate"), std::string::npos) << h.output;
  Write("buildout.cfg", kProfile);
  Out b = Slapos({"frobnicate"});
  EXPECT_EQ(b.code, 1);
  EXPECT_EQ(b.output, "slapos buildout: error: unknown command 'frobnicate'; expected install, annotate or "
                      "resolve (see --help)\n");
}

TEST_F(BuildoutCli, ResolvePrintsSubstitutedSectionsAndInstallOrderAndWritesNothing) {
  Write("buildout.cfg", kProfile);
  Out r = Slapos({"resolve", "cfg:port=9090"});
  // Overrides come before the command word.
  EXPECT_EQ(r.code, 1);
  r = Slapos({"cfg:port=9090", "resolve"});
  ASSERT_EQ(r.code, 0) << r.output;
  nlohmann::json j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["install_order"], nlohmann::json::array({"directory", "cfg"}));
  EXPECT_EQ(j["sections"]["cfg"]["output"], dir_.Join("etc/app.conf"));
  EXPECT_EQ(j["sections"]["cfg"]["inline"], "port=9090 etc=" + dir_.Join("etc") + " literal=${x:y}");
  EXPECT_EQ(j["sections"]["buildout"]["parts-directory"], dir_.Join("parts"));
  EXPECT_TRUE(j["unresolved"].contains("macro-only"));
  EXPECT_FALSE(PathExists(dir_.Join("etc")));
  EXPECT_FALSE(PathExists(dir_.Join(".installed.cfg")));
  EXPECT_FALSE(PathExists(dir_.Join("parts")));
}

TEST_F(BuildoutCli, AnnotateShowsWhereEachOptionComesFrom) {
  Write("base.cfg", "[cfg]\nport = 1\n");
  Write("buildout.cfg", std::string("[buildout]\nextends = base.cfg\n") + (kProfile + 11));
  Out a = Slapos({"annotate"});
  ASSERT_EQ(a.code, 0) << a.output;
  EXPECT_NE(a.output.find("[cfg]\n"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("port= 8080\n    " + dir_.Join("buildout.cfg") + ":11\n"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("installed= .installed.cfg\n    DEFAULT_VALUE\n"), std::string::npos) << a.output;
  // Raw (unsubstituted) values with their file:line, then the resolved value when it differs.
  EXPECT_NE(a.output.find("output= ${directory:etc}/app.conf\n    " + dir_.Join("buildout.cfg") + ":10\n" +
                          "    resolved: " + dir_.Join("etc/app.conf") + "\n"),
            std::string::npos)
      << a.output;
  EXPECT_NE(a.output.find("inline= port=${:port} etc=${directory:etc} literal=$${x:y}\n"), std::string::npos)
      << a.output;
  EXPECT_FALSE(PathExists(dir_.Join("etc")));
}

TEST_F(BuildoutCli, AnnotateShowsMacroAndRecipeOptionsAndSelectedSections) {
  Write("macros.cfg", "[base]\nrecipe = slapos.cookbook:mkdirectory\nroot = ${buildout:directory}/r\n");
  Write("buildout.cfg",
        "[buildout]\nextends = macros.cfg\nparts = use\n"
        "[use]\n<= base\nother = ${:root}/x\n");
  Out a = Slapos({"annotate", "use"});
  ASSERT_EQ(a.code, 0) << a.output;
  EXPECT_EQ(a.output.find("[buildout]"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("<= base\n    " + dir_.Join("buildout.cfg") + ":5\n"), std::string::npos) << a.output;
  EXPECT_NE(a.output.find("root= ${buildout:directory}/r\n    " + dir_.Join("macros.cfg") +
                          ":3 (from a <= macro)\n    resolved: " + dir_.Join("r") + "\n"),
            std::string::npos)
      << a.output;
  EXPECT_NE(a.output.find("other= ${:root}/x\n    " + dir_.Join("buildout.cfg") + ":6\n    resolved: " +
                          dir_.Join("r/x") + "\n"),
            std::string::npos)
      << a.output;
  Out bad = Slapos({"annotate", "nosuch"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_EQ(bad.output, "slapos buildout: error: annotate: no section [nosuch] in buildout.cfg\n");
}

TEST_F(BuildoutCli, InstallRerunAndChange) {
  Write("buildout.cfg", kProfile);
  Out i = Slapos({"-c", dir_.Join("buildout.cfg")});
  ASSERT_EQ(i.code, 0) << i.output;
  EXPECT_EQ(i.output, "Installing directory.\nInstalling cfg.\n");
  EXPECT_EQ(Read("etc/app.conf"), "port=8080 etc=" + dir_.Join("etc") + " literal=${x:y}");
  Out again = Slapos({"install"});
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_EQ(again.output, "Updating directory.\nUpdating cfg.\n");
  Out changed = Slapos({"-o", "-N", "cfg:port=1", "install"});
  ASSERT_EQ(changed.code, 0) << changed.output;
  EXPECT_EQ(changed.output, "Uninstalling cfg (options changed).\nUpdating directory.\nInstalling cfg.\n");
  EXPECT_EQ(Read("etc/app.conf"), "port=1 etc=" + dir_.Join("etc") + " literal=${x:y}");
}

TEST_F(BuildoutCli, ErrorsNameFileLineAndOption) {
  Write("buildout.cfg", std::string(kProfile) + "[cfg]\nport = ${nowhere:port}\n");
  Out r = Slapos({"install"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.output, "slapos buildout: error: " + dir_.Join("buildout.cfg") +
                          ":14: [cfg] option 'port': ${nowhere:port} refers to section [nowhere], which does "
                          "not exist\n");
  EXPECT_FALSE(PathExists(dir_.Join(".installed.cfg")));
  Write("buildout.cfg", "[buildout]\nparts = x\n[x]\nrecipe = no.such.recipe\n");
  r = Slapos({"resolve"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find(":4: [x] option 'recipe': unknown recipe 'no.such.recipe'; available recipes: "),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("slapos.cookbook:mkdirectory"), std::string::npos) << r.output;
}

// Non-string values (profiles.md §1.6): a template writes objects into a generated profile with
// dumps(); a second buildout extending it gets the objects back through the jinja2 recipe's
// key / section / jsonkey contexts, and as JSON text inside longer option values.
TEST_F(BuildoutCli, DumpsWritesTypedValuesThatTemplatesReadBackAsObjects) {
  Write("render.cfg",
        "[buildout]\nparts = gen\n"
        "[gen]\nrecipe = slapos.recipe.template:jinja2\n"
        "output = ${buildout:directory}/generated.cfg\n"
        "context = json params {\"ports\": [8080, 8081], \"name\": \"web $1\", \"tls\": true}\n"
        "inline =\n"
        "  [context]\n"
        "  params = {{ dumps(params) }}\n"
        "  first-port = {{ dumps(params.ports[0]) }}\n"
        "  name = {{ dumps(params.name) }}\n"
        "  lines = {{ dumps('a\\nb') }}\n");
  Out r = Slapos({"-c", "render.cfg"});
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(Read("generated.cfg"),
            "[context]\n"
            "params = !json {\"name\": \"web $$1\", \"ports\": [8080, 8081], \"tls\": true}\n"
            "first-port = !json 8080\n"
            "name = web $$1\n"
            "lines = !json \"a\\nb\"");
  Write("use.cfg",
        "[buildout]\nextends = generated.cfg\nparts = out\ninstalled = .installed-use.cfg\n"
        "[out]\nrecipe = slapos.recipe.template:jinja2\n"
        "output = ${buildout:directory}/out.txt\n"
        "command = serve --port ${context:first-port} --conf ${context:params}\n"
        "context =\n"
        "  key params context:params\n"
        "  key port context:first-port\n"
        "  key name context:name\n"
        "  key lines context:lines\n"
        "  jsonkey again context:params\n"
        "  section all context\n"
        "  key command :command\n"
        "inline =\n"
        "  {{ params.ports | sum }} {{ port + 1 }} {{ params.tls }} {{ name }} {{ lines.split() }}\n"
        "  {{ again.ports[1] }} {{ all['first-port'] * 2 }} {{ all.name }}\n"
        "  {{ command }}\n");
  r = Slapos({"-c", "use.cfg"});
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(Read("out.txt"),
            "16161 8081 True web $1 ['a', 'b']\n"
            "8081 16160 web $1\n"
            "serve --port 8080 --conf {\"name\": \"web $1\", \"ports\": [8080, 8081], \"tls\": true}");
  // resolve shows the typed values as their text.
  r = Slapos({"-c", "use.cfg", "resolve"});
  ASSERT_EQ(r.code, 0) << r.output;
  nlohmann::json j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["sections"]["context"]["first-port"], "!json 8080");
}

TEST_F(BuildoutCli, RemoteExtendsThroughHttp) {
  int port = slapos::testing::PickFreePort();
  Write("www/base.cfg", "[cfg]\nport = 7000\nfrom = ${:_profile_base_location_}\n");
  slapos::testing::ChildProcess server({"/usr/bin/python3", "-m", "http.server", std::to_string(port), "--bind",
                                        "127.0.0.1", "--directory", dir_.Join("www")},
                                       dir_.Join("http.log"));
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  Write("buildout.cfg", "[buildout]\nextends = " + url + "/base.cfg\nparts =\n[cfg]\nx = ${:port}\n");
  Out r;
  ASSERT_TRUE(slapos::testing::WaitFor([&] { r = Slapos({"resolve"}); return r.code == 0; }, 10)) << r.output;
  nlohmann::json j = nlohmann::json::parse(r.output);
  EXPECT_EQ(j["sections"]["cfg"]["x"], "7000");
  EXPECT_EQ(j["sections"]["cfg"]["from"], url);
}

}  // namespace
}  // namespace slapos
