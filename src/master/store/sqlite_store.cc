#include "master/store/sqlite_store.h"

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>

#include "util/log.h"

namespace slapos::master {
namespace {

// Schema versions, applied in order; PRAGMA user_version records how many ran. Never edit a
// shipped entry: append a new one.
const char* const kMigrations[] = {
    // 1: nodes, attributes, software, partitions, addresses, shared instances.
    R"sql(
CREATE TABLE node (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE
);
CREATE TABLE node_attribute (
  node_id INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (node_id, key)
);
CREATE TABLE software (
  id INTEGER PRIMARY KEY,
  computer TEXT NOT NULL,
  url TEXT NOT NULL,
  requested_state TEXT NOT NULL CHECK (requested_state IN ('available', 'destroyed')),
  UNIQUE (computer, url)
);
CREATE TABLE partition (
  id INTEGER PRIMARY KEY,
  node_id INTEGER NOT NULL REFERENCES node(id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  busy INTEGER NOT NULL DEFAULT 0,
  title TEXT NOT NULL DEFAULT '',
  requested_by TEXT NOT NULL DEFAULT '',
  software_release TEXT NOT NULL DEFAULT '',
  software_type TEXT NOT NULL DEFAULT '',
  requested_state TEXT NOT NULL DEFAULT 'started'
    CHECK (requested_state IN ('started', 'stopped', 'destroyed')),
  parameters TEXT NOT NULL DEFAULT '{}',
  connection TEXT NOT NULL DEFAULT '{}',
  sla TEXT NOT NULL DEFAULT '{}',
  timestamp INTEGER NOT NULL DEFAULT 0,
  UNIQUE (node_id, reference)
);
CREATE UNIQUE INDEX partition_instance ON partition(title, requested_by) WHERE busy = 1;
CREATE INDEX partition_free ON partition(node_id, busy, id);
CREATE INDEX partition_tree ON partition(requested_by) WHERE busy = 1;
CREATE INDEX partition_host ON partition(software_release) WHERE busy = 1;
CREATE TABLE partition_address (
  id INTEGER PRIMARY KEY,
  partition_id INTEGER NOT NULL REFERENCES partition(id) ON DELETE CASCADE,
  interface TEXT NOT NULL,
  address TEXT NOT NULL,
  netmask TEXT NOT NULL
);
CREATE INDEX partition_address_partition ON partition_address(partition_id);
CREATE TABLE shared_instance (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  software_release TEXT NOT NULL,
  software_type TEXT NOT NULL,
  requested_state TEXT NOT NULL,
  parameters TEXT NOT NULL,
  connection TEXT NOT NULL,
  sla TEXT NOT NULL,
  host_partition_id INTEGER NOT NULL REFERENCES partition(id) ON DELETE CASCADE,
  timestamp INTEGER NOT NULL,
  UNIQUE (title, requested_by)
);
CREATE INDEX shared_host ON shared_instance(host_partition_id);
)sql",
    // 2: fewer index writes per allocation. Roots stay out of the tree index; host candidates
    // for shared instances are found by scanning busy partitions.
    R"sql(
DROP INDEX partition_host;
DROP INDEX partition_tree;
CREATE INDEX partition_tree ON partition(requested_by) WHERE busy = 1 AND requested_by != '';
)sql",
    // 3: free slots in allocation order (node, slot): the allocation query reads the first
    // entry of a matching node; an allocation only removes one entry.
    R"sql(
DROP INDEX partition_free;
CREATE INDEX partition_free_slot ON partition(node_id, id) WHERE busy = 0;
)sql",
};

constexpr int kSchemaVersion = sizeof(kMigrations) / sizeof(kMigrations[0]);

#define SLAPOS_PARTITION_SELECT                                                                      \
  "p.id, p.node_id, n.reference, p.reference, p.busy, p.title, p.requested_by, p.software_release, " \
  "p.software_type, p.requested_state, p.parameters, p.connection, p.sla, p.timestamp "
// The columns ReadPartition reads, without and with the usual FROM clause.
constexpr const char* kPartitionSelect = SLAPOS_PARTITION_SELECT;
constexpr const char* kPartitionColumns = SLAPOS_PARTITION_SELECT "FROM partition p JOIN node n ON n.id = p.node_id ";
#undef SLAPOS_PARTITION_SELECT

constexpr const char* kSharedColumns =
    "id, title, requested_by, software_release, software_type, requested_state, parameters, connection, sla, "
    "host_partition_id, timestamp FROM shared_instance ";

// A prepared statement borrowed from the cache; reset on destruction.
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  // true = a row is ready; false = done. Errors land in status().
  bool Step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) error_ = Internal(std::string("database: ") + sqlite3_errmsg(db_));
    return false;
  }
  Status Run() {
    while (Step()) {
    }
    return error_;
  }
  const Status& status() const { return error_; }
  std::string Text(int col) const {
    const unsigned char* t = sqlite3_column_text(s_, col);
    return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
  Status error_;
};

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
    Stmt s = Prepare("SELECT computer, url, requested_state FROM software WHERE computer = ? ORDER BY id");
    s.Bind(1, computer);
    std::vector<SoftwareRecord> out;
    while (s.Step()) out.push_back(SoftwareRecord{s.Text(0), s.Text(1), s.Text(2)});
    if (!s.status().ok()) return s.status();
    return out;
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

  Status Migrate() {
    int version = 0;
    {
      Stmt s = Prepare("PRAGMA user_version");
      if (s.Step()) version = static_cast<int>(s.Int(0));
      SLAPOS_RETURN_IF_ERROR(s.status());
    }
    if (version > kSchemaVersion) {
      return FailedPrecondition("database " + path_ + " has schema version " + std::to_string(version) +
                                " but this slapos knows only up to " + std::to_string(kSchemaVersion) +
                                "; use a newer slapos binary");
    }
    for (int v = version; v < kSchemaVersion; ++v) {
      SLAPOS_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
      Status st = Exec(kMigrations[v]);
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

int SqliteSchemaVersion() { return kSchemaVersion; }

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto store = std::make_unique<SqliteStore>(path);
  SLAPOS_RETURN_IF_ERROR(store->Open());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace slapos::master
