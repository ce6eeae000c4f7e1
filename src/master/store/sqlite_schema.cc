// The master's SQLite schema: every migration since the first, in order.
#include "master/store/sqlite_schema.h"

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
    // 4: what nodes report. The last reported status of each instance (ERP5's access status:
    // "#error <message>" or "#access Instance correctly started|stopped", with its time); the
    // last report on each software installation (building|available|error, the error log);
    // the usage documents (TioXML) nodes post, with the node and the time received.
    R"sql(
ALTER TABLE partition ADD COLUMN access_status TEXT NOT NULL DEFAULT '';
ALTER TABLE partition ADD COLUMN access_status_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE shared_instance ADD COLUMN access_status TEXT NOT NULL DEFAULT '';
ALTER TABLE shared_instance ADD COLUMN access_status_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE software ADD COLUMN reported_state TEXT NOT NULL DEFAULT '';
ALTER TABLE software ADD COLUMN error TEXT NOT NULL DEFAULT '';
ALTER TABLE software ADD COLUMN reported_at INTEGER NOT NULL DEFAULT 0;
CREATE TABLE usage_report (
  id INTEGER PRIMARY KEY,
  computer TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  tioxml TEXT NOT NULL
);
CREATE INDEX usage_report_computer ON usage_report(computer, received_at);
CREATE INDEX usage_report_received ON usage_report(received_at);
)sql",
};

}  // namespace

const char* const* SqliteMigrations(int* count) {
  *count = static_cast<int>(sizeof(kMigrations) / sizeof(kMigrations[0]));
  return kMigrations;
}

}  // namespace slapos::master
