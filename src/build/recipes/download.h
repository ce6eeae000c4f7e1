// Downloads for the native recipes: http(s)/ftp through libcurl (retries, timeouts), file:// URLs
// and local paths by copy; checked against an md5/sha256/sha512 sum; a download cache directory
// is honoured and offline mode refuses network downloads the cache does not hold.
// Thread-safe (each call owns its curl handle; libcurl is initialised once).
#pragma once

#include <functional>
#include <string>

#include "build/progress.h"
#include "build/recipe.h"
#include "util/status.h"

namespace slapos::build::recipes {

struct Checksum {
  std::string algorithm;  // "md5", "sha256" or "sha512"; empty: nothing to check
  std::string hex;        // lower-case
  bool empty() const { return hex.empty(); }
};

// "http://x/a.tar.gz#<hex>" -> url "http://x/a.tar.gz" and the checksum the fragment carries
// (32 hex digits: md5, 64: sha256, 128: sha512). A fragment that is not such a sum is kept in
// the URL.
void SplitUrlChecksum(const std::string& url_with_fragment, std::string* url, Checksum* sum);
// A checksum from an `md5sum` / `sha256sum` / `sha512sum` option value (whichever is set), or
// the one carried by the URL; InvalidArgument when both disagree or a value is not hex.
Result<Checksum> ChecksumFromOptions(const std::string& part, const Options& options,
                                     const Checksum& from_url);
// Hex digest of a file's content.
Result<std::string> FileDigestHex(const std::string& path, const std::string& algorithm);
// OK when `path` matches `expected` (or nothing is expected); otherwise Corruption
// "checksum mismatch for <what>: expected md5 <x>, got <y>".
Status VerifyChecksum(const std::string& path, const Checksum& expected, const std::string& what);

struct DownloadOptions {
  std::string cache_dir;  // empty: no cache; otherwise files are kept as <cache_dir>/<md5(url)>
  bool offline = false;   // refuse network downloads not in the cache
  int attempts = 3;       // for transient failures (connection refused/reset, timeouts, HTTP 5xx)
  long connect_timeout_seconds = 30;
  long stall_timeout_seconds = 60;  // abort when less than 1 byte/s arrives for this long
  double retry_delay_seconds = 1;   // doubled after each failed attempt
  std::function<void(const std::string&)> log;
  // Live progress (bytes/total, rate) of network downloads; null: a line at start and end
  // through `log`.
  Progress* progress = nullptr;
};

DownloadOptions DownloadOptionsFor(const BuildContext& ctx);
bool IsNetworkUrl(const std::string& url);

// Fetches `url` (no #fragment) into `dest` (written atomically), verified against `expected`.
// A failed download leaves `dest` untouched.
Status DownloadToFile(const std::string& url, const Checksum& expected,
                      const DownloadOptions& options, const std::string& dest);
// Fetches `url` (which may carry a #checksum) and returns its content.
Result<std::string> DownloadText(const std::string& url_with_fragment,
                                 const DownloadOptions& options);

}  // namespace slapos::build::recipes
