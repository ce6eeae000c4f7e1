// Walks a parsed template and writes its output: scopes, loops, macros, call blocks,
// import/include through RenderOptions::loader. One Evaluator per Render() call; not
// thread-safe. Errors are thrown as TemplateError, located "<template>:<line>: ".
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "build/jinja/ast.h"
#include "build/jinja/jinja.h"
#include "build/jinja/value.h"

namespace slapos::jinja {

// One scope: a template's top level, a loop body, a macro call, an include.
struct Frame {
  std::unordered_map<std::string, Value> vars;
  std::shared_ptr<Frame> parent;
};
using FramePtr = std::shared_ptr<Frame>;

// The names every template sees: range, dict, list, namespace, joiner.
Value MakeGlobals();
// A Python module available natively ("json": dumps, loads), else Undefined.
Value MakeModule(const std::string& name);

class Evaluator {
 public:
  explicit Evaluator(const RenderOptions& options);

  // Renders the main template with `context` (a dict) as its variables.
  std::string RenderMain(std::shared_ptr<const Template> tmpl, const Value& context);

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  Flow Exec(const std::vector<Stmt>& body, const FramePtr& frame, std::string& out);
  Flow ExecStmt(const Stmt& s, const FramePtr& frame, std::string& out);
  Flow ExecFor(const Stmt& s, const FramePtr& frame, std::string& out);
  void ExecImport(const Stmt& s, const FramePtr& frame);
  void ExecInclude(const Stmt& s, const FramePtr& frame, std::string& out);

  Value Eval(const Expr& e, const FramePtr& frame);
  Value EvalInner(const Expr& e, const FramePtr& frame);
  Value EvalCompare(const Expr& e, const FramePtr& frame);
  CallArgs EvalArgs(const Expr& e, const FramePtr& frame);
  Value Lookup(const std::string& name, const FramePtr& frame) const;
  void Assign(const Expr& target, const Value& value, const FramePtr& frame);
  // Applies a filter chain whose innermost subject is null (block set, filter block).
  Value ApplyFilterChain(const Expr& chain, Value subject, const FramePtr& frame);

  // A callable that runs `def`'s body (a macro or a call block's caller) in a new scope.
  Value MakeMacro(const Stmt& def, const std::string& name, FramePtr closure);

  std::shared_ptr<const Template> Load(const std::string& name);
  Value Import(const std::string& name, const FramePtr& context_frame);

  const RenderOptions& options_;
  const std::string* tmpl_ = nullptr;  // template whose nodes are running (error locations)
  std::map<std::string, std::shared_ptr<const Template>> templates_;
  std::map<std::string, Value> modules_;  // imports without context, by template name
  std::vector<std::shared_ptr<const Template>> keep_alive_;
  std::vector<FramePtr> pinned_frames_;  // frames that macros close over (see MakeMacro)
  Value globals_;
  int depth_ = 0;  // macro/include nesting, bounded
  Value* hole_ = nullptr;
  friend class TemplateScope;
};

}  // namespace slapos::jinja
