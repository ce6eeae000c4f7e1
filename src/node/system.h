// The seam between the node and the operating system for `slapos node format`: users and
// groups, directories and ownership, network addresses, local routes and taps. LinuxSystem
// (linux_system.cc) does it for real; FakeSystem (fake_system.h) keeps it in memory for unit
// tests. Implementations are not thread-safe; the node is single-threaded.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "util/status.h"

namespace slapos::node {

struct UserInfo {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;  // primary group
  std::string home;
  std::string shell;
  std::vector<std::string> groups;  // supplementary group names
  bool password_locked = false;
};

struct NewUser {
  std::string name;
  std::string group;  // primary group, must exist
  std::string home;
  std::string shell = "/bin/sh";
  std::vector<std::string> groups;  // supplementary
  bool system = false;              // useradd -r
};

struct PathInfo {
  bool exists = false;
  bool is_dir = false;
  mode_t mode = 0;  // permission bits only
  uid_t uid = 0;
  gid_t gid = 0;
};

struct InterfaceAddress {
  std::string interface;
  std::string address;  // no prefix length
  int prefixlen = 0;
  bool ipv6 = false;
  bool global = true;  // scope global (IPv6: not link-local)
  bool tentative = false;
};

class NodeSystem {
 public:
  virtual ~NodeSystem() = default;

  // Users and groups. Lookups return nullopt when the name does not exist.
  virtual Result<std::optional<UserInfo>> LookupUser(const std::string& name) = 0;
  virtual Result<std::optional<gid_t>> LookupGroup(const std::string& name) = 0;
  virtual Status CreateGroup(const std::string& name, bool system) = 0;
  virtual Status CreateUser(const NewUser& user) = 0;
  // usermod: set home and shell, add supplementary groups (keeps the others).
  virtual Status UpdateUser(const NewUser& user) = 0;
  virtual Status LockPassword(const std::string& name) = 0;
  virtual Status DeleteUser(const std::string& name) = 0;
  virtual Status DeleteGroup(const std::string& name) = 0;

  // Files.
  virtual PathInfo Stat(const std::string& path) = 0;
  virtual Status MakeDir(const std::string& path, mode_t mode) = 0;  // parents too
  virtual Status Chmod(const std::string& path, mode_t mode) = 0;
  virtual Status Chown(const std::string& path, uid_t uid, gid_t gid) = 0;
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  virtual Status WriteFile(const std::string& path, const std::string& data, mode_t mode) = 0;
  virtual Status RemoveAll(const std::string& path) = 0;

  // Network.
  virtual bool InterfaceExists(const std::string& name) = 0;
  virtual Result<std::vector<InterfaceAddress>> ListAddresses() = 0;
  // IPv6 addresses are added without duplicate address detection (nodad).
  virtual Status AddAddress(const std::string& interface, const std::string& address, int prefixlen, bool ipv6) = 0;
  virtual Status DeleteAddress(const std::string& interface, const std::string& address, int prefixlen,
                               bool ipv6) = 0;
  // "ip -6 route add local <network> dev lo" (lets services bind any address of the range).
  virtual Result<std::vector<std::string>> ListLocalIpv6Routes() = 0;  // "net/len" strings
  virtual Status AddLocalIpv6Route(const std::string& network) = 0;
  virtual Status DeleteLocalIpv6Route(const std::string& network) = 0;
  virtual Status EnableIpv6NonLocalBind() = 0;

  // Taps: the owner uid of an existing tap, nullopt when there is none.
  virtual std::optional<uid_t> TapOwner(const std::string& name) = 0;
  virtual Status CreateTap(const std::string& name, const std::string& user) = 0;
  virtual Status DeleteLink(const std::string& name) = 0;
};

}  // namespace slapos::node
