#include "supervise/client.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/strings.h"

namespace slapos::supervise {

namespace {

std::string Base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out += t[(val >> bits) & 0x3F];
      bits -= 6;
    }
  }
  if (bits > -6) out += t[((val << 8) >> (bits + 8)) & 0x3F];
  while (out.size() % 4) out += '=';
  return out;
}

Status SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoError("sending to the supervisor", errno);
    off += static_cast<size_t>(n);
  }
  return Status::OK();
}

// Reads the response head; leaves any body bytes already read in `rest`.
Status ReadHead(int fd, int* status, bool* chunked, long long* length, std::string* rest, int timeout_ms) {
  std::string buf;
  char tmp[65536];
  while (true) {
    size_t end = buf.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::vector<std::string> lines = Split(buf.substr(0, end), '\n');
      std::vector<std::string> sl = SplitWhitespace(lines[0]);
      long long code = 0;
      if (sl.size() < 2 || !ParseInt64(sl[1], &code)) return IOError("bad HTTP status line from the supervisor: " + lines[0]);
      *status = static_cast<int>(code);
      *chunked = false;
      *length = -1;
      for (size_t i = 1; i < lines.size(); ++i) {
        size_t colon = lines[i].find(':');
        if (colon == std::string::npos) continue;
        std::string k = ToLower(Trim(lines[i].substr(0, colon)));
        std::string v = ToLower(Trim(lines[i].substr(colon + 1)));
        if (k == "transfer-encoding" && v.find("chunked") != std::string::npos) *chunked = true;
        if (k == "content-length") ParseInt64(v, length);
      }
      *rest = buf.substr(end + 4);
      return Status::OK();
    }
    struct pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return Unavailable("timed out waiting for the supervisor's answer");
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IOError("the supervisor closed the connection before answering");
    buf.append(tmp, static_cast<size_t>(n));
  }
}

}  // namespace

Result<SupervisorClient> SupervisorClient::Open(const std::string& serverurl, const std::string& username,
                                                const std::string& password) {
  SupervisorClient c;
  c.url_ = serverurl;
  if (StartsWith(serverurl, "unix://")) {
    c.unix_path_ = serverurl.substr(7);
    if (c.unix_path_.empty()) return InvalidArgument("serverurl '" + serverurl + "' has no socket path");
  } else if (StartsWith(serverurl, "http://")) {
    std::string hp = serverurl.substr(7);
    hp = hp.substr(0, hp.find('/'));
    size_t colon = hp.rfind(':');
    long long port = 80;
    if (colon != std::string::npos && !ParseInt64(hp.substr(colon + 1), &port))
      return InvalidArgument("serverurl '" + serverurl + "' has a bad port");
    c.host_ = colon == std::string::npos ? hp : hp.substr(0, colon);
    c.port_ = static_cast<int>(port);
  } else {
    return InvalidArgument("serverurl '" + serverurl + "' must start with unix:// or http://");
  }
  if (!username.empty()) c.auth_ = "Authorization: Basic " + Base64(username + ":" + password) + "\r\n";
  return c;
}

Result<int> SupervisorClient::Connect() const {
  if (!unix_path_.empty()) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (unix_path_.size() >= sizeof addr.sun_path) {
      ::close(fd);
      return InvalidArgument("socket path too long: " + unix_path_);
    }
    std::memcpy(addr.sun_path, unix_path_.c_str(), unix_path_.size() + 1);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      int e = errno;
      ::close(fd);
      if (e == ENOENT) return Unavailable(url_ + " no such file (is the supervisor running?)");
      if (e == ECONNREFUSED) return Unavailable(url_ + " refused connection (is the supervisor running?)");
      return ErrnoError("connecting to " + url_, e);
    }
    return fd;
  }
  struct addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int rc = getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &res);
  if (rc != 0) return Unavailable("cannot resolve " + host_ + ": " + gai_strerror(rc));
  int fd = -1;
  int err = ECONNREFUSED;
  for (auto* ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    err = errno;
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) return Unavailable(url_ + " refused connection: " + std::strerror(err));
  return fd;
}

Result<Value> SupervisorClient::Call(const std::string& method, const std::vector<Value>& params, Fault* fault) const {
  SLAPOS_ASSIGN_OR_RETURN(int fd, Connect());
  std::string body = EncodeMethodCall(MethodCall{method, params});
  std::string req = "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nConnection: close\r\n" + auth_ +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  Status st = SendAll(fd, req);
  int status = 0;
  bool chunked = false;
  long long length = -1;
  std::string data;
  if (st.ok()) st = ReadHead(fd, &status, &chunked, &length, &data, static_cast<int>(timeout_seconds_ * 1000));
  if (st.ok()) {
    char tmp[65536];
    while (length < 0 || static_cast<long long>(data.size()) < length) {
      struct pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(timeout_seconds_ * 1000)) <= 0) {
        st = Unavailable("timed out reading the supervisor's answer to " + method);
        break;
      }
      ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      data.append(tmp, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  SLAPOS_RETURN_IF_ERROR(st);
  if (status == 401) return PermissionDenied(url_ + ": server requires authentication (check username/password)");
  if (status != 200) return IOError(url_ + ": HTTP " + std::to_string(status) + " for " + method);
  if (length >= 0 && static_cast<long long>(data.size()) < length)
    return IOError("the supervisor closed the connection in the middle of its answer to " + method);
  return ParseResponse(data, fault);
}

Result<Value> SupervisorClient::CallOrError(const std::string& method, const std::vector<Value>& params) const {
  Fault f;
  SLAPOS_ASSIGN_OR_RETURN(Value v, Call(method, params, &f));
  if (f.code != 0) return FailedPrecondition(f.text);
  return v;
}

Status SupervisorClient::Stream(const std::string& path, const std::function<bool(std::string_view)>& on_data) const {
  SLAPOS_ASSIGN_OR_RETURN(int fd, Connect());
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + auth_ + "\r\n";
  Status st = SendAll(fd, req);
  int status = 0;
  bool chunked = false;
  long long length = -1;
  std::string buf;
  if (st.ok()) st = ReadHead(fd, &status, &chunked, &length, &buf, -1);
  if (st.ok() && status != 200) st = NotFound(path + ": HTTP " + std::to_string(status));
  char tmp[65536];
  bool more = true;
  while (st.ok() && more) {
    if (chunked) {
      size_t nl = buf.find("\r\n");
      if (nl != std::string::npos) {
        unsigned long size = std::strtoul(buf.substr(0, nl).c_str(), nullptr, 16);
        if (size == 0) break;
        if (buf.size() >= nl + 2 + size + 2) {
          more = on_data(std::string_view(buf).substr(nl + 2, size));
          buf.erase(0, nl + 2 + size + 2);
          continue;
        }
      }
    } else if (!buf.empty()) {
      more = on_data(buf);
      buf.clear();
      continue;
    }
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    buf.append(tmp, static_cast<size_t>(n));
  }
  ::close(fd);
  return st;
}

}  // namespace slapos::supervise
