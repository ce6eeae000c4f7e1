// The control endpoint: a small HTTP/1.1 server on the supervisor's event loop, on a unix
// socket and/or TCP, with optional basic auth. POST /RPC2 is XML-RPC (rpc.h); GET
// /logtail/<name>[/stderr] and /mainlogtail stream a log as `supervisorctl tail -f` expects.
// Not thread-safe: runs on the loop.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "supervise/config.h"
#include "supervise/supervisor.h"

namespace slapos::supervise {

class RpcInterface;
class HttpConnection;

class ControlServer {
 public:
  ControlServer(Supervisor* sup, RpcInterface* rpc) : sup_(sup), rpc_(rpc) {}
  ~ControlServer();

  // Listens on [unix_http_server] file (refusing when another daemon answers there).
  Status ListenUnix(const HttpServerConfig& cfg);
  // Listens on [inet_http_server] port.
  Status ListenTcp(const HttpServerConfig& cfg);
  void CloseAll();

  // For connections.
  Supervisor* supervisor() { return sup_; }
  RpcInterface* rpc() { return rpc_; }
  void Drop(int fd);

 private:
  Status Listen(int fd, const HttpServerConfig& cfg);
  void Accept(int listen_fd, const HttpServerConfig* cfg);

  Supervisor* sup_;
  RpcInterface* rpc_;
  std::map<int, std::unique_ptr<HttpServerConfig>> listeners_;
  std::map<int, std::shared_ptr<HttpConnection>> conns_;
  std::string unix_path_;
};

// "user:pass" from an "Authorization: Basic ..." value; false when malformed.
bool DecodeBasicAuth(const std::string& header_value, std::string* user, std::string* password);
// Checks a password against the configured one (plain, or "{SHA}" + hex SHA-1).
bool PasswordMatches(const std::string& configured, const std::string& given);

}  // namespace slapos::supervise
