#include "master/store/sqlite_store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "master/store/sqlite_schema.h"
#include "master/store/sqlite_stmt.h"
#include "util/file.h"
#include "util/log.h"

namespace slapos::master {
namespace {

int SchemaVersion() {
  int count = 0;
  SqliteMigrations(&count);
  return count;
}

#define SLAPOS_PARTITION_SELECT                                                                      \
  "p.id, p.node_id, n.reference, p.reference, p.busy, p.title, p.requested_by, p.software_release, " \
  "p.software_type, p.requested_state, p.parameters, p.connection, p.sla, p.timestamp, p.access_status, "  \
  "p.access_status_at "
// The columns ReadPartition reads, without and with the usual FROM clause.
constexpr const char* kPartitionSelect = SLAPOS_PARTITION_SELECT;
constexpr const char* kPartitionColumns = SLAPOS_PARTITION_SELECT "FROM partition p JOIN node n ON n.id = p.node_id ";
#undef SLAPOS_PARTITION_SELECT

constexpr const char* kSoftwareColumns =
    "computer, url, requested_state, reported_state, error, reported_at FROM software ";

constexpr const char* kSharedColumns =
    "id, title, requested_by, software_release, software_type, requested_state, parameters, connection, sla, "
    "host_partition_id, timestamp, access_status, access_status_at FROM shared_instance ";

PartitionRecord ReadPartition(const Stmt& s) {
  PartitionRecord p;
  p.id = s.Int(0);
  p.node_id = s.Int(1);
  p.computer = s.Text(2);
  p.reference = s.Text(3);
  p.busy = s.Int(4) != 0;
  p.title = s.Text(5);
  p.requested_by = s.Text(6);
  p.software_release = s.Text(7);
  p.software_type = s.Text(8);
  p.requested_state = s.Text(9);
  p.parameters = s.Text(10);
  p.connection = s.Text(11);
  p.sla = s.Text(12);
  p.timestamp = s.Int(13);
  p.access_status = s.Text(14);
  p.access_status_at = s.Int(15);
  return p;
}

SharedRecord ReadShared(const Stmt& s) {
  SharedRecord r;
  r.id = s.Int(0);
  r.title = s.Text(1);
  r.requested_by = s.Text(2);
  r.software_release = s.Text(3);
  r.software_type = s.Text(4);
  r.requested_state = s.Text(5);
  r.parameters = s.Text(6);
  r.connection = s.Text(7);
  r.sla = s.Text(8);
  r.host_partition_id = s.Int(9);
  r.timestamp = s.Int(10);
  r.access_status = s.Text(11);
  r.access_status_at = s.Int(12);
  return r;
}

class SqliteStore : public Store, public StoreTx {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)) {}
  ~SqliteStore() override {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    if (db_) {
      // Leaves a clean, checkpointed database behind.
      sqlite3_exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
      sqlite3_close(db_);
    }
  }

  Status Open() {
    int rc = sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      return IOError("cannot open database " + path_ + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory") +
                     "; check that its directory exists and is writable");
    }
    // A master that is still shutting down gets a moment to release the file.
    sqlite3_busy_timeout(db_, 1000);
    // This process is the only user of its database (the response cache relies on it): the
    // file lock is taken once and kept, so transactions make no locking system calls and the
    // WAL index lives in memory (no -shm file). A second master on the same file is refused.
    SLAPOS_RETURN_IF_ERROR(Exec("PRAGMA locking_mode=EXCLUSIVE"));
    Status wal = Exec("PRAGMA journal_mode=WAL");
    if (!wal.ok() && sqlite3_errcode(db_) == SQLITE_BUSY) {
      return FailedPrecondition("database " + path_ +
                                " is in use by another process (another slapos master?); stop it first or pass "
                                "another --db");
    }
    SLAPOS_RETURN_IF_ERROR(wal);
    SLAPOS_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
    SLAPOS_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
    // Fewer, larger checkpoints (each one syncs): up to ~8 MiB of WAL between them.
    SLAPOS_RETURN_IF_ERROR(Exec("PRAGMA wal_autocheckpoint=8192"));
    // Page cache of at most 1 MiB (SQLite's default is 2 MB): reads are mostly answered by the
    // API's response cache, and a database of 1000 partitions is about 1 MB.
    SLAPOS_RETURN_IF_ERROR(Exec("PRAGMA cache_size=-1024"));
    Status migrated = Migrate();
    if (!migrated.ok() && sqlite3_errcode(db_) == SQLITE_BUSY) {
      return FailedPrecondition("database " + path_ +
                                " is in use by another process (another slapos master?); stop it first or pass "
                                "another --db");
    }
    return migrated;
  }

  Status Read(const std::function<Status(StoreTx&)>& fn) override { return RunTx(fn, "BEGIN"); }
  Status Write(const std::function<Status(StoreTx&)>& fn) override { return RunTx(fn, "BEGIN IMMEDIATE"); }

  // ---- StoreTx ----
  Result<std::optional<NodeRecord>> FindNode(const std::string& reference) override {
    Stmt s = Prepare("SELECT id, reference FROM node WHERE reference = ?");
    s.Bind(1, reference);
    if (!s.Step()) {
      if (!s.status().ok()) return s.status();
      return std::optional<NodeRecord>();
    }
    NodeRecord n;
    n.id = s.Int(0);
    n.reference = s.Text(1);
    SLAPOS_RETURN_IF_ERROR(LoadAttributes(&n));
    return std::optional<NodeRecord>(std::move(n));
  }

  Result<std::vector<NodeRecord>> ListNodes() override {
    std::vector<NodeRecord> out;
    {
      Stmt s = Prepare("SELECT id, reference FROM node ORDER BY id");
      while (s.Step()) out.push_back(NodeRecord{s.Int(0), s.Text(1), {}});
      if (!s.status().ok()) return s.status();
    }
    Stmt a = Prepare("SELECT node_id, key, value FROM node_attribute ORDER BY node_id, key");
    while (a.Step()) {
      for (auto& n : out) {
        if (n.id == a.Int(0)) n.attributes[a.Text(1)] = a.Text(2);
      }
    }
    if (!a.status().ok()) return a.status();
    return out;
  }

  Result<int64_t> UpsertNode(const std::string& reference) override {
    {
      Stmt s = Prepare("INSERT INTO node(reference) VALUES (?) ON CONFLICT(reference) DO NOTHING");
      SLAPOS_RETURN_IF_ERROR(s.Bind(1, reference).Run());
    }
    Stmt s = Prepare("SELECT id FROM node WHERE reference = ?");
    s.Bind(1, reference);
    if (!s.Step()) return s.status().ok() ? Internal("node " + reference + " vanished") : s.status();
    return s.Int(0);
  }

  Status SetNodeAttributes(int64_t node_id, const std::map<std::string, std::string>& attributes) override {
    {
      Stmt s = Prepare("DELETE FROM node_attribute WHERE node_id = ?");
      SLAPOS_RETURN_IF_ERROR(s.Bind(1, node_id).Run());
    }
    for (const auto& [k, v] : attributes) {
      Stmt s = Prepare("INSERT INTO node_attribute(node_id, key, value) VALUES (?, ?, ?)");
      SLAPOS_RETURN_IF_ERROR(s.Bind(1, node_id).Bind(2, k).Bind(3, v).Run());
    }
    return Status::OK();
  }

  Status PutSoftware(const SoftwareRecord& sw) override {
    Stmt s = Prepare(
        "INSERT INTO software(computer, url, requested_state) VALUES (?, ?, ?) "
        "ON CONFLICT(computer, url) DO UPDATE SET requested_state = excluded.requested_state");
    return s.Bind(1, sw.computer).Bind(2, sw.url).Bind(3, sw.requested_state).Run();
  }

  Status DeleteSoftware(const std::string& computer, const std::string& url) override {
    Stmt s = Prepare("DELETE FROM software WHERE computer = ? AND url = ?");
    return s.Bind(1, computer).Bind(2, url).Run();
  }

  Result<std::vector<SoftwareRecord>> ListSoftware(const std::string& computer) override {
    Stmt s = Prepare(std::string("SELECT ") + kSoftwareColumns + "WHERE computer = ? ORDER BY id");
    s.Bind(1, computer);
    return Softwares(s);
  }

  Result<std::vector<PartitionRecord>> ListPartitions(int64_t node_id) override {
    return Partitions(std::string("SELECT ") + kPartitionColumns + "WHERE p.node_id = ? ORDER BY p.id", node_id);
  }

  Result<std::optional<PartitionRecord>> FindPartition(int64_t node_id, const std::string& reference) override {
    Stmt s = Prepare(std::string("SELECT ") + kPartitionColumns + "WHERE p.node_id = ? AND p.reference = ?");
    s.Bind(1, node_id).Bind(2, reference);
    return OnePartition(s);
  }

  Result<std::optional<PartitionRecord>> FindPartitionById(int64_t id) override {
    Stmt s = Prepare(std::string("SELECT ") + kPartitionColumns + "WHERE p.id = ?");
    s.Bind(1, id);
    return OnePartition(s);
  }

  Result<std::optional<PartitionRecord>> FindInstance(const std::string& title,
                                                      const std::string& requested_by) override {
    Stmt s = Prepare(std::string("SELECT ") + kPartitionColumns +
                     "WHERE p.busy = 1 AND p.title = ? AND p.requested_by = ?");
    s.Bind(1, title).Bind(2, requested_by);
    return OnePartition(s);
  }

  Result<std::optional<PartitionRecord>> FirstFreePartition(int64_t node_id) override {
    Stmt s = Prepare(std::string("SELECT ") + kPartitionColumns +
                     "WHERE p.node_id = ? AND p.busy = 0 ORDER BY p.id LIMIT 1");
    s.Bind(1, node_id);
    return OnePartition(s);
  }

  Result<std::optional<PartitionRecord>> FirstFreeMatching(
      const std::string& computer_guid, const std::map<std::string, std::string>& attributes) override {
    // Without conditions: the first entry of the partial index partition_free_slot (node, slot).
    // With conditions: driven by the nodes in rowid (registration) order (CROSS JOIN keeps that
    // loop outside); each matching node costs one probe of partition_free_slot.
    std::string sql = std::string("SELECT ") + kPartitionSelect;
    if (computer_guid.empty() && attributes.empty()) {
      sql += "FROM partition p JOIN node n ON n.id = p.node_id WHERE p.busy = 0 ORDER BY p.node_id, p.id LIMIT 1";
    } else {
      sql += "FROM node n CROSS JOIN partition p ON p.node_id = n.id AND p.busy = 0 WHERE 1";
      if (!computer_guid.empty()) sql += " AND n.reference = ?";
      for (size_t i = 0; i < attributes.size(); ++i) {
        sql += " AND EXISTS (SELECT 1 FROM node_attribute a WHERE a.node_id = n.id AND a.key = ? AND a.value = ?)";
      }
      sql += " ORDER BY n.id, p.id LIMIT 1";
    }
    Stmt s = Prepare(sql);
    int i = 1;
    if (!computer_guid.empty()) s.Bind(i++, computer_guid);
    for (const auto& [k, v] : attributes) {
      s.Bind(i++, k);
      s.Bind(i++, v);
    }
    return OnePartition(s);
  }

  Result<int64_t> InsertPartition(int64_t node_id, const std::string& reference) override {
    Stmt s = Prepare("INSERT INTO partition(node_id, reference) VALUES (?, ?)");
    SLAPOS_RETURN_IF_ERROR(s.Bind(1, node_id).Bind(2, reference).Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status DeletePartition(int64_t id) override {
    Stmt s = Prepare("DELETE FROM partition WHERE id = ?");
    return s.Bind(1, id).Run();
  }

  Status UpdatePartition(const PartitionRecord& p) override {
    Stmt s = Prepare(
        "UPDATE partition SET busy = ?, title = ?, requested_by = ?, software_release = ?, software_type = ?, "
        "requested_state = ?, parameters = ?, connection = ?, sla = ?, timestamp = ? WHERE id = ?");
    s.Bind(1, static_cast<int64_t>(p.busy ? 1 : 0))
        .Bind(2, p.title)
        .Bind(3, p.requested_by)
        .Bind(4, p.software_release)
        .Bind(5, p.software_type)
        .Bind(6, p.requested_state)
        .Bind(7, p.parameters)
        .Bind(8, p.connection)
        .Bind(9, p.sla)
        .Bind(10, p.timestamp)
        .Bind(11, p.id);
    return s.Run();
  }

  Result<std::vector<PartitionRecord>> ListTreeMembers(const std::string& root_title) override {
    return Partitions(std::string("SELECT ") + kPartitionColumns +
                          "WHERE p.busy = 1 AND p.requested_by != '' AND p.requested_by = ?1 ORDER BY p.title",
                      root_title);
  }

  Result<std::vector<PartitionRecord>> ListRootInstances() override {
    return Partitions(std::string("SELECT ") + kPartitionColumns +
                          "WHERE p.busy = 1 AND p.requested_by = '' AND p.id > ?1 ORDER BY p.id",
                      int64_t{0});
  }

  Result<std::vector<PartitionRecord>> ListHostCandidates(const std::string& software_release,
                                                          const std::string& software_type) override {
    Stmt s = Prepare(std::string("SELECT ") + kPartitionColumns +
                     "WHERE p.busy = 1 AND p.software_release = ? AND p.requested_state != 'destroyed' "
                     "AND (? = '' OR p.software_type = ?) ORDER BY p.id");
    s.Bind(1, software_release).Bind(2, software_type).Bind(3, software_type);
    std::vector<PartitionRecord> out;
    while (s.Step()) out.push_back(ReadPartition(s));
    if (!s.status().ok()) return s.status();
    return out;
  }

  Status ReplaceAddresses(int64_t partition_id, const std::vector<IpEntry>& ips) override {
    {
      Stmt s = Prepare("DELETE FROM partition_address WHERE partition_id = ?");
      SLAPOS_RETURN_IF_ERROR(s.Bind(1, partition_id).Run());
    }
    for (const IpEntry& ip : ips) {
      Stmt s = Prepare("INSERT INTO partition_address(partition_id, interface, address, netmask) VALUES (?, ?, ?, ?)");
      SLAPOS_RETURN_IF_ERROR(s.Bind(1, partition_id).Bind(2, ip.interface).Bind(3, ip.address).Bind(4, ip.netmask).Run());
    }
    return Status::OK();
  }

  Result<std::vector<IpEntry>> ListAddresses(int64_t partition_id) override {
    Stmt s = Prepare("SELECT interface, address, netmask FROM partition_address WHERE partition_id = ? ORDER BY id");
    s.Bind(1, partition_id);
    std::vector<IpEntry> out;
    while (s.Step()) out.push_back(IpEntry{s.Text(0), s.Text(1), s.Text(2)});
    if (!s.status().ok()) return s.status();
    return out;
  }

  Result<std::optional<SharedRecord>> FindShared(const std::string& title, const std::string& requested_by) override {
    Stmt s = Prepare(std::string("SELECT ") + kSharedColumns + "WHERE title = ? AND requested_by = ?");
    s.Bind(1, title).Bind(2, requested_by);
    if (s.Step()) return std::optional<SharedRecord>(ReadShared(s));
    if (!s.status().ok()) return s.status();
    return std::optional<SharedRecord>();
  }

  // Binds the ten columns InsertShared and UpdateShared write, in their shared order.
  static Stmt& BindSharedColumns(Stmt& s, const SharedRecord& r) {
    return s.Bind(1, r.title)
        .Bind(2, r.requested_by)
        .Bind(3, r.software_release)
        .Bind(4, r.software_type)
        .Bind(5, r.requested_state)
        .Bind(6, r.parameters)
        .Bind(7, r.connection)
        .Bind(8, r.sla)
        .Bind(9, r.host_partition_id)
        .Bind(10, r.timestamp);
  }

  Result<int64_t> InsertShared(const SharedRecord& r) override {
    Stmt s = Prepare(
        "INSERT INTO shared_instance(title, requested_by, software_release, software_type, requested_state, "
        "parameters, connection, sla, host_partition_id, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    BindSharedColumns(s, r);
    SLAPOS_RETURN_IF_ERROR(s.Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status UpdateShared(const SharedRecord& r) override {
    Stmt s = Prepare(
        "UPDATE shared_instance SET title = ?, requested_by = ?, software_release = ?, software_type = ?, "
        "requested_state = ?, parameters = ?, connection = ?, sla = ?, host_partition_id = ?, timestamp = ? "
        "WHERE id = ?");
    BindSharedColumns(s, r).Bind(11, r.id);
    return s.Run();
  }

  Status DeleteShared(int64_t id) override {
    Stmt s = Prepare("DELETE FROM shared_instance WHERE id = ?");
    return s.Bind(1, id).Run();
  }

  Result<std::vector<SharedRecord>> ListSharedByHost(int64_t partition_id) override {
    return Shareds(std::string("SELECT ") + kSharedColumns + "WHERE host_partition_id = ?1 ORDER BY id", partition_id);
  }

  Result<std::vector<SharedRecord>> ListRootShared() override {
    return Shareds(std::string("SELECT ") + kSharedColumns + "WHERE requested_by = '' AND id > ?1 ORDER BY id",
                   int64_t{0});
  }

  Status DeleteSharedByHost(int64_t partition_id) override {
    Stmt s = Prepare("DELETE FROM shared_instance WHERE host_partition_id = ?");
    return s.Bind(1, partition_id).Run();
  }

  Status SetPartitionStatus(int64_t partition_id, const std::string& status, int64_t at) override {
    Stmt s = Prepare("UPDATE partition SET access_status = ?, access_status_at = ? WHERE id = ?");
    return s.Bind(1, status).Bind(2, at).Bind(3, partition_id).Run();
  }

  Status SetSharedStatus(int64_t shared_id, const std::string& status, int64_t at) override {
    Stmt s = Prepare("UPDATE shared_instance SET access_status = ?, access_status_at = ? WHERE id = ?");
    return s.Bind(1, status).Bind(2, at).Bind(3, shared_id).Run();
  }

  Result<bool> SetSoftwareReport(const std::string& computer, const std::string& url,
                                 const std::string& reported_state, const std::string& error, int64_t at) override {
    Stmt s = Prepare("UPDATE software SET reported_state = ?, error = ?, reported_at = ? WHERE computer = ? AND url = ?");
    SLAPOS_RETURN_IF_ERROR(s.Bind(1, reported_state).Bind(2, error).Bind(3, at).Bind(4, computer).Bind(5, url).Run());
    return sqlite3_changes(db_) > 0;
  }

  Result<std::vector<SoftwareRecord>> ListAllSoftware() override {
    Stmt s = Prepare(std::string("SELECT ") + kSoftwareColumns + "ORDER BY computer, id");
    return Softwares(s);
  }

  Result<int64_t> InsertUsage(const UsageRecord& u) override {
    Stmt s = Prepare("INSERT INTO usage_report(computer, received_at, tioxml) VALUES (?, ?, ?)");
    SLAPOS_RETURN_IF_ERROR(s.Bind(1, u.computer).Bind(2, u.received_at).Bind(3, u.tioxml).Run());
    return static_cast<int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Result<std::vector<UsageRecord>> ListUsage(const std::string& computer, int64_t since, int64_t limit) override {
    Stmt s = Prepare(
        "SELECT id, computer, received_at, tioxml FROM usage_report WHERE (?1 = '' OR computer = ?1) "
        "AND received_at >= ?2 ORDER BY received_at, id LIMIT ?3");
    s.Bind(1, computer).Bind(2, since).Bind(3, limit);
    std::vector<UsageRecord> out;
    while (s.Step()) out.push_back(UsageRecord{s.Int(0), s.Text(1), s.Int(2), s.Text(3)});
    if (!s.status().ok()) return s.status();
    return out;
  }

  Result<std::string> Snapshot() override {
    std::lock_guard<std::mutex> lock(mu_);
    return CopyDatabase();
  }

 private:
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "unknown error";
      sqlite3_free(err);
      return IOError("database " + path_ + ": " + m);
    }
    return Status::OK();
  }

  // The online backup API copies every page into a temporary file beside the database (the
  // caller holds mu_, so no transaction runs meanwhile), which is switched to a rollback
  // journal so that it is one self-contained file; its bytes are returned, the file removed.
  Result<std::string> CopyDatabase() {
    std::string tmpl = path_ + ".snapshot-XXXXXX";
    int fd = mkstemp(tmpl.data());
    if (fd < 0) {
      return IOError("backup of " + path_ + ": cannot create a temporary file beside it: " + std::strerror(errno));
    }
    close(fd);
    std::string tmp = tmpl;
    sqlite3* dest = nullptr;
    Status st;
    if (sqlite3_open_v2(tmp.c_str(), &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      st = IOError("backup of " + path_ + ": cannot open " + tmp + ": " + (dest ? sqlite3_errmsg(dest) : "no memory"));
    } else {
      sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
      if (b == nullptr) {
        st = IOError("backup of " + path_ + ": " + sqlite3_errmsg(dest));
      } else {
        int rc = sqlite3_backup_step(b, -1);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) st = IOError("backup of " + path_ + ": " + sqlite3_errstr(rc));
      }
      if (st.ok() && sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        st = IOError("backup of " + path_ + ": " + sqlite3_errmsg(dest));
      }
    }
    sqlite3_close(dest);
    Result<std::string> bytes = st.ok() ? ReadFile(tmp) : Result<std::string>(st);
    unlink(tmp.c_str());
    unlink((tmp + "-journal").c_str());
    unlink((tmp + "-wal").c_str());
    return bytes;
  }

  Status Migrate() {
    int version = 0;
    {
      Stmt s = Prepare("PRAGMA user_version");
      if (s.Step()) version = static_cast<int>(s.Int(0));
      SLAPOS_RETURN_IF_ERROR(s.status());
    }
    int count = 0;
    const char* const* migrations = SqliteMigrations(&count);
    const int kSchemaVersion = count;
    if (version > kSchemaVersion) {
      return FailedPrecondition("database " + path_ + " has schema version " + std::to_string(version) +
                                " but this slapos knows only up to " + std::to_string(kSchemaVersion) +
                                "; use a newer slapos binary");
    }
    for (int v = version; v < kSchemaVersion; ++v) {
      SLAPOS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
      Status st = Exec(migrations[v]);
      if (st.ok()) st = Exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
      if (!st.ok()) {
        Exec("ROLLBACK");
        return st.WithContext("migrating to schema version " + std::to_string(v + 1));
      }
      SLAPOS_RETURN_IF_ERROR(Exec("COMMIT"));
      LOG_INFO("master: database {} migrated to schema version {}", path_, v + 1);
    }
    return Status::OK();
  }

  Stmt Prepare(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
        // A broken statement is a programming error: fail loudly with the SQL.
        LOG_ERROR("database: cannot prepare '{}': {}", sql, sqlite3_errmsg(db_));
        std::abort();
      }
      it = cache_.emplace(sql, s).first;
    }
    return Stmt(db_, it->second);
  }

  Result<std::optional<PartitionRecord>> OnePartition(Stmt& s) {
    if (s.Step()) return std::optional<PartitionRecord>(ReadPartition(s));
    if (!s.status().ok()) return s.status();
    return std::optional<PartitionRecord>();
  }

  template <typename T>
  Result<std::vector<PartitionRecord>> Partitions(const std::string& sql, const T& arg) {
    Stmt s = Prepare(sql);
    s.Bind(1, arg);
    std::vector<PartitionRecord> out;
    while (s.Step()) out.push_back(ReadPartition(s));
    if (!s.status().ok()) return s.status();
    return out;
  }

  static Result<std::vector<SoftwareRecord>> Softwares(Stmt& s) {
    std::vector<SoftwareRecord> out;
    while (s.Step()) out.push_back(SoftwareRecord{s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Int(5)});
    if (!s.status().ok()) return s.status();
    return out;
  }

  Result<std::vector<SharedRecord>> Shareds(const std::string& sql, int64_t arg) {
    Stmt s = Prepare(sql);
    s.Bind(1, arg);
    std::vector<SharedRecord> out;
    while (s.Step()) out.push_back(ReadShared(s));
    if (!s.status().ok()) return s.status();
    return out;
  }

  Status LoadAttributes(NodeRecord* n) {
    Stmt a = Prepare("SELECT key, value FROM node_attribute WHERE node_id = ? ORDER BY key");
    a.Bind(1, n->id);
    while (a.Step()) n->attributes[a.Text(0)] = a.Text(1);
    return a.status();
  }

  Status RunTx(const std::function<Status(StoreTx&)>& fn, const char* begin) {
    std::lock_guard<std::mutex> lock(mu_);
    {
      Stmt b = Prepare(begin);
      SLAPOS_RETURN_IF_ERROR(b.Run());
    }
    Status st = fn(*this);
    if (st.ok()) {
      Stmt c = Prepare("COMMIT");
      st = c.Run();
      if (st.ok()) return st;
    }
    Stmt r = Prepare("ROLLBACK");
    Status rb = r.Run();
    if (!rb.ok()) LOG_ERROR("database {}: rollback failed: {}", path_, rb.message());
    return st;
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mu_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

int SqliteSchemaVersion() { return SchemaVersion(); }

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto store = std::make_unique<SqliteStore>(path);
  SLAPOS_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace slapos::master
