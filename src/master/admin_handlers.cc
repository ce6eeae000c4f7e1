// This project's admin endpoints (not part of the SlapOS v0 API): what an operator reads out
// of a running master, whose SQLite file is locked (docs/master.md "Admin endpoints"). The API
// answers them to loopback callers only.
#include <pugixml.hpp>

#include <ctime>
#include <sstream>

#include "master/handlers.h"

namespace slapos::master {
namespace {

constexpr int64_t kDefaultUsageLimit = 1000;
constexpr int64_t kMaxUsageLimit = 100000;

FieldSpec Opt(const char* name, JsonType type) { return FieldSpec{name, type, false, {}, 0}; }

// "2026-11-22T05:00:00Z"
std::string IsoTime(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<int64_t> IntegerField(const json& body, const char* name, int64_t fallback, int64_t min,
                             int64_t max) {
  if (!body.contains(name)) return fallback;
  const json& v = body[name];
  if (!v.is_number_integer())
    return InvalidArgument(std::string("field '") + name + "': " + v.dump() + " is not an integer");
  int64_t n = v.get<int64_t>();
  if (n < min || n > max) {
    return InvalidArgument(std::string("field '") + name + "': " + std::to_string(n) +
                           " is out of range [" + std::to_string(min) + ", " + std::to_string(max) +
                           "]");
  }
  return n;
}

net::HttpResponse JsonAnswer(const json& value) {
  net::HttpResponse r;
  r.body = value.dump();
  return r;
}

// <usage_list><usage id computer_guid received_at><journal>...</journal></usage>...</usage_list>
Result<std::string> UsageXml(const std::vector<UsageRecord>& list) {
  pugi::xml_document out;
  pugi::xml_node decl = out.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = out.append_child("usage_list");
  for (const UsageRecord& u : list) {
    pugi::xml_node item = root.append_child("usage");
    item.append_attribute("id") = static_cast<long long>(u.id);
    item.append_attribute("computer_guid") = u.computer.c_str();
    item.append_attribute("received_at") = IsoTime(u.received_at).c_str();
    pugi::xml_document doc;
    if (!doc.load_buffer(u.tioxml.data(), u.tioxml.size())) {
      return Corruption("stored usage document " + std::to_string(u.id) + " is not XML any more");
    }
    item.append_copy(doc.document_element());
  }
  std::ostringstream text;
  out.save(text, "  ");
  return text.str();
}

// {computer_guid?, since? (unix seconds), limit?, format? json|xml}: usage documents, oldest
// first.
Result<net::HttpResponse> UsageList(Context& ctx, const json& body) {
  std::string computer = body.value("computer_guid", "");
  std::string format = body.value("format", "json");
  SLAPOS_ASSIGN_OR_RETURN(int64_t since, IntegerField(body, "since", 0, 0, INT64_MAX));
  SLAPOS_ASSIGN_OR_RETURN(int64_t limit,
                          IntegerField(body, "limit", kDefaultUsageLimit, 1, kMaxUsageLimit));
  std::vector<UsageRecord> list;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(list, tx.ListUsage(computer, since, limit));
    return Status::OK();
  }));
  if (format == "xml") {
    SLAPOS_ASSIGN_OR_RETURN(std::string xml, UsageXml(list));
    net::HttpResponse r;
    r.content_type = "application/xml";
    r.body = std::move(xml);
    return r;
  }
  json items = json::array();
  for (const UsageRecord& u : list) {
    json item = json::object();
    item["id"] = u.id;
    item["computer_guid"] = u.computer;
    item["received_at"] = IsoTime(u.received_at);
    item["received_at_unix"] = u.received_at;
    item["tioxml"] = u.tioxml;
    items.push_back(std::move(item));
  }
  return JsonAnswer(json{{"result_list", std::move(items)}});
}

// {computer_guid?}: every supplied installation with the node's last report on it.
Result<net::HttpResponse> SoftwareInstallationList(Context& ctx, const json& body) {
  std::string computer = body.value("computer_guid", "");
  std::vector<SoftwareRecord> list;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    if (computer.empty()) {
      SLAPOS_ASSIGN_OR_RETURN(list, tx.ListAllSoftware());
    } else {
      SLAPOS_ASSIGN_OR_RETURN(list, tx.ListSoftware(computer));
    }
    return Status::OK();
  }));
  json items = json::array();
  for (const SoftwareRecord& sw : list) {
    json item = json::object();
    item["computer_guid"] = sw.computer;
    item["software_release_uri"] = sw.url;
    item["state"] = sw.requested_state;
    item["reported_state"] = sw.reported_state;
    item["error_message"] = sw.error;
    item["reported_at"] = sw.reported_at == 0 ? "" : IsoTime(sw.reported_at);
    items.push_back(std::move(item));
  }
  return JsonAnswer(json{{"result_list", std::move(items)}});
}

// {}: a consistent copy of the live database (SQLite file bytes).
Result<net::HttpResponse> Backup(Context& ctx, const json&) {
  net::HttpResponse r;
  r.content_type = "application/vnd.sqlite3";
  SLAPOS_ASSIGN_OR_RETURN(r.body, ctx.store->Snapshot());
  return r;
}

}  // namespace

void AddAdminEndpoints(std::vector<AdminEndpoint>* out) {
  out->push_back({"/slapos-admin/v1/usage_list",
                  {{Opt("computer_guid", JsonType::kString), Opt("since", JsonType::kNumber),
                    Opt("limit", JsonType::kNumber),
                    FieldSpec{"format", JsonType::kString, false, {"json", "xml"}, 0}}},
                  &UsageList});
  out->push_back({"/slapos-admin/v1/software_installation_list",
                  {{Opt("computer_guid", JsonType::kString)}},
                  &SoftwareInstallationList});
  out->push_back({"/slapos-admin/v1/backup", {{}}, &Backup});
}

}  // namespace slapos::master
