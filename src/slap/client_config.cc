#include "slap/client_config.h"

#include "util/file.h"
#include "util/ini.h"
#include "util/strings.h"

namespace slapos::slap {

Result<ClientConfig> ResolveClientConfig(const ClientConfigFlags& flags, const char* env_config,
                                         const std::string& home) {
  ClientConfig c;
  std::string path;
  bool must_exist = true;
  if (!flags.cfg.empty()) {
    path = flags.cfg;
  } else if (env_config != nullptr && *env_config != '\0') {
    path = env_config;
  } else if (!home.empty()) {
    path = home + "/.slapos/slapos-client.cfg";
    must_exist = false;
  }
  if (!path.empty() && (must_exist || PathExists(path))) {
    if (!PathExists(path)) {
      return InvalidArgument("client configuration file '" + path + "' does not exist" +
                             (flags.cfg.empty() ? std::string(" (named by $") + kClientConfigEnv + ")" : ""));
    }
    SLAPOS_ASSIGN_OR_RETURN(IniFile ini, ReadIniFile(path, IniOptions{.strict = false}));
    c.config_path = path;
    c.master_url = ini.Get("slapos", "master_url");
    c.cert_file = ini.Get("slapconsole", "cert_file", ini.Get("slapos", "cert_file"));
    c.key_file = ini.Get("slapconsole", "key_file", ini.Get("slapos", "key_file"));
    c.ca_file = ini.Get("slapos", "master_ca_file");
  }
  if (!flags.master_url.empty()) c.master_url = flags.master_url;
  if (!flags.cert_file.empty()) c.cert_file = flags.cert_file;
  if (!flags.key_file.empty()) c.key_file = flags.key_file;
  if (!flags.ca_file.empty()) c.ca_file = flags.ca_file;

  if (c.master_url.empty()) {
    return InvalidArgument(std::string("no master URL: give --master-url URL, or set master_url in [slapos] of "
                                       "the client configuration (--cfg FILE, $") +
                           kClientConfigEnv + " or ~/.slapos/slapos-client.cfg)");
  }
  std::string lower = ToLower(c.master_url);
  bool https = StartsWith(lower, "https://");
  if (!https && !StartsWith(lower, "http://")) {
    return InvalidArgument("master URL '" + c.master_url + "' must start with http:// or https://");
  }
  if (c.cert_file.empty() != c.key_file.empty()) {
    return InvalidArgument("client certificate and key go together: got cert_file='" + c.cert_file +
                           "' and key_file='" + c.key_file + "'");
  }
  if (https && c.cert_file.empty()) {
    return InvalidArgument("master URL '" + c.master_url +
                           "' is https but no client certificate is configured: set cert_file and key_file in "
                           "[slapconsole] (or give --cert-file and --key-file)");
  }
  return c;
}

SlapClientOptions ToSlapClientOptions(const ClientConfig& config) {
  SlapClientOptions o;
  o.master_url = config.master_url;
  o.http.cert_file = config.cert_file;
  o.http.key_file = config.key_file;
  o.http.ca_file = config.ca_file;
  o.http.user_agent = "slapos-cpp client";
  return o;
}

}  // namespace slapos::slap
