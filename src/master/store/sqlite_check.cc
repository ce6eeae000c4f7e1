// CheckSqliteFile: is a (backup) database file whole, and which schema does it hold?
#include <sqlite3.h>

#include "master/store/sqlite_store.h"

namespace slapos::master {

Result<int> CheckSqliteFile(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  auto fail = [&](const std::string& what) {
    std::string m =
        "database " + path + ": " + what + (db ? std::string(": ") + sqlite3_errmsg(db) : "");
    sqlite3_close(db);
    return Corruption(m);
  };
  if (rc != SQLITE_OK) return fail("cannot open it");
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) != SQLITE_OK) {
    return fail("not a readable SQLite database");
  }
  std::string verdict;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(s, 0);
    verdict +=
        (verdict.empty() ? "" : "; ") + std::string(t ? reinterpret_cast<const char*>(t) : "");
  }
  sqlite3_finalize(s);
  if (verdict != "ok") {
    sqlite3_close(db);
    return Corruption("database " + path +
                      ": integrity check failed: " + (verdict.empty() ? "no answer" : verdict));
  }
  int version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, nullptr) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW) {
    version = sqlite3_column_int(s, 0);
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  if (version < 0) return Corruption("database " + path + ": cannot read its schema version");
  return version;
}

}  // namespace slapos::master
