#include "node/master_link.h"

#include <unistd.h>

#include "node/ipv6.h"
#include "util/file.h"
#include "util/process.h"

namespace slapos::node {

std::unique_ptr<slap::SlapClient> NewSlapClient(const NodeConfig& config) {
  slap::SlapClientOptions o;
  o.master_url = config.master_url;
  o.http.cert_file = config.cert_file;
  o.http.key_file = config.key_file;
  o.http.ca_file = config.master_ca_file;
  o.http.user_agent = "slapos-cpp node";
  return std::make_unique<slap::SlapClient>(std::move(o));
}

slap::ComputeNodeFormat ComputeNodeFormatOf(const ComputerDefinition& computer) {
  slap::ComputeNodeFormat f;
  f.computer_guid = computer.reference;
  for (const auto& p : computer.partitions) {
    slap::PartitionFormat pf;
    pf.partition_id = p.reference;
    if (!p.ipv4.empty()) pf.ip_list.push_back({p.ipv4, p.tap, "255.255.255.255", "", ""});
    if (!p.ipv6.empty()) {
      Ipv6Bits mask = p.ipv6_prefixlen <= 0 ? 0 : ~Ipv6Bits{0} << (128 - p.ipv6_prefixlen);
      pf.ip_list.push_back({p.ipv6, p.tap, Ipv6ToString(mask), "", ""});
    }
    f.partitions.push_back(std::move(pf));
  }
  return f;
}

Result<std::vector<SoftwareEntry>> SlapSoftwareMaster::List() {
  SLAPOS_ASSIGN_OR_RETURN(auto list, client_.SoftwareInstallationList(computer_id_));
  std::vector<SoftwareEntry> out;
  for (const auto& s : list) out.push_back({s.software_release_uri, s.state == slap::SoftwareState::kDestroyed});
  return out;
}

Status SlapSoftwareMaster::Building(const std::string& url) {
  return client_.ReportSoftwareState(url, computer_id_, slap::SoftwareReportedState::kBuilding);
}
Status SlapSoftwareMaster::Available(const std::string& url) {
  return client_.ReportSoftwareState(url, computer_id_, slap::SoftwareReportedState::kAvailable);
}
Status SlapSoftwareMaster::Destroyed(const std::string& url) {
  return client_.ReportSoftwareState(url, computer_id_, slap::SoftwareReportedState::kDestroyed);
}
Status SlapSoftwareMaster::Error(const std::string& url, const std::string& log) {
  return client_.ReportSoftwareError(url, computer_id_, log);
}

Status BuildoutSoftwareBuilder::Build(const std::string& url, const std::string& dir) {
  SLAPOS_RETURN_IF_ERROR(MakeDirs(dir, 0755));
  if (lchown(dir.c_str(), uid_, gid_) != 0) return ErrnoError("chown " + dir, errno);
  std::string cfg = dir + "/buildout.cfg";
  if (!PathExists(cfg)) {
    SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(cfg, "[buildout]\nextends = " + url + "\n", 0644));
    if (lchown(cfg.c_str(), uid_, gid_) != 0) return ErrnoError("chown " + cfg, errno);
  }
  ProcessOptions o;
  o.argv = {binary_, "buildout", "-N", "-c", cfg, "buildout:directory=" + dir};
  o.cwd = dir;
  o.uid = uid_;
  o.gid = gid_;
  o.env = std::map<std::string, std::string>{
      {"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"HOME", dir}, {"LANG", "C.UTF-8"}};
  o.max_captured = 1 << 20;
  SLAPOS_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(o));
  // The whole log stays beside the build for the operator.
  (void)WriteFileAtomic(dir + "/.buildout.log", r.output, 0644);
  if (r.success()) return Status::OK();
  std::string tail = r.output.size() > 4000 ? r.output.substr(r.output.size() - 4000) : r.output;
  return IOError("Failed to run buildout profile in directory '" + dir + "' (exit " + std::to_string(r.exit_code) +
                 "):\n" + tail);
}

}  // namespace slapos::node
