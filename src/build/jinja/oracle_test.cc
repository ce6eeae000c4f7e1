// Runs every oracle case (cases_test.cc): our output must equal the real Jinja2's.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "build/jinja/cases_test.h"
#include "build/jinja/jinja.h"

namespace slapos::jinja {
namespace {

class JinjaOracleTest : public ::testing::TestWithParam<OracleCase> {};

TEST_P(JinjaOracleTest, MatchesJinja2) {
  const OracleCase& c = GetParam();
  RenderOptions options;
  options.template_name = c.name;
  options.keep_trailing_newline = c.keep_trailing_newline;
  auto templates = c.templates;
  options.loader = [templates](const std::string& name) -> Result<std::string> {
    for (const auto& [n, source] : templates) {
      if (n == name) return source;
    }
    return NotFound("no template named '" + name + "'");
  };
  Result<std::string> out = Render(c.source, nlohmann::json::parse(c.context_json), options);
  ASSERT_TRUE(out.ok()) << out.status().ToString() << "\ntemplate: " << c.source;
  EXPECT_EQ(*out, c.expected) << "template: " << c.source;
}

INSTANTIATE_TEST_SUITE_P(Cases, JinjaOracleTest, ::testing::ValuesIn(OracleCases()),
                         [](const ::testing::TestParamInfo<OracleCase>& info) { return info.param.name; });

}  // namespace
}  // namespace slapos::jinja
