#include "node/fake_system.h"

#include <algorithm>

#include "util/strings.h"

namespace slapos::node {

FakeSystem::FakeSystem() { files["/"] = File{true, 0755, 0, 0, ""}; }

Status FakeSystem::Mutate(const std::string& what) {
  if (!fail_on.empty() && what.find(fail_on) != std::string::npos) return IOError("fake failure: " + what);
  ++mutations;
  return Status::OK();
}

Result<std::optional<UserInfo>> FakeSystem::LookupUser(const std::string& name) {
  auto it = users.find(name);
  if (it == users.end()) return std::optional<UserInfo>();
  return std::optional<UserInfo>(it->second);
}

Result<std::optional<gid_t>> FakeSystem::LookupGroup(const std::string& name) {
  auto it = groups.find(name);
  if (it == groups.end()) return std::optional<gid_t>();
  return std::optional<gid_t>(it->second);
}

Status FakeSystem::CreateGroup(const std::string& name, bool) {
  if (groups.count(name)) return AlreadyExists("group " + name);
  SLAPOS_RETURN_IF_ERROR(Mutate("groupadd " + name));
  groups[name] = next_gid_++;
  return Status::OK();
}

Status FakeSystem::CreateUser(const NewUser& u) {
  if (users.count(u.name)) return AlreadyExists("user " + u.name);
  if (!groups.count(u.group)) return NotFound("group " + u.group);
  SLAPOS_RETURN_IF_ERROR(Mutate("useradd " + u.name));
  users[u.name] = UserInfo{u.name, next_uid_++, groups[u.group], u.home, u.shell, u.groups, false};
  return Status::OK();
}

Status FakeSystem::UpdateUser(const NewUser& u) {
  auto it = users.find(u.name);
  if (it == users.end()) return NotFound("user " + u.name);
  SLAPOS_RETURN_IF_ERROR(Mutate("usermod " + u.name));
  it->second.home = u.home;
  it->second.shell = u.shell;
  it->second.gid = groups[u.group];
  for (const auto& g : u.groups)
    if (std::find(it->second.groups.begin(), it->second.groups.end(), g) == it->second.groups.end())
      it->second.groups.push_back(g);
  return Status::OK();
}

Status FakeSystem::LockPassword(const std::string& name) {
  auto it = users.find(name);
  if (it == users.end()) return NotFound("user " + name);
  SLAPOS_RETURN_IF_ERROR(Mutate("passwd -l " + name));
  it->second.password_locked = true;
  return Status::OK();
}

Status FakeSystem::DeleteUser(const std::string& name) {
  SLAPOS_RETURN_IF_ERROR(Mutate("userdel " + name));
  return users.erase(name) ? Status::OK() : NotFound("user " + name);
}

Status FakeSystem::DeleteGroup(const std::string& name) {
  SLAPOS_RETURN_IF_ERROR(Mutate("groupdel " + name));
  return groups.erase(name) ? Status::OK() : NotFound("group " + name);
}

PathInfo FakeSystem::Stat(const std::string& path) {
  auto it = files.find(path);
  if (it == files.end()) return {};
  return {true, it->second.is_dir, it->second.mode, it->second.uid, it->second.gid};
}

Status FakeSystem::MakeDir(const std::string& path, mode_t mode) {
  if (files.count(path)) return Status::OK();
  SLAPOS_RETURN_IF_ERROR(Mutate("mkdir " + path));
  std::string cur;
  for (const auto& piece : Split(path, '/')) {
    if (piece.empty()) continue;
    cur += "/" + piece;
    if (!files.count(cur)) files[cur] = File{true, mode, 0, 0, ""};
  }
  return Status::OK();
}

Status FakeSystem::Chmod(const std::string& path, mode_t mode) {
  auto it = files.find(path);
  if (it == files.end()) return NotFound(path);
  SLAPOS_RETURN_IF_ERROR(Mutate("chmod " + path));
  it->second.mode = mode;
  return Status::OK();
}

Status FakeSystem::Chown(const std::string& path, uid_t uid, gid_t gid) {
  auto it = files.find(path);
  if (it == files.end()) return NotFound(path);
  SLAPOS_RETURN_IF_ERROR(Mutate("chown " + path));
  it->second.uid = uid;
  it->second.gid = gid;
  return Status::OK();
}

Result<std::string> FakeSystem::ReadFile(const std::string& path) {
  auto it = files.find(path);
  if (it == files.end() || it->second.is_dir) return NotFound(path);
  return it->second.data;
}

Status FakeSystem::WriteFile(const std::string& path, const std::string& data, mode_t mode) {
  size_t slash = path.rfind('/');
  std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  if (!files.count(dir)) return NotFound("directory " + dir);
  SLAPOS_RETURN_IF_ERROR(Mutate("write " + path));
  files[path] = File{false, mode, 0, 0, data};
  return Status::OK();
}

Status FakeSystem::RemoveAll(const std::string& path) {
  SLAPOS_RETURN_IF_ERROR(Mutate("rm -rf " + path));
  for (auto it = files.begin(); it != files.end();)
    it = (it->first == path || StartsWith(it->first, path + "/")) ? files.erase(it) : std::next(it);
  return Status::OK();
}

bool FakeSystem::InterfaceExists(const std::string& name) { return interfaces.count(name) || taps.count(name); }

Result<std::vector<InterfaceAddress>> FakeSystem::ListAddresses() { return addresses; }

Status FakeSystem::AddAddress(const std::string& iface, const std::string& address, int prefixlen, bool ipv6) {
  if (!InterfaceExists(iface)) return NotFound("interface " + iface);
  for (const auto& a : addresses)
    if (a.address == address && a.interface == iface) return AlreadyExists(address);
  SLAPOS_RETURN_IF_ERROR(Mutate("ip addr add " + address));
  addresses.push_back({iface, address, prefixlen, ipv6, true, false});
  return Status::OK();
}

Status FakeSystem::DeleteAddress(const std::string& iface, const std::string& address, int, bool) {
  SLAPOS_RETURN_IF_ERROR(Mutate("ip addr del " + address));
  auto it = std::remove_if(addresses.begin(), addresses.end(),
                           [&](const InterfaceAddress& a) { return a.address == address && a.interface == iface; });
  if (it == addresses.end()) return NotFound(address);
  addresses.erase(it, addresses.end());
  return Status::OK();
}

Result<std::vector<std::string>> FakeSystem::ListLocalIpv6Routes() {
  return std::vector<std::string>(local_routes.begin(), local_routes.end());
}

Status FakeSystem::AddLocalIpv6Route(const std::string& network) {
  if (local_routes.count(network)) return AlreadyExists(network);
  SLAPOS_RETURN_IF_ERROR(Mutate("ip route add local " + network));
  local_routes.insert(network);
  return Status::OK();
}

Status FakeSystem::DeleteLocalIpv6Route(const std::string& network) {
  SLAPOS_RETURN_IF_ERROR(Mutate("ip route del local " + network));
  return local_routes.erase(network) ? Status::OK() : NotFound(network);
}

Status FakeSystem::EnableIpv6NonLocalBind() {
  if (nonlocal_bind) return Status::OK();
  SLAPOS_RETURN_IF_ERROR(Mutate("sysctl ip_nonlocal_bind"));
  nonlocal_bind = true;
  return Status::OK();
}

std::optional<uid_t> FakeSystem::TapOwner(const std::string& name) {
  auto it = taps.find(name);
  if (it == taps.end()) return std::nullopt;
  return it->second;
}

Status FakeSystem::CreateTap(const std::string& name, const std::string& user) {
  if (taps.count(name)) return AlreadyExists(name);
  SLAPOS_RETURN_IF_ERROR(Mutate("ip tuntap add " + name));
  auto u = users.find(user);
  if (user != "root" && u == users.end()) return NotFound("user " + user);
  taps[name] = user == "root" ? 0 : u->second.uid;
  return Status::OK();
}

Status FakeSystem::DeleteLink(const std::string& name) {
  SLAPOS_RETURN_IF_ERROR(Mutate("ip link del " + name));
  return taps.erase(name) ? Status::OK() : NotFound(name);
}

}  // namespace slapos::node
