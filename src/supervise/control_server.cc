#include "supervise/control_server.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "supervise/rpc.h"
#include "supervise/sha1.h"
#include "util/strings.h"

namespace slapos::supervise {

namespace {

constexpr size_t kMaxHeader = 64 * 1024;
constexpr size_t kMaxBody = 16 * 1024 * 1024;
constexpr size_t kMaxPendingOutput = 4 * 1024 * 1024;

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string UrlUnquote(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && isxdigit(s[i + 1]) && isxdigit(s[i + 2])) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

}  // namespace

bool DecodeBasicAuth(const std::string& header_value, std::string* user, std::string* password) {
  std::string v(Trim(header_value));
  if (!StartsWith(ToLower(v.substr(0, 6)), "basic ")) return false;
  std::string out;
  int bits = 0, acc = 0;
  for (char c : std::string(Trim(v.substr(6)))) {
    if (c == '=') break;
    int d = Base64Value(c);
    if (d < 0) return false;
    acc = (acc << 6) | d;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  size_t colon = out.find(':');
  if (colon == std::string::npos) return false;
  *user = out.substr(0, colon);
  *password = out.substr(colon + 1);
  return true;
}

bool PasswordMatches(const std::string& configured, const std::string& given) {
  if (StartsWith(configured, "{SHA}")) return ToLower(configured.substr(5)) == Sha1Hex(given);
  return configured == given;
}

// One client connection: parses requests one at a time, answers, streams tails.
class HttpConnection : public LogFollower, public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(ControlServer* server, int fd, const HttpServerConfig* cfg) : server_(server), fd_(fd), cfg_(cfg) {}
  ~HttpConnection() override { ::close(fd_); }

  void OnEvents(uint32_t ev) {
    if (ev & (EPOLLERR | EPOLLHUP)) return Close();
    if (ev & EPOLLIN) {
      char buf[65536];
      while (true) {
        ssize_t n = ::read(fd_, buf, sizeof buf);
        if (n > 0) {
          in_.append(buf, static_cast<size_t>(n));
          if (in_.size() > kMaxHeader + kMaxBody) return Close();
          continue;
        }
        if (n == 0) return Close();
        if (errno == EAGAIN || errno == EINTR) break;
        return Close();
      }
      Process();
      if (closed_) return;
    }
    if (ev & EPOLLOUT) Flush();
  }

  void OnLogData(std::string_view data) override {
    if (!streaming_ || closed_) return;
    char head[32];
    std::snprintf(head, sizeof head, "%zx\r\n", data.size());
    Send(std::string(head) + std::string(data) + "\r\n");
  }

 private:
  void Close() {
    if (closed_) return;
    closed_ = true;
    server_->Drop(fd_);  // may destroy *this: nothing after
  }

  void Send(const std::string& data) {
    out_ += data;
    if (out_.size() > kMaxPendingOutput) return Close();  // a reader that does not read
    Flush();
  }

  void Flush() {
    while (!out_.empty()) {
      ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
      if (n > 0) {
        out_.erase(0, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
      return Close();
    }
    if (out_.empty() && out_.capacity() > (64 << 10)) std::string().swap(out_);
    uint32_t want = EPOLLIN | (out_.empty() ? 0u : static_cast<uint32_t>(EPOLLOUT));
    if (want != watched_) {
      watched_ = want;
      (void)server_->supervisor()->loop().Modify(fd_, want);
    }
    if (out_.empty() && close_after_write_) Close();
  }

  void Respond(int code, const char* reason, const std::string& type, const std::string& body,
               const std::string& extra = "") {
    std::string h = "HTTP/1.1 " + std::to_string(code) + " " + reason + "\r\nServer: slapos-supervise\r\nContent-Type: " + type +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra;
    if (!keep_alive_) h += "Connection: close\r\n";
    h += "\r\n";
    if (!keep_alive_) close_after_write_ = true;
    Send(h + body);
  }

  void Error(int code, const char* reason) {
    keep_alive_ = false;
    Respond(code, reason, "text/plain", std::string(reason) + "\n");
  }

  // Parses and serves complete requests while not waiting on a deferred answer.
  void Process() {
    auto self = shared_from_this();
    while (!busy_ && !closed_ && !streaming_ && !close_after_write_) {
      size_t end = in_.find("\r\n\r\n");
      size_t sep = 4;
      if (end == std::string::npos) {
        end = in_.find("\n\n");
        sep = 2;
      }
      if (end == std::string::npos) {
        if (in_.size() > kMaxHeader) return Error(431, "Request Header Fields Too Large");
        return;
      }
      std::string head = in_.substr(0, end);
      std::vector<std::string> lines = Split(head, '\n');
      for (std::string& l : lines)
        if (!l.empty() && l.back() == '\r') l.pop_back();
      std::vector<std::string> rl = SplitWhitespace(lines.empty() ? "" : lines[0]);
      if (rl.size() != 3 || !StartsWith(rl[2], "HTTP/")) return Error(400, "Bad Request");
      std::string method = rl[0], target = rl[1], version = rl[2];
      long long length = 0;
      std::string auth, connection;
      for (size_t i = 1; i < lines.size(); ++i) {
        size_t colon = lines[i].find(':');
        if (colon == std::string::npos) return Error(400, "Bad Request");
        std::string k = ToLower(Trim(lines[i].substr(0, colon)));
        std::string v(Trim(lines[i].substr(colon + 1)));
        if (k == "content-length" && (!ParseInt64(v, &length) || length < 0)) return Error(400, "Bad Request");
        if (k == "transfer-encoding") return Error(411, "Length Required");
        if (k == "authorization") auth = v;
        if (k == "connection") connection = ToLower(v);
      }
      if (static_cast<size_t>(length) > kMaxBody) return Error(413, "Payload Too Large");
      if (in_.size() < end + sep + static_cast<size_t>(length)) return;  // body not complete yet
      std::string body = in_.substr(end + sep, static_cast<size_t>(length));
      in_.erase(0, end + sep + static_cast<size_t>(length));
      keep_alive_ = version == "HTTP/1.1" ? connection != "close" : connection == "keep-alive";
      if (!cfg_->username.empty()) {
        std::string u, p;
        if (!DecodeBasicAuth(auth, &u, &p) || u != cfg_->username || !PasswordMatches(cfg_->password, p)) {
          Respond(401, "Unauthorized", "text/plain", "Unauthorized\n", "WWW-Authenticate: Basic realm=\"default\"\r\n");
          continue;
        }
      }
      serving_ = true;
      Serve(method, target, body);
      serving_ = false;
    }
  }

  void Serve(const std::string& method, const std::string& target, const std::string& body) {
    std::string path = target.substr(0, target.find('?'));
    if (path == "/RPC2" || path == "/RPC2/") {
      if (method != "POST") return Error(405, "Method Not Allowed");
      busy_ = true;
      std::weak_ptr<HttpConnection> weak = shared_from_this();
      server_->rpc()->HandleXml(body, [weak](std::string xml) {
        auto self = weak.lock();
        if (!self || self->closed_) return;
        self->busy_ = false;
        self->Respond(200, "OK", "text/xml", xml);
        // A deferred answer (start with wait...): resume reading pipelined requests. An
        // immediate one returns into Process()'s own loop instead.
        if (!self->closed_ && !self->serving_) self->Process();
      });
      return;
    }
    if (method != "GET") return Error(405, "Method Not Allowed");
    Supervisor* sup = server_->supervisor();
    if (StartsWith(path, "/logtail/")) {
      std::string rest = UrlUnquote(path.substr(9));
      std::string channel = "stdout";
      size_t slash = rest.find('/');
      if (slash != std::string::npos) {
        channel = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
      }
      std::string gn, pn;
      SplitNamespec(rest, &gn, &pn);
      supervise::Process* p = pn.empty() ? nullptr : sup->FindProcess(gn, pn);
      if (!p) return Error(404, "Not Found");
      const std::string& file = channel == "stderr" ? p->stderr_path() : p->stdout_path();
      if (file.empty() || access(file.c_str(), F_OK) != 0) return Error(404, "Not Found");
      StartStream(file);
      (channel == "stderr" ? p->stderr_followers : p->stdout_followers).push_back(weak_from_this());
      return;
    }
    if (path == "/mainlogtail") {
      if (sup->main_log_path().empty()) return Error(404, "Not Found");
      StartStream(sup->main_log_path());
      sup->FollowMainLog(weak_from_this());
      return;
    }
    Error(404, "Not Found");
  }

  void StartStream(const std::string& file) {
    streaming_ = true;
    Send("HTTP/1.1 200 OK\r\nServer: slapos-supervise\r\nContent-Type: text/plain;charset=utf-8\r\n"
         "X-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n\r\n");
    auto last = ReadLogRange(file, -1024, 0);
    if (last.ok() && !last->empty()) OnLogData(*last);
  }

  ControlServer* server_;
  int fd_;
  const HttpServerConfig* cfg_;
  std::string in_, out_;
  bool busy_ = false, serving_ = false, streaming_ = false, closed_ = false, keep_alive_ = true, close_after_write_ = false;
  uint32_t watched_ = EPOLLIN;
};

ControlServer::~ControlServer() { CloseAll(); }

void ControlServer::CloseAll() {
  for (auto& [fd, cfg] : listeners_) {
    sup_->loop().Unwatch(fd);
    ::close(fd);
  }
  listeners_.clear();
  for (auto& [fd, c] : conns_) sup_->loop().Unwatch(fd);
  conns_.clear();
  if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
  unix_path_.clear();
}

void ControlServer::Drop(int fd) {
  sup_->loop().Unwatch(fd);
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  std::shared_ptr<HttpConnection> keep = std::move(it->second);
  conns_.erase(it);
  // `keep` goes out of scope when the caller's frame unwinds its own shared_ptr.
}

Status ControlServer::Listen(int fd, const HttpServerConfig& cfg) {
  if (::listen(fd, 1024) != 0) {
    Status st = ErrnoError("listen", errno);
    ::close(fd);
    return st;
  }
  auto owned = std::make_unique<HttpServerConfig>(cfg);
  const HttpServerConfig* raw = owned.get();
  listeners_[fd] = std::move(owned);
  return sup_->loop().Watch(fd, EPOLLIN, [this, fd, raw](uint32_t) { Accept(fd, raw); });
}

void ControlServer::Accept(int listen_fd, const HttpServerConfig* cfg) {
  while (true) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    auto conn = std::make_shared<HttpConnection>(this, fd, cfg);
    conns_[fd] = conn;
    std::weak_ptr<HttpConnection> weak = conn;
    Status st = sup_->loop().Watch(fd, EPOLLIN, [weak](uint32_t ev) {
      if (auto c = weak.lock()) c->OnEvents(ev);
    });
    if (!st.ok()) conns_.erase(fd);
  }
}

Status ControlServer::ListenUnix(const HttpServerConfig& cfg) {
  struct sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (cfg.file.size() >= sizeof addr.sun_path)
    return InvalidArgument("[unix_http_server] file '" + cfg.file + "' is longer than " +
                           std::to_string(sizeof addr.sun_path - 1) + " bytes");
  std::memcpy(addr.sun_path, cfg.file.c_str(), cfg.file.size() + 1);
  // An existing socket: refuse if a daemon answers on it, else remove the stale file.
  if (access(cfg.file.c_str(), F_OK) == 0) {
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool alive = probe >= 0 && connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (alive)
      return FailedPrecondition("another program is already listening on " + cfg.file +
                                "; shut it down first (supervisorctl shutdown) or choose another [unix_http_server] file");
    ::unlink(cfg.file.c_str());
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket", errno);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Status st = ErrnoError("binding unix socket " + cfg.file, errno);
    ::close(fd);
    return st;
  }
  unix_path_ = cfg.file;
  if (chmod(cfg.file.c_str(), static_cast<mode_t>(cfg.chmod)) != 0) {
    ::close(fd);
    return ErrnoError("chmod of " + cfg.file, errno);
  }
  if (!cfg.chown.empty()) {
    std::string user = cfg.chown, group;
    size_t colon = user.find(':');
    if (colon != std::string::npos) group = user.substr(colon + 1), user = user.substr(0, colon);
    struct passwd* pw = getpwnam(user.c_str());
    if (!pw) {
      ::close(fd);
      return InvalidArgument("[unix_http_server] chown: no such user '" + user + "'");
    }
    gid_t gid = pw->pw_gid;
    if (!group.empty()) {
      struct group* gr = getgrnam(group.c_str());
      if (!gr) {
        ::close(fd);
        return InvalidArgument("[unix_http_server] chown: no such group '" + group + "'");
      }
      gid = gr->gr_gid;
    }
    if (chown(cfg.file.c_str(), pw->pw_uid, gid) != 0) {
      ::close(fd);
      return ErrnoError("chown of " + cfg.file, errno);
    }
  }
  return Listen(fd, cfg);
}

Status ControlServer::ListenTcp(const HttpServerConfig& cfg) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoError("socket", errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(cfg.port));
  std::string host = cfg.host.empty() ? "0.0.0.0" : cfg.host == "localhost" ? "127.0.0.1" : cfg.host;
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    return InvalidArgument("[inet_http_server] port: '" + cfg.host + "' is not an IPv4 address");
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Status st = ErrnoError("binding " + host + ":" + std::to_string(cfg.port), errno);
    ::close(fd);
    return st;
  }
  return Listen(fd, cfg);
}

}  // namespace slapos::supervise
