// Test support: a real `slapos master` child process on a free loopback port with its own
// SQLite file, and a minimal HTTP/1.1 client over a raw socket (so tests see the wire).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

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

// A test against one running master (started in SetUp, its database in `dir_`), with a
// keep-alive connection to it and the v0 API calls tests make.
class RunningMasterTest : public ::testing::Test {
 protected:
  explicit RunningMasterTest(const std::string& dir_prefix) : dir_(dir_prefix) {}
  void SetUp() override;
  // (Re)starts the master on dir_/master.db and connects. Use under ASSERT_NO_FATAL_FAILURE.
  void StartMaster();
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(master_->port()); }
  // POST /slapos.<endpoint>: the status and the parsed body (discarded when not JSON).
  std::pair<int, nlohmann::json> Call(const std::string& endpoint, const nlohmann::json& body);
  // Call, expecting 200.
  nlohmann::json Ok(const std::string& endpoint, const nlohmann::json& body);

  testing::TempDir dir_;
  std::unique_ptr<MasterProcess> master_;
  std::unique_ptr<HttpConnection> conn_;
};

}  // namespace slapos::master_test
