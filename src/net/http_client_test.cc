// HttpClient against real sockets: a tiny in-test HTTP/1.1 server on 127.0.0.1 (counts the
// connections it accepts, to prove keep-alive reuse) and `openssl s_server` for TLS.
#include "net/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "util/process.h"
#include "util/strings.h"
#include "util/testing.h"

namespace slapos::net {
namespace {

struct SeenRequest {
  std::string method, path, body, content_type;
};

// Answers every request with `reply(request)`; keeps connections open (HTTP/1.1).
class TinyServer {
 public:
  using Reply = std::function<std::string(const SeenRequest&)>;
  explicit TinyServer(Reply reply, bool answer = true) : reply_(std::move(reply)), answer_(answer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~TinyServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string Url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return connections_; }
  std::vector<SeenRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Loop() {
    std::vector<int> clients;
    std::vector<std::string> buffers;
    while (!stop_) {
      std::vector<pollfd> fds{{fd_, POLLIN, 0}};
      for (int c : clients) fds.push_back({c, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int c = ::accept(fd_, nullptr, nullptr);
        if (c >= 0) {
          ++connections_;
          clients.push_back(c);
          buffers.emplace_back();
        }
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        char buf[4096];
        ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        size_t k = i - 1;
        if (n <= 0) {
          ::close(clients[k]);
          clients[k] = -1;
          continue;
        }
        buffers[k].append(buf, n);
        if (answer_) Serve(clients[k], &buffers[k]);
      }
      for (size_t k = clients.size(); k-- > 0;) {
        if (clients[k] == -1) {
          clients.erase(clients.begin() + k);
          buffers.erase(buffers.begin() + k);
        }
      }
    }
    for (int c : clients) ::close(c);
  }

  void Serve(int client, std::string* buffer) {
    for (;;) {
      size_t end = buffer->find("\r\n\r\n");
      if (end == std::string::npos) return;
      std::string head = buffer->substr(0, end);
      SeenRequest req;
      size_t content_length = 0;
      std::vector<std::string> lines = Split(head, '\n');
      std::vector<std::string> first = SplitWhitespace(lines[0]);
      req.method = first.at(0);
      req.path = first.at(1);
      for (size_t i = 1; i < lines.size(); ++i) {
        std::string line = ToLower(Trim(lines[i]));
        if (StartsWith(line, "content-length:")) {
          long long v = 0;
          ParseInt64(Trim(line.substr(15)), &v);
          content_length = static_cast<size_t>(v);
        }
        if (StartsWith(line, "content-type:")) req.content_type = std::string(Trim(line.substr(13)));
      }
      if (buffer->size() < end + 4 + content_length) return;
      req.body = buffer->substr(end + 4, content_length);
      buffer->erase(0, end + 4 + content_length);
      {
        std::lock_guard<std::mutex> lock(mu_);
        requests_.push_back(req);
      }
      std::string reply = reply_(req);
      ssize_t ignored = ::write(client, reply.data(), reply.size());
      (void)ignored;
    }
  }

  Reply reply_;
  bool answer_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::vector<SeenRequest> requests_;
  std::thread thread_;
};

std::string HttpReply(int status, const std::string& body,
                      const std::string& type = "application/json") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(HttpClientTest, PostsJsonAndReadsStatusBodyAndType) {
  TinyServer server([](const SeenRequest& r) {
    return HttpReply(r.path == "/echo" ? 200 : 403, "{\"got\":" + r.body + "}");
  });
  HttpClient client;
  Result<HttpResponse> r = client.Post(server.Url("/echo"), "{\"a\":1}");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"got\":{\"a\":1}}");
  EXPECT_EQ(r->content_type, "application/json");
  std::vector<SeenRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].content_type, "application/json");

  // A 4xx is a response, not a transport error.
  Result<HttpResponse> denied = client.Post(server.Url("/other"), "{}");
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, 403);
}

TEST(HttpClientTest, GetAndCustomMethod) {
  TinyServer server([](const SeenRequest& r) { return HttpReply(200, r.method + " " + r.path); });
  HttpClient client;
  Result<HttpResponse> r = client.Get(server.Url("/a?b=c"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, "GET /a?b=c");
  Result<HttpResponse> put = client.Send("PUT", server.Url("/x"), "data", {"X-Test: 1"});
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->body, "PUT /x");
  EXPECT_EQ(server.requests().back().body, "data");
}

TEST(HttpClientTest, ReusesOneConnectionAcrossRequests) {
  TinyServer server([](const SeenRequest&) { return HttpReply(200, "{}"); });
  HttpClient client;
  for (int i = 0; i < 5; ++i) {
    Result<HttpResponse> r = client.Post(server.Url("/k"), "{}");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.connections(), 1);
  // A second client object opens its own connection.
  HttpClient other;
  ASSERT_TRUE(other.Get(server.Url("/k")).ok());
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientTest, ConnectionRefusedNamesTheUrl) {
  int port = testing::PickFreePort();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/slapos.get.v0.hateoas_url";
  HttpClient client;
  Result<HttpResponse> r = client.Post(url, "{}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find(url), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("is the server running"), std::string::npos);
}

TEST(HttpClientTest, TimesOutWhenTheServerNeverAnswers) {
  TinyServer silent([](const SeenRequest&) { return std::string(); }, /*answer=*/false);
  HttpClientOptions options;
  options.timeout_seconds = 0.3;
  HttpClient client(options);
  Result<HttpResponse> r = client.Get(silent.Url("/slow"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
}

TEST(HttpClientTest, BadUrlAndBadTlsFilesAreInvalidArgument) {
  HttpClient client;
  Result<HttpResponse> r = client.Get("ftp://example.invalid/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();

  HttpClientOptions half;
  half.cert_file = "/nonexistent/cert.pem";
  HttpClient half_client(half);
  r = half_client.Get("https://127.0.0.1:1/");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("both a certificate and a key"), std::string::npos);

  HttpClientOptions missing;
  missing.ca_file = "/nonexistent/ca.pem";
  HttpClient missing_client(missing);
  r = missing_client.Get("https://127.0.0.1:1/");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/ca.pem"), std::string::npos);
}

// --- TLS against the real `openssl s_server` ---------------------------------------------

void MakeSelfSigned(const testing::TempDir& dir, const std::string& name) {
  ProcessOptions p;
  p.argv = {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=" + name, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", dir.Join(name + ".key"), "-out", dir.Join(name + ".crt")};
  Result<ProcessResult> r = RunProcess(p);
  ASSERT_TRUE(r.ok() && r->success()) << (r.ok() ? r->output : r.status().ToString());
}

class TlsServer {
 public:
  TlsServer(const testing::TempDir& dir, int port, bool require_client_cert)
      : process_(Argv(dir, port, require_client_cert), dir.Join("s_server.log")) {}
  static std::vector<std::string> Argv(const testing::TempDir& dir, int port, bool require) {
    std::vector<std::string> argv = {"/usr/bin/openssl", "s_server", "-quiet", "-www",
                                     "-accept", std::to_string(port), "-cert",
                                     dir.Join("server.crt"), "-key", dir.Join("server.key")};
    if (require) {
      argv.insert(argv.end(), {"-Verify", "1", "-CAfile", dir.Join("client.crt")});
    }
    return argv;
  }
  testing::ChildProcess process_;
};

bool WaitListening(int port) {
  return testing::WaitFor(
      [port] {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        return ok;
      },
      10);
}

TEST(HttpClientTest, TlsWithCaFileAndClientCertificate) {
  testing::TempDir dir;
  MakeSelfSigned(dir, "server");
  MakeSelfSigned(dir, "client");
  int port = testing::PickFreePort();
  TlsServer server(dir, port, /*require_client_cert=*/true);
  ASSERT_TRUE(WaitListening(port));
  std::string url = "https://127.0.0.1:" + std::to_string(port) + "/";

  HttpClientOptions options;
  options.ca_file = dir.Join("server.crt");
  options.cert_file = dir.Join("client.crt");
  options.key_file = dir.Join("client.key");
  HttpClient client(options);
  Result<HttpResponse> r = client.Get(url);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  // s_server -www reports the peer certificate it verified.
  EXPECT_NE(r->body.find("CN=client"), std::string::npos) << r->body;
}

TEST(HttpClientTest, TlsRejectsAServerNotSignedByTheCa) {
  testing::TempDir dir;
  MakeSelfSigned(dir, "server");
  MakeSelfSigned(dir, "other");
  int port = testing::PickFreePort();
  TlsServer server(dir, port, /*require_client_cert=*/false);
  ASSERT_TRUE(WaitListening(port));
  HttpClientOptions options;
  options.ca_file = dir.Join("other.crt");
  HttpClient client(options);
  Result<HttpResponse> r = client.Get("https://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied) << r.status().ToString();
  EXPECT_NE(r.status().message().find("TLS"), std::string::npos);
}

}  // namespace
}  // namespace slapos::net
