#include "node/format.h"

#include <algorithm>
#include <map>
#include <set>

#include "node/ipv6.h"
#include "util/log.h"

namespace slapos::node {

namespace {

std::string Octal(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m));
  return buf;
}

class Formatter {
 public:
  Formatter(const NodeConfig& c, NodeSystem& s, Env& env) : c_(c), sys_(s), env_(env) {}

  Result<FormatResult> Run() {
    SLAPOS_ASSIGN_OR_RETURN(def_, LoadComputerDefinition(c_, sys_));
    ComputerDefinition saved = def_;
    SLAPOS_RETURN_IF_ERROR(Check());
    // Nothing has been changed so far; from here on, the system is brought to the definition.
    AddNewPartitions();
    SLAPOS_RETURN_IF_ERROR(EnsureDirectory(c_.instance_root, 0755, std::nullopt));
    SLAPOS_RETURN_IF_ERROR(EnsureDirectory(c_.software_root, 0755, std::nullopt));
    if (c_.alter_user) SLAPOS_RETURN_IF_ERROR(EnsureSoftwareUser());
    for (auto& p : def_.partitions) SLAPOS_RETURN_IF_ERROR(EnsurePartitionUserAndDirectory(p));
    if (c_.alter_network) SLAPOS_RETURN_IF_ERROR(EnsureNetwork());
    if (c_.create_tap && c_.alter_network)
      for (auto& p : def_.partitions) SLAPOS_RETURN_IF_ERROR(EnsureTap(p));
    SLAPOS_RETURN_IF_ERROR(Save(saved));
    return FormatResult{def_, changes_};
  }

 private:
  // Everything that can be refused is refused here, before any change.
  Status Check() {
    if (!def_.reference.empty() && def_.reference != c_.computer_id)
      return FailedPrecondition(c_.computer_json + " was made for computer '" + def_.reference +
                                "' but computer_id is '" + c_.computer_id +
                                "'; restore computer_id or remove the definition to format from scratch");
    if (static_cast<int>(def_.partitions.size()) > c_.partition_amount)
      return FailedPrecondition(c_.path + ": partition_amount = " + std::to_string(c_.partition_amount) +
                                " but " + std::to_string(def_.partitions.size()) +
                                " partitions already exist; partitions are never removed, set partition_amount to "
                                "at least " + std::to_string(def_.partitions.size()));
    if (!c_.alter_network) return Status::OK();
    if (!sys_.InterfaceExists(c_.interface_name))
      return InvalidArgument(c_.path + ": interface_name = '" + c_.interface_name +
                             "' is not a network interface of this machine; create it or name another one");
    if (!sys_.InterfaceExists(c_.Ipv6Interface()))
      return InvalidArgument(c_.path + ": ipv6_interface = '" + c_.Ipv6Interface() +
                             "' is not a network interface of this machine");
    SLAPOS_ASSIGN_OR_RETURN(ipv4_net_, ParseIpv4Network(c_.ipv4_local_network));
    SLAPOS_ASSIGN_OR_RETURN(addresses_, sys_.ListAddresses());
    SLAPOS_RETURN_IF_ERROR(ChooseIpv6Base());
    if (c_.partition_has_ipv6_range) {
      auto r = PartitionIpv6Range(base6_, c_.ipv6_prefixshift, std::max(0, c_.partition_amount - 1));
      if (!r.ok()) return r.status().WithContext(c_.path + ": ipv6_prefixshift");
    }
    for (const auto& p : def_.partitions) {
      if (!p.ipv4.empty() && !ParseIpv4(p.ipv4).ok())
        return Corruption(c_.computer_json + ": partition " + p.reference + " has IPv4 '" + p.ipv4 +
                          "'; fix or remove the definition");
      if (!p.ipv6.empty() && !ParseIpv6(p.ipv6).ok())
        return Corruption(c_.computer_json + ": partition " + p.reference + " has IPv6 '" + p.ipv6 +
                          "'; fix or remove the definition");
    }
    return Status::OK();
  }

  Status ChooseIpv6Base() {
    if (!c_.ipv6_prefix.empty()) {
      auto net = ParseIpv6Network(c_.ipv6_prefix);
      if (!net.ok() || net->prefixlen > 120)
        return InvalidArgument(c_.path + ": ipv6_prefix = '" + c_.ipv6_prefix +
                               "' is not an IPv6 network of at most /120 (e.g. fd00:1::/64)");
      base6_ = {net->Network(), net->prefixlen};
      return Status::OK();
    }
    // The interface's global addresses: shortest prefix first, then lowest address; a stored
    // base address wins when one of them contains it (node.md §1.6).
    std::vector<Ipv6Network> candidates;
    for (const auto& a : addresses_) {
      if (!a.ipv6 || !a.global || a.tentative || a.interface != c_.Ipv6Interface()) continue;
      auto bits = ParseIpv6(a.address);
      if (bits.ok()) candidates.push_back({*bits, a.prefixlen});
    }
    if (candidates.empty())
      return FailedPrecondition("interface " + c_.Ipv6Interface() +
                                " must have at least one global IPv6 address (or set ipv6_prefix in " + c_.path + ")");
    std::sort(candidates.begin(), candidates.end(), [](const Ipv6Network& a, const Ipv6Network& b) {
      return a.prefixlen != b.prefixlen ? a.prefixlen < b.prefixlen : a.address < b.address;
    });
    base6_ = candidates.front();
    if (!def_.address.empty()) {
      auto stored = ParseIpv6(def_.address);
      for (const auto& cand : candidates)
        if (stored.ok() && cand.Contains(*stored)) {
          base6_ = cand;
          break;
        }
    }
    return Status::OK();
  }

  void AddNewPartitions() {
    def_.reference = c_.computer_id;
    def_.interface_name = c_.interface_name;
    def_.ipv6_interface = c_.Ipv6Interface();
    def_.ipv4_local_network = c_.ipv4_local_network;
    def_.software_user = c_.software_user;
    def_.software_root = c_.software_root;
    def_.instance_root = c_.instance_root;
    if (c_.alter_network) {
      def_.address = Ipv6ToString(base6_.address);
      def_.prefixlen = base6_.prefixlen;
    }
    for (int i = static_cast<int>(def_.partitions.size()); i < c_.partition_amount; ++i) {
      PartitionDefinition p;
      p.index = i;
      def_.partitions.push_back(p);
    }
    for (auto& p : def_.partitions) {
      p.reference = c_.PartitionReference(p.index);
      p.path = c_.PartitionPath(p.index);
      p.user = c_.PartitionUser(p.index);
      p.tap = c_.PartitionTap(p.index);
    }
  }

  void Changed(const std::string& line) {
    LOG_INFO("format: {}", line);
    changes_.push_back(line);
  }

  Status EnsureDirectory(const std::string& path, mode_t mode, std::optional<std::pair<uid_t, gid_t>> owner) {
    PathInfo info = sys_.Stat(path);
    if (info.exists && !info.is_dir) return FailedPrecondition(path + " exists and is not a directory; move it away");
    if (!info.exists) {
      SLAPOS_RETURN_IF_ERROR(sys_.MakeDir(path, mode));
      Changed("created directory " + path + " mode " + Octal(mode));
      info = sys_.Stat(path);
    } else if (info.mode != mode) {
      SLAPOS_RETURN_IF_ERROR(sys_.Chmod(path, mode));
      Changed("chmod " + Octal(mode) + " " + path + " (was " + Octal(info.mode) + ")");
    }
    if (owner && (info.uid != owner->first || info.gid != owner->second)) {
      SLAPOS_RETURN_IF_ERROR(sys_.Chown(path, owner->first, owner->second));
      Changed("chown " + std::to_string(owner->first) + ":" + std::to_string(owner->second) + " " + path);
    }
    return Status::OK();
  }

  Result<UserInfo> EnsureUser(const NewUser& want) {
    SLAPOS_ASSIGN_OR_RETURN(auto group, sys_.LookupGroup(want.group));
    if (!group) {
      SLAPOS_RETURN_IF_ERROR(sys_.CreateGroup(want.group, want.system));
      Changed("created group " + want.group);
      SLAPOS_ASSIGN_OR_RETURN(group, sys_.LookupGroup(want.group));
      if (!group) return Internal("group " + want.group + " was created but cannot be found");
    }
    SLAPOS_ASSIGN_OR_RETURN(auto user, sys_.LookupUser(want.name));
    if (!user) {
      SLAPOS_RETURN_IF_ERROR(sys_.CreateUser(want));
      Changed("created user " + want.name + " (home " + want.home + ")");
    } else {
      bool groups_ok = std::all_of(want.groups.begin(), want.groups.end(), [&](const std::string& g) {
        return std::find(user->groups.begin(), user->groups.end(), g) != user->groups.end();
      });
      if (user->home != want.home || user->shell != want.shell || user->gid != *group || !groups_ok) {
        SLAPOS_RETURN_IF_ERROR(sys_.UpdateUser(want));
        Changed("updated user " + want.name + " (home " + want.home + ", groups " +
                (want.groups.empty() ? "-" : want.groups.front()) + ")");
      }
    }
    SLAPOS_ASSIGN_OR_RETURN(user, sys_.LookupUser(want.name));
    if (!user) return Internal("user " + want.name + " was created but cannot be found");
    if (!user->password_locked) {
      SLAPOS_RETURN_IF_ERROR(sys_.LockPassword(want.name));
      Changed("locked the password of " + want.name);
    }
    return *user;
  }

  Status EnsureSoftwareUser() {
    NewUser u;
    u.name = c_.software_user;
    u.group = c_.software_user;
    u.home = c_.software_root;
    u.system = true;
    SLAPOS_ASSIGN_OR_RETURN(software_user_, EnsureUser(u));
    return EnsureDirectory(c_.software_root, 0755, std::pair{software_user_.uid, software_user_.gid});
  }

  Status EnsurePartitionUserAndDirectory(const PartitionDefinition& p) {
    if (!c_.alter_user) return EnsureDirectory(p.path, 0750, std::nullopt);
    NewUser u;
    u.name = p.user;
    u.group = p.user;
    u.home = p.path;
    u.groups = {c_.software_user};
    SLAPOS_ASSIGN_OR_RETURN(UserInfo info, EnsureUser(u));
    uids_[p.index] = info.uid;
    return EnsureDirectory(p.path, 0750, std::pair{info.uid, info.gid});
  }

  bool AddressOn(const std::string& addr, const std::string& iface) const {
    for (const auto& a : addresses_)
      if (a.address == addr && a.interface == iface) return true;
    return false;
  }
  bool AddressElsewhere(const std::string& addr, const std::string& iface) const {
    for (const auto& a : addresses_)
      if (a.address == addr && a.interface != iface) return true;
    return false;
  }

  Result<std::string> NewIpv4(const std::set<std::string>& taken) {
    uint32_t size = ipv4_net_.prefixlen == 0 ? 0xffffffffu : (uint32_t{1} << (32 - ipv4_net_.prefixlen));
    uint32_t hosts = size - 2;  // without network and broadcast
    uint32_t start = static_cast<uint32_t>(env_.Random() % hosts);
    for (uint32_t k = 0; k < hosts; ++k) {
      std::string a = Ipv4ToString(ipv4_net_.address + 1 + (start + k) % hosts);
      if (taken.count(a) || AddressElsewhere(a, c_.interface_name) || AddressOn(a, c_.interface_name)) continue;
      return a;
    }
    return FailedPrecondition("ipv4_local_network " + c_.ipv4_local_network + " has no free address left for " +
                              std::to_string(c_.partition_amount) + " partitions; use a larger network");
  }

  Status EnsureNetwork() {
    std::set<std::string> taken;
    for (const auto& p : def_.partitions)
      if (!p.ipv4.empty()) taken.insert(p.ipv4);
    for (auto& p : def_.partitions) {
      // IPv4: keep the stored one unless another interface holds it.
      if (!p.ipv4.empty()) {
        auto bits = ParseIpv4(p.ipv4);
        uint32_t mask = ipv4_net_.prefixlen == 0 ? 0 : ~uint32_t{0} << (32 - ipv4_net_.prefixlen);
        bool in_net = bits.ok() && (*bits & mask) == ipv4_net_.address;
        if (!in_net || AddressElsewhere(p.ipv4, c_.interface_name)) {
          Changed("partition " + p.reference + ": IPv4 " + p.ipv4 + " is no longer usable, choosing another");
          p.ipv4.clear();
        }
      }
      if (p.ipv4.empty()) {
        SLAPOS_ASSIGN_OR_RETURN(p.ipv4, NewIpv4(taken));
        taken.insert(p.ipv4);
      }
      if (!AddressOn(p.ipv4, c_.interface_name)) {
        SLAPOS_RETURN_IF_ERROR(sys_.AddAddress(c_.interface_name, p.ipv4, 32, false));
        addresses_.push_back({c_.interface_name, p.ipv4, 32, false, true, false});
        Changed("partition " + p.reference + ": added " + p.ipv4 + "/32 on " + c_.interface_name);
      }
      // IPv6: the stored one while it is inside the base network, else the computed one.
      auto stored6 = p.ipv6.empty() ? Result<Ipv6Bits>(InvalidArgument("none")) : ParseIpv6(p.ipv6);
      if (!stored6.ok() || !base6_.Contains(*stored6) || p.ipv6_prefixlen != base6_.prefixlen) {
        p.ipv6 = Ipv6ToString(PartitionIpv6(base6_, p.index));
        p.ipv6_prefixlen = base6_.prefixlen;
      }
      if (!AddressOn(p.ipv6, c_.Ipv6Interface())) {
        SLAPOS_RETURN_IF_ERROR(sys_.AddAddress(c_.Ipv6Interface(), p.ipv6, p.ipv6_prefixlen, true));
        addresses_.push_back({c_.Ipv6Interface(), p.ipv6, p.ipv6_prefixlen, true, true, false});
        Changed("partition " + p.reference + ": added " + p.ipv6 + "/" + std::to_string(p.ipv6_prefixlen) + " on " +
                c_.Ipv6Interface());
      }
    }
    if (!c_.partition_has_ipv6_range) {
      for (auto& p : def_.partitions) p.ipv6_range.clear();
      return Status::OK();
    }
    SLAPOS_ASSIGN_OR_RETURN(auto routes, sys_.ListLocalIpv6Routes());
    std::set<std::string> have(routes.begin(), routes.end());
    for (auto& p : def_.partitions) {
      SLAPOS_ASSIGN_OR_RETURN(Ipv6Network range, PartitionIpv6Range(base6_, c_.ipv6_prefixshift, p.index));
      p.ipv6_range = range.ToString();
      if (!have.count(p.ipv6_range)) {
        SLAPOS_RETURN_IF_ERROR(sys_.AddLocalIpv6Route(p.ipv6_range));
        Changed("partition " + p.reference + ": local route for " + p.ipv6_range);
      }
    }
    return sys_.EnableIpv6NonLocalBind();
  }

  Status EnsureTap(PartitionDefinition& p) {
    std::optional<uid_t> owner = sys_.TapOwner(p.tap);
    std::string user = c_.alter_user ? p.user : "root";
    if (!owner) {
      SLAPOS_RETURN_IF_ERROR(sys_.CreateTap(p.tap, user));
      Changed("partition " + p.reference + ": created tap " + p.tap + " owned by " + user);
    } else if (c_.alter_user && uids_.count(p.index) && *owner != uids_[p.index]) {
      LOG_WARNING("format: tap {} is owned by uid {}, not {} ({}); delete it to have it recreated", p.tap, *owner,
                  uids_[p.index], p.user);
    }
    p.tap_created = true;
    return Status::OK();
  }

  Status Save(const ComputerDefinition& saved) {
    for (const auto& p : def_.partitions) {
      std::string resource = p.path + "/.slapos-resource";
      std::string want = EncodePartitionResource(p);
      auto have = sys_.ReadFile(resource);
      if (!have.ok() || *have != want) {
        SLAPOS_RETURN_IF_ERROR(sys_.WriteFile(resource, want, 0644));
        Changed("wrote " + resource);
      }
    }
    if (saved == def_ && sys_.Stat(c_.computer_json).exists) return Status::OK();
    SLAPOS_RETURN_IF_ERROR(sys_.MakeDir(Dirname(c_.computer_json), 0755));
    SLAPOS_RETURN_IF_ERROR(sys_.WriteFile(c_.computer_json, EncodeComputerJson(def_), 0644));
    Changed("wrote " + c_.computer_json);
    return Status::OK();
  }

  static std::string Dirname(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
  }

  const NodeConfig& c_;
  NodeSystem& sys_;
  Env& env_;
  ComputerDefinition def_;
  Ipv4Network ipv4_net_;
  Ipv6Network base6_;
  std::vector<InterfaceAddress> addresses_;
  UserInfo software_user_;
  std::map<int, uid_t> uids_;
  std::vector<std::string> changes_;
};

}  // namespace

Result<ComputerDefinition> LoadComputerDefinition(const NodeConfig& config, NodeSystem& system) {
  if (!system.Stat(config.computer_json).exists) return ComputerDefinition{};
  SLAPOS_ASSIGN_OR_RETURN(std::string text, system.ReadFile(config.computer_json));
  return DecodeComputerJson(text, config.computer_json);
}

Result<FormatResult> Format(const NodeConfig& config, NodeSystem& system, Env& env) {
  return Formatter(config, system, env).Run();
}

Result<std::vector<std::string>> Unformat(const NodeConfig& config, NodeSystem& system) {
  SLAPOS_ASSIGN_OR_RETURN(ComputerDefinition def, LoadComputerDefinition(config, system));
  std::vector<std::string> changes;
  auto note = [&](const std::string& line) {
    LOG_INFO("unformat: {}", line);
    changes.push_back(line);
  };
  std::vector<InterfaceAddress> addresses;
  if (auto a = system.ListAddresses(); a.ok()) addresses = *a;
  std::vector<std::string> routes;
  if (auto r = system.ListLocalIpv6Routes(); r.ok()) routes = *r;
  auto on = [&](const std::string& addr, std::string* iface, int* len) {
    for (const auto& a : addresses)
      if (a.address == addr) {
        *iface = a.interface;
        *len = a.prefixlen;
        return true;
      }
    return false;
  };
  for (const auto& p : def.partitions) {
    if (system.TapOwner(p.tap) && p.tap_created) {
      SLAPOS_RETURN_IF_ERROR(system.DeleteLink(p.tap));
      note("deleted tap " + p.tap);
    }
    for (const auto& [addr, v6] : {std::pair{p.ipv4, false}, {p.ipv6, true}}) {
      std::string iface;
      int len = 0;
      if (!addr.empty() && on(addr, &iface, &len)) {
        SLAPOS_RETURN_IF_ERROR(system.DeleteAddress(iface, addr, len, v6));
        note("deleted " + addr + " from " + iface);
      }
    }
    if (!p.ipv6_range.empty() && std::find(routes.begin(), routes.end(), p.ipv6_range) != routes.end()) {
      SLAPOS_RETURN_IF_ERROR(system.DeleteLocalIpv6Route(p.ipv6_range));
      note("deleted local route " + p.ipv6_range);
    }
    if (system.Stat(p.path).exists) {
      SLAPOS_RETURN_IF_ERROR(system.RemoveAll(p.path));
      note("removed " + p.path);
    }
    if (config.alter_user) {
      SLAPOS_ASSIGN_OR_RETURN(auto u, system.LookupUser(p.user));
      if (u) {
        SLAPOS_RETURN_IF_ERROR(system.DeleteUser(p.user));
        note("deleted user " + p.user);
      }
      SLAPOS_ASSIGN_OR_RETURN(auto g, system.LookupGroup(p.user));
      if (g) {
        SLAPOS_RETURN_IF_ERROR(system.DeleteGroup(p.user));
        note("deleted group " + p.user);
      }
    }
  }
  if (config.alter_user && !def.software_user.empty()) {
    SLAPOS_ASSIGN_OR_RETURN(auto u, system.LookupUser(def.software_user));
    if (u) {
      SLAPOS_RETURN_IF_ERROR(system.DeleteUser(def.software_user));
      note("deleted user " + def.software_user);
    }
    SLAPOS_ASSIGN_OR_RETURN(auto g, system.LookupGroup(def.software_user));
    if (g) {
      SLAPOS_RETURN_IF_ERROR(system.DeleteGroup(def.software_user));
      note("deleted group " + def.software_user);
    }
  }
  if (system.Stat(config.computer_json).exists) {
    SLAPOS_RETURN_IF_ERROR(system.RemoveAll(config.computer_json));
    note("removed " + config.computer_json);
  }
  return changes;
}

}  // namespace slapos::node
