// slapos.cookbook:request / requestoptional (and their .serialised variants): a profile asks
// the master for another instance, as the partition it runs in, and reads back the child's
// connection parameters as `connection-<name>` options (profiles.md §2 "request", §4.5).
// The option parsing and the mapping of the master's answer onto options are pure functions
// (unit-tested); the recipe object talks to the master at Init. Thread-safe: no shared state.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "build/recipe.h"
#include "slap/model.h"
#include "util/status.h"

namespace slapos::node {

// Which of the four recipe names.
struct RequestFlavour {
  bool optional = false;    // requestoptional: a missing value or a failed request only warns
  bool serialised = false;  // parameters sent as {"_": "<json>"}, connection read from "_"
};

// Everything the recipe needs, read from its options (and [slap-connection] for what the
// section does not say itself).
struct RequestSpec {
  // Who asks: the requesting partition and its master.
  std::string server_url;
  std::string computer_id;
  std::string partition_id;
  std::string key_file;
  std::string cert_file;
  // What is asked.
  slap::InstanceRequest request;
  std::vector<std::string> return_names;  // `return`, whitespace separated
};

// Reads the options: `name` and `software-url` are required; `software-type` (default
// "default"), `shared` (or legacy `slave`), `state` (started|stopped|destroyed; default: the
// [slap-connection] `requested-state` when it is started/stopped, else started),
// `config-<k>` -> parameters, `sla-<k>` -> SLA, `return`. `slap_connection` fills
// server-url/computer-id/partition-id/key-file/cert-file when the section lacks them.
Result<RequestSpec> ParseRequestOptions(const std::string& part, const build::Options& options,
                                        const build::Options& slap_connection, RequestFlavour flavour);

// The options the recipe adds from the master's answer: connection-<name> for each returned
// name ("" when missing), instance-guid, instance-state, instance-status, requested-state.
struct RequestOutputs {
  build::Options options;
  std::vector<std::string> missing;  // returned names the child has not published yet
};
RequestOutputs OutputsFromAnswer(const RequestSpec& spec, const slap::InstanceAnswer& answer,
                                 RequestFlavour flavour);

// Appends `reference` (once) to <instance_root>/<partition>/.slapos-request-transaction-<partition>
// (node.md §4.6); the node later tells the master which children the partition still wants.
Status RecordRequestTransaction(const std::string& instance_root, const std::string& partition_id,
                                const std::string& reference);

std::unique_ptr<build::Recipe> NewRequestRecipe(RequestFlavour flavour);

}  // namespace slapos::node
