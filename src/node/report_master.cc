// SlapReportMaster (report_master.h).
#include "node/report_master.h"

#include "util/log.h"

namespace slapos::node {

Result<std::vector<ReportedInstance>> SlapReportMaster::Instances() {
  SLAPOS_ASSIGN_OR_RETURN(auto list, client_.NodeInstanceList(computer_id_));
  std::vector<ReportedInstance> out;
  for (const auto& i : list) {
    if (i.compute_partition_id.empty()) continue;
    out.push_back({i.compute_partition_id, i.instance_guid, i.state});
  }
  return out;
}

Status SlapReportMaster::PostUsage(const std::string& tioxml) { return client_.ReportUsage(computer_id_, tioxml); }

Status SlapReportMaster::Stopped(const std::string& guid) {
  return client_.ReportInstanceState(guid, slap::InstanceState::kStopped).status();
}

Status SlapReportMaster::Destroyed(const std::string& guid) {
  return client_.ReportInstanceState(guid, slap::InstanceState::kDestroyed).status();
}

Status SlapReportMaster::Error(const std::string& guid, const std::string& message) {
  Status st = client_.ReportInstanceError(guid, message);
  if (!st.ok()) LOG_WARNING("instance {}: could not post error to the master: {}", guid, st.message());
  return st;
}

}  // namespace slapos::node
