// LinuxLocalHost: the LocalHost seam of `slapos configure local` for real (ip, /proc, the
// node's supervisor over its socket, `slapos node format` in a child process).
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "node/config.h"
#include "node/local_setup_apply.h"
#include "node/node_supervisor.h"
#include "supervise/client.h"
#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

using Clock = std::chrono::steady_clock;

Result<std::string> Run(const std::vector<std::string>& argv, double timeout = 60) {
  ProcessOptions o;
  o.argv = argv;
  o.timeout_seconds = timeout;
  o.extra_env = {{"LC_ALL", "C"}};
  SLAPOS_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(o));
  if (!r.success())
    return IOError("'" + Join(argv, " ") + "' failed (exit " + std::to_string(r.exit_code) +
                   (r.timed_out ? ", timed out" : "") + "): " + std::string(Trim(r.output)));
  return r.output;
}

Result<nlohmann::json> RunJson(const std::vector<std::string>& argv) {
  SLAPOS_ASSIGN_OR_RETURN(std::string out, Run(argv));
  try {
    return nlohmann::json::parse(out.empty() ? std::string("[]") : out);
  } catch (const std::exception& e) {
    return IOError("'" + Join(argv, " ") + "' printed unreadable JSON: " + e.what());
  }
}

// A TCP connection to host:port (IPv4), or -1.
int Connect(const std::string& host, int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) return -1;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Any HTTP answer from host:port.
bool HttpAnswers(const std::string& host, int port) {
  int fd = Connect(host, port);
  if (fd < 0) return false;
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string req = "GET / HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
  bool ok = write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size());
  char buf[16] = {};
  ok = ok && read(fd, buf, 5) == 5 && std::string(buf, 5) == "HTTP/";
  close(fd);
  return ok;
}

Result<supervise::SupervisorClient> ClientOf(const NodeConfig& c) {
  return supervise::SupervisorClient::Open(SupervisorPathsOf(c).serverurl);
}

bool SupervisorAnswers(const NodeConfig& c) {
  auto client = ClientOf(c);
  if (!client.ok()) return false;
  supervise::Fault f;
  auto v = client->Call("supervisor.getState", {}, &f);
  return v.ok() && f.code == 0;
}

class LinuxLocalHost : public LocalHost {
 public:
  explicit LinuxLocalHost(std::string binary) : binary_(std::move(binary)) {}

  Result<std::vector<std::string>> Routes(bool ipv6, const std::string& own) override {
    std::vector<std::string> argv = {"ip", "-j"};
    if (ipv6) argv.push_back("-6");
    for (const char* w : {"route", "show", "table", "all"}) argv.push_back(w);
    SLAPOS_ASSIGN_OR_RETURN(nlohmann::json routes, RunJson(argv));
    std::vector<std::string> out;
    for (const auto& r : routes) {
      std::string dst = r.value("dst", ""), dev = r.value("dev", ""), type = r.value("type", "");
      if (dst.empty() || dst == "default" || dev == own || dev == "lo") continue;
      if (type == "multicast" || type == "broadcast" || StartsWith(dst, "ff")) continue;
      if (dst.find('/') == std::string::npos) dst += ipv6 ? "/128" : "/32";
      out.push_back(dst);
    }
    return out;
  }

  std::string MachineSeed() override {
    auto id = ReadFile("/etc/machine-id");
    if (id.ok() && !Trim(*id).empty()) return std::string(Trim(*id));
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return host;
  }

  bool Exists(const std::string& path) override {
    struct stat st{};
    return lstat(path.c_str(), &st) == 0;
  }
  bool IsEmptyDirectory(const std::string& path) override {
    DIR* d = opendir(path.c_str());
    if (!d) return false;
    bool empty = true;
    while (dirent* e = readdir(d))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) empty = false;
    closedir(d);
    return empty;
  }
  Result<std::optional<std::string>> ReadFileIfExists(const std::string& path) override {
    if (!Exists(path)) return std::optional<std::string>();
    SLAPOS_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    return std::optional<std::string>(std::move(text));
  }
  Status WriteFile(const std::string& path, const std::string& content, int mode) override {
    return WriteFileAtomic(path, content, static_cast<mode_t>(mode));
  }
  Status MakeDirectory(const std::string& path) override {
    if (mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoError("creating directory " + path, errno);
    return Status::OK();
  }
  Status RemoveAll(const std::string& path) override { return slapos::RemoveAll(path); }

  bool InterfaceExists(const std::string& name) override { return Exists("/sys/class/net/" + name); }
  Status CreateBridge(const std::string& name) override {
    SLAPOS_RETURN_IF_ERROR(Run({"ip", "link", "add", name, "type", "bridge"}).status());
    return SetInterfaceUp(name);
  }
  Result<bool> InterfaceUp(const std::string& name) override {
    SLAPOS_ASSIGN_OR_RETURN(nlohmann::json links, RunJson({"ip", "-j", "link", "show", "dev", name}));
    for (const auto& l : links)
      for (const auto& f : l.value("flags", nlohmann::json::array()))
        if (f == "UP") return true;
    return false;
  }
  Status SetInterfaceUp(const std::string& name) override {
    return Run({"ip", "link", "set", name, "up"}).status();
  }
  Result<bool> HasAddress(const std::string& name, const std::string& address, int prefixlen) override {
    SLAPOS_ASSIGN_OR_RETURN(nlohmann::json links, RunJson({"ip", "-j", "addr", "show", "dev", name}));
    for (const auto& l : links)
      for (const auto& a : l.value("addr_info", nlohmann::json::array()))
        if (a.value("local", "") == address && a.value("prefixlen", 0) == prefixlen) return true;
    return false;
  }
  Status AddIpv6Address(const std::string& name, const std::string& address, int prefixlen) override {
    return Run({"ip", "-6", "addr", "add", address + "/" + std::to_string(prefixlen), "dev", name, "nodad"}).status();
  }
  Status DeleteInterface(const std::string& name) override { return Run({"ip", "link", "del", name}).status(); }

  bool PortAnswers(const std::string& host, int port) override {
    int fd = Connect(host, port);
    if (fd < 0) return false;
    close(fd);
    return true;
  }

  Result<bool> EnsureSupervisor(const std::string& cfg) override {
    SLAPOS_ASSIGN_OR_RETURN(NodeConfig c, LoadNodeConfig(cfg, ConfigUse::kSlapgrid));
    bool was_running = SupervisorAnswers(c);
    NodeSupervisor sv(c, binary_);
    SLAPOS_RETURN_IF_ERROR(sv.Ensure());
    SLAPOS_RETURN_IF_ERROR(sv.Update());
    return !was_running;
  }

  Result<std::vector<std::string>> RunningPrograms(const std::string& cfg) override {
    SLAPOS_ASSIGN_OR_RETURN(NodeConfig c, LoadNodeConfig(cfg, ConfigUse::kSlapgrid));
    SLAPOS_ASSIGN_OR_RETURN(auto client, ClientOf(c));
    SLAPOS_ASSIGN_OR_RETURN(supervise::Value all, client.CallOrError("supervisor.getAllProcessInfo"));
    std::vector<std::string> out;
    for (const auto& p : all.array) {
      std::string state = p.GetString("statename");
      if (state == "RUNNING" || state == "STARTING") out.push_back(p.GetString("name"));
    }
    return out;
  }

  Status StartProgram(const std::string& cfg, const std::string& name) override {
    SLAPOS_ASSIGN_OR_RETURN(NodeConfig c, LoadNodeConfig(cfg, ConfigUse::kSlapgrid));
    SLAPOS_ASSIGN_OR_RETURN(auto client, ClientOf(c));
    supervise::Fault f;
    SLAPOS_RETURN_IF_ERROR(
        client.Call("supervisor.startProcess", {supervise::Value::String(name), supervise::Value::Bool(true)}, &f)
            .status());
    if (f.code != 0 && f.code != supervise::kAlreadyStarted)
      return FailedPrecondition("starting " + name + " under the node's supervisor failed: " + f.text +
                                "; read " + SupervisorPathsOf(c).logfile);
    return Status::OK();
  }

  Status ShutdownSupervisor(const std::string& cfg) override {
    SLAPOS_ASSIGN_OR_RETURN(NodeConfig c, LoadNodeConfig(cfg, ConfigUse::kSlapgrid));
    auto paths = SupervisorPathsOf(c);
    if (!SupervisorAnswers(c)) return Status::OK();
    pid_t pid = 0;
    if (auto text = ReadFile(paths.pidfile); text.ok()) {
      long long v = 0;
      if (ParseInt64(Trim(*text), &v)) pid = static_cast<pid_t>(v);
    }
    SLAPOS_ASSIGN_OR_RETURN(auto client, ClientOf(c));
    SLAPOS_RETURN_IF_ERROR(client.CallOrError("supervisor.shutdown").status());
    auto deadline = Clock::now() + std::chrono::seconds(90);
    while (Clock::now() < deadline) {
      bool gone = pid > 0 ? (kill(pid, 0) != 0 && errno == ESRCH) : !SupervisorAnswers(c);
      if (gone) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return IOError("the node's supervisor (pid " + std::to_string(pid) + ") did not stop within 90 s; read " +
                   paths.logfile);
  }

  Status KillUserProcesses(const std::vector<std::string>& users) override {
    std::set<uid_t> uids;
    for (const auto& u : users)
      if (passwd* pw = getpwnam(u.c_str())) uids.insert(pw->pw_uid);
    if (uids.empty()) return Status::OK();
    for (int round = 0; round < 50; ++round) {
      int found = 0;
      if (DIR* d = opendir("/proc")) {
        while (dirent* e = readdir(d)) {
          long long pid = 0;
          if (!ParseInt64(e->d_name, &pid)) continue;
          struct stat st{};
          if (stat(("/proc/" + std::string(e->d_name)).c_str(), &st) != 0 || !uids.count(st.st_uid)) continue;
          ++found;
          kill(static_cast<pid_t>(pid), SIGKILL);
        }
        closedir(d);
      }
      if (found == 0) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return IOError("processes of the partition users are still running after SIGKILL; check 'ps -u <user>'");
  }

  Status WaitMaster(const std::string& url, const std::string& log_path) override {
    // http://host:port
    std::string rest = url.substr(url.find("//") + 2);
    std::string host = rest.substr(0, rest.rfind(':'));
    long long port = 0;
    ParseInt64(rest.substr(rest.rfind(':') + 1), &port);
    auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      if (HttpAnswers(host, static_cast<int>(port))) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Unavailable("the master did not answer on " + url + " within 60 s after its start; read " + log_path);
  }

  Result<std::string> RunFormat(const std::string& cfg) override {
    // `node format` waits for one already running (the daemon's at its start): they share a lock.
    return Run({binary_, "node", "format", "--now", "--cfg", cfg}, 3600);
  }
  Result<std::string> RunUnformat(const std::string& cfg) override {
    return Run({binary_, "node", "unformat", "--yes", "--cfg", cfg}, 3600);
  }

 private:
  std::string binary_;
};

}  // namespace

std::unique_ptr<LocalHost> NewLinuxLocalHost(const std::string& slapos_binary) {
  return std::make_unique<LinuxLocalHost>(slapos_binary);
}

}  // namespace slapos::node
