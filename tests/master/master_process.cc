#include "master_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace slapos::master_test {

HttpConnection::HttpConnection(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  fd_ = fd;
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

HttpResult HttpConnection::Send(const std::string& method, const std::string& path, const std::string& body,
                                const std::string& extra_headers) {
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                    extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return SendRaw(req);
}

HttpResult HttpConnection::SendRaw(const std::string& bytes) {
  if (fd_ < 0) return {};
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer (413) before reading everything
    off += static_cast<size_t>(n);
  }
  return ReadResponse();
}

HttpResult HttpConnection::ReadResponse() {
  while (true) {
    auto end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::string head = buffer_.substr(0, end);
      size_t len = 0;
      auto cl = head.find("Content-Length: ");
      if (cl != std::string::npos) len = std::stoul(head.substr(cl + 16));
      if (buffer_.size() >= end + 4 + len) {
        HttpResult r;
        r.status = std::stoi(head.substr(9, 3));
        r.headers = head;
        r.body = buffer_.substr(end + 4, len);
        buffer_.erase(0, end + 4 + len);
        return r;
      }
    }
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return {};
    buffer_.append(tmp, static_cast<size_t>(n));
  }
}

MasterProcess::MasterProcess(const std::string& db_path) : log_(db_path + ".log") {
  for (int attempt = 0; attempt < 3 && !ready_; ++attempt) {
    port_ = testing::PickFreePort();
    child_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{testing::SlaposBinary(), "master", "--host", "127.0.0.1", "--port",
                                 std::to_string(port_), "--db", db_path},
        log_);
    ready_ = testing::WaitFor(
        [&] {
          if (!child_->Running()) return true;
          HttpConnection c(port_);
          return c.connected();
        },
        10);
    ready_ = ready_ && child_->Running();
  }
}

MasterProcess::~MasterProcess() = default;

int MasterProcess::Stop() { return child_ ? child_->Stop(SIGTERM, 10) : -1; }

void RunningMasterTest::SetUp() { ASSERT_NO_FATAL_FAILURE(StartMaster()); }

void RunningMasterTest::StartMaster() {
  master_ = std::make_unique<MasterProcess>(dir_.Join("master.db"));
  ASSERT_TRUE(master_->ready()) << "slapos master did not start; see " << master_->log_path();
  conn_ = std::make_unique<HttpConnection>(master_->port());
}

std::pair<int, nlohmann::json> RunningMasterTest::Call(const std::string& endpoint, const nlohmann::json& body) {
  HttpResult r = conn_->Send("POST", "/slapos." + endpoint, body.dump());
  return {r.status, nlohmann::json::parse(r.body, nullptr, false)};
}

nlohmann::json RunningMasterTest::Ok(const std::string& endpoint, const nlohmann::json& body) {
  auto [status, out] = Call(endpoint, body);
  EXPECT_EQ(status, 200) << endpoint << " " << body.dump() << " -> " << out.dump();
  return out;
}

}  // namespace slapos::master_test
