// Internal to src/master: what every endpoint handler sees, and the registration functions of
// the handler families (software, instance, node). Handlers run one Store transaction each and
// return a JSON document or a Status (InvalidArgument -> 400, PermissionDenied -> 403).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "master/request_check.h"
#include "net/http_server.h"
#include "master/store.h"
#include "util/env.h"

namespace slapos::master {

using json = nlohmann::json;

// Who is calling. Anonymous callers are trusted for now (the proxy's model); the identity
// work fills `id` from client certificates. `requester_instance` is the instance guid an
// instance acts as when it requests children (its tree becomes theirs).
struct Principal {
  std::string id;  // "" = anonymous
  bool loopback = false;
  std::string requester_instance;
};

struct Context {
  Store* store = nullptr;
  Env* env = nullptr;
  Principal principal;
  std::string host_header;  // for absolute URLs in answers
};

using HandlerFn = Result<json> (*)(Context& ctx, const json& body);

struct Endpoint {
  std::string path;  // "/slapos.post.v0.software_instance"
  ObjectSpec spec;
  HandlerFn handler;
};

void AddSoftwareEndpoints(std::vector<Endpoint>* out);
void AddInstanceEndpoints(std::vector<Endpoint>* out);
void AddNodeEndpoints(std::vector<Endpoint>* out);

// This project's admin endpoints (admin_handlers.cc; docs/master.md "Admin endpoints"):
// "/slapos-admin/v1/<name>", answered to loopback callers only, not part of the v0 API.
// Their answer may be JSON, XML or bytes, hence a whole HttpResponse.
using AdminFn = Result<net::HttpResponse> (*)(Context& ctx, const json& body);
struct AdminEndpoint {
  std::string path;  // "/slapos-admin/v1/usage_list"
  ObjectSpec spec;
  AdminFn handler;
};
inline constexpr char kAdminPrefix[] = "/slapos-admin/";
void AddAdminEndpoints(std::vector<AdminEndpoint>* out);

// Reports are kept up to this many bytes of message: the tail (where a build log says what
// failed), after a "[... N bytes cut] " marker, cut on a UTF-8 character boundary.
inline constexpr size_t kMaxReportBytes = 64 * 1024;
std::string CapReport(const std::string& message);

// access_status_message texts, as the ERP5 master writes them.
std::string ErrorStatus(const std::string& message);  // "#error <message, capped>"
inline constexpr char kStartedStatus[] = "#access Instance correctly started";
inline constexpr char kStoppedStatus[] = "#access Instance correctly stopped";

int64_t NowSeconds(Env* env);

// {"type": "success", "title": title}
json Success(const std::string& title);

// The next processing_timestamp after `previous`: now in seconds, but always > previous so
// that two changes in the same second are both visible to the node.
int64_t NextTimestamp(Env* env, int64_t previous);

// Instance guids: "<title>___<requested_by>___<0|1>".
struct InstanceGuid {
  std::string title;
  std::string requested_by;
  bool shared = false;
};
std::string MakeGuid(const std::string& title, const std::string& requested_by, bool shared);
// 403 "instance_guid <g> not handled." when it does not parse.
Result<InstanceGuid> ParseGuid(const std::string& guid);

// Parses a stored JSON object text (never fails: a broken value reads as {}).
json ParseStored(const std::string& text);

// The 16-key instance document of a partition's instance / of a shared instance.
// `parameters` / `sla`, when given, are p.parameters / p.sla already parsed (a request that
// just wrote them need not parse the stored text back).
Result<json> PartitionDocument(StoreTx& tx, const PartitionRecord& p, const json* parameters = nullptr,
                               const json* sla = nullptr);
Result<json> SharedDocument(StoreTx& tx, const SharedRecord& s);

// POST /slapos.post.v0.software_instance (instance_request.cc).
Result<json> PostSoftwareInstance(Context& ctx, const json& body);

// Frees a partition whose instance is gone (all instance fields cleared; timestamp kept),
// dropping the shared instances it hosted.
Status FreePartition(StoreTx& tx, PartitionRecord p);

}  // namespace slapos::master
