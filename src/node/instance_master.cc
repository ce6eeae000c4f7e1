#include "node/instance_master.h"

namespace slapos::node {

Result<std::vector<InstanceTarget>> SlapInstanceMaster::List() {
  auto list = client_.NodeInstanceList(computer_id_);
  if (!list.ok())
    return list.status().WithContext("listing the partitions of " + computer_id_ + " on " + client_.master_url());
  std::vector<InstanceTarget> out;
  out.reserve(list->size());
  for (const auto& item : *list) {
    if (item.compute_partition_id.empty()) continue;
    InstanceTarget t;
    t.reference = item.compute_partition_id;
    t.instance_guid = item.instance_guid;
    t.title = item.title;
    t.software_release_uri = item.software_release_uri;
    t.state = slap::ToString(item.state);
    auto doc = client_.GetPartition(computer_id_, item.compute_partition_id);
    if (!doc.ok())
      return doc.status().WithContext("asking " + client_.master_url() + " for partition " + t.reference);
    t.software_type = doc->software_type;
    t.state = slap::ToString(doc->state);
    if (!doc->software_release_uri.empty()) t.software_release_uri = doc->software_release_uri;
    if (doc->processing_timestamp != 0) t.timestamp = std::to_string(doc->processing_timestamp);
    t.access_status = doc->access_status_message;
    out.push_back(std::move(t));
  }
  return out;
}

Status SlapInstanceMaster::Started(const InstanceTarget& t) {
  return client_.ReportInstanceState(t.instance_guid, slap::InstanceState::kStarted).status();
}

Status SlapInstanceMaster::Stopped(const InstanceTarget& t) {
  return client_.ReportInstanceState(t.instance_guid, slap::InstanceState::kStopped).status();
}

Status SlapInstanceMaster::Error(const InstanceTarget& t, const std::string& message) {
  return client_.ReportInstanceError(t.instance_guid, message);
}

}  // namespace slapos::node
