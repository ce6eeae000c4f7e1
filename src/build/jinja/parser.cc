#include "build/jinja/parser.h"

#include <initializer_list>

#include "build/jinja/filters.h"
#include "build/jinja/lexer.h"

namespace slapos::jinja {
namespace {

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& name, bool do_extension)
      : toks_(std::move(tokens)), name_(name), do_extension_(do_extension) {}

  std::vector<Stmt> ParseAll() {
    std::string end;
    return ParseBody({}, &end, "", 0);
  }

 private:
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

  // ---- statements ----

  // Parses until a {% <one of ends> %} tag; consumes "{%" and the end name, stores it in *end.
  std::vector<Stmt> ParseBody(std::initializer_list<const char*> ends, std::string* end,
                              const std::string& opener, int opener_line) {
    std::vector<Stmt> body;
    for (;;) {
      const Token& t = Cur();
      if (t.type == Tok::kEof) {
        if (ends.size() == 0) return body;
        std::string expected;
        for (const char* e : ends) expected += std::string(expected.empty() ? "" : " or ") + "'" + e + "'";
        Error(opener_line, "'" + opener + "' block opened here is not closed: reached the end of "
                           "the template looking for " + expected);
      }
      if (t.type == Tok::kText) {
        Stmt s;
        s.kind = StmtKind::kText;
        s.line = t.line;
        s.text = t.value;
        body.push_back(std::move(s));
        Next();
      } else if (t.type == Tok::kVarBegin) {
        Stmt s;
        s.kind = StmtKind::kOutput;
        s.line = t.line;
        Next();
        s.expr = ParseTuple(false, true, {}, false);
        if (Cur().type != Tok::kVarEnd) Unexpected("end of print statement '}}'");
        Next();
        body.push_back(std::move(s));
      } else if (t.type == Tok::kBlockBegin) {
        Next();
        if (Cur().type != Tok::kName) Unexpected("a tag name");
        for (const char* e : ends) {
          if (Cur().value == e) {
            *end = e;
            Next();
            return body;
          }
        }
        body.push_back(ParseStatement());
      } else {
        Unexpected("template data or a tag");
      }
    }
  }

  Stmt ParseStatement() {
    Stmt s;
    s.line = Cur().line;
    std::string tag = Cur().value;
    Next();
    std::string end;
    if (tag == "if") {
      s.kind = StmtKind::kIf;
      s.expr = ParseTuple(false, false, {}, false);
      ExpectBlockEnd();
      s.body = ParseBody({"elif", "else", "endif"}, &end, "if", s.line);
      Stmt* cur = &s;
      while (end == "elif") {
        Stmt elif;
        elif.kind = StmtKind::kIf;
        elif.line = Cur().line;
        elif.expr = ParseTuple(false, false, {}, false);
        ExpectBlockEnd();
        elif.body = ParseBody({"elif", "else", "endif"}, &end, "if", s.line);
        cur->else_body.push_back(std::move(elif));
        cur = &cur->else_body.back();
      }
      if (end == "else") {
        ExpectBlockEnd();
        cur->else_body = ParseBody({"endif"}, &end, "if", s.line);
      }
      ExpectBlockEnd();
    } else if (tag == "for") {
      s.kind = StmtKind::kFor;
      s.target = ParseAssignTarget({"in"}, false);
      if (!SkipName("in")) Unexpected("'in'");
      s.expr = ParseTuple(false, false, {"recursive"}, false);
      if (SkipName("if")) s.cond = ParseExpression(true);
      if (SkipName("recursive")) s.recursive = true;
      ExpectBlockEnd();
      s.body = ParseBody({"endfor", "else"}, &end, "for", s.line);
      if (end == "else") {
        ExpectBlockEnd();
        s.else_body = ParseBody({"endfor"}, &end, "for", s.line);
      }
      ExpectBlockEnd();
    } else if (tag == "set") {
      s.target = ParseAssignTarget({}, true);
      if (SkipOp("=")) {
        s.kind = StmtKind::kSet;
        s.expr = ParseTuple(false, true, {}, false);
        ExpectBlockEnd();
      } else {
        s.kind = StmtKind::kSetBlock;
        if (s.target->kind != ExprKind::kName) Error(s.line, "a block {% set %} assigns one name");
        s.cond = ParseFilterChain(nullptr);
        ExpectBlockEnd();
        s.body = ParseBody({"endset"}, &end, "set", s.line);
        ExpectBlockEnd();
      }
    } else if (tag == "macro") {
      s.kind = StmtKind::kMacro;
      s.name = ExpectName("the macro name");
      ParseSignature(&s);
      ExpectBlockEnd();
      s.body = ParseBody({"endmacro"}, &end, "macro", s.line);
      if (Cur().type == Tok::kName) Next();  // {% endmacro name %}
      ExpectBlockEnd();
    } else if (tag == "call") {
      s.kind = StmtKind::kCallBlock;
      if (IsOp("(")) ParseSignature(&s);
      s.expr = ParseExpression(true);
      if (s.expr->kind != ExprKind::kCall) Error(s.line, "{% call %} needs a macro call, like {% call m() %}");
      ExpectBlockEnd();
      s.body = ParseBody({"endcall"}, &end, "call", s.line);
      ExpectBlockEnd();
    } else if (tag == "import") {
      s.kind = StmtKind::kImport;
      s.expr = ParseExpression(true);
      if (!SkipName("as")) Unexpected("'as'");
      s.name = ExpectName();
      ParseContextModifier(&s, false);
      ExpectBlockEnd();
    } else if (tag == "from") {
      s.kind = StmtKind::kFromImport;
      s.expr = ParseExpression(true);
      if (!SkipName("import")) Unexpected("'import'");
      for (;;) {
        if ((IsName("with") || IsName("without")) && Peek().type == Tok::kName && Peek().value == "context") break;
        std::string n = ExpectName("a name to import");
        std::string alias = n;
        if (SkipName("as")) alias = ExpectName();
        s.names.emplace_back(n, alias);
        if (!SkipOp(",")) break;
      }
      ParseContextModifier(&s, false);
      ExpectBlockEnd();
    } else if (tag == "include") {
      s.kind = StmtKind::kInclude;
      s.expr = ParseExpression(true);
      if (IsName("ignore") && Peek().type == Tok::kName && Peek().value == "missing") {
        Next();
        Next();
        s.ignore_missing = true;
      }
      ParseContextModifier(&s, true);
      ExpectBlockEnd();
    } else if (tag == "do") {
      if (!do_extension_) Error(s.line, "unknown tag 'do' (the jinja2.ext.do extension is not enabled)");
      s.kind = StmtKind::kDo;
      s.expr = ParseTuple(false, true, {}, false);
      ExpectBlockEnd();
    } else if (tag == "with") {
      s.kind = StmtKind::kWith;
      while (Cur().type != Tok::kBlockEnd) {
        if (!s.assigns.empty()) ExpectOp(",");
        ExprPtr target = ParseAssignTarget({}, false);
        ExpectOp("=");
        s.assigns.emplace_back(std::move(target), ParseExpression(true));
      }
      ExpectBlockEnd();
      s.body = ParseBody({"endwith"}, &end, "with", s.line);
      ExpectBlockEnd();
    } else if (tag == "filter") {
      s.kind = StmtKind::kFilterBlock;
      ExprPtr chain = ParseFilterChain(nullptr);
      if (!chain) {
        // "{% filter upper %}": the first filter has no leading '|'.
        chain = ParseOneFilter(nullptr);
        chain = ParseFilterChain(std::move(chain));
      }
      s.cond = std::move(chain);
      ExpectBlockEnd();
      s.body = ParseBody({"endfilter"}, &end, "filter", s.line);
      ExpectBlockEnd();
    } else if (tag == "break" || tag == "continue") {
      s.kind = tag == "break" ? StmtKind::kBreak : StmtKind::kContinue;
      ExpectBlockEnd();
    } else if (tag == "extends" || tag == "block") {
      Error(s.line, "'" + tag + "' (template inheritance) is not supported; use macros, import and include");
    } else if (tag.rfind("end", 0) == 0 && tag.size() > 3) {
      Error(s.line, "unexpected '" + tag + "': no '" + tag.substr(3) + "' block is open");
    } else if (tag == "else" || tag == "elif") {
      Error(s.line, "unexpected '" + tag + "' outside of an 'if' or 'for' block");
    } else {
      Error(s.line, "unknown tag '" + tag + "'");
    }
    return s;
  }

  void ParseSignature(Stmt* s) {
    ExpectOp("(");
    while (!IsOp(")")) {
      if (!s->params.empty()) ExpectOp(",");
      if (IsOp(")")) break;
      s->params.push_back(ExpectName("a parameter name"));
      s->defaults.push_back(SkipOp("=") ? ParseExpression(true) : nullptr);
    }
    Next();
  }

  void ParseContextModifier(Stmt* s, bool default_with) {
    s->with_context = default_with;
    if ((IsName("with") || IsName("without")) && Peek().type == Tok::kName && Peek().value == "context") {
      s->with_context = IsName("with");
      Next();
      Next();
    }
  }

  ExprPtr ParseAssignTarget(std::initializer_list<const char*> extra_end, bool with_namespace) {
    int line = Cur().line;
    if (with_namespace && Cur().type == Tok::kName && Peek().type == Tok::kOp && Peek().value == ".") {
      auto e = Node(ExprKind::kGetAttr, line);
      auto obj = Node(ExprKind::kName, line);
      obj->name = ExpectName();
      Next();  // '.'
      e->name = ExpectName("an attribute name");
      e->children.push_back(std::move(obj));
      return e;
    }
    ExprPtr target = ParseTuple(true, false, extra_end, false);
    CheckTarget(*target);
    return target;
  }

  void CheckTarget(const Expr& e) {
    if (e.kind == ExprKind::kName) {
      if (e.name == "true" || e.name == "false" || e.name == "none") Error(e.line, "cannot assign to '" + e.name + "'");
      return;
    }
    if (e.kind == ExprKind::kTuple) {
      for (const auto& c : e.children) CheckTarget(*c);
      return;
    }
    Error(e.line, "can only assign to names and tuples of names");
  }

  // ---- expressions ----

  bool IsTupleEnd(std::initializer_list<const char*> extra_end) const {
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

  ExprPtr ParseTuple(bool simplified, bool with_condexpr, std::initializer_list<const char*> extra_end,
                     bool explicit_parens) {
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

  ExprPtr ParseExpression(bool with_condexpr) {
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

  ExprPtr Binary(ExprKind kind, std::string op, ExprPtr l, ExprPtr r, int line) {
    auto e = Node(kind, line);
    e->name = std::move(op);
    e->children.push_back(std::move(l));
    e->children.push_back(std::move(r));
    return e;
  }

  ExprPtr ParseOr() {
    ExprPtr e = ParseAnd();
    while (IsName("or")) {
      int line = Cur().line;
      Next();
      e = Binary(ExprKind::kOr, "or", std::move(e), ParseAnd(), line);
    }
    return e;
  }

  ExprPtr ParseAnd() {
    ExprPtr e = ParseNot();
    while (IsName("and")) {
      int line = Cur().line;
      Next();
      e = Binary(ExprKind::kAnd, "and", std::move(e), ParseNot(), line);
    }
    return e;
  }

  ExprPtr ParseNot() {
    if (IsName("not")) {
      auto e = Node(ExprKind::kUnary, Cur().line);
      Next();
      e->name = "not";
      e->children.push_back(ParseNot());
      return e;
    }
    return ParseCompare();
  }

  ExprPtr ParseCompare() {
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

  ExprPtr ParseMath1() {
    ExprPtr e = ParseConcat();
    while (IsOp("+") || IsOp("-")) {
      std::string op = Cur().value;
      int line = Cur().line;
      Next();
      e = Binary(ExprKind::kBinary, op, std::move(e), ParseConcat(), line);
    }
    return e;
  }

  ExprPtr ParseConcat() {
    int line = Cur().line;
    ExprPtr e = ParseMath2();
    if (!IsOp("~")) return e;
    auto c = Node(ExprKind::kConcat, line);
    c->children.push_back(std::move(e));
    while (SkipOp("~")) c->children.push_back(ParseMath2());
    return c;
  }

  ExprPtr ParseMath2() {
    ExprPtr e = ParsePow();
    while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) {
      std::string op = Cur().value;
      int line = Cur().line;
      Next();
      e = Binary(ExprKind::kBinary, op, std::move(e), ParsePow(), line);
    }
    return e;
  }

  ExprPtr ParsePow() {
    ExprPtr e = ParseUnary(true);
    while (IsOp("**")) {
      int line = Cur().line;
      Next();
      e = Binary(ExprKind::kBinary, "**", std::move(e), ParseUnary(true), line);
    }
    return e;
  }

  ExprPtr ParseUnary(bool with_filter) {
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

  ExprPtr ParsePrimary() {
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

  ExprPtr ParsePostfix(ExprPtr e) {
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

  ExprPtr ParseSubscript(ExprPtr obj, int line) {
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
  void ParseArgs(Expr* e) {
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

  ExprPtr ParseCall(ExprPtr callee) {
    auto e = Node(ExprKind::kCall, Cur().line);
    e->children.push_back(std::move(callee));
    ParseArgs(e.get());
    return e;
  }

  ExprPtr ParseOneFilter(ExprPtr subject) {
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
  ExprPtr ParseFilterChain(ExprPtr subject) {
    while (SkipOp("|")) subject = ParseOneFilter(std::move(subject));
    return subject;
  }

  ExprPtr ParseFilterExpr(ExprPtr e) {
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

  std::vector<Token> toks_;
  size_t pos_ = 0;
  const std::string& name_;
  bool do_extension_;
};

}  // namespace

Template ParseTemplate(std::string_view source, const std::string& name, bool keep_trailing_newline,
                       bool do_extension) {
  Template t;
  t.name = name;
  Parser parser(Tokenize(source, name, keep_trailing_newline), t.name, do_extension);
  t.body = parser.ParseAll();
  return t;
}

}  // namespace slapos::jinja
