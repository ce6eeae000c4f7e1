// Error cases: every message names the template, the line and what is wrong.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "build/jinja/jinja.h"

namespace slapos::jinja {
namespace {

std::string Err(std::string_view src, const nlohmann::json& ctx = nlohmann::json::object()) {
  RenderOptions options;
  options.template_name = "instance.cfg.in";
  Result<std::string> r = Render(src, ctx, options);
  EXPECT_FALSE(r.ok()) << "rendered: " << (r.ok() ? *r : "");
  if (r.ok()) return "<no error>";
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  return r.status().message();
}

TEST(JinjaErrorTest, UnknownFilterEvenInUntakenBranch) {
  EXPECT_EQ(Err("a\n{% if false %}{{ x | foo }}{% endif %}"), "instance.cfg.in:2: unknown filter 'foo'");
}

TEST(JinjaErrorTest, UnknownTest) {
  EXPECT_EQ(Err("{{ x is frobbed }}"), "instance.cfg.in:1: unknown test 'frobbed'");
}

TEST(JinjaErrorTest, UnclosedVariableTag) {
  EXPECT_EQ(Err("line1\n{{ x \nmore"), "instance.cfg.in:2: unclosed tag '{{' (missing '}}')");
}

TEST(JinjaErrorTest, UnclosedBlockTag) {
  EXPECT_EQ(Err("{% if x "), "instance.cfg.in:1: unclosed tag '{%' (missing '%}')");
}

TEST(JinjaErrorTest, UnclosedComment) {
  EXPECT_EQ(Err("a\n{# never closed"), "instance.cfg.in:2: unclosed comment '{#' (missing '#}')");
}

TEST(JinjaErrorTest, UnclosedIfBlock) {
  EXPECT_EQ(Err("\n\n{% if x %}\nabc\n"),
            "instance.cfg.in:3: 'if' block opened here is not closed: reached the end of the template "
            "looking for 'elif' or 'else' or 'endif'");
}

TEST(JinjaErrorTest, UnclosedForBlock) {
  EXPECT_EQ(Err("{% for x in y %}{% if x %}{% endif %}"),
            "instance.cfg.in:1: 'for' block opened here is not closed: reached the end of the template "
            "looking for 'endfor' or 'else'");
}

TEST(JinjaErrorTest, StrayEndTag) {
  EXPECT_EQ(Err("a\n{% endfor %}"), "instance.cfg.in:2: unexpected 'endfor': no 'for' block is open");
}

TEST(JinjaErrorTest, UnknownTag) { EXPECT_EQ(Err("{% frob %}"), "instance.cfg.in:1: unknown tag 'frob'"); }

TEST(JinjaErrorTest, UnexpectedToken) {
  EXPECT_EQ(Err("{{ 1 + }}"), "instance.cfg.in:1: unexpected end of print statement '}}', expected an expression");
  EXPECT_EQ(Err("{{ a b }}"), "instance.cfg.in:1: unexpected 'b', expected end of print statement '}}'");
  EXPECT_EQ(Err("{% for x y %}"), "instance.cfg.in:1: unexpected 'y', expected 'in'");
  EXPECT_EQ(Err("{{ f(1, ] }}"), "instance.cfg.in:1: unexpected ']', expected an expression");
}

TEST(JinjaErrorTest, UnexpectedCharacter) {
  EXPECT_EQ(Err("{{ a @ b }}"), "instance.cfg.in:1: unexpected character '@'");
}

TEST(JinjaErrorTest, UnterminatedString) {
  EXPECT_EQ(Err("{{ 'abc }}"), "instance.cfg.in:1: unterminated string literal");
}

TEST(JinjaErrorTest, ExtendsIsNotSupported) {
  EXPECT_EQ(Err("{% extends 'base' %}"),
            "instance.cfg.in:1: 'extends' (template inheritance) is not supported; use macros, import and include");
}

TEST(JinjaErrorTest, AttributeOfUndefined) {
  EXPECT_EQ(Err("ok\n\n{{ slapparameter_dict.port }}"), "instance.cfg.in:3: 'slapparameter_dict' is undefined");
}

TEST(JinjaErrorTest, AttributeOfMissingAttribute) {
  EXPECT_EQ(Err("{{ d.a.b }}", {{"d", nlohmann::json::object()}}),
            "instance.cfg.in:1: 'dict object' has no attribute 'a'");
  EXPECT_EQ(Err("{{ d['a']['b'] }}", {{"d", nlohmann::json::object()}}),
            "instance.cfg.in:1: 'dict object' has no attribute 'a'");
}

TEST(JinjaErrorTest, ArithmeticOnUndefined) {
  EXPECT_EQ(Err("{{ port + 1 }}"), "instance.cfg.in:1: 'port' is undefined");
}

TEST(JinjaErrorTest, TypeErrors) {
  EXPECT_EQ(Err("{{ 'a' + 1 }}"),
            "instance.cfg.in:1: can only concatenate str (not \"int\") to str; use ~ to join values as text");
  EXPECT_EQ(Err("{{ 1 - 'a' }}"), "instance.cfg.in:1: unsupported operand type(s) for -: 'int' and 'str'");
  EXPECT_EQ(Err("{{ 1 < 'a' }}"), "instance.cfg.in:1: '<' not supported between instances of 'int' and 'str'");
  EXPECT_EQ(Err("{{ 'a'() }}"), "instance.cfg.in:1: 'str' object is not callable");
  EXPECT_EQ(Err("{{ nothing() }}"), "instance.cfg.in:1: 'nothing' is undefined");
  EXPECT_EQ(Err("{% for x in 5 %}{% endfor %}"), "instance.cfg.in:1: 'int' object is not iterable");
  EXPECT_EQ(Err("{{ 1 // 0 }}"), "instance.cfg.in:1: integer division by zero");
  EXPECT_EQ(Err("{{ {[1]: 2} }}"), "instance.cfg.in:1: unhashable type: 'list'");
}

TEST(JinjaErrorTest, UnpackErrors) {
  EXPECT_EQ(Err("{% for a, b in [[1, 2, 3]] %}{% endfor %}"),
            "instance.cfg.in:1: too many values to unpack (expected 2)");
  EXPECT_EQ(Err("{% set a, b, c = [1, 2] %}"), "instance.cfg.in:1: not enough values to unpack (expected 3, got 2)");
}

TEST(JinjaErrorTest, MethodErrors) {
  EXPECT_EQ(Err("{{ [1].index(5) }}"), "instance.cfg.in:1: 5 is not in list");
  EXPECT_EQ(Err("{{ (1, 2).append(3) }}"), "instance.cfg.in:1: 'tuple object' has no attribute 'append'");
  EXPECT_EQ(Err("{{ {}.pop('k') }}"), "instance.cfg.in:1: KeyError: 'k'");
  EXPECT_EQ(Err("{{ 'a'.startswith() }}"), "instance.cfg.in:1: str.startswith() takes 1 argument(s) (0 given)");
}

TEST(JinjaErrorTest, FormatErrors) {
  EXPECT_EQ(Err("{{ '%s %s' % ('a',) }}"), "instance.cfg.in:1: not enough arguments for format string");
  EXPECT_EQ(Err("{{ '%s' % ('a', 'b') }}"), "instance.cfg.in:1: not all arguments converted during string formatting");
  EXPECT_EQ(Err("{{ '%d' % 'x' }}"), "instance.cfg.in:1: %d format: a real number is required, not str");
  EXPECT_EQ(Err("{{ '{} {}'.format(1) }}"),
            "instance.cfg.in:1: Replacement index 1 out of range for positional args tuple");
}

TEST(JinjaErrorTest, FilterArgumentErrors) {
  EXPECT_EQ(Err("{{ [1]|join(',', bogus=1) }}"), "instance.cfg.in:1: filter join() got an unexpected keyword argument 'bogus'");
  EXPECT_EQ(Err("{{ 'x'|dictsort }}"), "instance.cfg.in:1: dictsort needs a dict, not str");
  EXPECT_EQ(Err("{{ x|tojson }}"), "instance.cfg.in:1: 'x' is undefined");
}

TEST(JinjaErrorTest, DumpsOfUndefined) {
  EXPECT_EQ(Err("x = {{ dumps(nosuch) }}"), "instance.cfg.in:1: dumps(): 'nosuch' is undefined");
}

TEST(JinjaErrorTest, NamespaceAssignment) {
  EXPECT_EQ(Err("{% set d = {} %}{% set d.x = 1 %}"),
            "instance.cfg.in:1: cannot assign attribute on non-namespace object 'd'");
}

TEST(JinjaErrorTest, FromImportMissingName) {
  RenderOptions options;
  options.template_name = "main";
  options.loader = [](const std::string&) -> Result<std::string> { return std::string("{% macro a() %}{% endmacro %}"); };
  Result<std::string> r = Render("{% from 'lib' import b %}", nlohmann::json::object(), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "main:1: the template 'lib' does not export the requested name 'b'");
}

TEST(JinjaErrorTest, LineNumbersCountEverything) {
  // Newlines inside comments, raw blocks, tags and strings all count.
  EXPECT_EQ(Err("{# one\ntwo #}\n{% raw %}\n{% endraw %}{{\n'a\nb' ~\nx.y }}"), "instance.cfg.in:7: 'x' is undefined");
}

}  // namespace
}  // namespace slapos::jinja
