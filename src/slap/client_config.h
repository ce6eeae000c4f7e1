// Where the `slapos` client commands find their master: command-line flags first, then the
// client configuration file (--cfg FILE, else $SLAPOS_CLIENT_CONFIGURATION, else
// ~/.slapos/slapos-client.cfg when it exists), as SlapOS's client does:
//   [slapos]       master_url = http://127.0.0.1:5000   (master_ca_file = ca.pem: ours)
//   [slapconsole]  cert_file = ..., key_file = ...      (falls back to [slapos] cert_file/key_file)
// Pure function of its inputs; thread-safe.
#pragma once

#include <string>

#include "slap/slap_client.h"
#include "util/status.h"

namespace slapos::slap {

inline constexpr char kClientConfigEnv[] = "SLAPOS_CLIENT_CONFIGURATION";

struct ClientConfigFlags {
  std::string cfg;         // --cfg
  std::string master_url;  // --master-url
  std::string cert_file;   // --cert-file
  std::string key_file;    // --key-file
  std::string ca_file;     // --master-ca-file
};

struct ClientConfig {
  std::string master_url;
  std::string cert_file;
  std::string key_file;
  std::string ca_file;
  std::string config_path;  // the file read, "" when none
};

// `env_config` is the value of $SLAPOS_CLIENT_CONFIGURATION (nullptr when unset), `home` the
// user's home directory. Errors: a named configuration file that does not exist or does not
// parse, no master URL at all, a URL that is not http(s), an https URL without a client
// certificate and key (SlapOS refuses it too), a certificate without its key.
Result<ClientConfig> ResolveClientConfig(const ClientConfigFlags& flags, const char* env_config,
                                         const std::string& home);

SlapClientOptions ToSlapClientOptions(const ClientConfig& config);

}  // namespace slapos::slap
