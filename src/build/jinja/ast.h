// The syntax tree of a parsed Jinja2 template: expressions and statements. Plain data,
// built by the parser and walked by the evaluator; immutable once parsed.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "build/jinja/value.h"

namespace slapos::jinja {

enum class ExprKind {
  kLiteral,  // literal
  kName,     // name
  kGetAttr,  // children[0] . name
  kGetItem,  // children[0] [ children[1] ]
  kSlice,    // children[0] [ children[1] : children[2] : children[3] ] (null parts omitted)
  kCall,     // children[0] ( children[1..], kwargs, dyn_args, dyn_kwargs )
  kFilter,   // children[0] | name ( children[1..], kwargs ); children[0] null in {% filter %}
  kTest,     // children[0] is [not] name ( children[1..], kwargs )
  kBinary,   // children[0] name children[1]: + - * / // % **
  kUnary,    // name ("-", "+", "not") children[0]
  kCompare,  // children[0] ops[0] children[1] ops[1] children[2] ...
  kAnd,
  kOr,
  kCond,     // children[0] if children[1] else children[2] (null: undefined)
  kList,
  kTuple,
  kDict,     // children: key, value, key, value...
  kConcat,   // children joined with ~
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::kLiteral;
  int line = 0;
  Value literal;
  std::string name;
  bool negated = false;  // kTest: "is not"
  std::vector<ExprPtr> children;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  ExprPtr dyn_args;    // *args
  ExprPtr dyn_kwargs;  // **kwargs
  std::vector<std::string> ops;  // kCompare
};

enum class StmtKind {
  kText,         // text
  kOutput,       // {{ expr }}
  kIf,           // expr, body, else_body (elif: a nested kIf alone in else_body)
  kFor,          // target in expr [if cond], body, else_body; recursive flag
  kSet,          // target = expr
  kSetBlock,     // {% set target [| filter] %} body {% endset %}; filter in cond
  kMacro,        // name(params=defaults) body
  kCallBlock,    // {% call(params) expr %} body {% endcall %}
  kImport,       // import expr as name
  kFromImport,   // from expr import names
  kInclude,      // include expr
  kDo,           // do expr
  kWith,         // with assigns body
  kFilterBlock,  // filter cond(filter chain over null) body
  kBreak,
  kContinue,
};

struct Stmt {
  StmtKind kind = StmtKind::kText;
  int line = 0;
  std::string text;
  ExprPtr expr;
  ExprPtr target;
  ExprPtr cond;
  std::vector<Stmt> body;
  std::vector<Stmt> else_body;
  std::string name;
  std::vector<std::string> params;
  std::vector<ExprPtr> defaults;  // aligned with params; null when none
  std::vector<std::pair<std::string, std::string>> names;  // from-import: (name, alias)
  std::vector<std::pair<ExprPtr, ExprPtr>> assigns;        // with
  bool with_context = false;
  bool ignore_missing = false;
  bool recursive = false;
};

struct Template {
  std::string name;
  std::vector<Stmt> body;
};

}  // namespace slapos::jinja
