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

Next steps, from another terminal in this clone (docs/client.md, docs/master.md):

  export PATH=$PWD/$BUILD_DIR/src/cli:\$PATH
  # 1. register a compute node COMP-0 with three partitions (a real node: slapos node format)
  slapos computer register COMP-0 --partitions 3 --attribute region=eu --master-url $URL
  # 2. supply a software release to it
  slapos supply https://example.org/hello/software.cfg COMP-0 --master-url $URL
  # 3. request an instance, and see where it was allocated
  slapos request my-hello https://example.org/hello/software.cfg --parameters name=world --master-url $URL
  slapos service list --master-url $URL
  slapos computer info COMP-0 --master-url $URL

  # the same API with curl: what a node sees of its partitions
  curl -s -X POST $URL/slapos.allDocs.v0.compute_node_instance_list -d '{"computer_guid": "COMP-0"}'

INFO
exec "$BUILD_DIR/src/cli/slapos" master --host "$HOST" --port "$PORT" --db "$DB"
