// Runs the master: opens the store, serves the API over HTTP until SIGTERM/SIGINT, then stops
// accepting, finishes in-flight requests and closes the database cleanly.
#pragma once

#include <string>

#include "util/status.h"

namespace slapos::master {

struct MasterOptions {
  std::string host = "127.0.0.1";
  int port = 5000;
  std::string database;  // SQLite file
  int threads = 2;
  bool access_log = true;
  // [slapos] computer_id of `slapos proxy start`: logged for information; allocation looks at
  // every registered node (see docs/master.md).
  std::string computer_id;
};

// Blocks until a termination signal. Prints "slapos master listening on http://H:P" once ready.
Status RunMaster(const MasterOptions& options);

}  // namespace slapos::master
