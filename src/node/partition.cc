#include "node/partition.h"

namespace slapos::node {

std::string BuildoutTail(const SlapConnection& c) {
  std::string t;
  t += "[buildout]\nbin-directory = ${buildout:directory}/sbin\noffline = true\n\n";
  t += "[slap-connection]\n";
  t += "computer-id = " + c.computer_id + "\n";
  t += "partition-id = " + c.partition_id + "\n";
  t += "server-url = " + c.server_url + "\n";
  t += "software-release-url = " + c.software_release_url + "\n";
  t += "key-file = " + c.key_file + "\n";
  t += "cert-file = " + c.cert_file + "\n";
  t += "requested-state = " + c.requested_state + "\n\n";
  t += "[slap_connection]\n";
  t += "computer_id = " + c.computer_id + "\n";
  t += "partition_id = " + c.partition_id + "\n";
  t += "server_url = " + c.server_url + "\n";
  t += "software_release_url = " + c.software_release_url + "\n";
  t += "key_file = " + c.key_file + "\n";
  t += "cert_file = " + c.cert_file + "\n";
  return t;
}

std::string PartitionBuildoutProfile(const std::string& instance_cfg, const SlapConnection& c) {
  std::string out = instance_cfg;
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + "\n\n" + BuildoutTail(c);
}

bool PartitionUpToDate(const TimestampCheck& t) {
  if (t.master.empty() || t.periodicity == 0 || !t.stored) return false;
  if (*t.stored != t.master) return false;
  return t.periodicity < 0 || t.now <= t.stored_mtime + t.periodicity;
}

}  // namespace slapos::node
