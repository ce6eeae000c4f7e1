// SlapClient: the typed client of the SlapOS master API v0 (JSON over HTTP(S)), used by the
// `slapos` client commands and by the compute node for every call it makes. One method per
// endpoint; each POSTs the encoded request to <master_url>/slapos.<verb>.v0.<name> and
// decodes the answer. A master error (400/403/404/500 with its JSON body {status, type,
// title}) becomes a Status whose message is the master's own title:
//   400 -> InvalidArgument, 403 -> PermissionDenied, 404 -> NotFound, 5xx -> Internal,
//   503 -> Unavailable; an unreachable master is Unavailable and names the URL.
// Keeps one keep-alive connection; not thread-safe (one SlapClient per thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"
#include "slap/model.h"
#include "util/status.h"

namespace slapos::slap {

// Endpoint paths (relative to the master URL).
namespace api {
inline constexpr char kSupply[] = "slapos.post.v0.software_installation";
inline constexpr char kSoftwareInstallationList[] = "slapos.allDocs.v0.compute_node_software_installation_list";
inline constexpr char kSoftwareReportedState[] = "slapos.put.v0.software_installation_reported_state";
inline constexpr char kSoftwareError[] = "slapos.put.v0.software_installation_error";
inline constexpr char kRequestInstance[] = "slapos.post.v0.software_instance";
inline constexpr char kGetInstance[] = "slapos.get.v0.software_instance";
inline constexpr char kGetPartition[] = "slapos.get.v0.compute_partition";
inline constexpr char kNodeInstanceList[] = "slapos.allDocs.v0.compute_node_instance_list";
inline constexpr char kHostedInstanceList[] = "slapos.allDocs.v0.instance_node_instance_list";
inline constexpr char kGetInstanceTree[] = "slapos.get.v0.instance_tree";
inline constexpr char kInstanceTreeList[] = "slapos.allDocs.v0.instance_tree_list";
inline constexpr char kConnectionParameter[] = "slapos.put.v0.software_instance_connection_parameter";
inline constexpr char kInstanceReportedState[] = "slapos.put.v0.software_instance_reported_state";
inline constexpr char kInstanceBang[] = "slapos.put.v0.software_instance_bang";
inline constexpr char kInstanceRename[] = "slapos.put.v0.software_instance_title";
inline constexpr char kInstanceError[] = "slapos.put.v0.software_instance_error";
inline constexpr char kInstanceCertificate[] = "slapos.get.v0.software_instance_certificate";
inline constexpr char kNodeCertificate[] = "slapos.post.v0.compute_node_certificate";
inline constexpr char kRemoveNodeCertificate[] = "slapos.remove.v0.compute_node_certificate";
inline constexpr char kNodeUsage[] = "slapos.post.v0.compute_node_usage";
inline constexpr char kNodeBang[] = "slapos.put.v0.compute_node_bang";
inline constexpr char kNodeFormat[] = "slapos.put.v0.compute_node_format";
inline constexpr char kNodeStatus[] = "slapos.get.v0.compute_node_status";
inline constexpr char kHateoasUrl[] = "slapos.get.v0.hateoas_url";
inline constexpr char kComputeNodeList[] = "slapos.allDocs.WIP.compute_node_list";
// This project's extensions (docs/master.md).
inline constexpr char kSetNodeAttributes[] = "slapos.put.WIP.compute_node_attribute_dict";
inline constexpr char kGetComputeNode[] = "slapos.get.WIP.compute_node";
// The master's admin endpoints (this project's; loopback callers only; docs/master.md).
inline constexpr char kAdminUsageList[] = "slapos-admin/v1/usage_list";
inline constexpr char kAdminSoftwareInstallationList[] = "slapos-admin/v1/software_installation_list";
inline constexpr char kAdminBackup[] = "slapos-admin/v1/backup";
}  // namespace api

struct SlapClientOptions {
  std::string master_url;  // "http://127.0.0.1:8080" or "https://..." (a path prefix is kept)
  net::HttpClientOptions http;
};

class SlapClient {
 public:
  explicit SlapClient(SlapClientOptions options);
  ~SlapClient();
  SlapClient(const SlapClient&) = delete;
  SlapClient& operator=(const SlapClient&) = delete;

  const std::string& master_url() const { return master_url_; }

  // --- software installations (person: supply/remove; node: list and reports) ---
  // Returns the master's message ("Supplied <uri> to be available").
  Result<std::string> Supply(const std::string& software_release_uri, const std::string& computer_guid,
                             SoftwareState state = SoftwareState::kAvailable);
  Result<std::vector<SoftwareInstallation>> SoftwareInstallationList(const std::string& computer_guid);
  Status ReportSoftwareState(const std::string& software_release_uri, const std::string& computer_guid,
                             SoftwareReportedState state);
  Status ReportSoftwareError(const std::string& software_release_uri, const std::string& computer_guid,
                             const std::string& message);

  // --- instances ---
  // The instance, or ready=false while the master is still allocating it.
  Result<InstanceAnswer> RequestInstance(const InstanceRequest& request);
  Result<Instance> GetInstance(const std::string& instance_guid);
  Result<InstanceAnswer> GetInstanceTree(const std::string& title);
  Result<std::vector<std::string>> InstanceTreeList();
  Result<Instance> GetPartition(const std::string& computer_guid, const std::string& partition_id);
  Result<std::vector<NodeInstance>> NodeInstanceList(const std::string& computer_guid);
  // Shared instances hosted by the instance `host_instance_guid`.
  Result<std::vector<SharedInstance>> HostedInstanceList(const std::string& host_instance_guid);
  // `parameters_json` is a JSON object.
  Status PublishConnectionParameters(const std::string& instance_guid, const std::string& parameters_json);
  // Returns the master's message ("Destroyed", "Ignored").
  Result<std::string> ReportInstanceState(const std::string& instance_guid, InstanceState state);
  Status ReportInstanceError(const std::string& instance_guid, const std::string& message);
  Status BangInstance(const std::string& instance_guid, const std::string& message);
  Status RenameInstance(const std::string& instance_guid, const std::string& new_title);
  Result<Certificate> GetInstanceCertificate(const std::string& instance_guid);

  // --- compute nodes ---
  Status FormatComputeNode(const ComputeNodeFormat& format);
  Status BangComputeNode(const std::string& computer_guid, const std::string& message);
  Status ReportUsage(const std::string& computer_guid, const std::string& tioxml);
  Result<Certificate> NewComputeNodeCertificate(const std::string& computer_guid);
  Status RevokeComputeNodeCertificate(const std::string& computer_guid);
  Result<std::string> ComputeNodeStatus(const std::string& computer_guid);
  // Every registered node's reference (experimental endpoint of the proxy).
  Result<std::vector<std::string>> ComputeNodeList();
  Result<std::string> HateoasUrl();
  // This project's extensions: replace a node's attributes; read one node.
  Status SetComputeNodeAttributes(const ComputeNodeAttributes& attributes);
  Result<ComputeNodeInfo> GetComputeNode(const std::string& computer_guid);

  // Low level: POSTs `body` to `endpoint` and returns the 200 body, or the master's error.
  Result<std::string> Call(std::string_view endpoint, const std::string& body);

 private:
  Result<std::string> CallSuccess(std::string_view endpoint, const std::string& body);

  std::string master_url_;  // without a trailing '/'
  std::unique_ptr<net::HttpClient> http_;
};

// Turns a non-200 answer of the master into a Status carrying the master's message.
Status MasterError(std::string_view endpoint, long http_status, std::string_view body);

}  // namespace slapos::slap
