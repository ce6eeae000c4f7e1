// The SQLite store's schema 4 (what nodes report): a schema-3 database with data migrates,
// statuses, software reports and usage documents are kept, and a live snapshot is whole.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "master/store/sqlite_schema.h"
#include "master/store/sqlite_store.h"
#include "util/file.h"
#include "util/testing.h"

namespace slapos::master {
namespace {

void ExecOrFail(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
      << (err ? err : "") << "\n"
      << sql;
}

// A database as the previous slapos (schema version 3) left it, with a node, a busy partition,
// a shared instance and a supplied software.
void WriteSchema3Database(const std::string& path) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  int count = 0;
  const char* const* migrations = SqliteMigrations(&count);
  ASSERT_GE(count, 4);
  for (int v = 0; v < 3; ++v) ExecOrFail(db, migrations[v]);
  ExecOrFail(db, "PRAGMA user_version = 3");
  ExecOrFail(db, R"sql(
INSERT INTO node(id, reference) VALUES (1, 'COMP-0');
INSERT INTO partition(id, node_id, reference, busy, title, software_release, software_type, parameters, timestamp)
  VALUES (1, 1, 'slappart0', 1, 'db', 'http://sr', 'default', '{"a":1}', 1700000000);
INSERT INTO partition(id, node_id, reference) VALUES (2, 1, 'slappart1');
INSERT INTO shared_instance(title, requested_by, software_release, software_type, requested_state, parameters,
  connection, sla, host_partition_id, timestamp) VALUES ('front', '', 'http://sr', 'default', 'started', '{}', '{}',
  '{}', 1, 1700000001);
INSERT INTO software(computer, url, requested_state) VALUES ('COMP-0', 'http://sr', 'available');
)sql");
  sqlite3_close(db);
}

TEST(MasterSqliteReportsTest, Schema3DatabaseWithDataMigrates) {
  testing::TempDir dir;
  std::string path = dir.Join("old.db");
  WriteSchema3Database(path);
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Status st = (*store)->Write([](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FindInstance("db", ""));
    EXPECT_TRUE(p.has_value());
    if (!p) return Status::OK();
    EXPECT_EQ(p->parameters, R"({"a":1})");
    EXPECT_EQ(p->timestamp, 1700000000);
    EXPECT_EQ(p->access_status, "");
    SLAPOS_ASSIGN_OR_RETURN(std::optional<SharedRecord> s, tx.FindShared("front", ""));
    EXPECT_TRUE(s && s->access_status.empty() && s->host_partition_id == p->id);
    SLAPOS_ASSIGN_OR_RETURN(std::vector<SoftwareRecord> sw, tx.ListSoftware("COMP-0"));
    EXPECT_EQ(sw.size(), 1u);
    if (sw.size() == 1) {
      EXPECT_EQ(sw[0].reported_state, "");
    }
    // The new columns and table are usable at once.
    SLAPOS_RETURN_IF_ERROR(tx.SetPartitionStatus(p->id, "#error boom", 42));
    SLAPOS_ASSIGN_OR_RETURN(bool found,
                            tx.SetSoftwareReport("COMP-0", "http://sr", "error", "log", 43));
    EXPECT_TRUE(found);
    return tx.InsertUsage(UsageRecord{0, "COMP-0", 44, "<journal/>"}).status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  store->reset();
  Result<int> version = CheckSqliteFile(path);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, SqliteSchemaVersion());
}

TEST(MasterSqliteReportsTest, StatusesReportsAndUsageAreKept) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.Join("m.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Status st = (*store)->Write([](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(int64_t node, tx.UpsertNode("COMP-0"));
    SLAPOS_ASSIGN_OR_RETURN(int64_t id, tx.InsertPartition(node, "slappart0"));
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FindPartitionById(id));
    p->busy = true;
    p->title = "db";
    SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(*p));
    SLAPOS_RETURN_IF_ERROR(tx.SetPartitionStatus(id, "#access Instance correctly started", 10));
    // A later update of the instance's fields keeps its status.
    p->parameters = R"({"b":2})";
    SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(*p));
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FindInstance("db", ""));
    EXPECT_EQ(p->access_status, "#access Instance correctly started");
    EXPECT_EQ(p->access_status_at, 10);

    SLAPOS_RETURN_IF_ERROR(
        tx.PutSoftware(SoftwareRecord{"COMP-0", "http://a", "available", "", "", 0}));
    SLAPOS_RETURN_IF_ERROR(
        tx.PutSoftware(SoftwareRecord{"COMP-1", "http://b", "available", "", "", 0}));
    SLAPOS_ASSIGN_OR_RETURN(bool found,
                            tx.SetSoftwareReport("COMP-0", "http://a", "error", "no compiler", 11));
    EXPECT_TRUE(found);
    SLAPOS_ASSIGN_OR_RETURN(found, tx.SetSoftwareReport("COMP-0", "http://zzz", "error", "x", 11));
    EXPECT_FALSE(found);
    // Supplying again (state change) keeps the report.
    SLAPOS_RETURN_IF_ERROR(
        tx.PutSoftware(SoftwareRecord{"COMP-0", "http://a", "destroyed", "", "", 0}));
    SLAPOS_ASSIGN_OR_RETURN(std::vector<SoftwareRecord> all, tx.ListAllSoftware());
    EXPECT_EQ(all.size(), 2u);
    if (all.size() == 2) {
      EXPECT_EQ(all[0].url, "http://a");
      EXPECT_EQ(all[0].requested_state, "destroyed");
      EXPECT_EQ(all[0].reported_state, "error");
      EXPECT_EQ(all[0].error, "no compiler");
      EXPECT_EQ(all[0].reported_at, 11);
      EXPECT_EQ(all[1].computer, "COMP-1");
    }

    for (int i = 0; i < 5; ++i) {
      SLAPOS_RETURN_IF_ERROR(tx.InsertUsage(UsageRecord{0, i % 2 ? "COMP-1" : "COMP-0", 100 + i,
                                                        "<j" + std::to_string(i) + "/>"})
                                 .status());
    }
    SLAPOS_ASSIGN_OR_RETURN(std::vector<UsageRecord> u, tx.ListUsage("", 0, 100));
    EXPECT_EQ(u.size(), 5u);
    SLAPOS_ASSIGN_OR_RETURN(u, tx.ListUsage("COMP-0", 101, 100));
    EXPECT_EQ(u.size(), 2u);  // received at 102 and 104
    if (u.size() == 2) {
      EXPECT_EQ(u[0].received_at, 102);
      EXPECT_EQ(u[1].tioxml, "<j4/>");
    }
    SLAPOS_ASSIGN_OR_RETURN(u, tx.ListUsage("", 0, 2));
    EXPECT_EQ(u.size(), 2u);
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(MasterSqliteReportsTest, SnapshotOfALiveStoreIsAWholeDatabase) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.Join("m.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Status st = (*store)->Write([](StoreTx& tx) -> Status {
    for (int i = 0; i < 50; ++i)
      SLAPOS_RETURN_IF_ERROR(tx.UpsertNode("COMP-" + std::to_string(i)).status());
    return Status::OK();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  Result<std::string> bytes = (*store)->Snapshot();
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  // The store goes on serving after the copy, and no temporary file stays behind.
  st = (*store)->Write([](StoreTx& tx) { return tx.UpsertNode("COMP-after").status(); });
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::string copy = dir.Join("copy.db");
  ASSERT_TRUE(WriteFileAtomic(copy, *bytes, 0600).ok());
  Result<int> version = CheckSqliteFile(copy);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, SqliteSchemaVersion());
  // The copy opens as a master database with the 50 nodes (and not the one added after).
  auto restored = OpenSqliteStore(copy);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  st = (*restored)->Read([](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::vector<NodeRecord> nodes, tx.ListNodes());
    EXPECT_EQ(nodes.size(), 50u);
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();

  std::string garbage = dir.Join("garbage.db");
  ASSERT_TRUE(WriteFileAtomic(garbage, std::string(8192, 'x'), 0600).ok());
  Result<int> bad = CheckSqliteFile(garbage);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(garbage), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace slapos::master
