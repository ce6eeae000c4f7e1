// Promises (node.md §5): the executables in a partition's etc/promise/, each run to completion
// as the partition user, in the partition directory, with a timeout. Exit 0 = kept; anything
// else (or the timeout) = broken, with the program's output as the message. Each result is also
// saved as .slapgrid/promise/result/<name>.status.json. One promise at a time; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "util/env.h"
#include "util/status.h"

namespace slapos::node {

struct PromiseResult {
  std::string name;  // file name in etc/promise/
  std::string path;
  bool failed = false;
  bool timed_out = false;
  std::string message;  // output (last 5000 characters) or the timeout text
  double seconds = 0;
};

struct PromiseRunOptions {
  std::string partition_path;
  std::optional<uid_t> uid;  // run as this user (its gid and groups); unset: as ourselves
  std::optional<gid_t> gid;
  double timeout_seconds = 20;
  bool save_results = true;  // write .slapgrid/promise/result/*.status.json
};

// Runs every executable regular file of <partition>/etc/promise/ in name order. A missing
// directory means no promises. Non-executable entries are skipped with a warning.
Result<std::vector<PromiseResult>> RunPromises(const PromiseRunOptions& options, Env& env);

// "Promise '<name>' failed with output: <message>" for the first failure, or nullopt.
std::optional<std::string> FirstPromiseFailure(const std::vector<PromiseResult>& results);

}  // namespace slapos::node
