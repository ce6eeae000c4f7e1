// An in-memory NodeSystem for unit tests: users, groups, files, addresses, routes and taps are
// maps; every mutating call is counted so a test can prove that a rerun changed nothing.
// Not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>

#include "node/system.h"

namespace slapos::node {

class FakeSystem : public NodeSystem {
 public:
  struct File {
    bool is_dir = false;
    mode_t mode = 0;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string data;
  };

  FakeSystem();

  std::map<std::string, UserInfo> users;
  std::map<std::string, gid_t> groups;
  std::map<std::string, File> files;
  std::set<std::string> interfaces = {"lo"};
  std::vector<InterfaceAddress> addresses;
  std::set<std::string> local_routes;
  std::map<std::string, uid_t> taps;
  bool nonlocal_bind = false;
  int mutations = 0;
  std::string fail_on;  // a mutating call whose description contains this fails

  Result<std::optional<UserInfo>> LookupUser(const std::string& name) override;
  Result<std::optional<gid_t>> LookupGroup(const std::string& name) override;
  Status CreateGroup(const std::string& name, bool system) override;
  Status CreateUser(const NewUser& user) override;
  Status UpdateUser(const NewUser& user) override;
  Status LockPassword(const std::string& name) override;
  Status DeleteUser(const std::string& name) override;
  Status DeleteGroup(const std::string& name) override;
  PathInfo Stat(const std::string& path) override;
  Status MakeDir(const std::string& path, mode_t mode) override;
  Status Chmod(const std::string& path, mode_t mode) override;
  Status Chown(const std::string& path, uid_t uid, gid_t gid) override;
  Result<std::string> ReadFile(const std::string& path) override;
  Status WriteFile(const std::string& path, const std::string& data, mode_t mode) override;
  Status RemoveAll(const std::string& path) override;
  bool InterfaceExists(const std::string& name) override;
  Result<std::vector<InterfaceAddress>> ListAddresses() override;
  Status AddAddress(const std::string& interface, const std::string& address, int prefixlen, bool ipv6) override;
  Status DeleteAddress(const std::string& interface, const std::string& address, int prefixlen, bool ipv6) override;
  Result<std::vector<std::string>> ListLocalIpv6Routes() override;
  Status AddLocalIpv6Route(const std::string& network) override;
  Status DeleteLocalIpv6Route(const std::string& network) override;
  Status EnableIpv6NonLocalBind() override;
  std::optional<uid_t> TapOwner(const std::string& name) override;
  Status CreateTap(const std::string& name, const std::string& user) override;
  Status DeleteLink(const std::string& name) override;

 private:
  Status Mutate(const std::string& what);
  uid_t next_uid_ = 1000;
  gid_t next_gid_ = 1000;
};

}  // namespace slapos::node
