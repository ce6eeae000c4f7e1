#include "build/jinja/ops.h"

#include <algorithm>
#include <cmath>

#include "build/jinja/methods.h"
#include "build/jinja/pyformat.h"

namespace slapos::jinja {

void RequireDefined(const Value& v) {
  if (v.is_undefined()) Fail(v.s.empty() ? "value is undefined" : v.s);
}

int64_t ToInt(const Value& v, const char* what) {
  RequireDefined(v);
  if (v.kind == Kind::kInt) return v.i;
  if (v.kind == Kind::kBool) return v.b;
  if (v.kind == Kind::kFloat) return static_cast<int64_t>(v.f);
  Fail(std::string(what) + " must be an integer, not '" + TypeName(v) + "'");
}

double ToDouble(const Value& v, const char* what) {
  RequireDefined(v);
  if (v.is_number()) return v.as_double();
  Fail(std::string(what) + " must be a number, not '" + TypeName(v) + "'");
}

Value GetAttr(const Value& obj, const std::string& name) {
  if (obj.is_undefined()) RequireDefined(obj);
  if (HasMethod(obj, name)) {
    Value self = obj;
    std::string method = name;
    return MakeCallable(TypeName(obj) + "." + name, [self, method](CallArgs& args) mutable {
      return CallMethod(self, method, args);
    });
  }
  if (obj.is_dict()) {
    if (const Value* v = obj.dict->FindStr(name)) return *v;
  }
  return MakeUndefined("'" + ObjectTypeRepr(obj) + "' has no attribute '" + name + "'");
}

static bool NormalizeIndex(int64_t size, int64_t* index) {
  if (*index < 0) *index += size;
  return *index >= 0 && *index < size;
}

Value GetItem(const Value& obj, const Value& key) {
  if (obj.is_undefined()) RequireDefined(obj);
  switch (obj.kind) {
    case Kind::kDict: {
      if (const Value* v = obj.dict->Find(key)) return *v;
      break;
    }
    case Kind::kList:
    case Kind::kTuple:
      if (key.kind == Kind::kInt || key.kind == Kind::kBool) {
        int64_t idx = key.kind == Kind::kBool ? key.b : key.i;
        if (NormalizeIndex(static_cast<int64_t>(obj.list->size()), &idx)) {
          return (*obj.list)[static_cast<size_t>(idx)];
        }
      }
      break;
    case Kind::kString:
      if (key.kind == Kind::kInt) {
        List chars = Iterate(obj);
        int64_t idx = key.i;
        if (NormalizeIndex(static_cast<int64_t>(chars.size()), &idx)) return chars[static_cast<size_t>(idx)];
      }
      break;
    default: break;
  }
  if (key.is_string()) return GetAttr(obj, key.s);
  return MakeUndefined(ObjectTypeRepr(obj) + " has no element " + Repr(key));
}

Value Slice(const Value& obj, const Value& start_v, const Value& stop_v, const Value& step_v) {
  RequireDefined(obj);
  if (!obj.is_sequence() && !obj.is_string()) Fail("'" + TypeName(obj) + "' object is not subscriptable");
  List items = Iterate(obj);
  int64_t n = static_cast<int64_t>(items.size());
  int64_t step = step_v.is_undefined() || step_v.is_none() ? 1 : ToInt(step_v, "slice step");
  if (step == 0) Fail("slice step cannot be zero");
  auto bound = [&](const Value& v, int64_t dflt) {
    if (v.is_undefined() || v.is_none()) return dflt;
    int64_t x = ToInt(v, "slice index");
    if (x < 0) x += n;
    if (step > 0) return std::clamp<int64_t>(x, 0, n);
    return std::clamp<int64_t>(x, -1, n - 1);
  };
  int64_t start = bound(start_v, step > 0 ? 0 : n - 1);
  int64_t stop = bound(stop_v, step > 0 ? n : -1);
  List out;
  for (int64_t k = start; step > 0 ? k < stop : k > stop; k += step) out.push_back(items[static_cast<size_t>(k)]);
  if (obj.is_string()) {
    std::string s;
    for (const Value& c : out) s += c.s;
    return MakeString(std::move(s));
  }
  return obj.kind == Kind::kTuple ? MakeTuple(std::move(out)) : MakeList(std::move(out));
}

static bool IsIntLike(const Value& v) { return v.kind == Kind::kInt || v.kind == Kind::kBool; }
static int64_t IntOf(const Value& v) { return v.kind == Kind::kBool ? v.b : v.i; }

[[noreturn]] static void Unsupported(const std::string& op, const Value& a, const Value& b) {
  Fail("unsupported operand type(s) for " + op + ": '" + TypeName(a) + "' and '" + TypeName(b) + "'");
}

static Value Repeat(const Value& seq, int64_t times) {
  if (seq.is_string()) {
    std::string out;
    for (int64_t k = 0; k < times; ++k) out += seq.s;
    return MakeString(std::move(out));
  }
  List out;
  for (int64_t k = 0; k < times; ++k) out.insert(out.end(), seq.list->begin(), seq.list->end());
  return seq.kind == Kind::kTuple ? MakeTuple(std::move(out)) : MakeList(std::move(out));
}

Value BinaryOp(const std::string& op, const Value& a, const Value& b) {
  RequireDefined(a);
  if (op == "%" && a.is_string()) return MakeString(PercentFormat(a.s, b));
  RequireDefined(b);
  if (a.is_number() && b.is_number()) {
    bool ints = IsIntLike(a) && IsIntLike(b);
    int64_t x = ints ? IntOf(a) : 0, y = ints ? IntOf(b) : 0, r = 0;
    double fx = a.as_double(), fy = b.as_double();
    if (op == "+") {
      if (!ints) return MakeFloat(fx + fy);
      if (__builtin_add_overflow(x, y, &r)) Fail("integer overflow in " + Str(a) + " + " + Str(b));
      return MakeInt(r);
    }
    if (op == "-") {
      if (!ints) return MakeFloat(fx - fy);
      if (__builtin_sub_overflow(x, y, &r)) Fail("integer overflow in " + Str(a) + " - " + Str(b));
      return MakeInt(r);
    }
    if (op == "*") {
      if (!ints) return MakeFloat(fx * fy);
      if (__builtin_mul_overflow(x, y, &r)) Fail("integer overflow in " + Str(a) + " * " + Str(b));
      return MakeInt(r);
    }
    if (op == "/") {
      if (fy == 0) Fail("division by zero");
      return MakeFloat(fx / fy);
    }
    if (op == "//" || op == "%") {
      if (ints) {
        if (y == 0) Fail(op == "//" ? "integer division by zero" : "integer modulo by zero");
        int64_t q = x / y, m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) {
          --q;
          m += y;
        }
        return MakeInt(op == "//" ? q : m);
      }
      if (fy == 0) Fail("float division by zero");
      double q = std::floor(fx / fy);
      return MakeFloat(op == "//" ? q : fx - q * fy);
    }
    if (op == "**") {
      if (ints && y >= 0) {
        int64_t acc = 1;
        for (int64_t k = 0; k < y; ++k) {
          if (__builtin_mul_overflow(acc, x, &acc)) Fail("integer overflow in " + Str(a) + " ** " + Str(b));
        }
        return MakeInt(acc);
      }
      return MakeFloat(std::pow(fx, fy));
    }
  }
  if (op == "+") {
    if (a.is_string() && b.is_string()) return MakeString(a.s + b.s);
    if (a.is_sequence() && a.kind == b.kind) {
      List out = *a.list;
      out.insert(out.end(), b.list->begin(), b.list->end());
      return a.kind == Kind::kTuple ? MakeTuple(std::move(out)) : MakeList(std::move(out));
    }
    if (a.is_string() || b.is_string()) {
      Fail("can only concatenate str (not \"" + TypeName(a.is_string() ? b : a) +
           "\") to str; use ~ to join values as text");
    }
  }
  if (op == "*") {
    if ((a.is_string() || a.is_sequence()) && IsIntLike(b)) return Repeat(a, IntOf(b));
    if ((b.is_string() || b.is_sequence()) && IsIntLike(a)) return Repeat(b, IntOf(a));
  }
  Unsupported(op, a, b);
}

Value Negate(const Value& v, bool minus) {
  RequireDefined(v);
  if (v.kind == Kind::kFloat) return MakeFloat(minus ? -v.f : v.f);
  if (IsIntLike(v)) return MakeInt(minus ? -IntOf(v) : IntOf(v));
  Fail(std::string("bad operand type for unary ") + (minus ? "-" : "+") + ": '" + TypeName(v) + "'");
}

}  // namespace slapos::jinja
