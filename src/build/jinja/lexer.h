// Splits Jinja2 template source into tokens: literal text, the {{ }} / {% %} delimiters and
// the expression tokens between them. Applies whitespace control ({%- -%} {{- -}} {#- -#}),
// {% raw %} blocks, comments and the trailing-newline rule. Pure function, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slapos::jinja {

enum class Tok { kText, kVarBegin, kVarEnd, kBlockBegin, kBlockEnd, kName, kString, kInt, kFloat, kOp, kEof };

struct Token {
  Tok type = Tok::kEof;
  std::string value;  // text, name, operator, or the decoded string literal
  int line = 1;
  int64_t ival = 0;
  double fval = 0;
};

const char* TokName(Tok t);

// Tokenizes `source`. On error throws TemplateError located at "<template_name>:<line>".
std::vector<Token> Tokenize(std::string_view source, const std::string& template_name,
                            bool keep_trailing_newline);

}  // namespace slapos::jinja
