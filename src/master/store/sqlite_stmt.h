// Internal to the SQLite store: a prepared statement borrowed from the connection's cache,
// reset (and its bindings cleared) when it goes out of scope. Not thread-safe: used under the
// store's mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "util/status.h"

namespace slapos::master {

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
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(s_, col)))
             : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_;
  Status error_;
};

}  // namespace slapos::master
