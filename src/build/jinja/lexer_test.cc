#include "build/jinja/lexer.h"

#include <gtest/gtest.h>

#include "build/jinja/value.h"

namespace slapos::jinja {
namespace {

// "type:value@line" for each token, space-separated.
std::string Dump(std::string_view src, bool keep_trailing_newline = false) {
  std::string out;
  for (const Token& t : Tokenize(src, "t", keep_trailing_newline)) {
    if (!out.empty()) out += " ";
    switch (t.type) {
      case Tok::kText: out += "T"; break;
      case Tok::kVarBegin: out += "VB"; break;
      case Tok::kVarEnd: out += "VE"; break;
      case Tok::kBlockBegin: out += "BB"; break;
      case Tok::kBlockEnd: out += "BE"; break;
      case Tok::kName: out += "N"; break;
      case Tok::kString: out += "S"; break;
      case Tok::kInt: out += "I"; break;
      case Tok::kFloat: out += "F"; break;
      case Tok::kOp: out += "O"; break;
      case Tok::kEof: out += "EOF"; break;
    }
    if (t.type != Tok::kEof && t.type != Tok::kVarBegin && t.type != Tok::kVarEnd && t.type != Tok::kBlockBegin &&
        t.type != Tok::kBlockEnd) {
      out += ":" + t.value;
    }
    out += "@" + std::to_string(t.line);
  }
  return out;
}

TEST(JinjaLexerTest, TextAndExpressions) {
  EXPECT_EQ(Dump("a {{ x.y[0] }} b"), "T:a @1 VB@1 N:x@1 O:.@1 N:y@1 O:[@1 I:0@1 O:]@1 VE@1 T: b@1 EOF@1");
  EXPECT_EQ(Dump("{% if a >= 1.5 and b != 'c' %}"),
            "BB@1 N:if@1 N:a@1 O:>=@1 F:1.5@1 N:and@1 N:b@1 O:!=@1 S:c@1 BE@1 EOF@1");
  EXPECT_EQ(Dump("{{ a//b ** c ~ d }}"), "VB@1 N:a@1 O://@1 N:b@1 O:**@1 N:c@1 O:~@1 N:d@1 VE@1 EOF@1");
}

TEST(JinjaLexerTest, NestedBracesDoNotEndTheTag) {
  EXPECT_EQ(Dump("{{ {'a': {'b': 1}} }}"),
            "VB@1 O:{@1 S:a@1 O::@1 O:{@1 S:b@1 O::@1 I:1@1 O:}@1 O:}@1 VE@1 EOF@1");
}

TEST(JinjaLexerTest, IntegerAfterDotIsAnIndex) {
  EXPECT_EQ(Dump("{{ x.0.1 }}"), "VB@1 N:x@1 O:.@1 I:0@1 O:.@1 I:1@1 VE@1 EOF@1");
}

TEST(JinjaLexerTest, LinesAreCounted) {
  EXPECT_EQ(Dump("a\nb{{\nx\n}}\n{# c\n #}d"), "T:a\nb@1 VB@2 N:x@3 VE@4 T:\n@4 T:d@6 EOF@6");
}

TEST(JinjaLexerTest, WhitespaceControl) {
  EXPECT_EQ(Dump("a \n {%- x -%} \n b"), "T:a@1 BB@2 N:x@2 BE@2 T:b@3 EOF@3");
  EXPECT_EQ(Dump("a {{- x }}"), "T:a@1 VB@1 N:x@1 VE@1 EOF@1");
  EXPECT_EQ(Dump("{#- c -#}  x"), "T:x@1 EOF@1");
}

TEST(JinjaLexerTest, RawBlock) {
  EXPECT_EQ(Dump("{% raw %}{{ x }}{% endraw %}!"), "T:{{ x }}@1 T:!@1 EOF@1");
  EXPECT_EQ(Dump("{%- raw -%} \n{{ x }} \n{%- endraw %}"), "T:{{ x }}@1 EOF@3");
}

TEST(JinjaLexerTest, TrailingNewlineAndCrlf) {
  EXPECT_EQ(Dump("a\r\nb\r\n"), "T:a\nb@1 EOF@2");
  EXPECT_EQ(Dump("a\n", true), "T:a\n@1 EOF@2");
}

TEST(JinjaLexerTest, StringEscapes) {
  EXPECT_EQ(Dump(R"({{ 'a\nb\x41\u00e9\q' }})"), "VB@1 S:a\nbAé\\q@1 VE@1 EOF@1");
}

TEST(JinjaLexerTest, Errors) {
  auto message = [](std::string_view src) {
    try {
      Tokenize(src, "f.in", false);
    } catch (const TemplateError& e) {
      return e.message;
    }
    return std::string("<no error>");
  };
  EXPECT_EQ(message("\n{% raw %}x"), "f.in:2: missing {% endraw %} for the {% raw %} block opened here");
  EXPECT_EQ(message("{{ 99999999999999999999 }}"), "f.in:1: integer literal 99999999999999999999 is too large");
  EXPECT_EQ(message("{{ '\\x4' }}"), "f.in:1: invalid \\x escape in string literal");
}

}  // namespace
}  // namespace slapos::jinja
