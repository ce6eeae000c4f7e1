// Expressions: names, attribute/item access, calls, filters, tests, operators, literals.
#include "build/jinja/evaluator.h"
#include "build/jinja/filters.h"
#include "build/jinja/ops.h"

namespace slapos::jinja {

Value Evaluator::Eval(const Expr& e, const FramePtr& frame) {
  try {
    return EvalInner(e, frame);
  } catch (TemplateError& err) {
    if (!err.located) {
      err.message = (tmpl_ ? *tmpl_ : std::string("<template>")) + ":" + std::to_string(e.line) + ": " + err.message;
      err.located = true;
    }
    throw;
  }
}

Value Evaluator::Lookup(const std::string& name, const FramePtr& frame) const {
  for (const Frame* f = frame.get(); f; f = f->parent.get()) {
    auto it = f->vars.find(name);
    if (it != f->vars.end()) return it->second;
  }
  if (const Value* g = globals_.dict->FindStr(name)) return *g;
  return MakeUndefined("'" + name + "' is undefined");
}

CallArgs Evaluator::EvalArgs(const Expr& e, const FramePtr& frame) {
  CallArgs args;
  for (size_t k = 1; k < e.children.size(); ++k) args.args.push_back(Eval(*e.children[k], frame));
  if (e.dyn_args) {
    for (Value& v : Iterate(Eval(*e.dyn_args, frame))) args.args.push_back(std::move(v));
  }
  for (const auto& [name, value] : e.kwargs) args.kwargs.emplace_back(name, Eval(*value, frame));
  if (e.dyn_kwargs) {
    Value d = Eval(*e.dyn_kwargs, frame);
    if (!d.is_dict()) Fail("argument after ** must be a mapping, not " + TypeName(d));
    for (const auto& [k, v] : d.dict->items) args.kwargs.emplace_back(Str(k), v);
  }
  return args;
}

Value Evaluator::EvalCompare(const Expr& e, const FramePtr& frame) {
  Value left = Eval(*e.children[0], frame);
  for (size_t k = 0; k < e.ops.size(); ++k) {
    Value right = Eval(*e.children[k + 1], frame);
    const std::string& op = e.ops[k];
    bool ok;
    if (op == "==") ok = Equals(left, right);
    else if (op == "!=") ok = !Equals(left, right);
    else if (op == "in") ok = Contains(right, left);
    else if (op == "not in") ok = !Contains(right, left);
    else {
      RequireDefined(left);
      RequireDefined(right);
      int c = Compare(left, right, op.c_str());
      ok = op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0;
    }
    if (!ok) return MakeBool(false);
    left = std::move(right);
  }
  return MakeBool(true);
}

Value Evaluator::EvalInner(const Expr& e, const FramePtr& frame) {
  switch (e.kind) {
    case ExprKind::kLiteral: return e.literal;
    case ExprKind::kName: return Lookup(e.name, frame);
    case ExprKind::kGetAttr: return GetAttr(Eval(*e.children[0], frame), e.name);
    case ExprKind::kGetItem: {
      Value obj = Eval(*e.children[0], frame);
      return GetItem(obj, Eval(*e.children[1], frame));
    }
    case ExprKind::kSlice: {
      Value obj = Eval(*e.children[0], frame);
      Value parts[3];
      for (int k = 0; k < 3; ++k) {
        if (e.children[static_cast<size_t>(k + 1)]) parts[k] = Eval(*e.children[static_cast<size_t>(k + 1)], frame);
      }
      return Slice(obj, parts[0], parts[1], parts[2]);
    }
    case ExprKind::kCall: {
      Value callee = Eval(*e.children[0], frame);
      CallArgs args = EvalArgs(e, frame);
      if (callee.kind != Kind::kCallable) {
        RequireDefined(callee);
        Fail("'" + TypeName(callee) + "' object is not callable");
      }
      return callee.fn->fn(args);
    }
    case ExprKind::kFilter: {
      Value subject;
      if (e.children[0]) {
        subject = Eval(*e.children[0], frame);
      } else if (hole_) {
        subject = *hole_;
      }
      CallArgs args = EvalArgs(e, frame);
      return ApplyFilter(e.name, subject, args);
    }
    case ExprKind::kTest: {
      Value subject = Eval(*e.children[0], frame);
      CallArgs args = EvalArgs(e, frame);
      return MakeBool(ApplyTest(e.name, subject, args) != e.negated);
    }
    case ExprKind::kBinary: {
      Value a = Eval(*e.children[0], frame);
      return BinaryOp(e.name, a, Eval(*e.children[1], frame));
    }
    case ExprKind::kUnary: {
      Value v = Eval(*e.children[0], frame);
      if (e.name == "not") return MakeBool(!Truthy(v));
      return Negate(v, e.name == "-");
    }
    case ExprKind::kCompare: return EvalCompare(e, frame);
    case ExprKind::kAnd: {
      Value a = Eval(*e.children[0], frame);
      return Truthy(a) ? Eval(*e.children[1], frame) : a;
    }
    case ExprKind::kOr: {
      Value a = Eval(*e.children[0], frame);
      return Truthy(a) ? a : Eval(*e.children[1], frame);
    }
    case ExprKind::kCond: {
      if (Truthy(Eval(*e.children[1], frame))) return Eval(*e.children[0], frame);
      if (e.children[2]) return Eval(*e.children[2], frame);
      return MakeUndefined("the inline if expression on line " + std::to_string(e.line) + " has no else branch");
    }
    case ExprKind::kList:
    case ExprKind::kTuple: {
      List items;
      items.reserve(e.children.size());
      for (const auto& c : e.children) items.push_back(Eval(*c, frame));
      return e.kind == ExprKind::kList ? MakeList(std::move(items)) : MakeTuple(std::move(items));
    }
    case ExprKind::kDict: {
      Value d = MakeDict();
      for (size_t k = 0; k + 1 < e.children.size(); k += 2) {
        Value key = Eval(*e.children[k], frame);
        d.dict->Set(key, Eval(*e.children[k + 1], frame));
      }
      return d;
    }
    case ExprKind::kConcat: {
      std::string out;
      for (const auto& c : e.children) out += Str(Eval(*c, frame));
      return MakeString(std::move(out));
    }
  }
  Fail("internal error: unknown expression kind");
}

}  // namespace slapos::jinja
