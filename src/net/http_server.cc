#include "net/http_server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "util/log.h"

namespace slapos::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string HttpRequest::Header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return "";
}

namespace {

std::string ReasonPhrase(int status) {
  return std::string(http::obsolete_reason(static_cast<http::status>(status)));
}

std::string ErrorJson(int status, const std::string& title) {
  // Titles produced here are fixed ASCII strings: no escaping needed.
  return "{\"status\": " + std::to_string(status) + ", \"type\": \"" + ReasonPhrase(status) +
         "\", \"title\": \"" + title + "\"}";
}

class Server;

// One TCP connection: reads requests one after the other (keep-alive), calls the handler,
// writes the response. All of its work runs on its own strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server* server);
  void Start();
  // Called (through the strand) when the server stops: an idle connection closes now, a busy
  // one after its current response.
  void RequestStop();

 private:
  void ReadNext();
  void OnRead(beast::error_code ec, std::size_t bytes);
  void Reply(HttpResponse response, bool keep_alive, int version);
  void OnWrite(bool keep_alive, beast::error_code ec, std::size_t bytes);
  void Close();

  beast::tcp_stream stream_;
  Server* server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<http::response<http::string_body>> response_;
  std::string remote_;
  bool loopback_ = false;
  bool busy_ = false;
  bool stopping_ = false;
  std::string log_method_, log_target_;
  std::chrono::steady_clock::time_point started_;
};

// One io_context per I/O thread, each run by its thread only: a connection lives on one
// context for its whole life, so its handlers never hop between threads (no futex wake-up
// per request, which is what a shared io_context costs a sequential client). The acceptor
// lives on the first context and hands new connections out round-robin.
class Server : public HttpServer {
 public:
  Server(const HttpServerOptions& options, HttpHandler handler)
      : options_(options), handler_(std::move(handler)), ios_(MakeContexts(options.threads)), acceptor_(*ios_[0]) {}
  ~Server() override { Stop(); }

  Status Listen() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) return InvalidArgument("listen address '" + options_.host + "' is not an IP address: " + ec.message());
    tcp::endpoint endpoint(address, static_cast<unsigned short>(options_.port));
    std::string where = options_.host + ":" + std::to_string(options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return IOError("cannot open socket for " + where + ": " + ec.message());
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    acceptor_.bind(endpoint, ec);
    if (ec) return IOError("cannot bind " + where + ": " + ec.message() + " (is another server using the port?)");
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return IOError("cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    return Status::OK();
  }

  void Run() {
    Accept();
    for (auto& io : ios_) {
      // Keeps a context without connections running until Stop().
      guards_.push_back(asio::make_work_guard(*io));
      threads_.emplace_back([ctx = io.get()] { ctx->run(); });
    }
  }

  int port() const override { return port_; }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    asio::post(acceptor_.get_executor(), [this] {
      beast::error_code ec;
      acceptor_.close(ec);
    });
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& weak : sessions_) {
        if (auto s = weak.lock()) s->RequestStop();
      }
    }
    // Wait for in-flight sessions to drain, then force the loop to end.
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::duration<double>(options_.stop_grace_seconds);
    {
      std::unique_lock<std::mutex> lock(mu_);
      drained_.wait_until(lock, deadline, [this] { return live_sessions_ == 0; });
    }
    for (auto& io : ios_) io->stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  bool stopping() const { return stopped_.load(); }
  const HttpServerOptions& options() const { return options_; }
  const HttpHandler& handler() const { return handler_; }

  void Register(const std::shared_ptr<Session>& s) {
    std::lock_guard<std::mutex> lock(mu_);
    ++live_sessions_;
    // Drop expired entries now and then so the set stays small.
    if (sessions_.size() > 64) {
      for (auto it = sessions_.begin(); it != sessions_.end();) {
        it = it->expired() ? sessions_.erase(it) : std::next(it);
      }
    }
    sessions_.insert(s);
  }
  void Unregister() {
    std::lock_guard<std::mutex> lock(mu_);
    --live_sessions_;
    if (live_sessions_ == 0) drained_.notify_all();
  }

 private:
  static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int threads) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  void Accept() {
    asio::io_context& target = *ios_[next_context_++ % ios_.size()];
    acceptor_.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        LOG_WARNING("http: accept failed: {}", ec.message());
      } else if (!stopping()) {
        std::make_shared<Session>(std::move(socket), this)->Start();
      }
      if (acceptor_.is_open()) Accept();
    });
  }

  HttpServerOptions options_;
  HttpHandler handler_;
  std::vector<std::unique_ptr<asio::io_context>> ios_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  size_t next_context_ = 0;  // used by the acceptor's handler only
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable drained_;
  std::set<std::weak_ptr<Session>, std::owner_less<std::weak_ptr<Session>>> sessions_;
  int live_sessions_ = 0;
};

Session::Session(tcp::socket socket, Server* server) : stream_(std::move(socket)), server_(server) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    auto addr = ep.address();
    if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
      addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
    }
    remote_ = addr.to_string();
    loopback_ = addr.is_loopback();
  }
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

void Session::Start() {
  server_->Register(shared_from_this());
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadNext(); });
}

void Session::RequestStop() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->stopping_ = true;
    if (!self->busy_) self->Close();
  });
}

void Session::ReadNext() {
  if (stopping_ || server_->stopping()) {
    Close();
    return;
  }
  parser_.emplace();
  parser_->body_limit(server_->options().body_limit);
  parser_->header_limit(64 * 1024);
  busy_ = false;
  // Idle keep-alive connections are dropped after a while.
  stream_.expires_after(std::chrono::seconds(120));
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::OnRead, shared_from_this()));
}

void Session::OnRead(beast::error_code ec, std::size_t) {
  if (!stream_.socket().is_open()) return;  // closed by RequestStop
  if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
      ec == beast::error::timeout || ec == asio::error::connection_reset) {
    Close();
    return;
  }
  started_ = std::chrono::steady_clock::now();
  busy_ = true;
  if (ec == http::error::body_limit) {
    log_method_ = std::string(parser_->get().method_string());
    log_target_ = std::string(parser_->get().target());
    HttpResponse r;
    r.status = 413;
    r.body = ErrorJson(413, "request body larger than " + std::to_string(server_->options().body_limit) +
                                " bytes; send a smaller document");
    Reply(std::move(r), false, parser_->get().version());
    return;
  }
  if (ec) {
    log_method_ = "-";
    log_target_ = "-";
    HttpResponse r;
    r.status = 400;
    r.body = ErrorJson(400, "malformed HTTP request: " + ec.message());
    Reply(std::move(r), false, 11);
    return;
  }
  http::request<http::string_body> req = parser_->release();
  HttpRequest in;
  in.method = std::string(req.method_string());
  in.target = std::string(req.target());
  auto q = in.target.find('?');
  in.path = q == std::string::npos ? in.target : in.target.substr(0, q);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    in.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  in.body = std::move(req.body());
  in.remote_address = remote_;
  in.remote_is_loopback = loopback_;
  log_method_ = in.method;
  log_target_ = in.target;
  HttpResponse out;
  try {
    out = server_->handler()(in);
  } catch (const std::exception& e) {
    LOG_ERROR("http: handler failed on {} {}: {}", in.method, in.target, e.what());
    out = HttpResponse{};
    out.status = 500;
    out.body = ErrorJson(500, "Internal server error");
  }
  Reply(std::move(out), req.keep_alive() && !stopping_ && !server_->stopping(), req.version());
}

void Session::Reply(HttpResponse response, bool keep_alive, int version) {
  auto res = std::make_shared<http::response<http::string_body>>(
      static_cast<http::status>(response.status), version);
  res->set(http::field::server, "slapos-cpp");
  res->set(http::field::content_type, response.content_type);
  for (auto& [k, v] : response.headers) res->set(k, v);
  res->body() = std::move(response.body);
  res->keep_alive(keep_alive);
  res->prepare_payload();
  response_ = res;
  stream_.expires_after(std::chrono::seconds(60));
  http::async_write(stream_, *response_,
                    beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive));
}

void Session::OnWrite(bool keep_alive, beast::error_code ec, std::size_t bytes) {
  if (server_->options().access_log) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_)
                  .count();
    LOG_INFO("http {} \"{} {}\" {} {} {}us", remote_, log_method_, log_target_, response_->result_int(), bytes, us);
  }
  response_.reset();
  busy_ = false;
  if (ec || !keep_alive || stopping_) {
    Close();
    return;
  }
  ReadNext();
}

void Session::Close() {
  if (!stream_.socket().is_open()) return;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
  server_->Unregister();
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpServerOptions& options, HttpHandler handler) {
  if (!options.tls.cert_file.empty()) {
    return FailedPrecondition("HTTPS is not implemented yet; start the server without TLS options");
  }
  auto server = std::make_unique<Server>(options, std::move(handler));
  SLAPOS_RETURN_IF_ERROR(server->Listen());
  server->Run();
  return std::unique_ptr<HttpServer>(std::move(server));
}

}  // namespace slapos::net
