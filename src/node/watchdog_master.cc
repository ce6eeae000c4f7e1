#include "node/watchdog_master.h"

#include "slap/slap_client.h"
#include "util/file.h"

namespace slapos::node {

Status SlapBangSender::Bang(const std::string& partition, const std::string& message) {
  slap::SlapClientOptions o;
  o.master_url = c_.master_url;
  o.http.ca_file = c_.master_ca_file;
  o.http.user_agent = "slapos-cpp watchdog";
  o.http.cert_file = c_.cert_file;
  o.http.key_file = c_.key_file;
  if (!c_.certificate_repository_path.empty()) {
    std::string base = c_.certificate_repository_path + "/" + partition;
    if (PathExists(base + ".crt") && PathExists(base + ".key")) {
      o.http.cert_file = base + ".crt";
      o.http.key_file = base + ".key";
    }
  }
  slap::SlapClient client(std::move(o));
  auto instance = client.GetPartition(c_.computer_id, partition);
  if (!instance.ok())
    return instance.status().WithContext("asking " + c_.master_url + " which instance runs in " +
                                         partition);
  if (instance->instance_guid.empty())
    return NotFound("the master " + c_.master_url + " has no instance in partition " + partition +
                    " of " + c_.computer_id);
  return client.BangInstance(instance->instance_guid, message);
}

}  // namespace slapos::node
