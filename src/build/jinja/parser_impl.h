// The parser's shared machinery: a cursor over the token stream and the expression
// grammar (parse_expr.cc). Internal to build/jinja; the statement grammar is parser.cc.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "build/jinja/ast.h"
#include "build/jinja/lexer.h"

namespace slapos::jinja {

class ExprParser {
 public:
  ExprParser(std::vector<Token> tokens, const std::string& name) : toks_(std::move(tokens)), name_(name) {}

 protected:
  const Token& Cur() const { return toks_[pos_]; }
  const Token& Peek(size_t ahead = 1) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  void Next() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  bool IsOp(const char* op) const { return Cur().type == Tok::kOp && Cur().value == op; }
  bool IsName(const char* n) const { return Cur().type == Tok::kName && Cur().value == n; }
  bool SkipOp(const char* op) {
    if (!IsOp(op)) return false;
    Next();
    return true;
  }
  bool SkipName(const char* n) {
    if (!IsName(n)) return false;
    Next();
    return true;
  }

  static std::string Describe(const Token& t) {
    switch (t.type) {
      case Tok::kName:
      case Tok::kOp:
      case Tok::kInt:
      case Tok::kFloat: return "'" + t.value + "'";
      case Tok::kString: return "string " + ReprString(t.value);
      default: return TokName(t.type);
    }
  }

  [[noreturn]] void Error(int line, const std::string& msg) const {
    throw TemplateError{name_ + ":" + std::to_string(line) + ": " + msg, true};
  }
  [[noreturn]] void Unexpected(const std::string& expected) const {
    Error(Cur().line, "unexpected " + Describe(Cur()) + ", expected " + expected);
  }
  void ExpectOp(const char* op) {
    if (!SkipOp(op)) Unexpected(std::string("'") + op + "'");
  }
  std::string ExpectName(const char* what = "a name") {
    if (Cur().type != Tok::kName) Unexpected(what);
    std::string n = Cur().value;
    Next();
    return n;
  }
  void ExpectBlockEnd() {
    if (Cur().type != Tok::kBlockEnd) Unexpected("end of statement block '%}'");
    Next();
  }

  ExprPtr Node(ExprKind kind, int line) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = line;
    return e;
  }

  // ---- expressions (parse_expr.cc) ----
  bool IsTupleEnd(std::initializer_list<const char*> extra_end) const;
  // A comma-separated list; a tuple node if a comma appeared (or explicit_parens and empty).
  ExprPtr ParseTuple(bool simplified, bool with_condexpr, std::initializer_list<const char*> extra_end,
                     bool explicit_parens);
  ExprPtr ParseExpression(bool with_condexpr);
  ExprPtr Binary(ExprKind kind, std::string op, ExprPtr l, ExprPtr r, int line);
  ExprPtr ParseOr();
  ExprPtr ParseAnd();
  ExprPtr ParseNot();
  ExprPtr ParseCompare();
  ExprPtr ParseMath1();
  ExprPtr ParseConcat();
  ExprPtr ParseMath2();
  ExprPtr ParsePow();
  ExprPtr ParseUnary(bool with_filter);
  ExprPtr ParsePrimary();
  ExprPtr ParsePostfix(ExprPtr e);
  ExprPtr ParseSubscript(ExprPtr obj, int line);
  void ParseArgs(Expr* e);
  ExprPtr ParseCall(ExprPtr callee);
  ExprPtr ParseOneFilter(ExprPtr subject);
  ExprPtr ParseFilterChain(ExprPtr subject);
  ExprPtr ParseFilterExpr(ExprPtr e);

  std::vector<Token> toks_;
  size_t pos_ = 0;
  int nesting_ = 0;  // ParsePrimary recursion depth, bounded
  const std::string& name_;
};

}  // namespace slapos::jinja
