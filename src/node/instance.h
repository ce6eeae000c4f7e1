// `slapos node instance` (node.md §4.1-4.4, 4.7, 4.10): the per-partition decision loop. The
// master and the deployment steps (buildout, supervisor, promises) sit behind two small seams
// so the decision is unit-tested with fakes; instance_master.h and instance_deployer.h hold the
// real ones. Partition files read and written here: .timestamp, .slapgrid-<PID>-error.log,
// .slapos-reported-status, .slapgrid/promise/last-check. One partition at a time, in master
// order; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

#include "node/promise.h"
#include "util/env.h"
#include "util/status.h"

namespace slapos::node {

// What the master wants for one busy partition of this node.
struct InstanceTarget {
  std::string reference;  // slappartN
  std::string instance_guid;
  std::string title;
  std::string software_release_uri;  // "" = none sent
  std::string software_type;
  std::string state;          // started / stopped / destroyed (anything else is an error)
  std::string timestamp;      // the master's processing timestamp as text; "" = none sent
  std::string access_status;  // "" = unknown; "#error ..." = the last report was an error
};

// A formatted partition on this node.
struct PartitionSlot {
  std::string reference;
  std::string path;
  std::string user;
  uid_t uid = 0;
  gid_t gid = 0;
};

class InstanceMaster {
 public:
  virtual ~InstanceMaster() = default;
  // Every busy partition of this node (destroyed ones included), in the master's order.
  virtual Result<std::vector<InstanceTarget>> List() = 0;
  virtual Status Started(const InstanceTarget& t) = 0;
  virtual Status Stopped(const InstanceTarget& t) = 0;
  virtual Status Error(const InstanceTarget& t, const std::string& message) = 0;
};

class PartitionDeployer {
 public:
  virtual ~PartitionDeployer() = default;
  // Renders the profile into the partition and runs the build engine as the partition user.
  virtual Status Install(const PartitionSlot& slot, const InstanceTarget& t) = 0;
  // The partition's supervisor group: started from etc/run + etc/service, or removed.
  virtual Status Start(const PartitionSlot& slot) = 0;
  virtual Status Stop(const PartitionSlot& slot) = 0;
  virtual Result<std::vector<PromiseResult>> Promises(const PartitionSlot& slot) = 0;
};

struct InstanceOptions {
  std::string software_root;             // for SR/<md5>/periodicity
  int64_t maximum_periodicity = 86400;   // seconds; forced redeploy of unchanged partitions
  std::vector<std::string> only;         // --only-cp: these references only
  bool force = false;                    // ignore .timestamp
  bool force_stop = false;               // buildout + stop; no promise, no report, no timestamp
  // Up-to-date started partitions reuse their last promise result younger than this (node.md
  // §5.3: legacy promises have a 2-minute periodicity); 0 = always run them.
  int64_t promise_periodicity = 120;
  // Our addition: right after a partition's services are started they may need a moment to
  // listen, so failed promises are run again (pauses from 50 ms, doubling, at most 1 s) until
  // they are kept or this many seconds have passed; 0 = run them once, as SlapOS does.
  double promise_start_grace = 5;
};

struct PartitionOutcome {
  std::string reference;
  std::string software_type;
  enum class Kind { kUpToDate, kDeployed, kError, kPromiseError } kind = Kind::kUpToDate;
  std::string message;  // the error or the first promise failure
};

struct InstanceRunResult {
  std::vector<PartitionOutcome> partitions;  // processed (non-free, selected) partitions
  int deployed = 0, up_to_date = 0, errors = 0, promise_errors = 0;
  // node.md §4.1 step 6: 1 if any processing error, else 2 if any promise error, else 0.
  int ExitCode() const { return errors ? 1 : promise_errors ? 2 : 0; }
  // The summary of §4.1 step 5 (empty when everything went well).
  std::string Summary() const;
};

// One pass over every partition. An error of one partition is recorded (and posted) and the
// loop goes on; only a failure to list the master's partitions, a master found unreachable
// while reporting "started" (MasterUnreachable in offline.h: the pass stops there, the caller
// goes offline), or an unknown --only-cp reference, fails the whole call.
Result<InstanceRunResult> ProcessPartitions(const InstanceOptions& options, const std::vector<PartitionSlot>& slots,
                                            InstanceMaster& master, PartitionDeployer& deployer, Env& env);

}  // namespace slapos::node
