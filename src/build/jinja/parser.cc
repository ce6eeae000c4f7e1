#include "build/jinja/parser.h"

#include <initializer_list>

#include "build/jinja/parser_impl.h"

namespace slapos::jinja {
namespace {

class Parser : public ExprParser {
 public:
  Parser(std::vector<Token> tokens, const std::string& name, bool do_extension)
      : ExprParser(std::move(tokens), name), do_extension_(do_extension) {}

  std::vector<Stmt> ParseAll() {
    std::string end;
    return ParseBody({}, &end, "", 0);
  }


 private:
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
