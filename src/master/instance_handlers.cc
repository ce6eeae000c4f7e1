// Endpoints about instances once requested: documents, trees, connection parameters, reported
// states (access status and the destroy flow), bang, rename, errors, certificates, hosted
// shared instances.
#include "master/handlers.h"

namespace slapos::master {
namespace {

const std::vector<std::string> kInstanceStates = {"started", "stopped", "destroyed"};

FieldSpec Str(const char* name, bool required = true) { return FieldSpec{name, JsonType::kString, required, {}, 0}; }

template <typename Fn>
Result<json> InRead(Context& ctx, Fn fn) {
  json out;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Read([&](StoreTx& tx) -> Status {
    Result<json> r = fn(tx);
    if (!r.ok()) return r.status();
    out = std::move(r).value();
    return Status::OK();
  }));
  return out;
}

template <typename Fn>
Result<json> InWrite(Context& ctx, Fn fn) {
  json out;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    Result<json> r = fn(tx);
    if (!r.ok()) return r.status();
    out = std::move(r).value();
    return Status::OK();
  }));
  return out;
}

Status NoInstance(const std::string& guid) { return PermissionDenied("No software instance " + guid + " found."); }

Result<PartitionRecord> FindByGuid(StoreTx& tx, const std::string& guid, const InstanceGuid& g) {
  SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FindInstance(g.title, g.requested_by));
  if (!p) return NoInstance(guid);
  return std::move(*p);
}

Result<json> GetSoftwareInstance(Context& ctx, const json& body) {
  std::string guid = body["instance_guid"];
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(guid));
  return InRead(ctx, [&](StoreTx& tx) -> Result<json> {
    if (g.shared) {
      SLAPOS_ASSIGN_OR_RETURN(std::optional<SharedRecord> s, tx.FindShared(g.title, g.requested_by));
      if (!s) return PermissionDenied("No shared instance " + guid + " found.");
      return SharedDocument(tx, *s);
    }
    SLAPOS_ASSIGN_OR_RETURN(PartitionRecord p, FindByGuid(tx, guid, g));
    return PartitionDocument(tx, p);
  });
}

Result<json> GetInstanceTree(Context& ctx, const json& body) {
  std::string title = body["title"];
  return InRead(ctx, [&](StoreTx& tx) -> Result<json> {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FindInstance(title, ""));
    if (p) return PartitionDocument(tx, *p);
    SLAPOS_ASSIGN_OR_RETURN(std::optional<SharedRecord> s, tx.FindShared(title, ""));
    if (s) return SharedDocument(tx, *s);
    return PermissionDenied("No instance tree " + title + " found.");
  });
}

Result<json> InstanceTreeList(Context& ctx, const json&) {
  return InRead(ctx, [&](StoreTx& tx) -> Result<json> {
    json list = json::array();
    SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> roots, tx.ListRootInstances());
    for (const PartitionRecord& p : roots) list.push_back(json{{"title", p.title}});
    SLAPOS_ASSIGN_OR_RETURN(std::vector<SharedRecord> shared, tx.ListRootShared());
    for (const SharedRecord& s : shared) list.push_back(json{{"title", s.title}});
    return json{{"result_list", std::move(list)}};
  });
}

Result<json> InstanceNodeInstanceList(Context& ctx, const json& body) {
  std::string guid = body["instance_guid"];
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(guid));
  if (g.shared) return NoInstance(guid);
  return InRead(ctx, [&](StoreTx& tx) -> Result<json> {
    SLAPOS_ASSIGN_OR_RETURN(PartitionRecord host, FindByGuid(tx, guid, g));
    SLAPOS_ASSIGN_OR_RETURN(std::vector<SharedRecord> hosted, tx.ListSharedByHost(host.id));
    json list = json::array();
    for (const SharedRecord& s : hosted) {
      list.push_back(json{{"title", s.title},
                          {"instance_guid", MakeGuid(s.title, s.requested_by, true)},
                          {"software_type", s.software_type},
                          {"software_release_uri", s.software_release},
                          {"state", s.requested_state},
                          {"parameters", ParseStored(s.parameters)},
                          {"compute_partition_id", host.reference}});
    }
    return json{{"result_list", std::move(list)}};
  });
}

Result<json> PutConnectionParameters(Context& ctx, const json& body) {
  std::string guid = body["instance_guid"];
  std::string dict = body["connection_parameter_dict"].dump();
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(guid));
  return InWrite(ctx, [&](StoreTx& tx) -> Result<json> {
    if (g.shared) {
      SLAPOS_ASSIGN_OR_RETURN(std::optional<SharedRecord> s, tx.FindShared(g.title, g.requested_by));
      if (!s) return PermissionDenied("No shared instance " + guid + " found.");
      s->connection = dict;
      SLAPOS_RETURN_IF_ERROR(tx.UpdateShared(*s));
    } else {
      SLAPOS_ASSIGN_OR_RETURN(PartitionRecord p, FindByGuid(tx, guid, g));
      p.connection = dict;
      SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(p));
    }
    return Success("Updated");
  });
}

// Sets the access status of the instance `guid` names (a partition's or a shared one's).
Status SetInstanceStatus(Context& ctx, StoreTx& tx, const std::string& guid, const InstanceGuid& g,
                         const std::string& status) {
  int64_t now = NowSeconds(ctx.env);
  if (g.shared) {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<SharedRecord> s, tx.FindShared(g.title, g.requested_by));
    if (!s) return PermissionDenied("No shared instance " + guid + " found.");
    return tx.SetSharedStatus(s->id, status, now);
  }
  SLAPOS_ASSIGN_OR_RETURN(PartitionRecord p, FindByGuid(tx, guid, g));
  return tx.SetPartitionStatus(p.id, status, now);
}

Result<json> PutReportedState(Context& ctx, const json& body) {
  std::string guid = body["instance_guid"];
  std::string reported = body["reported_state"];
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(guid));
  if (reported != "destroyed") {
    // started / stopped: kept as the instance's access status (ERP5's wording).
    const char* status = reported == "started" ? kStartedStatus : kStoppedStatus;
    return InWrite(ctx, [&](StoreTx& tx) -> Result<json> {
      SLAPOS_RETURN_IF_ERROR(SetInstanceStatus(ctx, tx, guid, g, status));
      return Success("Reported " + reported);
    });
  }
  if (g.shared) return Success("Ignored");
  return InWrite(ctx, [&](StoreTx& tx) -> Result<json> {
    SLAPOS_ASSIGN_OR_RETURN(PartitionRecord p, FindByGuid(tx, guid, g));
    if (p.requested_state != "destroyed") {
      return PermissionDenied("Not destroying " + guid + ": it is requested " + p.requested_state +
                              ", not destroyed; request it with state destroyed first");
    }
    if (p.requested_by.empty()) {
      // Requesting a root destroyed already marked its tree destroyed; the root is freed once
      // every member has been freed by its node.
      SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> children, tx.ListTreeMembers(p.title));
      if (!children.empty()) {
        std::string list;
        for (const PartitionRecord& c : children) list += (list.empty() ? "" : ", ") + c.title;
        return PermissionDenied("Not destroying yet because this partition has child partitions: " + list);
      }
    }
    SLAPOS_RETURN_IF_ERROR(FreePartition(tx, p));
    return Success("Destroyed");
  });
}

Result<json> PutBang(Context& ctx, const json& body) {
  std::string guid = body["instance_guid"];
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(guid));
  if (g.shared) return PermissionDenied("NotImplemented: a shared instance cannot be banged");
  return InWrite(ctx, [&](StoreTx& tx) -> Result<json> {
    SLAPOS_ASSIGN_OR_RETURN(PartitionRecord p, FindByGuid(tx, guid, g));
    p.timestamp = NextTimestamp(ctx.env, p.timestamp);
    SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(p));
    if (p.requested_by.empty()) {
      SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> members, tx.ListTreeMembers(p.title));
      for (PartitionRecord& m : members) {
        m.timestamp = NextTimestamp(ctx.env, m.timestamp);
        SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(m));
      }
    }
    return Success("Bang handled");
  });
}

Result<json> PutTitle(Context& ctx, const json& body) {
  std::string guid = body["instance_guid"];
  std::string title = body["title"];
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(guid));
  if (g.shared) return PermissionDenied("NotImplemented: a shared instance cannot be renamed");
  if (title.empty() || title.find("___") != std::string::npos) {
    return InvalidArgument("field 'title': must be non-empty and must not contain '___'");
  }
  return InWrite(ctx, [&](StoreTx& tx) -> Result<json> {
    SLAPOS_ASSIGN_OR_RETURN(PartitionRecord p, FindByGuid(tx, guid, g));
    if (title == p.title) return Success("Renamed");
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> clash, tx.FindInstance(title, p.requested_by));
    if (clash) return PermissionDenied("An instance titled " + title + " already exists in this tree");
    if (p.requested_by.empty()) {
      // The tree follows its root.
      SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> members, tx.ListTreeMembers(p.title));
      for (PartitionRecord& m : members) {
        m.requested_by = title;
        SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(m));
      }
    }
    p.title = title;
    SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(p));
    return Success("Renamed");
  });
}

Result<json> PutInstanceError(Context& ctx, const json& body) {
  std::string guid = body["instance_guid"];
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(guid));
  std::string status = ErrorStatus(body["message"].get<std::string>());
  return InWrite(ctx, [&](StoreTx& tx) -> Result<json> {
    SLAPOS_RETURN_IF_ERROR(SetInstanceStatus(ctx, tx, guid, g, status));
    return Success("Error reported");
  });
}

Result<json> GetInstanceCertificate(Context&, const json&) {
  // Instance certificates come with the identity work; the proxy answers empty strings too.
  return json{{"key", ""}, {"certificate", ""}};
}

}  // namespace

void AddInstanceEndpoints(std::vector<Endpoint>* out) {
  out->push_back({"/slapos.post.v0.software_instance",
                  {{FieldSpec{"title", JsonType::kString, true, {}, 200}, Str("software_release_uri"),
                    Str("software_type"), FieldSpec{"parameters", JsonType::kObject, false, {}, 0},
                    FieldSpec{"shared", JsonType::kBoolean, false, {}, 0},
                    FieldSpec{"state", JsonType::kString, false, kInstanceStates, 0},
                    FieldSpec{"sla_parameters", JsonType::kObject, false, {}, 0}}},
                  &PostSoftwareInstance});
  out->push_back({"/slapos.get.v0.software_instance", {{Str("instance_guid")}}, &GetSoftwareInstance});
  out->push_back({"/slapos.get.v0.instance_tree",
                  {{FieldSpec{"title", JsonType::kString, true, {}, 200}}},
                  &GetInstanceTree});
  out->push_back({"/slapos.allDocs.v0.instance_tree_list", {{}}, &InstanceTreeList});
  out->push_back({"/slapos.allDocs.v0.instance_node_instance_list", {{Str("instance_guid")}},
                  &InstanceNodeInstanceList});
  out->push_back({"/slapos.put.v0.software_instance_connection_parameter",
                  {{Str("instance_guid"), FieldSpec{"connection_parameter_dict", JsonType::kObject, true, {}, 0}}},
                  &PutConnectionParameters});
  out->push_back({"/slapos.put.v0.software_instance_reported_state",
                  {{Str("instance_guid"), FieldSpec{"reported_state", JsonType::kString, true, kInstanceStates, 0}}},
                  &PutReportedState});
  out->push_back({"/slapos.put.v0.software_instance_bang", {{Str("instance_guid"), Str("message")}}, &PutBang});
  out->push_back({"/slapos.put.v0.software_instance_title",
                  {{Str("instance_guid"), FieldSpec{"title", JsonType::kString, true, {}, 200}}},
                  &PutTitle});
  out->push_back({"/slapos.put.v0.software_instance_error", {{Str("instance_guid"), Str("message")}},
                  &PutInstanceError});
  out->push_back({"/slapos.get.v0.software_instance_certificate", {{Str("instance_guid")}},
                  &GetInstanceCertificate});
}

}  // namespace slapos::master
