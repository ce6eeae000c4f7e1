#include "slap/slap_client.h"

#include "slap/json_codec.h"

namespace slapos::slap {

namespace {

Code CodeForHttpStatus(long status) {
  switch (status) {
    case 400: return Code::kInvalidArgument;
    case 401:
    case 403: return Code::kPermissionDenied;
    case 404: return Code::kNotFound;
    case 408:
    case 503: return Code::kUnavailable;
    default: return status >= 500 ? Code::kInternal : Code::kFailedPrecondition;
  }
}

}  // namespace

Status MasterError(std::string_view endpoint, long http_status, std::string_view body) {
  Code code = CodeForHttpStatus(http_status);
  Result<ErrorBody> error = DecodeErrorBody(body);
  if (error.ok() && !error->title.empty()) return Status(code, error->title);
  std::string text(body.substr(0, 300));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return Status(code, "master answered HTTP " + std::to_string(http_status) + " to " +
                          std::string(endpoint) + (text.empty() ? "" : ": " + text));
}

SlapClient::SlapClient(SlapClientOptions options) : master_url_(std::move(options.master_url)) {
  while (!master_url_.empty() && master_url_.back() == '/') master_url_.pop_back();
  http_ = std::make_unique<net::HttpClient>(options.http);
}

SlapClient::~SlapClient() = default;

Result<std::string> SlapClient::Call(std::string_view endpoint, const std::string& body) {
  if (master_url_.empty()) {
    return InvalidArgument("no master URL configured (give --master-url or [slapos] master_url)");
  }
  std::string url = master_url_ + "/" + std::string(endpoint);
  Result<net::HttpResponse> response = http_->Send(
      "POST", url, body, {"Content-Type: application/json", "Accept: application/json"});
  if (!response.ok()) {
    const Status& st = response.status();
    if (st.code() == Code::kUnavailable) {
      return Status(st.code(), st.message() + " -- is the SlapOS master running at " + master_url_ + "?");
    }
    return st;
  }
  if (response->status != 200) return MasterError(endpoint, response->status, response->body);
  return std::move(response->body);
}

Result<std::string> SlapClient::CallSuccess(std::string_view endpoint, const std::string& body) {
  SLAPOS_ASSIGN_OR_RETURN(std::string answer, Call(endpoint, body));
  Result<Success> success = DecodeSuccess(answer);
  if (!success.ok()) return success.status().WithContext(std::string("answer of ") + std::string(endpoint));
  return success->title;
}

namespace {

// Adds "answer of <endpoint>" to a decoding failure (the master sent something unexpected).
template <typename T>
Result<T> Decoded(Result<T> r, std::string_view endpoint) {
  if (r.ok()) return r;
  return Status(Code::kCorruption,
                "unexpected answer of " + std::string(endpoint) + ": " + r.status().message());
}

}  // namespace

Result<std::string> SlapClient::Supply(const std::string& uri, const std::string& node, SoftwareState state) {
  return CallSuccess(api::kSupply, EncodeSupplyRequest({uri, node, state}));
}

Result<std::vector<SoftwareInstallation>> SlapClient::SoftwareInstallationList(const std::string& node) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kSoftwareInstallationList,
                                                 EncodeStringRequest("computer_guid", node)));
  return Decoded(DecodeSoftwareInstallationList(body, node), api::kSoftwareInstallationList);
}

Status SlapClient::ReportSoftwareState(const std::string& uri, const std::string& node,
                                       SoftwareReportedState state) {
  return CallSuccess(api::kSoftwareReportedState, EncodeSoftwareReport({uri, node, state})).status();
}

Status SlapClient::ReportSoftwareError(const std::string& uri, const std::string& node,
                                       const std::string& message) {
  return CallSuccess(api::kSoftwareError, EncodeSoftwareError({uri, node, message})).status();
}

Result<InstanceAnswer> SlapClient::RequestInstance(const InstanceRequest& request) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kRequestInstance, EncodeInstanceRequest(request)));
  return Decoded(DecodeInstanceAnswer(body), api::kRequestInstance);
}

Result<Instance> SlapClient::GetInstance(const std::string& guid) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body,
                          Call(api::kGetInstance, EncodeStringRequest("instance_guid", guid)));
  return Decoded(DecodeInstance(body), api::kGetInstance);
}

Result<InstanceAnswer> SlapClient::GetInstanceTree(const std::string& title) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body,
                          Call(api::kGetInstanceTree, EncodeStringRequest("title", title)));
  return Decoded(DecodeInstanceAnswer(body), api::kGetInstanceTree);
}

Result<std::vector<std::string>> SlapClient::InstanceTreeList() {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kInstanceTreeList, EncodeEmptyRequest()));
  return Decoded(DecodeTitleList(body, "title"), api::kInstanceTreeList);
}

Result<Instance> SlapClient::GetPartition(const std::string& node, const std::string& partition) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kGetPartition, EncodePartitionRef({node, partition})));
  return Decoded(DecodeInstance(body), api::kGetPartition);
}

Result<std::vector<NodeInstance>> SlapClient::NodeInstanceList(const std::string& node) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body,
                          Call(api::kNodeInstanceList, EncodeStringRequest("computer_guid", node)));
  return Decoded(DecodeNodeInstanceList(body), api::kNodeInstanceList);
}

Result<std::vector<SharedInstance>> SlapClient::HostedInstanceList(const std::string& host_guid) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kHostedInstanceList,
                                                 EncodeStringRequest("instance_guid", host_guid)));
  return Decoded(DecodeSharedInstanceList(body), api::kHostedInstanceList);
}

Status SlapClient::PublishConnectionParameters(const std::string& guid, const std::string& parameters_json) {
  Result<std::string> normalized = NormalizeJsonObject(parameters_json);
  if (!normalized.ok()) return normalized.status().WithContext("connection parameters of " + guid);
  return CallSuccess(api::kConnectionParameter, EncodeConnectionParameterUpdate({guid, *normalized})).status();
}

Result<std::string> SlapClient::ReportInstanceState(const std::string& guid, InstanceState state) {
  return CallSuccess(api::kInstanceReportedState, EncodeInstanceReport({guid, state}));
}

Status SlapClient::ReportInstanceError(const std::string& guid, const std::string& message) {
  return CallSuccess(api::kInstanceError, EncodeInstanceMessage({guid, message})).status();
}

Status SlapClient::BangInstance(const std::string& guid, const std::string& message) {
  return CallSuccess(api::kInstanceBang, EncodeInstanceMessage({guid, message})).status();
}

Status SlapClient::RenameInstance(const std::string& guid, const std::string& new_title) {
  return CallSuccess(api::kInstanceRename, EncodeInstanceRename({guid, new_title})).status();
}

Result<Certificate> SlapClient::GetInstanceCertificate(const std::string& guid) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kInstanceCertificate,
                                                 EncodeStringRequest("instance_guid", guid)));
  return Decoded(DecodeCertificate(body), api::kInstanceCertificate);
}

Status SlapClient::FormatComputeNode(const ComputeNodeFormat& format) {
  return CallSuccess(api::kNodeFormat, EncodeComputeNodeFormat(format)).status();
}

Status SlapClient::BangComputeNode(const std::string& node, const std::string& message) {
  return CallSuccess(api::kNodeBang, EncodeComputeNodeMessage({node, message})).status();
}

Status SlapClient::ReportUsage(const std::string& node, const std::string& tioxml) {
  return CallSuccess(api::kNodeUsage, EncodeComputeNodeUsage({node, tioxml})).status();
}

Result<Certificate> SlapClient::NewComputeNodeCertificate(const std::string& node) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body,
                          Call(api::kNodeCertificate, EncodeStringRequest("computer_guid", node)));
  return Decoded(DecodeCertificate(body), api::kNodeCertificate);
}

Status SlapClient::RevokeComputeNodeCertificate(const std::string& node) {
  return CallSuccess(api::kRemoveNodeCertificate, EncodeStringRequest("computer_guid", node)).status();
}

Result<std::string> SlapClient::ComputeNodeStatus(const std::string& node) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body,
                          Call(api::kNodeStatus, EncodeStringRequest("computer_guid", node)));
  return Decoded(DecodeStringResponse(body, "text"), api::kNodeStatus);
}

Result<std::vector<std::string>> SlapClient::ComputeNodeList() {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kComputeNodeList, EncodeEmptyRequest()));
  return Decoded(DecodeTitleList(body, "computer_guid"), api::kComputeNodeList);
}

Result<std::string> SlapClient::HateoasUrl() {
  SLAPOS_ASSIGN_OR_RETURN(std::string body, Call(api::kHateoasUrl, EncodeEmptyRequest()));
  return Decoded(DecodeStringResponse(body, "hateoas_url"), api::kHateoasUrl);
}

Status SlapClient::SetComputeNodeAttributes(const ComputeNodeAttributes& attributes) {
  return CallSuccess(api::kSetNodeAttributes, EncodeComputeNodeAttributes(attributes)).status();
}

Result<ComputeNodeInfo> SlapClient::GetComputeNode(const std::string& node) {
  SLAPOS_ASSIGN_OR_RETURN(std::string body,
                          Call(api::kGetComputeNode, EncodeStringRequest("computer_guid", node)));
  return Decoded(DecodeComputeNodeInfo(body), api::kGetComputeNode);
}

}  // namespace slapos::slap
