// Render() options and behaviours the oracle cases do not cover: the loader, options,
// context validation, and our extensions (list(), b64encode).
#include "build/jinja/jinja.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace slapos::jinja {
namespace {

std::string R(std::string_view src, const nlohmann::json& ctx = nlohmann::json::object(),
              const RenderOptions& options = {}) {
  Result<std::string> r = Render(src, ctx, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "<error: " + r.status().message() + ">";
}

RenderOptions Named(const std::string& name) {
  RenderOptions options;
  options.template_name = name;
  return options;
}

TEST(JinjaApiTest, RendersWithDefaultOptions) {
  EXPECT_EQ(R("hello {{ name }}!\n", {{"name", "world"}}), "hello world!");
}

TEST(JinjaApiTest, KeepTrailingNewline) {
  RenderOptions options;
  options.keep_trailing_newline = true;
  EXPECT_EQ(R("a\n", nlohmann::json::object(), options), "a\n");
}

TEST(JinjaApiTest, NullContextIsEmpty) { EXPECT_EQ(R("[{{ x }}]", nullptr), "[]"); }

TEST(JinjaApiTest, ContextMustBeAnObject) {
  Result<std::string> r = Render("x", nlohmann::json::array({1}), Named("t.in"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "t.in: the render context must be a JSON object (name -> value), not array");
}

TEST(JinjaApiTest, JsonObjectsIterateInKeyOrder) {
  // nlohmann::json keeps object keys sorted; Python would keep document order.
  EXPECT_EQ(R("{% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}", nlohmann::json::parse(R"({"d": {"b": 1, "a": 2}})")),
            "a2b1");
}

TEST(JinjaApiTest, ListGlobalAndB64encode) {
  EXPECT_EQ(R("{{ list('ab') }} {{ list() }} {{ list({'k': 1}) }}"), "['a', 'b'] [] ['k']");
  EXPECT_EQ(R("{{ 'hello'|b64encode }} {{ 'hi'|b64encode }} {{ ''|b64encode }}"), "aGVsbG8= aGk= ");
}

// slapos.recipe.template's dumps(): Buildout profile text read back as the value
// (build/typed_value.h): plain one-line strings as themselves, the rest as "!json <JSON>";
// `$` doubled.
TEST(JinjaApiTest, DumpsWritesBuildoutTypedValues) {
  EXPECT_EQ(R("{{ dumps('/srv/slappart3') }}|{{ dumps('cost $5') }}|{{ dumps(8080) }}|{{ dumps(true) }}|"
              "{{ dumps(none) }}"),
            "/srv/slappart3|cost $$5|!json 8080|!json true|!json null");
  EXPECT_EQ(R("{{ dumps({'b': [1, 'x'], 'a': {'$k': 2.5}}) }}|{{ dumps(('t', 1)) }}"),
            "!json {\"b\": [1, \"x\"], \"a\": {\"$$k\": 2.5}}|!json [\"t\", 1]");
  // Strings the profile parser would change (lines, surrounding blanks, empty, a typed prefix).
  EXPECT_EQ(R("{{ dumps('a\\nb') }}|{{ dumps(' x') }}|{{ dumps('') }}|{{ dumps('!json 1') }}"),
            "!json \"a\\nb\"|!json \" x\"|!json \"\"|!json \"!json 1\"");
  EXPECT_EQ(R("{{ dumps(value=params) }}", {{"params", {{"k", {1, 2}}}}}), "!json {\"k\": [1, 2]}");
}

TEST(JinjaApiTest, JsonModuleFromContext) {
  // The jinja2 recipe passes `import json_module json` context lines as {"__module__": "json"}.
  nlohmann::json ctx = {{"json_module", {{"__module__", "json"}}}, {"other", {{"__module__", "os"}}}};
  EXPECT_EQ(R("{{ json_module.dumps({'b': [1, 'é'], 'a': none}) }}|{{ json_module.dumps({'b': 1, 'a': 2}, sort_keys=true) }}|"
              "{{ json_module.loads('{\"k\": [1, 2.5, true]}').k }}|{{ other }}",
              ctx),
            "{\"b\": [1, \"\\u00e9\"], \"a\": null}|{\"a\": 2, \"b\": 1}|[1, 2.5, True]|{'__module__': 'os'}");
}

TEST(JinjaApiTest, SixModuleFromContext) {
  nlohmann::json ctx = {{"six", {{"__module__", "six"}}}, {"d", {{"b", 2}, {"a", 1}}}};
  EXPECT_EQ(R("{% for k, v in six.iteritems(d) %}{{ k }}={{ v }} {% endfor %}{{ six.iterkeys(d)|list }} "
              "{{ six.itervalues(d)|sum }}",
              ctx),
            "a=1 b=2 ['a', 'b'] 3");
}

TEST(JinjaApiTest, LoaderIsCalledOncePerTemplate) {
  int calls = 0;
  RenderOptions options;
  options.loader = [&calls](const std::string& name) -> Result<std::string> {
    ++calls;
    if (name == "m") return std::string("{% macro f(x) %}<{{ x }}>{% endmacro %}");
    return NotFound("nothing named " + name);
  };
  EXPECT_EQ(R("{% import 'm' as a %}{% import 'm' as b %}{% from 'm' import f %}{{ a.f(1) }}{{ b.f(2) }}{{ f(3) }}",
              nlohmann::json::object(), options),
            "<1><2><3>");
  EXPECT_EQ(calls, 1);
}

TEST(JinjaApiTest, DoExtensionCanBeDisabled) {
  RenderOptions options;
  options.do_extension = false;
  options.template_name = "t";
  Result<std::string> r = Render("{% do x %}", nlohmann::json::object(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "t:1: unknown tag 'do' (the jinja2.ext.do extension is not enabled)");
}

TEST(JinjaApiTest, MacroErrorsNameTheImportedTemplate) {
  RenderOptions options;
  options.template_name = "main.cfg";
  options.loader = [](const std::string&) -> Result<std::string> {
    return std::string("{% macro f(x) %}\nline2\n{{ x.missing.attr }}{% endmacro %}");
  };
  Result<std::string> r = Render("a\n{% import 'lib.cfg' as lib %}{{ lib.f({}) }}", nlohmann::json::object(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "lib.cfg:3: 'dict object' has no attribute 'missing'");
}

TEST(JinjaApiTest, SyntaxErrorInImportedTemplate) {
  RenderOptions options;
  options.template_name = "main.cfg";
  options.loader = [](const std::string&) -> Result<std::string> { return std::string("ok\n{% if %}"); };
  Result<std::string> r = Render("{% include 'inc.cfg' %}", nlohmann::json::object(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "inc.cfg:2: unexpected end of statement block '%}', expected an expression");
}

TEST(JinjaApiTest, LoaderErrorsAreReported) {
  RenderOptions options;
  options.template_name = "main.cfg";
  options.loader = [](const std::string& name) -> Result<std::string> {
    return NotFound("'" + name + "' is not in import-list");
  };
  Result<std::string> r = Render("x\n{% import 'lib' as l %}", nlohmann::json::object(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "main.cfg:2: cannot load template 'lib': 'lib' is not in import-list");
}

TEST(JinjaApiTest, NoLoader) {
  Result<std::string> r = Render("{% include 'x' %}", nlohmann::json::object(), Named("t"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "t:1: cannot load template 'x': no template loader is configured (import/include need one)");
}

TEST(JinjaApiTest, RecursiveIncludeIsStopped) {
  RenderOptions options;
  options.template_name = "self";
  options.loader = [](const std::string&) -> Result<std::string> { return std::string("{% include 'self' %}"); };
  Result<std::string> r = Render("{% include 'self' %}", nlohmann::json::object(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("templates nest too deeply"), std::string::npos) << r.status().message();
}

TEST(JinjaApiTest, DollarBracesSurvive) {
  // Instance profiles are Buildout files: ${section:option} must pass through untouched.
  EXPECT_EQ(R("path = ${directory:etc}/{{ name }}.conf\n$${escaped}", {{"name", "app"}}),
            "path = ${directory:etc}/app.conf\n$${escaped}");
}

TEST(JinjaApiTest, RawValuesFromBuildoutAreStrings) {
  // slapos.recipe.template passes `raw`/`key` context entries as strings.
  EXPECT_EQ(R("{{ port|int + 1 }} {{ flag == 'true' }} {{ ipv6.split()|first }}",
              {{"port", "8080"}, {"flag", "true"}, {"ipv6", "2001:db8::1 2001:db8::2"}}),
            "8081 True 2001:db8::1");
}

}  // namespace
}  // namespace slapos::jinja
