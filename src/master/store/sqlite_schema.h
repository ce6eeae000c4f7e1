// Internal to the SQLite store: the schema migrations. Entry v (0-based) brings a database
// from PRAGMA user_version v to v + 1. Never edit a shipped entry: append a new one.
#pragma once

namespace slapos::master {

// The migrations in order; `*count` receives how many there are.
const char* const* SqliteMigrations(int* count);

}  // namespace slapos::master
