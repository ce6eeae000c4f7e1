// The build engine's one libcurl wrapper: a single transfer (CurlTransfer) with timeouts and
// optional progress, used by remote `extends` (FetchUrl, here) and by the recipes' downloads
// (recipes/download.cc, which adds checksums, the download cache and retries with backoff).
// Thread-safe (each call owns its handle; libcurl is initialised once).
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "util/status.h"

namespace slapos::build {
class Progress;
}

namespace slapos::build::lang {

struct TransferOptions {
  long connect_timeout_ms = 30000;
  long total_timeout_ms = 0;       // 0: none
  long stall_timeout_seconds = 0;  // > 0: abort when under 1 byte/s for this long
  Progress* progress = nullptr;    // bytes/total of the transfer
};

struct TransferResult {
  bool ok = false;             // curl succeeded (the HTTP status may still be an error)
  std::string error;           // curl's message when !ok
  bool retry_useless = false;  // !ok and retrying cannot help (bad URL, unsupported protocol...)
  bool transient = false;      // !ok and worth retrying (connection refused/reset, timeouts, DNS)
  long http_status = 0;        // 0 for non-HTTP URLs
  bool sink_failed = false;    // `sink` refused data
};

// One transfer of `url`, following redirects; the body goes to `sink`, which returns false to
// abort (e.g. a full disk).
TransferResult CurlTransfer(const std::string& url, const TransferOptions& options,
                            const std::function<bool(const char* data, size_t size)>& sink);

// The body of `url` (http, https or file), for remote `extends`. An error names the URL and
// what failed (HTTP status, DNS, timeout...).
Result<std::string> FetchUrl(const std::string& url, double timeout_seconds = 60, int attempts = 3);

// True when `name` looks like a URL (`scheme://...`).
bool IsUrl(const std::string& name);

}  // namespace slapos::build::lang
