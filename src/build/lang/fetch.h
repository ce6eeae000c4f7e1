// Downloading a profile named by URL (`extends = https://.../stack.cfg`), through libcurl,
// with a timeout and a few retries. Thread-safe (each call owns its handle).
#pragma once

#include <string>

#include "util/status.h"

namespace slapos::build::lang {

// The body of `url` (http, https or file). An error names the URL and what failed (HTTP
// status, DNS, timeout...).
Result<std::string> FetchUrl(const std::string& url, double timeout_seconds = 60, int attempts = 3);

// True when `name` looks like a URL (`scheme://...`).
bool IsUrl(const std::string& name);

}  // namespace slapos::build::lang
