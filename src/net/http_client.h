// HttpClient: a small blocking HTTP(S) client (libcurl underneath, no curl types here) for
// JSON APIs and downloads. One client object keeps one connection alive and reuses it for
// the next request to the same host (keep-alive). Not thread-safe: use one object per thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace slapos::net {

struct HttpClientOptions {
  double connect_timeout_seconds = 10;
  // Whole request (connect + send + receive). 0 = no limit.
  double timeout_seconds = 60;
  // TLS: verify the server against `ca_file` (PEM) when set, else the system store.
  std::string ca_file;
  bool verify_peer = true;
  // TLS client identity (PEM files); both or neither.
  std::string cert_file;
  std::string key_file;
  std::string user_agent = "slapos-cpp";
};

struct HttpResponse {
  long status = 0;           // HTTP status code (200, 403...)
  std::string body;
  std::string content_type;  // as sent by the server, may be empty
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a successful Result (the caller decides what 4xx means); transport
  // failures are errors naming the URL: Unavailable for connection refused, unresolvable
  // host or timeout, PermissionDenied for TLS failures, InvalidArgument for a bad URL or
  // unreadable certificate files, FailedPrecondition when libcurl cannot be loaded (it is
  // opened on the first request; net/curl_library.h).
  Result<HttpResponse> Get(const std::string& url);
  Result<HttpResponse> Post(const std::string& url, std::string_view body,
                            std::string_view content_type = "application/json");
  // General form; `headers` are extra "Name: value" lines.
  Result<HttpResponse> Send(std::string_view method, const std::string& url, std::string_view body,
                            const std::vector<std::string>& headers);

  const HttpClientOptions& options() const { return options_; }

 private:
  struct Impl;
  HttpClientOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slapos::net
