// JSON codecs for every request and response of the SlapOS master API v0 (spec
// master-api.md §4, slapos-master-api-v0.json). Encoders write compact JSON. Decoders are
// strict like the master's JSON schema: the body must be an object, required keys present,
// no unknown keys in requests, exact types (a number is not a string), enums checked,
// titles at most 200 characters. Their InvalidArgument messages are worded like the
// jsonschema messages the SlapOS master returns ("'title' is a required property",
// "Additional properties are not allowed ('foo' was unexpected)", "1 is not of type
// 'string'"), so a master can send them back as its 400 title. Response decoders tolerate
// unknown keys (a newer master may add some) but are just as strict on types.
// JSON-object fields come back as compact text in the sender's key order.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "slap/model.h"
#include "util/status.h"

namespace slapos::slap {

// --- requests -------------------------------------------------------------------------------

// post.v0.software_installation {software_release_uri, computer_guid, state?}
std::string EncodeSupplyRequest(const SoftwareInstallation& supply);
Result<SoftwareInstallation> DecodeSupplyRequest(std::string_view json);

// Requests made of one string: {"computer_guid": G} (software installation list, node
// instance list, node certificate, node status), {"instance_guid": G} (get instance,
// hosted shared list, instance certificate), {"title": T} (get.v0.instance_tree, at most 200
// characters).
std::string EncodeStringRequest(std::string_view key, std::string_view value);
Result<std::string> DecodeStringRequest(std::string_view json, std::string_view key);
// Requests with no field (instance_tree_list, hateoas_url, compute_node_list): "{}".
std::string EncodeEmptyRequest();
Status DecodeEmptyRequest(std::string_view json);

std::string EncodeSoftwareReport(const SoftwareReport& r);
Result<SoftwareReport> DecodeSoftwareReport(std::string_view json);
std::string EncodeSoftwareError(const SoftwareError& r);
Result<SoftwareError> DecodeSoftwareError(std::string_view json);

// post.v0.software_instance. Omitted optional keys take the API defaults (parameters {},
// shared false, state started, sla_parameters {}).
std::string EncodeInstanceRequest(const InstanceRequest& r);
Result<InstanceRequest> DecodeInstanceRequest(std::string_view json);

std::string EncodePartitionRef(const PartitionRef& r);
Result<PartitionRef> DecodePartitionRef(std::string_view json);
std::string EncodeConnectionParameterUpdate(const ConnectionParameterUpdate& r);
Result<ConnectionParameterUpdate> DecodeConnectionParameterUpdate(std::string_view json);
std::string EncodeInstanceReport(const InstanceReport& r);
Result<InstanceReport> DecodeInstanceReport(std::string_view json);
std::string EncodeInstanceMessage(const InstanceMessage& r);
Result<InstanceMessage> DecodeInstanceMessage(std::string_view json);
std::string EncodeInstanceRename(const InstanceRename& r);
Result<InstanceRename> DecodeInstanceRename(std::string_view json);
std::string EncodeComputeNodeUsage(const ComputeNodeUsage& r);
Result<ComputeNodeUsage> DecodeComputeNodeUsage(std::string_view json);
std::string EncodeComputeNodeMessage(const ComputeNodeMessage& r);
Result<ComputeNodeMessage> DecodeComputeNodeMessage(std::string_view json);
// put.v0.compute_node_format. Optional address keys that are "" are not written.
std::string EncodeComputeNodeFormat(const ComputeNodeFormat& r);
Result<ComputeNodeFormat> DecodeComputeNodeFormat(std::string_view json);

// slapos.put.WIP.compute_node_attribute_dict {computer_guid, attribute_dict: {k: "v"}}
std::string EncodeComputeNodeAttributes(const ComputeNodeAttributes& a);
Result<ComputeNodeAttributes> DecodeComputeNodeAttributes(std::string_view json);

// --- responses ------------------------------------------------------------------------------

// {"type": "success", "title": T}
std::string EncodeSuccess(const Success& s);
Result<Success> DecodeSuccess(std::string_view json);
// {"status": N, "type": "Forbidden", "title": T}
std::string EncodeErrorBody(const ErrorBody& e);
Result<ErrorBody> DecodeErrorBody(std::string_view json);
// The HTTP reason phrase the master puts in "type" (403 -> "Forbidden").
std::string ReasonPhrase(int http_status);

// The 16-key instance document.
std::string EncodeInstance(const Instance& i);
Result<Instance> DecodeInstance(std::string_view json);
// post.software_instance / get.instance_tree: the instance or {message, name, status}.
std::string EncodeInstanceAnswer(const InstanceAnswer& a);
Result<InstanceAnswer> DecodeInstanceAnswer(std::string_view json);

// {"result_list": [...]} of the allDocs endpoints.
// compute_node_software_installation_list items {software_release_uri, state}; the decoder
// fills computer_guid with `computer_guid`.
std::string EncodeSoftwareInstallationList(const std::vector<SoftwareInstallation>& items);
Result<std::vector<SoftwareInstallation>> DecodeSoftwareInstallationList(
    std::string_view json, std::string_view computer_guid);
std::string EncodeNodeInstanceList(const std::vector<NodeInstance>& items);
Result<std::vector<NodeInstance>> DecodeNodeInstanceList(std::string_view json);
std::string EncodeSharedInstanceList(const std::vector<SharedInstance>& items);
Result<std::vector<SharedInstance>> DecodeSharedInstanceList(std::string_view json);
// instance_tree_list: [{"title": T}]; WIP.compute_node_list: [{"computer_guid": G}].
std::string EncodeTitleList(const std::vector<std::string>& titles, std::string_view key);
Result<std::vector<std::string>> DecodeTitleList(std::string_view json, std::string_view key);

// slapos.get.WIP.compute_node {computer_guid, attribute_dict, partition_count,
// free_partition_count}
std::string EncodeComputeNodeInfo(const ComputeNodeInfo& n);
Result<ComputeNodeInfo> DecodeComputeNodeInfo(std::string_view json);

// {"key", "certificate"}
std::string EncodeCertificate(const Certificate& c);
Result<Certificate> DecodeCertificate(std::string_view json);
// get.v0.compute_node_status {"text": T, ...}; get.v0.hateoas_url {"hateoas_url": U}.
std::string EncodeStringResponse(std::string_view key, std::string_view value);
Result<std::string> DecodeStringResponse(std::string_view json, std::string_view key);

// --- JSON object texts ---------------------------------------------------------------------

// Checks that `json` is one JSON object and returns it compact (sender's key order).
Result<std::string> NormalizeJsonObject(std::string_view json);
// The same object pretty-printed with `indent` spaces (for people).
std::string PrettyJson(std::string_view json, int indent = 2);

}  // namespace slapos::slap
