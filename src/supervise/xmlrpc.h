// The XML-RPC codec of the supervisord control protocol: a plain Value tree, and the four
// documents on the wire (methodCall, methodResponse, fault). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace slapos::supervise {

struct Value {
  enum class Type { kNil, kBool, kInt, kDouble, kString, kArray, kStruct };
  Type type = Type::kNil;
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<Value> array;
  std::vector<std::pair<std::string, Value>> members;

  static Value Bool(bool v) { Value x; x.type = Type::kBool; x.b = v; return x; }
  static Value Int(int64_t v) { Value x; x.type = Type::kInt; x.i = v; return x; }
  static Value Double(double v) { Value x; x.type = Type::kDouble; x.d = v; return x; }
  static Value String(std::string v) { Value x; x.type = Type::kString; x.s = std::move(v); return x; }
  static Value Array(std::vector<Value> v = {}) { Value x; x.type = Type::kArray; x.array = std::move(v); return x; }
  static Value Struct() { Value x; x.type = Type::kStruct; return x; }

  // Struct helpers: appends a member; finds one (nullptr when absent or not a struct).
  Value& Set(std::string name, Value v) { members.emplace_back(std::move(name), std::move(v)); return *this; }
  const Value* Get(std::string_view name) const;
  // Convenience readers with fallbacks (for clients).
  std::string GetString(std::string_view name) const;
  int64_t GetInt(std::string_view name) const;
};

// supervisord's fault codes (spec: supervisor.md).
enum FaultCode {
  kUnknownMethod = 1, kIncorrectParameters = 2, kBadArguments = 3, kSignatureUnsupported = 4,
  kShutdownState = 6, kBadName = 10, kBadSignal = 11, kNoFile = 20, kNotExecutable = 21,
  kFailed = 30, kAbnormalTermination = 40, kSpawnError = 50, kAlreadyStarted = 60,
  kNotRunning = 70, kSuccess = 80, kAlreadyAdded = 90, kStillRunning = 91, kCantReread = 92,
};
// "BAD_NAME" for 10, ...; "UNKNOWN" for codes not in the table.
const char* FaultName(int code);

struct Fault {
  int code = 0;
  std::string text;  // "BAD_NAME: foo"
};
// Fault whose text is the fault name, then ": detail" when detail is non-empty.
Fault MakeFault(int code, const std::string& detail = "");

struct MethodCall {
  std::string method;
  std::vector<Value> params;
};

Result<MethodCall> ParseMethodCall(std::string_view xml);
std::string EncodeMethodCall(const MethodCall& call);
std::string EncodeResponse(const Value& v);
std::string EncodeFault(const Fault& f);
// A methodResponse: the value, or a Fault (as the `fault` out-param; returns ok with nil).
Result<Value> ParseResponse(std::string_view xml, Fault* fault);

// Appends the XML of one <value> (used by the encoders; exposed for tests).
void AppendValueXml(const Value& v, std::string* out);

}  // namespace slapos::supervise
