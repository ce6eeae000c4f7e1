// The watchdog's master side (node.md §8.4): a bang of one partition over the master API v0
// (get.v0.compute_partition for the instance, then put.v0.software_instance_bang), with the
// partition's certificate from the certificate repository when there is one, else the node's.
// One SlapClient per bang; not thread-safe.
#pragma once

#include <string>

#include "node/watchdog.h"

namespace slapos::node {

struct WatchdogConnection {
  std::string master_url;
  std::string computer_id;
  std::string certificate_repository_path;  // <repo>/<partition>.crt and .key; "" = none
  std::string key_file, cert_file;          // the node's TLS identity (fallback)
  std::string master_ca_file;
};

class SlapBangSender : public BangSender {
 public:
  explicit SlapBangSender(WatchdogConnection c) : c_(std::move(c)) {}
  Status Bang(const std::string& partition, const std::string& message) override;

 private:
  WatchdogConnection c_;
};

}  // namespace slapos::node
