#include "supervise/daemon_main.h"

#include <cstdio>
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include "supervise/control_server.h"
#include "supervise/rpc.h"
#include "supervise/supervisor.h"

namespace slapos::supervise {

namespace {

void Report(int fd, const std::string& msg) {
  if (fd < 0) return;
  ssize_t r = ::write(fd, msg.data(), msg.size());
  (void)r;
}

// Runs daemons until shutdown; `ready_fd` (or -1) gets "OK" once listening, or the error.
int Serve(Config cfg, int ready_fd) {
  while (true) {
    Supervisor sup(std::move(cfg), Env::Default());
    RpcInterface rpc(&sup);
    ControlServer server(&sup, &rpc);
    auto result = sup.Run([&](Supervisor& s) -> Status {
      if (s.config().unix_server.enabled) SLAPOS_RETURN_IF_ERROR(server.ListenUnix(s.config().unix_server));
      if (s.config().inet_server.enabled) SLAPOS_RETURN_IF_ERROR(server.ListenTcp(s.config().inet_server));
      return Status::OK();
    }, [&] {
      Report(ready_fd, "OK");
      if (ready_fd >= 0) ::close(ready_fd);
      ready_fd = -1;
    });
    server.CloseAll();
    if (!result.ok()) {
      std::string msg = "Error: " + result.status().message() + "\n";
      if (ready_fd >= 0) Report(ready_fd, msg);
      else std::fputs(msg.c_str(), stderr);
      sup.MainLog("critical", result.status().message());
      return 2;
    }
    if (!result->has_value()) return 0;
    cfg = std::move(**result);
  }
}

}  // namespace

int SupervisordMain(const std::string& config_path, bool nodaemon) {
  // One thread, thousands of small objects, a few big transient buffers (XML answers): keep
  // one arena and hand big blocks and freed tops back to the system so that RSS stays small.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024);
  auto cfg = LoadConfig(config_path);
  if (!cfg.ok()) {
    std::fprintf(stderr, "Error: %s\nFor help, use slapos supervisord --help\n", cfg.status().message().c_str());
    return 2;
  }
  if (nodaemon || cfg->daemon.nodaemon) {
    cfg->daemon.nodaemon = true;
    return Serve(std::move(*cfg), -1);
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    std::perror("pipe");
    return 1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("fork");
    return 1;
  }
  if (pid > 0) {
    ::close(fds[1]);
    std::string msg;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) {
      msg.append(buf, static_cast<size_t>(n));
      if (msg == "OK") break;
    }
    if (msg == "OK") return 0;
    std::fputs(msg.empty() ? "Error: the supervisor daemon died while starting\n" : msg.c_str(), stderr);
    return 2;
  }
  ::close(fds[0]);
  setsid();
  if (!cfg->daemon.directory.empty() && chdir(cfg->daemon.directory.c_str()) != 0) {
    Report(fds[1], "Error: cannot chdir to [supervisord] directory " + cfg->daemon.directory + "\n");
    _exit(2);
  }
  int devnull = ::open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    if (devnull > 2) ::close(devnull);
  }
  _exit(Serve(std::move(*cfg), fds[1]));
}

}  // namespace slapos::supervise
