// The master's SQLite store: WAL journal, foreign keys, versioned migrations (PRAGMA
// user_version), prepared statements cached for the life of the connection. One connection
// guarded by a mutex: transactions are serialised, which also serialises allocation.
// Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "master/store.h"

namespace slapos::master {

// The newest schema version this build knows.
int SqliteSchemaVersion();

// Opens (creating if needed) the database at `path` and brings its schema up to date.
// Errors name the file and what to do.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

// Checks a database file that no master uses (a backup): opens it read-only, runs
// PRAGMA integrity_check and returns its schema version. Errors name the file.
Result<int> CheckSqliteFile(const std::string& path);

}  // namespace slapos::master
