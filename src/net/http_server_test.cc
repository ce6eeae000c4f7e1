#include "net/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace slapos::net {
namespace {

// A raw loopback connection, so the test sees exactly what goes on the wire.
class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(const std::string& data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  // Reads one response (headers + Content-Length body). "" when the peer closed first.
  std::string ReadResponse() {
    while (true) {
      auto end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t len = 0;
        auto cl = buf_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) len = std::stoul(buf_.substr(cl + 16));
        if (buf_.size() >= end + 4 + len) {
          std::string r = buf_.substr(0, end + 4 + len);
          buf_.erase(0, end + 4 + len);
          return r;
        }
      }
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return "";
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }
  bool PeerClosed() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

std::unique_ptr<HttpServer> StartEcho(HttpServerOptions options = {}) {
  options.access_log = false;
  auto server = HttpServer::Start(options, [](const HttpRequest& r) {
    HttpResponse out;
    out.content_type = "text/plain";
    out.body = r.method + " " + r.path + " " + r.body + " loopback=" + (r.remote_is_loopback ? "1" : "0") +
               " ua=" + r.Header("user-agent");
    return out;
  });
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return std::move(server).value();
}

TEST(HttpServerTest, AnswersAndKeepsConnectionAlive) {
  auto server = StartEcho();
  ASSERT_GT(server->port(), 0);
  RawConnection c(server->port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    c.Send("POST /a?x=1 HTTP/1.1\r\nHost: x\r\nUser-Agent: T\r\nContent-Length: 2\r\n\r\nhi");
    std::string r = c.ReadResponse();
    EXPECT_NE(r.find("HTTP/1.1 200 OK"), std::string::npos) << r;
    EXPECT_NE(r.find("POST /a hi loopback=1 ua=T"), std::string::npos) << r;
  }
}

TEST(HttpServerTest, BodyOverLimitGets413AndClose) {
  HttpServerOptions o;
  o.body_limit = 1024;
  auto server = StartEcho(o);
  RawConnection c(server->port());
  c.Send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\n\r\n" + std::string(2048, 'x'));
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("HTTP/1.1 413"), std::string::npos) << r;
  EXPECT_NE(r.find("\"status\": 413"), std::string::npos) << r;
}

TEST(HttpServerTest, MalformedRequestGets400) {
  auto server = StartEcho();
  RawConnection c(server->port());
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("HTTP/1.1 400"), std::string::npos) << r;
}

TEST(HttpServerTest, BindErrorNamesTheAddress) {
  auto first = StartEcho();
  HttpServerOptions o;
  o.port = first->port();
  auto second = HttpServer::Start(o, [](const HttpRequest&) { return HttpResponse{}; });
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("127.0.0.1:" + std::to_string(first->port())), std::string::npos);
}

TEST(HttpServerTest, StopFinishesInFlightRequestThenCloses) {
  std::atomic<bool> entered{false};
  HttpServerOptions o;
  o.access_log = false;
  auto started = HttpServer::Start(o, [&](const HttpRequest&) {
    entered = true;
    // Simulates a slow handler; Stop() must wait for it.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    HttpResponse r;
    r.body = "done";
    return r;
  });
  ASSERT_TRUE(started.ok());
  auto server = std::move(started).value();
  RawConnection busy(server->port());
  RawConnection idle(server->port());
  busy.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  while (!entered) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::thread stopper([&] { server->Stop(); });
  std::string r = busy.ReadResponse();
  stopper.join();
  EXPECT_NE(r.find("done"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
  EXPECT_TRUE(idle.PeerClosed());
  RawConnection late(server->port());
  EXPECT_FALSE(late.connected());
}

}  // namespace
}  // namespace slapos::net
