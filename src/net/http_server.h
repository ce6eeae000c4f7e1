// A small event-driven HTTP/1.1 server (keep-alive, body limit, graceful stop, one access-log
// line per request). The implementation (Boost.Asio + Beast) stays in http_server.cc so that
// callers never include Boost. Handlers run on the server's I/O threads and must be
// thread-safe; HttpServer itself is thread-safe (Stop may be called from any thread).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace slapos::net {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path plus optional query, as sent ("/slapos.get.v0.x?a=b")
  std::string path;    // target without the query
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string remote_address;  // peer IP, textual
  bool remote_is_loopback = false;
  // Who is calling, as the transport proved it. Empty = anonymous. Filled from the TLS client
  // certificate once the server speaks HTTPS (identity work); plain HTTP leaves it empty.
  std::string principal;

  // First header value with that (lower-case) name, or "".
  std::string Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct TlsOptions {
  // Seam for the identity work: when cert_file is set, the server will speak HTTPS and verify
  // client certificates against ca_file. Not implemented yet: Start() refuses a non-empty one.
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 = pick a free port; read it back with HttpServer::port()
  int threads = 2;
  std::size_t body_limit = 1 << 20;  // larger bodies get 413
  bool access_log = true;            // one LOG_INFO line per request
  double stop_grace_seconds = 10;    // in-flight requests get this long to finish on Stop()
  TlsOptions tls;
};

class HttpServer {
 public:
  // Binds, listens and starts the I/O threads. Errors name the address.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpServerOptions& options,
                                                   HttpHandler handler);
  virtual ~HttpServer() = default;
  // The bound TCP port (useful with port 0).
  virtual int port() const = 0;
  // Stops accepting, lets in-flight requests finish (closing keep-alive connections after
  // their current response), then joins the threads. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace slapos::net
