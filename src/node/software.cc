#include "node/software.h"

#include <ctime>

#include "util/file.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::node {

std::string SoftwareDirectory(const std::string& software_root, const std::string& url) {
  return software_root + "/" + Md5Hex(url);
}

Result<SoftwareRunResult> ProcessSoftwareReleases(const std::string& software_root, SoftwareMaster& master,
                                                  SoftwareBuilder& builder) {
  if (!IsDirectory(software_root))
    return FailedPrecondition("software_root " + software_root + " does not exist; run 'slapos node format' first");
  SLAPOS_ASSIGN_OR_RETURN(auto entries, master.List());
  SoftwareRunResult result;
  for (const auto& e : entries) {
    std::string dir = SoftwareDirectory(software_root, e.url);
    if (e.destroyed) {
      if (PathExists(dir)) {
        Status s = RemoveAll(dir);
        if (!s.ok()) {
          result.failed++;
          result.errors.push_back(e.url + ": " + s.message());
          continue;
        }
        LOG_INFO("software {}: removed {}", e.url, dir);
      }
      Status s = master.Destroyed(e.url);
      if (!s.ok()) LOG_WARNING("software {}: cannot report destroyed: {}", e.url, s.message());
      result.destroyed++;
      continue;
    }
    if (PathExists(dir + "/.completed")) {
      result.skipped++;
      continue;
    }
    if (Status s = master.Building(e.url); !s.ok())
      LOG_WARNING("software {}: cannot report building: {}", e.url, s.message());
    LOG_INFO("software {}: building in {}", e.url, dir);
    Status built = builder.Build(e.url, dir);
    if (!built.ok()) {
      LOG_ERROR("software {}: build failed: {}", e.url, built.message());
      result.failed++;
      result.errors.push_back(e.url + ": " + built.message());
      if (Status s = master.Error(e.url, built.message()); !s.ok())
        LOG_WARNING("software {}: cannot report the error: {}", e.url, s.message());
      continue;
    }
    // Report before marking, so that a lost report makes the next run build and report again.
    if (Status s = master.Available(e.url); !s.ok()) {
      result.failed++;
      result.errors.push_back(e.url + ": built, but reporting it failed: " + s.message());
      continue;
    }
    time_t now = time(nullptr);
    char when[64];
    ctime_r(&now, when);
    SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(dir + "/.completed", when, 0644));
    LOG_INFO("software {}: available", e.url);
    result.built++;
  }
  return result;
}

}  // namespace slapos::node
