// A blocking client of the supervisor's control protocol (ours or supervisord's): XML-RPC
// calls and the streaming GETs behind `tail -f`, over "unix:///path" or "http://host:port".
// One connection per call. Thread-compatible. The node agent drives the supervisor with it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "supervise/xmlrpc.h"
#include "util/status.h"

namespace slapos::supervise {

class SupervisorClient {
 public:
  // serverurl: "unix:///path/sv.sock" or "http://127.0.0.1:9001".
  static Result<SupervisorClient> Open(const std::string& serverurl, const std::string& username = "",
                                       const std::string& password = "");

  // A transport or protocol failure is a Status; an XML-RPC fault is returned in `fault`
  // (code != 0) with a nil Value.
  Result<Value> Call(const std::string& method, const std::vector<Value>& params, Fault* fault) const;
  // Like Call, but a fault becomes a Status "FAULT_NAME: text" (code kFailedPrecondition).
  Result<Value> CallOrError(const std::string& method, const std::vector<Value>& params = {}) const;

  // GET `path` and hand each body piece to `on_data` until it returns false or the server
  // closes. Non-200 answers are errors.
  Status Stream(const std::string& path, const std::function<bool(std::string_view)>& on_data) const;

  const std::string& url() const { return url_; }

 private:
  Result<int> Connect() const;
  std::string url_;
  std::string unix_path_;
  std::string host_;
  int port_ = 0;
  std::string auth_;  // "Authorization: Basic ...\r\n" or ""
  double timeout_seconds_ = 120;
};

}  // namespace slapos::supervise
