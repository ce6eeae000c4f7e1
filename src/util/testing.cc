#include "util/testing.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include "util/file.h"

namespace slapos::testing {

TempDir::TempDir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() { RemoveAll(path_); }

int PickFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string SlaposBinary() {
#ifdef SLAPOS_BIN_PATH
  return SLAPOS_BIN_PATH;
#else
  const char* e = std::getenv("SLAPOS_BIN");
  return e ? e : "slapos";
#endif
}

std::string SourceDir() {
#ifdef SLAPOS_SOURCE_DIR
  return SLAPOS_SOURCE_DIR;
#else
  const char* e = std::getenv("SLAPOS_SOURCE_DIR");
  return e ? e : ".";
#endif
}

bool IsRoot() { return ::geteuid() == 0; }

bool WaitFor(const std::function<bool()>& done, double timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int log_fd = -1;
  if (!log_path.empty()) log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  pid_ = ::fork();
  if (pid_ == 0) {
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    ::execv(args[0], args.data());
    _exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
}

ChildProcess::~ChildProcess() {
  if (Running()) {
    if (Stop(SIGTERM, 10) == -1) Stop(SIGKILL, 5);
  }
}

bool ChildProcess::Running() {
  if (pid_ <= 0 || status_ != -1) return false;
  int st;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = st;
    return false;
  }
  return true;
}

int ChildProcess::Stop(int sig, double timeout_seconds) {
  if (!Running()) return status_;
  ::kill(pid_, sig);
  WaitFor([this] { return !Running(); }, timeout_seconds);
  return Running() ? -1 : status_;
}

}  // namespace slapos::testing
