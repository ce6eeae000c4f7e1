// Software installations: supply/remove, the node's list, its reports.
#include "master/handlers.h"

namespace slapos::master {
namespace {

FieldSpec Str(const char* name) { return FieldSpec{name, JsonType::kString, true, {}, 0}; }

Result<json> PostSoftwareInstallation(Context& ctx, const json& body) {
  SoftwareRecord sw;
  sw.url = body["software_release_uri"];
  sw.computer = body["computer_guid"];
  if (body.contains("state")) sw.requested_state = body["state"];
  if (sw.url.empty()) return InvalidArgument("field 'software_release_uri': must not be empty");
  if (sw.computer.empty()) return InvalidArgument("field 'computer_guid': must not be empty");
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) { return tx.PutSoftware(sw); }));
  return Success("Supplied " + sw.url + " to be " + sw.requested_state);
}

Result<json> SoftwareInstallationList(Context& ctx, const json& body) {
  std::string computer = body["computer_guid"];
  json list = json::array();
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode(computer));
    if (!node) return PermissionDenied(computer + " is not registered.");
    SLAPOS_ASSIGN_OR_RETURN(std::vector<SoftwareRecord> all, tx.ListSoftware(computer));
    for (const SoftwareRecord& sw : all) {
      list.push_back(json{{"software_release_uri", sw.url}, {"state", sw.requested_state}});
    }
    return Status::OK();
  }));
  return json{{"result_list", std::move(list)}};
}

Result<json> PutSoftwareReportedState(Context& ctx, const json& body) {
  std::string url = body["software_release_uri"];
  std::string computer = body["computer_guid"];
  std::string state = body["reported_state"];
  if (state == "destroyed") {
    SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) { return tx.DeleteSoftware(computer, url); }));
    return Success("Destroyed");
  }
  // building / available replace the last report (and its error). A report on an installation
  // that is not supplied (removed meanwhile) is answered Ignored, as the proxy does.
  bool found = false;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(found, tx.SetSoftwareReport(computer, url, state, "", NowSeconds(ctx.env)));
    return Status::OK();
  }));
  return Success(found ? "Reported " + state : "Ignored");
}

// The build error log is kept (capped) until the next report; the v0 list has no field for
// it, so it is read through the admin endpoint software_installation_list.
Result<json> PutSoftwareError(Context& ctx, const json& body) {
  std::string url = body["software_release_uri"];
  std::string computer = body["computer_guid"];
  std::string error = CapReport(body["message"].get<std::string>());
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(bool found, tx.SetSoftwareReport(computer, url, "error", error, NowSeconds(ctx.env)));
    if (!found) {
      return PermissionDenied("No software installation of " + url + " on " + computer +
                              " found; supply it before reporting its errors");
    }
    return Status::OK();
  }));
  return Success("Error reported");
}

}  // namespace

void AddSoftwareEndpoints(std::vector<Endpoint>* out) {
  out->push_back({"/slapos.post.v0.software_installation",
                  {{Str("software_release_uri"), Str("computer_guid"),
                    FieldSpec{"state", JsonType::kString, false, {"available", "destroyed"}, 0}}},
                  &PostSoftwareInstallation});
  out->push_back({"/slapos.allDocs.v0.compute_node_software_installation_list", {{Str("computer_guid")}},
                  &SoftwareInstallationList});
  out->push_back({"/slapos.put.v0.software_installation_reported_state",
                  {{Str("software_release_uri"), Str("computer_guid"),
                    FieldSpec{"reported_state", JsonType::kString, true, {"available", "destroyed", "building"}, 0}}},
                  &PutSoftwareReportedState});
  out->push_back({"/slapos.put.v0.software_installation_error",
                  {{Str("software_release_uri"), Str("computer_guid"), Str("message")}},
                  &PutSoftwareError});
}

}  // namespace slapos::master
