#include "node/offline.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>

#include "util/file.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::node {

bool MasterUnreachable(const Status& s) {
  switch (s.code()) {
    case Code::kUnavailable:
    case Code::kInternal:
    case Code::kPermissionDenied:
    case Code::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

OfflineResult RunOffline(const std::string& instance_root, OfflineSupervisor& supervisor) {
  OfflineResult out;
  std::vector<std::string> names;
  if (DIR* d = opendir(instance_root.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != ".." && IsDirectory(instance_root + "/" + n)) names.push_back(n);
    }
    closedir(d);
  } else {
    out.errors.push_back("cannot list " + instance_root);
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    std::string file = instance_root + "/" + n + "/.requested_state";
    auto state = ReadFile(file);
    if (!state.ok() || Trim(*state) != "stopped") continue;
    Status s = supervisor.StopPartition(n);
    if (!s.ok()) {
      out.errors.push_back("partition " + n + ": stopping: " + s.message());
      continue;
    }
    unlink(file.c_str());
    LOG_INFO("offline: partition {} stopped ({} said stopped)", n, file);
    out.stopped.push_back(n);
  }
  Status s = supervisor.StartAll();
  if (!s.ok()) out.errors.push_back("starting every process: " + s.message());
  return out;
}

}  // namespace slapos::node
