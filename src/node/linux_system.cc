#include "node/linux_system.h"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "util/file.h"
#include "util/process.h"
#include "util/strings.h"

namespace slapos::node {

namespace {

Result<std::string> Run(const std::vector<std::string>& argv) {
  ProcessOptions o;
  o.argv = argv;
  o.timeout_seconds = 60;
  o.env = std::map<std::string, std::string>{{"PATH", "/usr/sbin:/usr/bin:/sbin:/bin"}, {"LC_ALL", "C"}};
  SLAPOS_ASSIGN_OR_RETURN(ProcessResult r, RunProcess(o));
  if (!r.success())
    return IOError("'" + Join(argv, " ") + "' failed (exit " + std::to_string(r.exit_code) +
                   "): " + std::string(Trim(r.output)));
  return r.output;
}

Status RunStatus(const std::vector<std::string>& argv) {
  auto r = Run(argv);
  return r.ok() ? Status::OK() : r.status();
}

class LinuxSystem : public NodeSystem {
 public:
  Result<std::optional<UserInfo>> LookupUser(const std::string& name) override {
    std::vector<char> buf(16384);
    passwd pw{}, *out = nullptr;
    int rc = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &out);
    if (rc != 0) return ErrnoError("looking up user " + name, rc);
    if (!out) return std::optional<UserInfo>();
    UserInfo u;
    u.name = name;
    u.uid = pw.pw_uid;
    u.gid = pw.pw_gid;
    u.home = pw.pw_dir;
    u.shell = pw.pw_shell;
    int n = 64;
    std::vector<gid_t> gids(n);
    if (getgrouplist(name.c_str(), u.gid, gids.data(), &n) < 0) {
      gids.resize(n);
      getgrouplist(name.c_str(), u.gid, gids.data(), &n);
    }
    gids.resize(n);
    for (gid_t g : gids) {
      if (g == u.gid) continue;
      group gr{}, *gout = nullptr;
      if (getgrgid_r(g, &gr, buf.data(), buf.size(), &gout) == 0 && gout) u.groups.push_back(gr.gr_name);
    }
    auto st = Run({"passwd", "-S", name});
    if (st.ok()) {
      auto f = SplitWhitespace(*st);
      u.password_locked = f.size() > 1 && f[1] == "L";
    }
    return std::optional<UserInfo>(u);
  }

  Result<std::optional<gid_t>> LookupGroup(const std::string& name) override {
    std::vector<char> buf(16384);
    group gr{}, *out = nullptr;
    int rc = getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &out);
    if (rc != 0) return ErrnoError("looking up group " + name, rc);
    if (!out) return std::optional<gid_t>();
    return std::optional<gid_t>(gr.gr_gid);
  }

  Status CreateGroup(const std::string& name, bool system) override {
    std::vector<std::string> argv = {"groupadd"};
    if (system) argv.push_back("-r");
    argv.push_back(name);
    return RunStatus(argv);
  }

  Status CreateUser(const NewUser& u) override {
    std::vector<std::string> argv = {"useradd", "-d", u.home, "-g", u.group, "-s", u.shell, "-M"};
    if (!u.groups.empty()) argv.insert(argv.end(), {"-G", Join(u.groups, ",")});
    if (u.system) argv.push_back("-r");
    argv.push_back(u.name);
    return RunStatus(argv);
  }

  Status UpdateUser(const NewUser& u) override {
    std::vector<std::string> argv = {"usermod", "-d", u.home, "-g", u.group, "-s", u.shell};
    if (!u.groups.empty()) argv.insert(argv.end(), {"-a", "-G", Join(u.groups, ",")});
    argv.push_back(u.name);
    return RunStatus(argv);
  }

  Status LockPassword(const std::string& name) override { return RunStatus({"passwd", "-l", name}); }
  Status DeleteUser(const std::string& name) override { return RunStatus({"userdel", name}); }
  Status DeleteGroup(const std::string& name) override { return RunStatus({"groupdel", name}); }

  PathInfo Stat(const std::string& path) override {
    struct stat st{};
    PathInfo info;
    if (lstat(path.c_str(), &st) != 0) return info;
    info.exists = true;
    info.is_dir = S_ISDIR(st.st_mode);
    info.mode = st.st_mode & 07777;
    info.uid = st.st_uid;
    info.gid = st.st_gid;
    return info;
  }
  Status MakeDir(const std::string& path, mode_t mode) override {
    SLAPOS_RETURN_IF_ERROR(MakeDirs(path, mode));
    return Chmod(path, mode);
  }
  Status Chmod(const std::string& path, mode_t mode) override {
    if (chmod(path.c_str(), mode) != 0) return ErrnoError("chmod " + path, errno);
    return Status::OK();
  }
  Status Chown(const std::string& path, uid_t uid, gid_t gid) override {
    if (lchown(path.c_str(), uid, gid) != 0) return ErrnoError("chown " + path, errno);
    return Status::OK();
  }
  Result<std::string> ReadFile(const std::string& path) override { return slapos::ReadFile(path); }
  Status WriteFile(const std::string& path, const std::string& data, mode_t mode) override {
    SLAPOS_RETURN_IF_ERROR(WriteFileAtomic(path, data, mode));
    return Chmod(path, mode);
  }
  Status RemoveAll(const std::string& path) override { return slapos::RemoveAll(path); }

  bool InterfaceExists(const std::string& name) override {
    return !name.empty() && name.find('/') == std::string::npos && PathExists("/sys/class/net/" + name);
  }

  Result<std::vector<InterfaceAddress>> ListAddresses() override {
    SLAPOS_ASSIGN_OR_RETURN(std::string out, Run({"ip", "-j", "addr", "show"}));
    std::vector<InterfaceAddress> list;
    try {
      for (const auto& link : nlohmann::json::parse(out)) {
        if (!link.contains("addr_info")) continue;
        for (const auto& a : link["addr_info"]) {
          if (!a.contains("local")) continue;
          InterfaceAddress ia;
          ia.interface = link.value("ifname", "");
          ia.address = a.value("local", "");
          ia.prefixlen = a.value("prefixlen", 0);
          ia.ipv6 = a.value("family", "") == "inet6";
          ia.global = a.value("scope", "global") == "global";
          ia.tentative = a.value("tentative", false);
          list.push_back(ia);
        }
      }
    } catch (const std::exception& e) {
      return Corruption(std::string("cannot read 'ip -j addr show' output: ") + e.what());
    }
    return list;
  }

  Status AddAddress(const std::string& iface, const std::string& address, int prefixlen, bool ipv6) override {
    std::vector<std::string> argv = {"ip", ipv6 ? "-6" : "-4", "addr", "add",
                                     address + "/" + std::to_string(prefixlen), "dev", iface};
    if (ipv6) argv.push_back("nodad");
    return RunStatus(argv);
  }
  Status DeleteAddress(const std::string& iface, const std::string& address, int prefixlen, bool ipv6) override {
    return RunStatus({"ip", ipv6 ? "-6" : "-4", "addr", "del", address + "/" + std::to_string(prefixlen), "dev", iface});
  }

  Result<std::vector<std::string>> ListLocalIpv6Routes() override {
    SLAPOS_ASSIGN_OR_RETURN(std::string out, Run({"ip", "-j", "-6", "route", "show", "table", "local", "type", "local",
                                                  "dev", "lo"}));
    std::vector<std::string> list;
    try {
      for (const auto& r : nlohmann::json::parse(out.empty() ? "[]" : out)) {
        std::string dst = r.value("dst", "");
        if (dst.find('/') == std::string::npos) dst += "/128";
        list.push_back(dst);
      }
    } catch (const std::exception& e) {
      return Corruption(std::string("cannot read 'ip -j -6 route' output: ") + e.what());
    }
    return list;
  }
  Status AddLocalIpv6Route(const std::string& network) override {
    return RunStatus({"ip", "-6", "route", "add", "local", network, "dev", "lo"});
  }
  Status DeleteLocalIpv6Route(const std::string& network) override {
    return RunStatus({"ip", "-6", "route", "del", "local", network, "dev", "lo", "table", "local"});
  }
  Status EnableIpv6NonLocalBind() override {
    const std::string path = "/proc/sys/net/ipv6/ip_nonlocal_bind";
    auto cur = slapos::ReadFile(path);
    if (cur.ok() && Trim(*cur) == "1") return Status::OK();
    return WriteFileAtomicProc(path, "1\n");
  }

  std::optional<uid_t> TapOwner(const std::string& name) override {
    auto owner = slapos::ReadFile("/sys/devices/virtual/net/" + name + "/owner");
    if (!owner.ok()) return std::nullopt;
    long long v = 0;
    if (!ParseInt64(std::string(Trim(*owner)), &v)) return static_cast<uid_t>(0);
    return v < 0 ? static_cast<uid_t>(0) : static_cast<uid_t>(v);
  }
  Status CreateTap(const std::string& name, const std::string& user) override {
    SLAPOS_RETURN_IF_ERROR(RunStatus({"ip", "tuntap", "add", "dev", name, "mode", "tap", "user", user}));
    return RunStatus({"ip", "link", "set", name, "up"});
  }
  Status DeleteLink(const std::string& name) override { return RunStatus({"ip", "link", "del", name}); }

 private:
  // /proc files cannot be replaced by rename: write in place.
  static Status WriteFileAtomicProc(const std::string& path, const std::string& data) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (!f) return ErrnoError("opening " + path, errno);
    bool ok = std::fputs(data.c_str(), f) >= 0;
    ok = std::fclose(f) == 0 && ok;
    if (!ok) return ErrnoError("writing " + path, errno);
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<NodeSystem> NewLinuxSystem() { return std::make_unique<LinuxSystem>(); }

}  // namespace slapos::node
