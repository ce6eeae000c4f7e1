// slapos.recipe.template:jinja2 with the renderer of build/jinja: context lines, import-list,
// extensions, once; templates over HTTP and inline.
#include <gtest/gtest.h>

#include "recipe_fixture.h"
#include "util/file.h"
#include "util/strings.h"

namespace slapos::build::testing_support {
namespace {

#ifdef SLAPOS_HAVE_JINJA

class RecipeJinja2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    b.sections()["slap-configuration"] = {{"ipv6-random", "2001:db8::1"},
                                          {"configuration", R"({"name": "John", "n": 2})"}};
    b.sections()["hello"] = {{"location", "/opt/hello"}, {"port", "7777"}};
  }
  FakeBuildout b;
};

TEST_F(RecipeJinja2Test, ContextLinesReachTheTemplate) {
  Write(b.Path("www/instance.cfg.in"),
        "[instance]\n"
        "ip = {{ ipv6 }}\n"
        "bin = {{ hello['location'] }}/bin:{{ hello.port }}\n"
        "name = {{ params['name'] }} x{{ params['n'] + 1 }}\n"
        "raw = {{ raw_text }}\n"
        "json = {{ data['k'] | join(',') }}\n"
        "dumped = {{ json_module.dumps(data['k']) }}\n"
        "literal = ${slap-connection:computer-id}\n");
  HttpServer server(b.Path("www"));
  ASSERT_TRUE(server.ok());
  Options o = {{"url", server.Url("instance.cfg.in")},
               {"output", b.Path("instance.cfg")},
               {"context", "key ipv6 slap-configuration:ipv6-random\n"
                           "import json_module json\n"
                           "section hello hello\n"
                           "jsonkey params slap-configuration:configuration\n"
                           "raw raw_text some text with spaces\n"
                           "json data {\"k\": [\"a\", \"b\"]}"}};
  auto paths = b.Install("slapos.recipe.template:jinja2", "instance-profile", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(ReadOr(b.Path("instance.cfg")),
            "[instance]\n"
            "ip = 2001:db8::1\n"
            "bin = /opt/hello/bin:7777\n"
            "name = John x3\n"
            "raw = some text with spaces\n"
            "json = a,b\n"
            "dumped = [\"a\", \"b\"]\n"
            "literal = ${slap-connection:computer-id}");
}

TEST_F(RecipeJinja2Test, ImportListAndDoExtension) {
  Write(b.Path("macros.j2"), "{% macro section(name) %}[{{ name }}]{% endmacro %}");
  Options o = {{"inline", "{% import 'lib/macros' as m %}{% set l = [] %}"
                          "{% do l.append('x') %}{{ m.section('a') }} {{ l | join }}\n"},
               {"output", b.Path("out.cfg")},
               {"extensions", "jinja2.ext.do"},
               {"import-list", "file lib/macros " + b.Path("macros.j2")}};
  auto paths = b.Install("slapos.recipe.template:jinja2", "p", o);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();
  EXPECT_EQ(ReadOr(b.Path("out.cfg")), "[a] x");
}

TEST_F(RecipeJinja2Test, BadContextAndOnce) {
  Options bad = {{"inline", "x"}, {"output", b.Path("o")}, {"context", "key a nosuch:opt"}};
  Status st = b.InitOnly("slapos.recipe.template:jinja2", "p", bad);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("section [nosuch] does not exist"), std::string::npos)
      << st.message();
  Options type = {{"inline", "x"}, {"output", b.Path("o")}, {"context", "bogus a b"}};
  EXPECT_FALSE(b.InitOnly("slapos.recipe.template:jinja2", "p", type).ok());
  Write(b.Path("marker"), "");
  Options once = {{"inline", "new"}, {"output", b.Path("kept")}, {"once", b.Path("marker")}};
  Write(b.Path("kept"), "old");
  ASSERT_TRUE(b.Install("slapos.recipe.template:jinja2", "once", once).ok());
  EXPECT_EQ(ReadOr(b.Path("kept")), "old");
}

#else

TEST(RecipeJinja2Test, NotBuiltWithoutTheRenderer) {
  GTEST_SKIP() << "slapos_jinja (src/build/jinja) was not available when this was configured";
}

#endif

}  // namespace
}  // namespace slapos::build::testing_support
