// `slapos node software` (node.md §3): installs every software release the master lists for this
// node into software_root/<md5 of the URL>, reporting building then available (or the error with
// the end of the build log), and removes releases requested destroyed. `.completed` marks a
// finished build; a failed build leaves none, so the next run retries it. The master and the
// build are seams (SoftwareMaster, SoftwareBuilder) so the loop is unit-tested without either.
// Single-threaded.
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace slapos::node {

struct SoftwareEntry {
  std::string url;
  bool destroyed = false;  // requested state: destroyed (else available)
};

class SoftwareMaster {
 public:
  virtual ~SoftwareMaster() = default;
  virtual Result<std::vector<SoftwareEntry>> List() = 0;
  virtual Status Building(const std::string& url) = 0;
  virtual Status Available(const std::string& url) = 0;
  virtual Status Destroyed(const std::string& url) = 0;
  virtual Status Error(const std::string& url, const std::string& log) = 0;
};

class SoftwareBuilder {
 public:
  virtual ~SoftwareBuilder() = default;
  // Builds `url` into `directory`; an error's message carries the end of the build log.
  virtual Status Build(const std::string& url, const std::string& directory) = 0;
};

struct SoftwareRunResult {
  int built = 0, skipped = 0, failed = 0, destroyed = 0;
  std::vector<std::string> errors;  // one line per failed release
};

// software_root/<md5(url)>
std::string SoftwareDirectory(const std::string& software_root, const std::string& url);

Result<SoftwareRunResult> ProcessSoftwareReleases(const std::string& software_root, SoftwareMaster& master,
                                                  SoftwareBuilder& builder);

}  // namespace slapos::node
