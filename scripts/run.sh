#!/usr/bin/env bash
# The README's first command: builds slapos-cpp (installing what is missing) and runs the system
# on its embedded defaults. For now that is a master on SQLite, in the foreground until Ctrl-C.
#   state directory: /var/lib/slapos when run as root, ./run otherwise (override: SLAPOS_STATE_DIR)
#   listen address:  127.0.0.1:5000 (override: SLAPOS_MASTER_HOST, SLAPOS_MASTER_PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
if [ "$(id -u)" -eq 0 ]; then default_state=/var/lib/slapos; else default_state="$PWD/run"; fi
STATE_DIR=${SLAPOS_STATE_DIR:-$default_state}
HOST=${SLAPOS_MASTER_HOST:-127.0.0.1}
PORT=${SLAPOS_MASTER_PORT:-5000}
mkdir -p "$STATE_DIR"
DB="$STATE_DIR/master.db"
URL="http://$HOST:$PORT"
cat <<INFO

slapos master: $URL  (database $DB, log on this terminal, Ctrl-C to stop)

Next steps, from another terminal (see docs/master.md for every endpoint):

  # 1. register a compute node COMP-0 with two partitions
  curl -s -X POST $URL/slapos.put.v0.compute_node_format -d '{"computer_guid": "COMP-0",
    "compute_partition_list": [
      {"partition_id": "slappart0", "ip_list": [{"ip-address": "10.0.0.1", "network-interface": "slaptap0", "netmask": "255.255.255.0"}]},
      {"partition_id": "slappart1", "ip_list": [{"ip-address": "10.0.0.2", "network-interface": "slaptap1", "netmask": "255.255.255.0"}]}]}'

  # 2. supply a software release to it
  curl -s -X POST $URL/slapos.post.v0.software_installation -d '{"software_release_uri": "https://example.org/software.cfg", "computer_guid": "COMP-0"}'

  # 3. request an instance, and see where it was allocated
  curl -s -X POST $URL/slapos.post.v0.software_instance -d '{"title": "my-instance", "software_release_uri": "https://example.org/software.cfg", "software_type": "default", "parameters": {"name": "world"}}'

  # 4. what the node must deploy
  curl -s -X POST $URL/slapos.allDocs.v0.compute_node_instance_list -d '{"computer_guid": "COMP-0"}'

INFO
exec "$BUILD_DIR/src/cli/slapos" master --host "$HOST" --port "$PORT" --db "$DB"
