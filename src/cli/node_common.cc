// Shared parts of the `slapos node ...` commands (node_common.h).
#include "cli/node_common.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <unordered_map>
#include <utility>

#include "node/format.h"
#include "node/linux_system.h"
#include "util/file.h"
#include "util/log.h"
#include "util/strings.h"

namespace slapos::cli {

std::vector<NodeCommand>& NodeCommands() {
  static std::vector<NodeCommand> commands;
  return commands;
}

void NodeCommon::Add(CLI::App& app) {
  app.add_option("--cfg", cfg, "node configuration (default: $SLAPOS_CONFIGURATION or /etc/opt/slapos/slapos.cfg)");
  app.add_option("--log-level", log_level, "debug, info, warning or error")->capture_default_str();
}

Result<node::NodeConfig> LoadNodeCommand(const NodeCommon& common, node::ConfigUse use, bool need_root) {
  LogLevel level;
  if (!ParseLogLevel(common.log_level, &level))
    return InvalidArgument("--log-level: unknown level '" + common.log_level + "'");
  SetLogLevel(level);
  SLAPOS_ASSIGN_OR_RETURN(node::NodeConfig c, node::LoadNodeConfig(node::DefaultNodeConfigPath(common.cfg), use));
  if (need_root && c.root_check && geteuid() != 0)
    return PermissionDenied("this command must run as root (or set root_check = false in " + c.path + ")");
  if (!c.log_file.empty()) SetLogFile(c.log_file);
  return c;
}

int NodeFail(const Status& s) {
  std::fprintf(stderr, "slapos node: %s\n", s.message().c_str());
  return s.code() == Code::kPermissionDenied || s.code() == Code::kInvalidArgument ? kNodeExitUsage : 1;
}

namespace {

Result<int> Lock(const std::string& path, const std::string& waiting_who) {
  SLAPOS_RETURN_IF_ERROR(MakeDirs(Dirname(path), 0755));
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("opening " + path, errno);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (waiting_who.empty()) {
      close(fd);
      return FailedPrecondition("another run holds " + path + "; wait for it to finish");
    }
    auto holder = ReadFile(path);
    std::fprintf(stderr, "%s: waiting for another run (pid %s) holding %s\n", waiting_who.c_str(),
                 holder.ok() && !Trim(*holder).empty() ? std::string(Trim(*holder)).c_str() : "?", path.c_str());
    while (flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return ErrnoError("locking " + path, err);
    }
  }
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || write(fd, pid.data(), pid.size()) < 0) {
    int err = errno;
    close(fd);
    return ErrnoError("writing " + path, err);
  }
  return fd;
}

}  // namespace

Result<int> LockPidfile(const std::string& path) { return Lock(path, ""); }
Result<int> WaitPidfile(const std::string& path, const std::string& who) { return Lock(path, who); }

std::string SelfBinary() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("slapos");
}

Result<std::vector<LocalPartition>> LocalPartitions(const node::NodeConfig& config, const std::string& only) {
  auto system = node::NewLinuxSystem();
  SLAPOS_ASSIGN_OR_RETURN(auto def, node::LoadComputerDefinition(config, *system));
  if (def.partitions.empty())
    return FailedPrecondition("no partitions in " + config.computer_json + "; run 'slapos node format' first");
  std::vector<LocalPartition> out;
  std::vector<char> buf(16384);
  // Only the ids: NodeSystem::LookupUser also reads groups and the password state (a `passwd -S`
  // process per user), which a pass over 500 partitions cannot afford. For many partitions
  // /etc/passwd, where format's useradd puts them, is read once (getpwnam per user reparses it:
  // O(N^2)); a user it does not list is asked for by name through NSS. (Enumerating NSS instead
  // could walk a whole LDAP directory.)
  std::unordered_map<std::string, std::pair<uid_t, gid_t>> users;
  if (only.empty() && def.partitions.size() > 8) {
    if (FILE* f = fopen("/etc/passwd", "re")) {
      passwd pw{}, *found = nullptr;
      while (fgetpwent_r(f, &pw, buf.data(), buf.size(), &found) == 0 && found)
        users.emplace(found->pw_name, std::make_pair(found->pw_uid, found->pw_gid));
      fclose(f);
    }
  }
  for (const auto& p : def.partitions) {
    if (!only.empty() && p.reference != only) continue;
    LocalPartition lp{p, std::nullopt, std::nullopt};
    if (auto it = users.find(p.user); it != users.end()) {
      lp.uid = it->second.first;
      lp.gid = it->second.second;
      out.push_back(lp);
      continue;
    }
    passwd pw{}, *found = nullptr;
    int rc = getpwnam_r(p.user.c_str(), &pw, buf.data(), buf.size(), &found);
    if (rc != 0) return ErrnoError("looking up user " + p.user, rc);
    if (found) {
      lp.uid = found->pw_uid;
      lp.gid = found->pw_gid;
    }
    out.push_back(lp);
  }
  if (!only.empty() && out.empty()) return InvalidArgument("Unknown partition(s): " + only);
  return out;
}

}  // namespace slapos::cli
