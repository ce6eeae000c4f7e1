// POST /slapos.post.v0.software_instance: request (allocate, update, destroy) an instance or a
// shared instance. Idempotent per (title, root instance of the requester's tree).
#include "master/allocator.h"
#include "master/handlers.h"

namespace slapos::master {
namespace {

struct InstanceRequest {
  std::string title;
  std::string software_release;
  std::string software_type;
  std::string state = "started";
  json parameters = json::object();
  json sla = json::object();
  bool shared = false;
  std::string requested_by;  // root title of the requester's tree, "" for a user
};

// Whether `dumped` (a request's object, serialized) and the stored object text are the same
// object. Stored texts are dumps too, so equal text is the common case; otherwise compare the
// normalized forms.
bool SameObject(const std::string& dumped, const std::string& stored) {
  return dumped == stored || dumped == ParseStored(stored).dump();
}

// The tree a calling instance belongs to: its requested_by, or its own title for a root.
Result<std::string> RequesterTree(StoreTx& tx, const std::string& requester_guid) {
  if (requester_guid.empty()) return std::string();
  SLAPOS_ASSIGN_OR_RETURN(InstanceGuid g, ParseGuid(requester_guid));
  if (g.shared) return PermissionDenied("a shared instance (" + requester_guid + ") cannot request instances");
  SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FindInstance(g.title, g.requested_by));
  if (!p) return PermissionDenied("requesting instance " + requester_guid + " does not exist");
  return p->requested_by.empty() ? p->title : p->requested_by;
}

Result<json> RequestPartitionInstance(StoreTx& tx, Env* env, const InstanceRequest& r) {
  SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> existing, tx.FindInstance(r.title, r.requested_by));
  PartitionRecord p;
  bool allocated = !existing;
  std::string state = r.state;
  std::string params = r.parameters.dump();
  if (!existing) {
    if (state == "destroyed") {
      return PermissionDenied("No software instance " + MakeGuid(r.title, r.requested_by, false) +
                              " found: nothing to destroy");
    }
    if (!r.requested_by.empty()) {
      // A new member of a tree starts in its root's state (a destroyed tree takes no newcomer).
      SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> root, tx.FindInstance(r.requested_by, ""));
      if (root && root->requested_state == "destroyed") {
        return PermissionDenied("instance tree " + r.requested_by + " is being destroyed; " + r.title +
                                " cannot be added to it");
      }
      if (root && root->requested_state == "stopped") state = "stopped";
    }
    SLAPOS_ASSIGN_OR_RETURN(SlaConditions sla, ParseSla(r.sla.dump()));
    std::string root = r.requested_by.empty() ? r.title : r.requested_by;
    SLAPOS_ASSIGN_OR_RETURN(p, AllocatePartition(tx, sla, r.title, root));
    p.busy = true;
    p.title = r.title;
    p.requested_by = r.requested_by;
    p.software_release = r.software_release;
    p.software_type = r.software_type;
    p.requested_state = state;
    p.parameters = params;
    p.connection = "{}";
    p.sla = r.sla.dump();
    p.timestamp = NextTimestamp(env, p.timestamp);
    SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(p));
  } else {
    // A re-request never moves the instance: its sla is not looked at again.
    p = std::move(*existing);
    if (!p.requested_by.empty() && state != "destroyed") {
      SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> root, tx.FindInstance(p.requested_by, ""));
      if (root && root->requested_state != "started") state = root->requested_state;
    }
    bool changed = state != p.requested_state || r.software_release != p.software_release ||
                   r.software_type != p.software_type || !SameObject(params, p.parameters);
    if (changed) {
      p.requested_state = state;
      p.software_release = r.software_release;
      p.software_type = r.software_type;
      p.parameters = params;
      p.timestamp = NextTimestamp(env, p.timestamp);
      SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(p));
    }
  }
  // Destroying a root destroys its whole tree.
  if (state == "destroyed" && p.requested_by.empty()) {
    SLAPOS_ASSIGN_OR_RETURN(std::vector<PartitionRecord> members, tx.ListTreeMembers(p.title));
    for (PartitionRecord& m : members) {
      if (m.requested_state == "destroyed") continue;
      m.requested_state = "destroyed";
      m.timestamp = NextTimestamp(env, m.timestamp);
      SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(m));
    }
  }
  // p.parameters holds r.parameters (just written, or equal to it); the sla is the request's
  // only when it was just allocated.
  return PartitionDocument(tx, p, &r.parameters, allocated ? &r.sla : nullptr);
}

Status BumpHost(StoreTx& tx, Env* env, int64_t host_id) {
  SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> host, tx.FindPartitionById(host_id));
  if (!host) return Status::OK();
  host->timestamp = NextTimestamp(env, host->timestamp);
  return tx.UpdatePartition(*host);
}

Result<json> RequestSharedInstance(StoreTx& tx, Env* env, const InstanceRequest& r) {
  SLAPOS_ASSIGN_OR_RETURN(std::optional<SharedRecord> existing, tx.FindShared(r.title, r.requested_by));
  std::string params = r.parameters.dump();
  if (r.state == "destroyed") {
    if (!existing) {
      return PermissionDenied("No shared instance " + MakeGuid(r.title, r.requested_by, true) +
                              " found: nothing to destroy");
    }
    SharedRecord s = std::move(*existing);
    SLAPOS_ASSIGN_OR_RETURN(json doc, SharedDocument(tx, s));
    SLAPOS_RETURN_IF_ERROR(tx.DeleteShared(s.id));
    SLAPOS_RETURN_IF_ERROR(BumpHost(tx, env, s.host_partition_id));
    doc["state"] = "destroyed";
    return doc;
  }
  SharedRecord s;
  if (!existing) {
    SLAPOS_ASSIGN_OR_RETURN(SlaConditions sla, ParseSla(r.sla.dump()));
    SLAPOS_ASSIGN_OR_RETURN(PartitionRecord host,
                            SelectHost(tx, sla, r.title, r.software_release, r.software_type));
    s.title = r.title;
    s.requested_by = r.requested_by;
    s.software_release = r.software_release;
    s.software_type = r.software_type;
    s.requested_state = r.state;
    s.parameters = params;
    s.connection = "{}";
    s.sla = r.sla.dump();
    s.host_partition_id = host.id;
    s.timestamp = NextTimestamp(env, 0);
    SLAPOS_ASSIGN_OR_RETURN(s.id, tx.InsertShared(s));
    SLAPOS_RETURN_IF_ERROR(BumpHost(tx, env, s.host_partition_id));
  } else {
    s = std::move(*existing);
    bool changed = r.state != s.requested_state || r.software_release != s.software_release ||
                   r.software_type != s.software_type || !SameObject(params, s.parameters);
    if (changed) {
      s.requested_state = r.state;
      s.software_release = r.software_release;
      s.software_type = r.software_type;
      s.parameters = params;
      s.timestamp = NextTimestamp(env, s.timestamp);
      SLAPOS_RETURN_IF_ERROR(tx.UpdateShared(s));
      SLAPOS_RETURN_IF_ERROR(BumpHost(tx, env, s.host_partition_id));
    }
  }
  return SharedDocument(tx, s);
}

}  // namespace

Result<json> PostSoftwareInstance(Context& ctx, const json& body) {
  InstanceRequest r;
  r.title = body["title"].get<std::string>();
  r.software_release = body["software_release_uri"].get<std::string>();
  r.software_type = body["software_type"].get<std::string>();
  if (r.software_type.empty()) r.software_type = "default";
  if (body.contains("state")) r.state = body["state"].get<std::string>();
  if (body.contains("parameters")) r.parameters = body["parameters"];
  if (body.contains("sla_parameters")) r.sla = body["sla_parameters"];
  if (body.contains("shared")) r.shared = body["shared"].get<bool>();
  if (r.title.empty()) return InvalidArgument("field 'title': must not be empty");
  if (r.title.find("___") != std::string::npos) {
    return InvalidArgument("field 'title': must not contain '___' (it separates the parts of instance guids)");
  }
  if (r.software_release.empty()) return InvalidArgument("field 'software_release_uri': must not be empty");
  // Check the sla before touching anything (types, mode).
  SLAPOS_RETURN_IF_ERROR(ParseSla(r.sla.dump()).status());
  json out;
  SLAPOS_RETURN_IF_ERROR(ctx.store->Write([&](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(r.requested_by, RequesterTree(tx, ctx.principal.requester_instance));
    Result<json> doc = r.shared ? RequestSharedInstance(tx, ctx.env, r) : RequestPartitionInstance(tx, ctx.env, r);
    if (!doc.ok()) return doc.status();
    out = std::move(doc).value();
    return Status::OK();
  }));
  return out;
}

}  // namespace slapos::master
