#include "node/config.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <map>

#include "util/strings.h"

namespace slapos::node {

std::string Ipv4ToString(uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 255) + "." +
         std::to_string((address >> 8) & 255) + "." + std::to_string(address & 255);
}

Result<uint32_t> ParseIpv4(const std::string& text) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return InvalidArgument("'" + text + "' is not an IPv4 address");
  return static_cast<uint32_t>(ntohl(a.s_addr));
}

std::string Ipv4Network::ToString() const { return Ipv4ToString(address) + "/" + std::to_string(prefixlen); }

Result<Ipv4Network> ParseIpv4Network(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos)
    return InvalidArgument("'" + text + "' is not an IPv4 network (expected a.b.c.d/len, e.g. 10.0.0.0/16)");
  auto addr = ParseIpv4(text.substr(0, slash));
  long long len = 0;
  if (!addr.ok() || !ParseInt64(text.substr(slash + 1), &len) || len < 0 || len > 32)
    return InvalidArgument("'" + text + "' is not an IPv4 network (expected a.b.c.d/len, e.g. 10.0.0.0/16)");
  Ipv4Network n;
  n.prefixlen = static_cast<int>(len);
  uint32_t mask = n.prefixlen == 0 ? 0 : ~uint32_t{0} << (32 - n.prefixlen);
  n.address = *addr & mask;
  return n;
}

std::string DefaultNodeConfigPath(const std::string& cli_value) {
  if (!cli_value.empty()) return cli_value;
  if (const char* env = std::getenv("SLAPOS_CONFIGURATION"); env && *env) return env;
  return "/etc/opt/slapos/slapos.cfg";
}

namespace {

// [slapformat] then [slapos], flat; remembers where each value came from.
struct FlatConfig {
  struct Value {
    std::string value;
    std::string where;  // "file:line [section]"
  };
  std::map<std::string, Value> values;

  const Value* Find(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? nullptr : &it->second;
  }
};

class Reader {
 public:
  Reader(const FlatConfig& flat, const std::string& path) : flat_(flat), path_(path) {}

  void String(const char* key, std::string* out) {
    if (auto* v = flat_.Find(key)) *out = v->value;
  }
  void Bool(const char* key, bool* out) {
    auto* v = flat_.Find(key);
    if (!v) return;
    if (!ParseBool(v->value, out)) Fail(key, v, "is not a boolean; write True or False");
  }
  void Int(const char* key, int64_t min, int64_t max, int64_t* out) {
    auto* v = flat_.Find(key);
    if (!v) return;
    long long n = 0;
    if (!ParseInt64(v->value, &n) || n < min || n > max) {
      Fail(key, v, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
      return;
    }
    *out = n;
  }
  void Seconds(const char* key, double* out) {
    auto* v = flat_.Find(key);
    if (!v) return;
    char* end = nullptr;
    double d = std::strtod(v->value.c_str(), &end);
    if (v->value.empty() || *end != '\0' || d < 0) {
      Fail(key, v, "must be a number of seconds >= 0");
      return;
    }
    *out = d;
  }
  void Fail(const std::string& key, const FlatConfig::Value* v, const std::string& what) {
    if (!status_.ok()) return;
    std::string value = v ? " = '" + v->value + "'" : "";
    std::string where = v ? v->where : path_;
    status_ = InvalidArgument(where + ": option " + key + value + " " + what);
  }
  void Require(const std::string& key, const std::string& value, const std::string& why) {
    if (value.empty()) Fail(key, flat_.Find(key), "is required" + why + "; set it in " + path_);
  }
  const Status& status() const { return status_; }

 private:
  const FlatConfig& flat_;
  std::string path_;
  Status status_;
};

}  // namespace

Result<NodeConfig> ParseNodeConfig(const IniFile& ini, ConfigUse use) {
  NodeConfig c;
  c.path = ini.path.empty() ? std::string("<slapos.cfg>") : ini.path;
  FlatConfig flat;
  for (const char* name : {"slapformat", "slapos"}) {
    const IniSection* s = ini.Find(name);
    if (!s) continue;
    for (const IniEntry& e : s->entries)
      flat.values[e.key] = {e.value, c.path + ":" + std::to_string(e.line) + " [" + name + "]"};
  }
  if (!ini.Find("slapos")) return InvalidArgument(c.path + ": no [slapos] section; a node configuration needs one");
  if (use == ConfigUse::kFormat && !ini.Find("slapformat"))
    return InvalidArgument(c.path + ": no [slapformat] section; 'slapos node format' needs one");

  Reader r(flat, c.path);
  for (const char* gone : {"bridge_name", "no_bridge"})
    if (auto* v = flat.Find(gone)) r.Fail(gone, v, "is no longer supported (taps are routed, not bridged); remove it");

  r.String("computer_id", &c.computer_id);
  r.String("master_url", &c.master_url);
  r.String("software_root", &c.software_root);
  r.String("instance_root", &c.instance_root);
  r.String("key_file", &c.key_file);
  r.String("cert_file", &c.cert_file);
  r.String("master_ca_file", &c.master_ca_file);
  r.String("certificate_repository_path", &c.certificate_repository_path);
  r.Int("maximum_periodicity", -1, int64_t{1} << 40, &c.maximum_periodicity);
  r.Seconds("promise_timeout", &c.promise_timeout);
  if (flat.Find("partition-timeout") && !flat.Find("partition_timeout")) {
    auto* v = flat.Find("partition-timeout");
    flat.values["partition_timeout"] = *v;
  }
  r.Seconds("partition_timeout", &c.partition_timeout);
  r.String("pidfile_software", &c.pidfile_software);
  r.String("pidfile_instance", &c.pidfile_instance);
  r.String("pidfile_report", &c.pidfile_report);
  r.Bool("root_check", &c.root_check);

  int64_t amount = -1, shift = c.ipv6_prefixshift;
  r.Int("partition_amount", 0, 100000, &amount);
  c.partition_amount = static_cast<int>(amount);
  r.String("interface_name", &c.interface_name);
  r.String("ipv6_interface", &c.ipv6_interface);
  r.String("ipv6_prefix", &c.ipv6_prefix);
  r.String("ipv4_local_network", &c.ipv4_local_network);
  r.String("partition_base_name", &c.partition_base_name);
  r.String("user_base_name", &c.user_base_name);
  r.String("tap_base_name", &c.tap_base_name);
  r.String("software_user", &c.software_user);
  r.Bool("create_tap", &c.create_tap);
  r.Bool("tap_ipv6", &c.tap_ipv6);
  r.String("tap_gateway_interface", &c.tap_gateway_interface);
  r.Bool("create_tun", &c.create_tun);
  r.Bool("partition_has_ipv6_range", &c.partition_has_ipv6_range);
  r.Int("ipv6_prefixshift", 1, 64, &shift);
  c.ipv6_prefixshift = static_cast<int>(shift);
  r.Bool("alter_user", &c.alter_user);
  r.Bool("alter_network", &c.alter_network);
  r.String("instance_storage_home", &c.instance_storage_home);
  r.String("computer_xml", &c.computer_xml);
  r.String("computer_json", &c.computer_json);
  r.String("log_file", &c.log_file);
  if (!r.status().ok()) return r.status();

  r.Require("computer_id", c.computer_id, "");
  r.Require("master_url", c.master_url, "");
  r.Require("software_root", c.software_root, "");
  r.Require("instance_root", c.instance_root, "");
  for (auto [key, value] : {std::pair{"software_root", &c.software_root}, {"instance_root", &c.instance_root}})
    if (!value->empty() && (*value)[0] != '/') r.Fail(key, flat.Find(key), "must be an absolute path");
  if (!c.master_url.empty() && !StartsWith(c.master_url, "http://") && !StartsWith(c.master_url, "https://"))
    r.Fail("master_url", flat.Find("master_url"), "must start with http:// or https://");
  if (!c.key_file.empty() || !c.cert_file.empty()) {
    r.Require("key_file", c.key_file, " when cert_file is set");
    r.Require("cert_file", c.cert_file, " when key_file is set");
  }
  if (!r.status().ok()) return r.status();

  if (c.computer_json.empty()) {
    if (EndsWith(c.computer_xml, ".xml"))
      c.computer_json = c.computer_xml.substr(0, c.computer_xml.size() - 4) + ".json";
    else if (!c.computer_xml.empty())
      c.computer_json = c.computer_xml + ".json";
    else
      c.computer_json = "/opt/slapos/slapos.json";
  }

  if (use == ConfigUse::kFormat) {
    if (amount < 0) r.Require("partition_amount", "", "");
    for (auto [key, value] : {std::pair{"partition_base_name", &c.partition_base_name},
                              {"user_base_name", &c.user_base_name},
                              {"tap_base_name", &c.tap_base_name},
                              {"software_user", &c.software_user}}) {
      bool ok = !value->empty() && value->size() <= 24;
      for (char ch : *value)
        ok = ok && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-');
      if (!ok) r.Fail(key, flat.Find(key), "must be 1-24 characters of a-z, 0-9, '_' or '-'");
    }
    if (c.alter_network) {
      r.Require("interface_name", c.interface_name, " when alter_network is true");
      r.Require("ipv4_local_network", c.ipv4_local_network, " when alter_network is true");
    }
    if (!c.ipv4_local_network.empty()) {
      auto net = ParseIpv4Network(c.ipv4_local_network);
      if (!net.ok())
        r.Fail("ipv4_local_network", flat.Find("ipv4_local_network"), net.status().message());
      else if (net->prefixlen > 30)
        r.Fail("ipv4_local_network", flat.Find("ipv4_local_network"), "is too small; use a /30 or larger network");
    }
    // Every partition may use an address, a range, a tap range and a tun range (§1.2).
    if (c.ipv6_prefixshift < 62 && (int64_t{1} << c.ipv6_prefixshift) < int64_t{4} * c.partition_amount)
      r.Fail("ipv6_prefixshift", flat.Find("ipv6_prefixshift"),
             "is too small for partition_amount = " + std::to_string(c.partition_amount) +
                 " (2^ipv6_prefixshift must be >= 4 * partition_amount)");
    if (c.create_tun)
      r.Fail("create_tun", flat.Find("create_tun"), "is not supported by this node yet; set it to False");
    if (!c.tap_gateway_interface.empty())
      r.Fail("tap_gateway_interface", flat.Find("tap_gateway_interface"),
             "is not supported by this node yet; leave it empty");
    if (!c.instance_storage_home.empty())
      r.Fail("instance_storage_home", flat.Find("instance_storage_home"),
             "is not supported by this node yet; leave it empty");
  }
  if (!r.status().ok()) return r.status();
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::string& path, ConfigUse use) {
  SLAPOS_ASSIGN_OR_RETURN(IniFile ini, ReadIniFile(path));
  return ParseNodeConfig(ini, use);
}

}  // namespace slapos::node
