#include "slap/model.h"

#include "util/strings.h"

namespace slapos::slap {

const char* ToString(InstanceState s) {
  switch (s) {
    case InstanceState::kStarted: return "started";
    case InstanceState::kStopped: return "stopped";
    case InstanceState::kDestroyed: return "destroyed";
  }
  return "?";
}

const char* ToString(SoftwareState s) {
  return s == SoftwareState::kAvailable ? "available" : "destroyed";
}

const char* ToString(SoftwareReportedState s) {
  switch (s) {
    case SoftwareReportedState::kAvailable: return "available";
    case SoftwareReportedState::kBuilding: return "building";
    case SoftwareReportedState::kDestroyed: return "destroyed";
  }
  return "?";
}

Result<InstanceState> ParseInstanceState(std::string_view w) {
  if (w == "started") return InstanceState::kStarted;
  if (w == "stopped") return InstanceState::kStopped;
  if (w == "destroyed") return InstanceState::kDestroyed;
  return InvalidArgument("'" + std::string(w) +
                         "' is not one of ['started', 'stopped', 'destroyed']");
}

Result<SoftwareState> ParseSoftwareState(std::string_view w) {
  if (w == "available") return SoftwareState::kAvailable;
  if (w == "destroyed") return SoftwareState::kDestroyed;
  return InvalidArgument("'" + std::string(w) + "' is not one of ['available', 'destroyed']");
}

Result<SoftwareReportedState> ParseSoftwareReportedState(std::string_view w) {
  if (w == "available") return SoftwareReportedState::kAvailable;
  if (w == "building") return SoftwareReportedState::kBuilding;
  if (w == "destroyed") return SoftwareReportedState::kDestroyed;
  return InvalidArgument("'" + std::string(w) +
                         "' is not one of ['available', 'destroyed', 'building']");
}

std::string MakeInstanceGuid(const InstanceGuid& g) {
  return g.title + "___" + g.requested_by + "___" + (g.shared ? "1" : "0");
}

Result<InstanceGuid> ParseInstanceGuid(std::string_view guid) {
  Status not_handled = PermissionDenied("instance_guid " + std::string(guid) + " not handled.");
  size_t first = guid.find("___");
  if (first == std::string_view::npos) return not_handled;
  size_t second = guid.find("___", first + 3);
  if (second == std::string_view::npos) return not_handled;
  long long flag = 0;
  if (!ParseInt64(Trim(guid.substr(second + 3)), &flag)) return not_handled;
  InstanceGuid g;
  g.title = std::string(guid.substr(0, first));
  g.requested_by = std::string(guid.substr(first + 3, second - first - 3));
  g.shared = flag != 0;
  return g;
}

}  // namespace slapos::slap
