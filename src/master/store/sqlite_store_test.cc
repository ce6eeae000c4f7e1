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
  store->reset();  // the store keeps its file locked while open
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

TEST(MasterSqliteStoreTest, ASecondStoreOnTheSameFileIsRefused) {
  testing::TempDir dir;
  std::string path = dir.Join("m.db");
  auto first = OpenSqliteStore(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = OpenSqliteStore(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use by another process"), std::string::npos)
      << second.status().message();
  // The first store still works, and once it is closed the file opens again.
  Status st = (*first)->Write([](StoreTx& tx) { return tx.UpsertNode("COMP-0").status(); });
  EXPECT_TRUE(st.ok()) << st.ToString();
  first->reset();
  auto again = OpenSqliteStore(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
}

TEST(MasterSqliteStoreTest, FirstFreeMatchingFollowsNodeThenSlotOrder) {
  testing::TempDir dir;
  auto store = OpenSqliteStore(dir.Join("m.db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Status st = (*store)->Write([](StoreTx& tx) -> Status {
    SLAPOS_ASSIGN_OR_RETURN(int64_t a, tx.UpsertNode("COMP-A"));
    SLAPOS_ASSIGN_OR_RETURN(int64_t b, tx.UpsertNode("COMP-B"));
    SLAPOS_RETURN_IF_ERROR(tx.SetNodeAttributes(b, {{"region", "eu"}, {"cpu", "arm64"}}));
    // Slot ids interleave between the nodes: node order must win over slot id order.
    SLAPOS_ASSIGN_OR_RETURN(int64_t b0, tx.InsertPartition(b, "slappart0"));
    SLAPOS_ASSIGN_OR_RETURN(int64_t a0, tx.InsertPartition(a, "slappart0"));
    SLAPOS_ASSIGN_OR_RETURN(int64_t a1, tx.InsertPartition(a, "slappart1"));
    SLAPOS_ASSIGN_OR_RETURN(int64_t b1, tx.InsertPartition(b, "slappart1"));
    (void)b0;
    (void)b1;
    SLAPOS_ASSIGN_OR_RETURN(std::optional<PartitionRecord> p, tx.FirstFreeMatching("", {}));
    EXPECT_TRUE(p && p->id == a0);
    // Occupy a0: the next free slot of A comes before any slot of B.
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FindPartitionById(a0));
    p->busy = true;
    p->title = "x";
    SLAPOS_RETURN_IF_ERROR(tx.UpdatePartition(*p));
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FirstFreeMatching("", {}));
    EXPECT_TRUE(p && p->id == a1);
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FirstFreeMatching("COMP-B", {}));
    EXPECT_TRUE(p && p->computer == "COMP-B" && p->reference == "slappart0");
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FirstFreeMatching("", {{"region", "eu"}, {"cpu", "arm64"}}));
    EXPECT_TRUE(p && p->computer == "COMP-B" && p->reference == "slappart0");
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FirstFreeMatching("", {{"region", "eu"}, {"cpu", "x86"}}));
    EXPECT_FALSE(p.has_value());
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FirstFreeMatching("COMP-A", {{"region", "eu"}}));
    EXPECT_FALSE(p.has_value());
    SLAPOS_ASSIGN_OR_RETURN(p, tx.FirstFreeMatching("COMP-C", {}));
    EXPECT_FALSE(p.has_value());
    return Status::OK();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST(MasterSqliteStoreTest, UnwritableDatabaseNamesTheFile) {
  auto store = OpenSqliteStore("/nonexistent-dir/x/m.db");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("/nonexistent-dir/x/m.db"), std::string::npos);
}

}  // namespace
}  // namespace slapos::master
