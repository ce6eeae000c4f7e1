#include "supervise/xmlrpc.h"

#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>

#include "util/strings.h"

namespace slapos::supervise {

const Value* Value::Get(std::string_view name) const {
  if (type != Type::kStruct) return nullptr;
  for (const auto& [k, v] : members)
    if (k == name) return &v;
  return nullptr;
}

std::string Value::GetString(std::string_view name) const {
  const Value* v = Get(name);
  return v && v->type == Type::kString ? v->s : std::string();
}

int64_t Value::GetInt(std::string_view name) const {
  const Value* v = Get(name);
  if (v == nullptr) return 0;
  if (v->type == Type::kInt) return v->i;
  if (v->type == Type::kBool) return v->b ? 1 : 0;
  return 0;
}

const char* FaultName(int code) {
  switch (code) {
    case kUnknownMethod: return "UNKNOWN_METHOD";
    case kIncorrectParameters: return "INCORRECT_PARAMETERS";
    case kBadArguments: return "BAD_ARGUMENTS";
    case kSignatureUnsupported: return "SIGNATURE_UNSUPPORTED";
    case kShutdownState: return "SHUTDOWN_STATE";
    case kBadName: return "BAD_NAME";
    case kBadSignal: return "BAD_SIGNAL";
    case kNoFile: return "NO_FILE";
    case kNotExecutable: return "NOT_EXECUTABLE";
    case kFailed: return "FAILED";
    case kAbnormalTermination: return "ABNORMAL_TERMINATION";
    case kSpawnError: return "SPAWN_ERROR";
    case kAlreadyStarted: return "ALREADY_STARTED";
    case kNotRunning: return "NOT_RUNNING";
    case kSuccess: return "SUCCESS";
    case kAlreadyAdded: return "ALREADY_ADDED";
    case kStillRunning: return "STILL_RUNNING";
    case kCantReread: return "CANT_REREAD";
  }
  return "UNKNOWN";
}

Fault MakeFault(int code, const std::string& detail) {
  std::string text = FaultName(code);
  if (!detail.empty()) text += ": " + detail;
  return Fault{code, text};
}

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when invalid.
size_t Utf8Len(std::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t n;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 2;
  else if ((c & 0xF0) == 0xE0) n = 3;
  else if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 4;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

// Escapes for XML text; characters XML 1.0 cannot carry (controls, broken UTF-8) become U+FFFD
// so that a log with binary output never breaks the client's parser.
void AppendEscaped(std::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c == '&') { *out += "&amp;"; ++i; continue; }
    if (c == '<') { *out += "&lt;"; ++i; continue; }
    if (c == '>') { *out += "&gt;"; ++i; continue; }
    if (c == '\r') { *out += "&#13;"; ++i; continue; }
    if (c < 0x20 && c != '\t' && c != '\n') { *out += "\xEF\xBF\xBD"; ++i; continue; }
    size_t n = Utf8Len(s, i);
    if (n == 0) { *out += "\xEF\xBF\xBD"; ++i; continue; }
    out->append(s.substr(i, n));
    i += n;
  }
}

Result<Value> ParseValue(const pugi::xml_node& node, int depth) {
  if (depth > 64) return InvalidArgument("XML-RPC value nested more than 64 levels");
  pugi::xml_node typed;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) { typed = c; break; }
  if (!typed) return Value::String(node.text().get());
  std::string_view name = typed.name();
  std::string text = typed.text().get();
  if (name == "string") return Value::String(text);
  if (name == "int" || name == "i4" || name == "i8") {
    long long v;
    if (!ParseInt64(Trim(text), &v)) return InvalidArgument("XML-RPC <" + std::string(name) + "> is not an integer: '" + text + "'");
    return Value::Int(v);
  }
  if (name == "boolean") {
    std::string_view t = Trim(text);
    if (t == "1") return Value::Bool(true);
    if (t == "0") return Value::Bool(false);
    return InvalidArgument("XML-RPC <boolean> must be 0 or 1, got '" + text + "'");
  }
  if (name == "double") {
    char* end = nullptr;
    std::string t(Trim(text));
    double d = std::strtod(t.c_str(), &end);
    if (t.empty() || *end != '\0') return InvalidArgument("XML-RPC <double> is not a number: '" + text + "'");
    return Value::Double(d);
  }
  if (name == "nil") return Value();
  if (name == "dateTime.iso8601" || name == "base64") return Value::String(text);
  if (name == "array") {
    Value a = Value::Array();
    pugi::xml_node data = typed.child("data");
    for (pugi::xml_node v = data.child("value"); v; v = v.next_sibling("value")) {
      SLAPOS_ASSIGN_OR_RETURN(Value item, ParseValue(v, depth + 1));
      a.array.push_back(std::move(item));
    }
    return a;
  }
  if (name == "struct") {
    Value s = Value::Struct();
    for (pugi::xml_node m = typed.child("member"); m; m = m.next_sibling("member")) {
      pugi::xml_node v = m.child("value");
      if (!v) return InvalidArgument("XML-RPC struct member without <value>");
      SLAPOS_ASSIGN_OR_RETURN(Value item, ParseValue(v, depth + 1));
      s.Set(m.child("name").text().get(), std::move(item));
    }
    return s;
  }
  return InvalidArgument("XML-RPC value of unknown type <" + std::string(name) + ">");
}

Result<pugi::xml_document*> Load(pugi::xml_document* doc, std::string_view xml) {
  pugi::xml_parse_result r = doc->load_buffer(xml.data(), xml.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!r) return InvalidArgument(std::string("malformed XML-RPC document: ") + r.description() + " at byte " + std::to_string(r.offset));
  return doc;
}

}  // namespace

void AppendValueXml(const Value& v, std::string* out) {
  *out += "<value>";
  switch (v.type) {
    case Value::Type::kNil: *out += "<nil/>"; break;
    case Value::Type::kBool: *out += v.b ? "<boolean>1</boolean>" : "<boolean>0</boolean>"; break;
    case Value::Type::kInt: *out += "<int>" + std::to_string(v.i) + "</int>"; break;
    case Value::Type::kDouble: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", v.d);
      *out += "<double>";
      *out += buf;
      *out += "</double>";
      break;
    }
    case Value::Type::kString:
      *out += "<string>";
      AppendEscaped(v.s, out);
      *out += "</string>";
      break;
    case Value::Type::kArray:
      *out += "<array><data>\n";
      for (const Value& item : v.array) {
        AppendValueXml(item, out);
        *out += "\n";
      }
      *out += "</data></array>";
      break;
    case Value::Type::kStruct:
      *out += "<struct>\n";
      for (const auto& [k, item] : v.members) {
        *out += "<member>\n<name>";
        AppendEscaped(k, out);
        *out += "</name>\n";
        AppendValueXml(item, out);
        *out += "\n</member>\n";
      }
      *out += "</struct>";
      break;
  }
  *out += "</value>";
}

Result<MethodCall> ParseMethodCall(std::string_view xml) {
  pugi::xml_document doc;
  SLAPOS_RETURN_IF_ERROR(Load(&doc, xml).status());
  pugi::xml_node call = doc.child("methodCall");
  if (!call) return InvalidArgument("XML-RPC request has no <methodCall> root element");
  MethodCall out;
  out.method = std::string(Trim(call.child("methodName").text().get()));
  if (out.method.empty()) return InvalidArgument("XML-RPC request has no <methodName>");
  for (pugi::xml_node p = call.child("params").child("param"); p; p = p.next_sibling("param")) {
    SLAPOS_ASSIGN_OR_RETURN(Value v, ParseValue(p.child("value"), 0));
    out.params.push_back(std::move(v));
  }
  return out;
}

std::string EncodeMethodCall(const MethodCall& call) {
  std::string out = "<?xml version='1.0'?>\n<methodCall>\n<methodName>";
  AppendEscaped(call.method, &out);
  out += "</methodName>\n<params>\n";
  for (const Value& v : call.params) {
    out += "<param>\n";
    AppendValueXml(v, &out);
    out += "\n</param>\n";
  }
  out += "</params>\n</methodCall>\n";
  return out;
}

std::string EncodeResponse(const Value& v) {
  std::string out = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n";
  AppendValueXml(v, &out);
  out += "\n</param>\n</params>\n</methodResponse>\n";
  return out;
}

std::string EncodeFault(const Fault& f) {
  Value s = Value::Struct();
  s.Set("faultCode", Value::Int(f.code));
  s.Set("faultString", Value::String(f.text));
  std::string out = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n";
  AppendValueXml(s, &out);
  out += "\n</fault>\n</methodResponse>\n";
  return out;
}

Result<Value> ParseResponse(std::string_view xml, Fault* fault) {
  pugi::xml_document doc;
  SLAPOS_RETURN_IF_ERROR(Load(&doc, xml).status());
  pugi::xml_node resp = doc.child("methodResponse");
  if (!resp) return InvalidArgument("XML-RPC response has no <methodResponse> root element");
  if (pugi::xml_node f = resp.child("fault")) {
    SLAPOS_ASSIGN_OR_RETURN(Value v, ParseValue(f.child("value"), 0));
    fault->code = static_cast<int>(v.GetInt("faultCode"));
    fault->text = v.GetString("faultString");
    return Value();
  }
  fault->code = 0;
  pugi::xml_node v = resp.child("params").child("param").child("value");
  if (!v) return InvalidArgument("XML-RPC response has neither <params> nor <fault>");
  return ParseValue(v, 0);
}

}  // namespace slapos::supervise
