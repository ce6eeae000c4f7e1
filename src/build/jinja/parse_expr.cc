// The expression grammar, by precedence: conditional, or, and, not, comparisons, + -, ~,
// * / // %, **, unary, primary with postfix (attribute, item, call) and filters/tests.
#include "build/jinja/filters.h"
#include "build/jinja/parser_impl.h"

namespace slapos::jinja {

bool ExprParser::IsTupleEnd(std::initializer_list<const char*> extra_end) const {
  const Token& t = Cur();
  if (t.type == Tok::kVarEnd || t.type == Tok::kBlockEnd || t.type == Tok::kEof) return true;
  if (t.type == Tok::kOp && t.value == ")") return true;
  if (t.type == Tok::kName) {
    for (const char* e : extra_end) {
      if (t.value == e) return true;
    }
  }
  return false;
}

ExprPtr ExprParser::ParseTuple(bool simplified, bool with_condexpr,
                               std::initializer_list<const char*> extra_end, bool explicit_parens) {
  int line = Cur().line;
  std::vector<ExprPtr> items;
  bool is_tuple = false;
  for (;;) {
    if (!items.empty()) ExpectOp(",");
    if (IsTupleEnd(extra_end)) break;
    items.push_back(simplified ? ParsePrimary() : ParseExpression(with_condexpr));
    if (IsOp(",")) {
      is_tuple = true;
    } else {
      break;
    }
  }
  if (!is_tuple) {
    if (!items.empty()) return std::move(items[0]);
    if (!explicit_parens) Unexpected("an expression");
  }
  auto t = Node(ExprKind::kTuple, line);
  t->children = std::move(items);
  return t;
}

ExprPtr ExprParser::ParseExpression(bool with_condexpr) {
  if (!with_condexpr) return ParseOr();
  ExprPtr e = ParseOr();
  while (IsName("if")) {
    int line = Cur().line;
    Next();
    auto cond = Node(ExprKind::kCond, line);
    cond->children.push_back(std::move(e));
    cond->children.push_back(ParseOr());
    cond->children.push_back(SkipName("else") ? ParseExpression(true) : nullptr);
    e = std::move(cond);
  }
  return e;
}

ExprPtr ExprParser::Binary(ExprKind kind, std::string op, ExprPtr l, ExprPtr r, int line) {
  auto e = Node(kind, line);
  e->name = std::move(op);
  e->children.push_back(std::move(l));
  e->children.push_back(std::move(r));
  return e;
}

ExprPtr ExprParser::ParseOr() {
  ExprPtr e = ParseAnd();
  while (IsName("or")) {
    int line = Cur().line;
    Next();
    e = Binary(ExprKind::kOr, "or", std::move(e), ParseAnd(), line);
  }
  return e;
}

ExprPtr ExprParser::ParseAnd() {
  ExprPtr e = ParseNot();
  while (IsName("and")) {
    int line = Cur().line;
    Next();
    e = Binary(ExprKind::kAnd, "and", std::move(e), ParseNot(), line);
  }
  return e;
}

ExprPtr ExprParser::ParseNot() {
  if (IsName("not")) {
    auto e = Node(ExprKind::kUnary, Cur().line);
    Next();
    e->name = "not";
    e->children.push_back(ParseNot());
    return e;
  }
  return ParseCompare();
}

ExprPtr ExprParser::ParseCompare() {
  int line = Cur().line;
  ExprPtr first = ParseMath1();
  ExprPtr cmp;
  for (;;) {
    std::string op;
    if (Cur().type == Tok::kOp && (Cur().value == "==" || Cur().value == "!=" || Cur().value == "<" ||
                                   Cur().value == ">" || Cur().value == "<=" || Cur().value == ">=")) {
      op = Cur().value;
      Next();
    } else if (IsName("in")) {
      op = "in";
      Next();
    } else if (IsName("not") && Peek().type == Tok::kName && Peek().value == "in") {
      op = "not in";
      Next();
      Next();
    } else {
      break;
    }
    if (!cmp) {
      cmp = Node(ExprKind::kCompare, line);
      cmp->children.push_back(std::move(first));
    }
    cmp->ops.push_back(op);
    cmp->children.push_back(ParseMath1());
  }
  return cmp ? std::move(cmp) : std::move(first);
}

ExprPtr ExprParser::ParseMath1() {
  ExprPtr e = ParseConcat();
  while (IsOp("+") || IsOp("-")) {
    std::string op = Cur().value;
    int line = Cur().line;
    Next();
    e = Binary(ExprKind::kBinary, op, std::move(e), ParseConcat(), line);
  }
  return e;
}

ExprPtr ExprParser::ParseConcat() {
  int line = Cur().line;
  ExprPtr e = ParseMath2();
  if (!IsOp("~")) return e;
  auto c = Node(ExprKind::kConcat, line);
  c->children.push_back(std::move(e));
  while (SkipOp("~")) c->children.push_back(ParseMath2());
  return c;
}

ExprPtr ExprParser::ParseMath2() {
  ExprPtr e = ParsePow();
  while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) {
    std::string op = Cur().value;
    int line = Cur().line;
    Next();
    e = Binary(ExprKind::kBinary, op, std::move(e), ParsePow(), line);
  }
  return e;
}

ExprPtr ExprParser::ParsePow() {
  ExprPtr e = ParseUnary(true);
  while (IsOp("**")) {
    int line = Cur().line;
    Next();
    e = Binary(ExprKind::kBinary, "**", std::move(e), ParseUnary(true), line);
  }
  return e;
}

ExprPtr ExprParser::ParseUnary(bool with_filter) {
  ExprPtr e;
  if (IsOp("-") || IsOp("+")) {
    e = Node(ExprKind::kUnary, Cur().line);
    e->name = Cur().value;
    Next();
    e->children.push_back(ParseUnary(false));
  } else {
    e = ParsePrimary();
  }
  e = ParsePostfix(std::move(e));
  if (with_filter) e = ParseFilterExpr(std::move(e));
  return e;
}

ExprPtr ExprParser::ParsePrimary() {
  if (++nesting_ > 200) Error(Cur().line, "expression nests too deeply (more than 200 levels)");
  struct Unnest {
    int& n;
    ~Unnest() { --n; }
  } unnest{nesting_};
  const Token& t = Cur();
  int line = t.line;
  auto lit = Node(ExprKind::kLiteral, line);
  switch (t.type) {
    case Tok::kName:
      if (t.value == "true" || t.value == "True") {
        lit->literal = MakeBool(true);
      } else if (t.value == "false" || t.value == "False") {
        lit->literal = MakeBool(false);
      } else if (t.value == "none" || t.value == "None") {
        lit->literal = MakeNone();
      } else {
        lit->kind = ExprKind::kName;
        lit->name = t.value;
      }
      Next();
      return lit;
    case Tok::kString: {
      std::string s;
      while (Cur().type == Tok::kString) {
        s += Cur().value;
        Next();
      }
      lit->literal = MakeString(std::move(s));
      return lit;
    }
    case Tok::kInt:
      lit->literal = MakeInt(t.ival);
      Next();
      return lit;
    case Tok::kFloat:
      lit->literal = MakeFloat(t.fval);
      Next();
      return lit;
    case Tok::kOp:
      if (t.value == "(") {
        Next();
        ExprPtr e = ParseTuple(false, true, {}, true);
        ExpectOp(")");
        return e;
      }
      if (t.value == "[") {
        Next();
        auto list = Node(ExprKind::kList, line);
        while (!IsOp("]")) {
          if (!list->children.empty()) ExpectOp(",");
          if (IsOp("]")) break;
          list->children.push_back(ParseExpression(true));
        }
        Next();
        return list;
      }
      if (t.value == "{") {
        Next();
        auto dict = Node(ExprKind::kDict, line);
        while (!IsOp("}")) {
          if (!dict->children.empty()) ExpectOp(",");
          if (IsOp("}")) break;
          dict->children.push_back(ParseExpression(true));
          ExpectOp(":");
          dict->children.push_back(ParseExpression(true));
        }
        Next();
        return dict;
      }
      break;
    default: break;
  }
  Unexpected("an expression");
}

ExprPtr ExprParser::ParsePostfix(ExprPtr e) {
  for (;;) {
    int line = Cur().line;
    if (IsOp(".")) {
      Next();
      if (Cur().type == Tok::kName) {
        auto g = Node(ExprKind::kGetAttr, line);
        g->name = Cur().value;
        g->children.push_back(std::move(e));
        e = std::move(g);
      } else if (Cur().type == Tok::kInt) {
        auto g = Node(ExprKind::kGetItem, line);
        g->children.push_back(std::move(e));
        auto idx = Node(ExprKind::kLiteral, line);
        idx->literal = MakeInt(Cur().ival);
        g->children.push_back(std::move(idx));
        e = std::move(g);
      } else {
        Unexpected("an attribute name after '.'");
      }
      Next();
    } else if (IsOp("[")) {
      Next();
      e = ParseSubscript(std::move(e), line);
    } else if (IsOp("(")) {
      e = ParseCall(std::move(e));
    } else {
      return e;
    }
  }
}

ExprPtr ExprParser::ParseSubscript(ExprPtr obj, int line) {
  ExprPtr parts[3];
  bool is_slice = false;
  if (!IsOp(":")) parts[0] = ParseExpression(true);
  if (SkipOp(":")) {
    is_slice = true;
    if (!IsOp("]") && !IsOp(":")) parts[1] = ParseExpression(true);
    if (SkipOp(":") && !IsOp("]")) parts[2] = ParseExpression(true);
  }
  ExpectOp("]");
  auto e = Node(is_slice ? ExprKind::kSlice : ExprKind::kGetItem, line);
  e->children.push_back(std::move(obj));
  if (!is_slice) {
    e->children.push_back(std::move(parts[0]));
  } else {
    for (auto& p : parts) e->children.push_back(std::move(p));
  }
  return e;
}

// Parses "(args)" into `e` (children[1..], kwargs, dyn_args, dyn_kwargs).
void ExprParser::ParseArgs(Expr* e) {
  ExpectOp("(");
  bool first = true;
  while (!IsOp(")")) {
    if (!first) ExpectOp(",");
    first = false;
    if (IsOp(")")) break;
    if (SkipOp("**")) {
      e->dyn_kwargs = ParseExpression(true);
    } else if (SkipOp("*")) {
      e->dyn_args = ParseExpression(true);
    } else if (Cur().type == Tok::kName && Peek().type == Tok::kOp && Peek().value == "=") {
      std::string key = Cur().value;
      Next();
      Next();
      e->kwargs.emplace_back(key, ParseExpression(true));
    } else {
      if (!e->kwargs.empty()) Error(Cur().line, "positional argument follows keyword argument");
      e->children.push_back(ParseExpression(true));
    }
  }
  Next();
}

ExprPtr ExprParser::ParseCall(ExprPtr callee) {
  auto e = Node(ExprKind::kCall, Cur().line);
  e->children.push_back(std::move(callee));
  ParseArgs(e.get());
  return e;
}

ExprPtr ExprParser::ParseOneFilter(ExprPtr subject) {
  auto f = Node(ExprKind::kFilter, Cur().line);
  f->name = ExpectName("a filter name");
  while (IsOp(".")) {
    Next();
    f->name += "." + ExpectName();
  }
  if (!HasFilter(f->name)) Error(f->line, "unknown filter '" + f->name + "'");
  f->children.push_back(std::move(subject));
  if (IsOp("(")) ParseArgs(f.get());
  return f;
}

// "| f1 | f2(...)" applied to `subject` (may be null). Returns null if no '|' follows and
// subject is null.
ExprPtr ExprParser::ParseFilterChain(ExprPtr subject) {
  while (SkipOp("|")) subject = ParseOneFilter(std::move(subject));
  return subject;
}

ExprPtr ExprParser::ParseFilterExpr(ExprPtr e) {
  for (;;) {
    if (IsOp("|")) {
      Next();
      e = ParseOneFilter(std::move(e));
    } else if (IsName("is")) {
      Next();
      auto t = Node(ExprKind::kTest, Cur().line);
      if (SkipName("not")) t->negated = true;
      t->name = ExpectName("a test name");
      while (IsOp(".")) {
        Next();
        t->name += "." + ExpectName();
      }
      if (!HasTest(t->name)) Error(t->line, "unknown test '" + t->name + "'");
      t->children.push_back(std::move(e));
      const Token& c = Cur();
      if (c.type == Tok::kOp && c.value == "(") {
        ParseArgs(t.get());
      } else if ((c.type == Tok::kName && c.value != "else" && c.value != "or" && c.value != "and" &&
                  c.value != "if" && c.value != "is") ||
                 c.type == Tok::kString || c.type == Tok::kInt || c.type == Tok::kFloat ||
                 (c.type == Tok::kOp && (c.value == "[" || c.value == "{"))) {
        t->children.push_back(ParsePostfix(ParsePrimary()));
      }
      e = std::move(t);
    } else if (IsOp("(")) {
      e = ParseCall(std::move(e));
    } else {
      return e;
    }
  }
}

}  // namespace slapos::jinja
