// The master's storage interface. Handlers see only StoreTx: every API request runs inside
// one Store::Read or Store::Write call, which is one database transaction (a refused request
// returns a non-OK Status from its function and leaves nothing behind). A SQLite store lives
// in store/sqlite_store.h; a PostgreSQL one can follow without touching handlers.
// Store implementations are thread-safe; a StoreTx is used by one thread only.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "master/model.h"
#include "util/status.h"

namespace slapos::master {

class StoreTx {
 public:
  virtual ~StoreTx() = default;

  // Compute nodes, in registration order.
  virtual Result<std::optional<NodeRecord>> FindNode(const std::string& reference) = 0;
  virtual Result<std::vector<NodeRecord>> ListNodes() = 0;
  // Creates the node when absent; returns its id either way.
  virtual Result<int64_t> UpsertNode(const std::string& reference) = 0;
  virtual Status SetNodeAttributes(int64_t node_id, const std::map<std::string, std::string>& attributes) = 0;

  // Software installations of one node, in supply order.
  virtual Status PutSoftware(const SoftwareRecord& software) = 0;
  virtual Status DeleteSoftware(const std::string& computer, const std::string& url) = 0;
  virtual Result<std::vector<SoftwareRecord>> ListSoftware(const std::string& computer) = 0;

  // Partitions (slots), in creation order.
  virtual Result<std::vector<PartitionRecord>> ListPartitions(int64_t node_id) = 0;
  virtual Result<std::optional<PartitionRecord>> FindPartition(int64_t node_id, const std::string& reference) = 0;
  virtual Result<std::optional<PartitionRecord>> FindPartitionById(int64_t id) = 0;
  // The busy partition holding instance (title, requested_by), anywhere.
  virtual Result<std::optional<PartitionRecord>> FindInstance(const std::string& title,
                                                              const std::string& requested_by) = 0;
  virtual Result<std::optional<PartitionRecord>> FirstFreePartition(int64_t node_id) = 0;
  // The first free partition (nodes in registration order, then slots in creation order) of a
  // node whose reference is `computer_guid` (any node when empty) and whose attributes contain
  // every entry of `attributes`. One indexed query: allocation does not load the nodes.
  virtual Result<std::optional<PartitionRecord>> FirstFreeMatching(
      const std::string& computer_guid, const std::map<std::string, std::string>& attributes) = 0;
  virtual Result<int64_t> InsertPartition(int64_t node_id, const std::string& reference) = 0;
  // Deletes the slot, its addresses and the shared instances it hosts.
  virtual Status DeletePartition(int64_t id) = 0;
  // Writes every instance field of `p` (busy, title, ..., timestamp) to row p.id.
  virtual Status UpdatePartition(const PartitionRecord& p) = 0;
  // Busy partitions whose requested_by is `root_title` (the rest of a tree), title order.
  virtual Result<std::vector<PartitionRecord>> ListTreeMembers(const std::string& root_title) = 0;
  // Busy root partitions (requested_by ""), creation order.
  virtual Result<std::vector<PartitionRecord>> ListRootInstances() = 0;
  // Busy, not destroyed partitions running `software_release` (and `software_type` if not
  // empty): candidate hosts for a shared instance, creation order.
  virtual Result<std::vector<PartitionRecord>> ListHostCandidates(const std::string& software_release,
                                                                  const std::string& software_type) = 0;

  virtual Status ReplaceAddresses(int64_t partition_id, const std::vector<IpEntry>& ips) = 0;
  virtual Result<std::vector<IpEntry>> ListAddresses(int64_t partition_id) = 0;

  // Shared instances.
  virtual Result<std::optional<SharedRecord>> FindShared(const std::string& title,
                                                         const std::string& requested_by) = 0;
  virtual Result<int64_t> InsertShared(const SharedRecord& s) = 0;
  virtual Status UpdateShared(const SharedRecord& s) = 0;
  virtual Status DeleteShared(int64_t id) = 0;
  virtual Result<std::vector<SharedRecord>> ListSharedByHost(int64_t partition_id) = 0;
  virtual Result<std::vector<SharedRecord>> ListRootShared() = 0;
  virtual Status DeleteSharedByHost(int64_t partition_id) = 0;

  // What nodes report. The status of an instance is its access_status_message ("" = none).
  virtual Status SetPartitionStatus(int64_t partition_id, const std::string& status, int64_t at) = 0;
  virtual Status SetSharedStatus(int64_t shared_id, const std::string& status, int64_t at) = 0;
  // Records a node's report on an installation (reported_state, error log, time); false when
  // `url` is not supplied to `computer`.
  virtual Result<bool> SetSoftwareReport(const std::string& computer, const std::string& url,
                                         const std::string& reported_state, const std::string& error,
                                         int64_t at) = 0;
  // Every installation of every computer, by computer then supply order.
  virtual Result<std::vector<SoftwareRecord>> ListAllSoftware() = 0;
  virtual Result<int64_t> InsertUsage(const UsageRecord& usage) = 0;
  // Usage documents of `computer` ("" = every computer) received at or after `since`
  // (seconds), oldest first, at most `limit`.
  virtual Result<std::vector<UsageRecord>> ListUsage(const std::string& computer, int64_t since, int64_t limit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `fn` in a read transaction.
  virtual Status Read(const std::function<Status(StoreTx&)>& fn) = 0;
  // Runs `fn` in a write transaction: committed when fn returns OK, rolled back otherwise.
  virtual Status Write(const std::function<Status(StoreTx&)>& fn) = 0;
  // A consistent copy of the whole database taken while it serves (the bytes of a standalone
  // database file), for `slapos master backup`. Blocks other transactions while it copies.
  virtual Result<std::string> Snapshot() = 0;
};

}  // namespace slapos::master
