// Statements: output, if, for, set, macro, call, import, include, do, with, filter.
#include <utility>

#include "build/jinja/evaluator.h"
#include "build/jinja/filters.h"
#include "build/jinja/ops.h"
#include "build/jinja/parser.h"

namespace slapos::jinja {

namespace {
constexpr int kMaxDepth = 200;

void Locate(TemplateError& e, const std::string* tmpl, int line) {
  if (e.located) return;
  e.message = (tmpl ? *tmpl : std::string("<template>")) + ":" + std::to_string(line) + ": " + e.message;
  e.located = true;
}
}  // namespace

// Sets the running template for error locations; restores the previous one.
class TemplateScope {
 public:
  TemplateScope(Evaluator* ev, const std::string* name) : ev_(ev), saved_(ev->tmpl_) {
    ev->tmpl_ = name;
    if (++ev->depth_ > kMaxDepth) {
      Fail("templates nest too deeply (more than " + std::to_string(kMaxDepth) +
           " macro calls or includes): is a macro or include calling itself?");
    }
  }
  ~TemplateScope() {
    ev_->tmpl_ = saved_;
    --ev_->depth_;
  }

 private:
  Evaluator* ev_;
  const std::string* saved_;
};

Evaluator::Evaluator(const RenderOptions& options) : options_(options), globals_(MakeGlobals()) {}

std::string Evaluator::RenderMain(std::shared_ptr<const Template> tmpl, const Value& context) {
  keep_alive_.push_back(tmpl);
  auto root = std::make_shared<Frame>();
  if (context.is_dict()) {
    for (const auto& [k, v] : context.dict->items) {
      // {"__module__": "json"}: a Python module the jinja2 recipe's context imports.
      const Value* module = v.is_dict() && v.dict->items.size() == 1 ? v.dict->FindStr("__module__") : nullptr;
      Value native = module && module->is_string() ? MakeModule(module->s) : MakeUndefined("");
      root->vars[Str(k)] = native.is_undefined() ? v : native;
    }
  }
  auto top = std::make_shared<Frame>();
  top->parent = root;
  std::string out;
  TemplateScope scope(this, &tmpl->name);
  Exec(tmpl->body, top, out);
  return out;
}

Evaluator::Flow Evaluator::Exec(const std::vector<Stmt>& body, const FramePtr& frame, std::string& out) {
  for (const Stmt& s : body) {
    Flow f = ExecStmt(s, frame, out);
    if (f != Flow::kNormal) return f;
  }
  return Flow::kNormal;
}

Evaluator::Flow Evaluator::ExecStmt(const Stmt& s, const FramePtr& frame, std::string& out) {
  try {
    switch (s.kind) {
      case StmtKind::kText: out += s.text; break;
      case StmtKind::kOutput: {
        Value v = Eval(*s.expr, frame);
        if (v.is_string()) out += v.s;
        else out += Str(v);
        break;
      }
      case StmtKind::kIf: return Exec(Truthy(Eval(*s.expr, frame)) ? s.body : s.else_body, frame, out);
      case StmtKind::kFor: return ExecFor(s, frame, out);
      case StmtKind::kSet: Assign(*s.target, Eval(*s.expr, frame), frame); break;
      case StmtKind::kSetBlock: {
        std::string captured;
        Exec(s.body, frame, captured);
        Value v = MakeString(std::move(captured));
        if (s.cond) v = ApplyFilterChain(*s.cond, v, frame);
        Assign(*s.target, v, frame);
        break;
      }
      case StmtKind::kMacro: frame->vars[s.name] = MakeMacro(s, s.name, frame); break;
      case StmtKind::kCallBlock: {
        const Expr& call = *s.expr;
        Value callee = Eval(*call.children[0], frame);
        CallArgs args = EvalArgs(call, frame);
        args.kwargs.emplace_back("caller", MakeMacro(s, "caller", frame));
        if (callee.kind != Kind::kCallable) {
          RequireDefined(callee);
          Fail("'" + TypeName(callee) + "' object is not callable");
        }
        out += Str(callee.fn->fn(args));
        break;
      }
      case StmtKind::kImport:
      case StmtKind::kFromImport: ExecImport(s, frame); break;
      case StmtKind::kInclude: ExecInclude(s, frame, out); break;
      case StmtKind::kDo: Eval(*s.expr, frame); break;
      case StmtKind::kWith: {
        auto inner = std::make_shared<Frame>();
        inner->parent = frame;
        for (const auto& [target, value] : s.assigns) Assign(*target, Eval(*value, inner), inner);
        return Exec(s.body, inner, out);
      }
      case StmtKind::kFilterBlock: {
        std::string captured;
        Flow f = Exec(s.body, frame, captured);
        out += Str(ApplyFilterChain(*s.cond, MakeString(std::move(captured)), frame));
        return f;
      }
      case StmtKind::kBreak: return Flow::kBreak;
      case StmtKind::kContinue: return Flow::kContinue;
    }
  } catch (TemplateError& e) {
    Locate(e, tmpl_, s.line);
    throw;
  }
  return Flow::kNormal;
}

Evaluator::Flow Evaluator::ExecFor(const Stmt& s, const FramePtr& frame, std::string& out) {
  if (s.recursive) Fail("recursive for loops are not supported");
  List items = Iterate(Eval(*s.expr, frame));
  auto inner = std::make_shared<Frame>();
  inner->parent = frame;
  if (s.cond) {
    List kept;
    for (const Value& item : items) {
      Assign(*s.target, item, inner);
      if (Truthy(Eval(*s.cond, inner))) kept.push_back(item);
    }
    items = std::move(kept);
  }
  if (items.empty()) return Exec(s.else_body, inner, out);

  // loop.* : one dict updated in place each iteration.
  Value loop = MakeDict();
  auto index = std::make_shared<int64_t>(0);
  const char* keys[] = {"index", "index0", "revindex", "revindex0", "first", "last",
                        "length", "depth", "depth0", "previtem", "nextitem"};
  for (const char* k : keys) loop.dict->Set(MakeString(k), MakeNone());
  loop.dict->Set(MakeString("cycle"), MakeCallable("loop.cycle", [index](CallArgs& args) {
                   if (args.args.empty()) Fail("no items for cycling given");
                   return args.args[static_cast<size_t>(*index % static_cast<int64_t>(args.args.size()))];
                 }));
  auto& slots = loop.dict->items;
  int64_t n = static_cast<int64_t>(items.size());
  for (int64_t k = 0; k < n; ++k) {
    *index = k;
    slots[0].second = MakeInt(k + 1);
    slots[1].second = MakeInt(k);
    slots[2].second = MakeInt(n - k);
    slots[3].second = MakeInt(n - k - 1);
    slots[4].second = MakeBool(k == 0);
    slots[5].second = MakeBool(k == n - 1);
    slots[6].second = MakeInt(n);
    slots[7].second = MakeInt(1);
    slots[8].second = MakeInt(0);
    slots[9].second = k > 0 ? items[static_cast<size_t>(k - 1)] : MakeUndefined("there is no previous item");
    slots[10].second = k + 1 < n ? items[static_cast<size_t>(k + 1)] : MakeUndefined("there is no next item");
    inner->vars["loop"] = loop;
    Assign(*s.target, items[static_cast<size_t>(k)], inner);
    if (Exec(s.body, inner, out) == Flow::kBreak) break;
  }
  return Flow::kNormal;
}

void Evaluator::Assign(const Expr& target, const Value& value, const FramePtr& frame) {
  if (target.kind == ExprKind::kName) {
    frame->vars[target.name] = value;
    return;
  }
  if (target.kind == ExprKind::kTuple) {
    List items = Iterate(value);
    size_t want = target.children.size();
    if (items.size() > want) Fail("too many values to unpack (expected " + std::to_string(want) + ")");
    if (items.size() < want) {
      Fail("not enough values to unpack (expected " + std::to_string(want) + ", got " + std::to_string(items.size()) + ")");
    }
    for (size_t k = 0; k < want; ++k) Assign(*target.children[k], items[k], frame);
    return;
  }
  if (target.kind == ExprKind::kGetAttr) {
    Value obj = Lookup(target.children[0]->name, frame);
    if (!obj.is_dict() || !obj.dict->is_namespace) {
      Fail("cannot assign attribute on non-namespace object '" + target.children[0]->name + "'");
    }
    obj.dict->Set(MakeString(target.name), value);
    return;
  }
  Fail("cannot assign to this expression");
}

Value Evaluator::ApplyFilterChain(const Expr& chain, Value subject, const FramePtr& frame) {
  Value* saved = hole_;
  hole_ = &subject;
  Value out = Eval(chain, frame);
  hole_ = saved;
  return out;
}

Value Evaluator::MakeMacro(const Stmt& def, const std::string& name, FramePtr closure) {
  const std::string* tmpl = tmpl_;
  const Stmt* d = &def;
  // The defining frame usually holds the macro itself: keep it alive here, not through the
  // macro, so that no reference cycle outlives the render.
  pinned_frames_.push_back(closure);
  std::weak_ptr<Frame> weak = closure;
  return MakeCallable(name, [this, d, name, weak, tmpl](CallArgs& args) {
    TemplateScope scope(this, tmpl);
    auto frame = std::make_shared<Frame>();
    frame->parent = weak.lock();
    size_t n = d->params.size();
    for (size_t k = 0; k < n; ++k) {
      const std::string& p = d->params[k];
      Value v = args.Take(k, p, MakeUndefined(""));
      if (v.is_undefined() && v.s.empty()) {
        v = d->defaults[k] ? Eval(*d->defaults[k], frame)
                           : MakeUndefined("parameter '" + p + "' was not provided");
      }
      frame->vars[p] = v;
    }
    List varargs;
    for (size_t k = n; k < args.args.size(); ++k) varargs.push_back(args.args[k]);
    frame->vars["varargs"] = MakeTuple(std::move(varargs));
    Value kwargs = MakeDict();
    for (auto& [k, v] : args.kwargs) {
      if (k == "caller") frame->vars["caller"] = v;
      else kwargs.dict->Set(MakeString(k), v);
    }
    frame->vars["kwargs"] = kwargs;
    std::string out;
    Exec(d->body, frame, out);
    return MakeString(std::move(out));
  });
}

std::shared_ptr<const Template> Evaluator::Load(const std::string& name) {
  auto it = templates_.find(name);
  if (it != templates_.end()) return it->second;
  if (!options_.loader) {
    Fail("cannot load template '" + name + "': no template loader is configured (import/include need one)");
  }
  Result<std::string> source = options_.loader(name);
  if (!source.ok()) Fail("cannot load template '" + name + "': " + source.status().message());
  auto tmpl = std::make_shared<const Template>(
      ParseTemplate(*source, name, options_.keep_trailing_newline, options_.do_extension));
  templates_[name] = tmpl;
  return tmpl;
}

Value Evaluator::Import(const std::string& name, const FramePtr& context_frame) {
  if (!context_frame) {
    auto it = modules_.find(name);
    if (it != modules_.end()) return it->second;
  }
  std::shared_ptr<const Template> tmpl = Load(name);
  auto frame = std::make_shared<Frame>();
  frame->parent = context_frame;
  std::string discarded;
  {
    TemplateScope scope(this, &tmpl->name);
    Exec(tmpl->body, frame, discarded);
  }
  Value module = MakeDict();
  module.dict->is_namespace = true;  // attribute access only: no dict methods
  for (const auto& [k, v] : frame->vars) {
    if (!k.empty() && k[0] != '_') module.dict->Set(MakeString(k), v);
  }
  if (!context_frame) modules_[name] = module;
  return module;
}

void Evaluator::ExecImport(const Stmt& s, const FramePtr& frame) {
  Value name = Eval(*s.expr, frame);
  if (!name.is_string()) Fail("import needs a template name (a string), not " + TypeName(name));
  Value module = Import(name.s, s.with_context ? frame : nullptr);
  if (s.kind == StmtKind::kImport) {
    frame->vars[s.name] = module;
    return;
  }
  for (const auto& [n, alias] : s.names) {
    const Value* v = module.dict->FindStr(n);
    if (!v) Fail("the template '" + name.s + "' does not export the requested name '" + n + "'");
    frame->vars[alias] = *v;
  }
}

void Evaluator::ExecInclude(const Stmt& s, const FramePtr& frame, std::string& out) {
  Value names = Eval(*s.expr, frame);
  List candidates = names.is_sequence() ? *names.list : List{names};
  std::shared_ptr<const Template> tmpl;
  std::string last_error;
  for (const Value& n : candidates) {
    if (!n.is_string()) Fail("include needs a template name (a string), not " + TypeName(n));
    try {
      tmpl = Load(n.s);
      break;
    } catch (TemplateError& e) {
      if (e.located) throw;  // a syntax error inside the included template
      last_error = e.message;
    }
  }
  if (!tmpl) {
    if (s.ignore_missing) return;
    Fail(last_error);
  }
  auto inner = std::make_shared<Frame>();
  if (s.with_context) inner->parent = frame;
  TemplateScope scope(this, &tmpl->name);
  Exec(tmpl->body, inner, out);
}

}  // namespace slapos::jinja
