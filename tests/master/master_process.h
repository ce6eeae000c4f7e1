// Test support: a real `slapos master` child process on a free loopback port with its own
// SQLite file, and a minimal HTTP/1.1 client over a raw socket (so tests see the wire).
#pragma once

#include <memory>
#include <string>

#include "util/testing.h"

namespace slapos::master_test {

struct HttpResult {
  int status = 0;  // 0 = no answer (connection failed or closed)
  std::string headers;
  std::string body;
};

// One keep-alive connection to 127.0.0.1:port.
class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;
  bool connected() const { return fd_ >= 0; }
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& extra_headers = "");
  HttpResult SendRaw(const std::string& bytes);

 private:
  HttpResult ReadResponse();
  int fd_ = -1;
  std::string buffer_;
};

class MasterProcess {
 public:
  // Starts `slapos master --port P --db <dir>/master.db` and waits until it answers.
  explicit MasterProcess(const std::string& db_path);
  ~MasterProcess();
  bool ready() const { return ready_; }
  int port() const { return port_; }
  // Sends SIGTERM and returns the exit status (waitpid form), -1 on timeout.
  int Stop();
  const std::string& log_path() const { return log_; }

 private:
  int port_ = 0;
  bool ready_ = false;
  std::string log_;
  std::unique_ptr<testing::ChildProcess> child_;
};

}  // namespace slapos::master_test
