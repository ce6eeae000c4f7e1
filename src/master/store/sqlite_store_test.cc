#include "master/store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "util/testing.h"

namespace slapos::master {
namespace {

TEST(MasterSqliteStoreTest, MigratesAndKeepsDataAcrossReopen) {
  testing::TempDir dir;
  std::string path = dir.Join("m.db");
  {
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Status st = (*store)->Write([](StoreTx& tx) -> Status {
      SLAPOS_ASSIGN_OR_RETURN(int64_t node, tx.UpsertNode("COMP-0"));
      SLAPOS_RETURN_IF_ERROR(tx.SetNodeAttributes(node, {{"region", "eu"}}));
      SLAPOS_ASSIGN_OR_RETURN(int64_t p, tx.InsertPartition(node, "slappart0"));
      return tx.ReplaceAddresses(p, {IpEntry{"tap0", "10.0.0.1", "255.0.0.0"}});
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok());
  Status st = (*store)->Read([](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::optional<NodeRecord> node, tx.FindNode("COMP-0"));
    EXPECT_TRUE(node.has_value());
    if (!node) return Status::OK();
    EXPECT_EQ(node->attributes.at("region"), "eu");
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FirstFreePartition(node->id));
    EXPECT_TRUE(p.has_value());
    if (p) {
      SLAPOS_ASSIGN_OR_RETURN(std::vector<IpEntry> ips, tx.ListAddresses(p->id));
      EXPECT_EQ(ips.size(), 1u);
    }
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  // The schema version is recorded.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), SqliteSchemaVersion());
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST(MasterSqliteStoreTest, FailedTransactionLeavesNothing) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.Join("m.db"));
  ASSERT_TRUE(store.ok());
  Status st = (*store)->Write([](StoreTx& tx) -> Status {
    SLAPOS_RETURN_IF_ERROR(tx.UpsertNode("COMP-0").status());
    return PermissionDenied("refused");
  });
  EXPECT_EQ(st.code(), Code::kPermissionDenied);
  (void)(*store)->Read([](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(std::vector<NodeRecord> nodes, tx.ListNodes());
    EXPECT_TRUE(nodes.empty());
    return Status::OK();
  });
}

TEST(MasterSqliteStoreTest, OneBusyPartitionPerInstance) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.Join("m.db"));
  ASSERT_TRUE(store.ok());
  Status st = (*store)->Write([](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(int64_t node, tx.UpsertNode("C"));
    for (const char* ref : {"p0", "p1"}) {
      SLAPOS_ASSIGN_OR_RETURN(int64_t id, tx.InsertPartition(node, ref));
      PartitionRecord p;
      p.id = id;
      p.busy = true;
      p.title = "same";
      SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(p));
    }
    return Status::OK();
  });
  EXPECT_FALSE(st.ok()) << "the unique index must refuse a second partition for one instance";
}

TEST(MasterSqliteStoreTest, RefusesADatabaseFromANewerSlapos) {
  testing::TempDir dir;
  std::string path = dir.Join("m.db");
  ASSERT_TRUE(OpenSqliteStore(path).ok());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenSqliteStore(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer slapos"), std::string::npos) << store.status().message();
}

TEST(MasterSqliteStoreTest, UnwritableDatabaseNamesTheFile) {
  auto store = OpenSqliteStore("/nonexistent-dir/x/m.db");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("/nonexistent-dir/x/m.db"), std::string::npos);
}

}  // namespace
}  // namespace slapos::master
