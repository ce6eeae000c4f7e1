// slapos.recipe.template and collective.recipe.template: templates inline, from files and over
// HTTP, rendered by Buildout substitution.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "recipe_fixture.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::testing_support {
namespace {

constexpr const char* kTemplate =
    "[service]\n"
    "port = ${ports:http}\n"
    "name = ${:service-name}\n"
    "later = $${instance:ipv6}\n";

class RecipeTemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    b.sections()["ports"] = {{"http", "8080"}};
    Write(b.Path("www/instance.cfg.in"), kTemplate);
    server = std::make_unique<HttpServer>(b.Path("www"));
    ASSERT_TRUE(server->ok());
  }
  FakeBuildout b;
  std::unique_ptr<HttpServer> server;
};

TEST_F(RecipeTemplateTest, UrlTemplateIsSubstitutedAndChecked) {
  Options o = {{"url", server->Url("instance.cfg.in")},
               {"md5sum", Md5Hex(kTemplate)},
               {"output", b.Path("instance.cfg")},
               {"service-name", "web"},
               {"mode", "0640"}};
  auto paths = b.Install("slapos.recipe.template", "instance-profile", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(*paths, std::vector<std::string>{b.Path("instance.cfg")});
  EXPECT_EQ(ReadOr(b.Path("instance.cfg")),
            "[service]\nport = 8080\nname = web\nlater = ${instance:ipv6}\n");
  struct stat st;
  ASSERT_EQ(stat(b.Path("instance.cfg").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);

  o["md5sum"] = std::string(32, 'a');
  auto bad = b.Install("slapos.recipe.template", "instance-profile", o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("checksum mismatch"), std::string::npos);
}

TEST_F(RecipeTemplateTest, MissingReferenceNamesTemplateAndLine) {
  Write(b.Path("tpl/bad.in"), "ok\nport = ${ports:https}\n");
  Options o = {{"url", b.Path("tpl/bad.in")}, {"output", b.Path("bad.cfg")}};
  Status st = b.InitOnly("slapos.recipe.template", "p", o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.message(), "part [p]: " + b.Path("tpl/bad.in") +
                              ":2: ${ports:https}: section [ports] has no option 'https'");
  EXPECT_FALSE(PathExists(b.Path("bad.cfg")));
}

TEST_F(RecipeTemplateTest, InlineTextIsWrittenAsGiven) {
  // The inline option was already substituted by the buildout, like every option value.
  Options o = {{"inline", "#!/bin/sh\necho '${x:y}'\n"}, {"output", b.Path("bin/run")},
               {"mode", "0755"}};
  ASSERT_TRUE(b.Install("slapos.recipe.template", "run", o).ok());
  EXPECT_EQ(RunOk({b.Path("bin/run")}), "${x:y}\n");  // not substituted a second time
}

TEST_F(RecipeTemplateTest, CollectiveTemplateInputFileAndInline) {
  Options o = {{"input", server->Url("instance.cfg.in")}, {"output", b.Path("c.cfg")},
               {"service-name", "c"}};
  ASSERT_TRUE(b.Install("collective.recipe.template", "c", o).ok());
  EXPECT_EQ(ReadOr(b.Path("c.cfg")), "[service]\nport = 8080\nname = c\nlater = ${instance:ipv6}\n");
  Options i = {{"input", "inline:\nline one\nline two"}, {"output", b.Path("i.txt")}};
  ASSERT_TRUE(b.Install("collective.recipe.template", "i", i).ok());
  EXPECT_EQ(ReadOr(b.Path("i.txt")), "line one\nline two\n");
  Options none = {{"output", b.Path("n.txt")}};
  EXPECT_FALSE(b.Install("collective.recipe.template", "n", none).ok());
}

}  // namespace
}  // namespace slapos::build::testing_support
