#!/usr/bin/env bash
# The README's first command. On a fresh Debian 12 machine, as root:
#   installs what is missing (scripts/install-deps.sh), builds (scripts/build.sh), sets up a whole
#   SlapOS on this machine with `slapos configure local` (a master, a node with 10 partitions on
#   its own bridge slapos0, the node's supervisor), supplies software/hello, requests an instance
#   `hello` with name=SlapOS, waits until its URL answers, and prints the URL and what to try next.
# Run again, it changes nothing and prints the same. scripts/remove.sh removes everything.
#
# Options:
#   --master-only   the old behaviour: only a master on SQLite, in the foreground (no root needed)
#   --help
# Environment: BUILD_DIR (build), SLAPOS_RUN_TIMEOUT (seconds to wait for hello, 900),
#   SLAPOS_LOCAL_OPTIONS (extra options for `slapos configure local`, e.g. "--master-port 5001" on
#     a first run, or "--partition-number 40" to grow an existing setup in place; options kept
#     by the setup need not be repeated),
#   SLAPOS_NO_BUILD=1 (skip install and build: use the slapos already built in $BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD_DIR=${BUILD_DIR:-build}
case "${1:-}" in
  --help|-h) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
  --master-only|"") ;;
  *) echo "run.sh: unknown option '$1' (see scripts/run.sh --help)" >&2; exit 2 ;;
esac

if [ "${1:-}" = "--master-only" ]; then
  bash scripts/build.sh
  if [ "$(id -u)" -eq 0 ]; then default_state=/var/lib/slapos; else default_state="$PWD/run"; fi
  STATE_DIR=${SLAPOS_STATE_DIR:-$default_state}
  HOST=${SLAPOS_MASTER_HOST:-127.0.0.1}
  PORT=${SLAPOS_MASTER_PORT:-5000}
  mkdir -p "$STATE_DIR"
  echo "slapos master: http://$HOST:$PORT (database $STATE_DIR/master-only.db; Ctrl-C to stop; docs/master.md)"
  exec "$BUILD_DIR/src/cli/slapos" master --host "$HOST" --port "$PORT" --db "$STATE_DIR/master-only.db"
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "run.sh: run it as root: it creates the partitions' users and a network interface (or use --master-only)" >&2
  exit 1
fi

[ "${SLAPOS_NO_BUILD:-}" = 1 ] || bash scripts/build.sh
SLAPOS="$SRC/$BUILD_DIR/src/cli/slapos"
# shellcheck disable=SC2086
"$SLAPOS" configure local ${SLAPOS_LOCAL_OPTIONS:-}

CFG=${SLAPOS_CONFIGURATION:-/etc/opt/slapos/slapos.cfg}
for arg in ${SLAPOS_LOCAL_OPTIONS:-}; do
  if [ "${prev:-}" = "--slapos-configuration-directory" ]; then CFG="$arg/slapos.cfg"; fi
  prev=$arg
done
cfg_get() { sed -n "s/^$1 = //p" "$CFG" | head -1; }
NODE=$(cfg_get computer_id)
IR=$(cfg_get instance_root)
MASTER=$(cfg_get master_url)
SR="$SRC/software/hello/software.cfg"
LOGS="$IR/var/log"
C=(--master-url "$MASTER")

"$SLAPOS" supply "$SR" "$NODE" "${C[@]}" >/dev/null
request_hello() { "$SLAPOS" request hello "$SR" --parameters name=SlapOS "${C[@]}" >/dev/null 2>&1 || true; }
request_hello

hello_url() {
  "$SLAPOS" service info hello "${C[@]}" 2>/dev/null | python3 -c \
    'import json,sys; print(json.load(sys.stdin).get("connection-parameters", {}).get("url", ""))' 2>/dev/null || true
}
has_node_command() { "$SLAPOS" node --help 2>/dev/null | grep -qE "^ +$1( |$)"; }

TIMEOUT=${SLAPOS_RUN_TIMEOUT:-900}
deadline=$((SECONDS + TIMEOUT))
url=$(hello_url)
if [ -z "$url" ] || ! curl -sf --globoff -m 5 "$url" >/dev/null 2>&1; then
  echo "Waiting for the hello instance (first run: building hello from source, then deploying; up to ${TIMEOUT}s)..."
fi
while :; do
  url=$(hello_url)
  if [ -n "$url" ] && curl -sf --globoff -m 5 "$url" >/dev/null 2>&1; then break; fi
  if [ $SECONDS -ge $deadline ]; then
    cat >&2 <<EOF
run.sh: the hello instance did not answer within ${TIMEOUT}s (URL: ${url:-not published yet}).
Look at:
  $LOGS/node-software.log  and  /opt/slapgrid/*/.buildout.log   (building hello)
  $LOGS/node-instance.log  and  $IR/slappart*/.*.log            (deploying it)
  $LOGS/slapos-master.log, $LOGS/supervisord.log
Run scripts/run.sh again to keep waiting (SLAPOS_RUN_TIMEOUT=seconds to wait longer).
EOF
    exit 1
  fi
  # The node daemon (when this slapos has it) runs these every minute; running them here too
  # makes the first start quick. A run already in progress elsewhere is simply skipped.
  "$SLAPOS" node software --cfg "$CFG" >>"$LOGS/node-software.log" 2>&1 || true
  if has_node_command instance; then
    "$SLAPOS" node instance --cfg "$CFG" >>"$LOGS/node-instance.log" 2>&1 || true
  elif ! has_node_command daemon; then
    echo "run.sh: this slapos has neither 'node instance' nor 'node daemon': the instance cannot be deployed yet" >&2
    exit 1
  fi
  request_hello
  sleep 2
done

answer=$(curl -sf --globoff -m 5 "$url" || true)
cat <<EOF

SlapOS runs on this machine: master $MASTER, node $NODE ($CFG).
The instance "hello" answers at

    $url      -> $answer

Next, with the client (it reads ~/.slapos/slapos-client.cfg):

  export PATH=$SRC/$BUILD_DIR/src/cli:\$PATH
  slapos service list                                   # your instances
  slapos service info hello                             # parameters, connection parameters, state
  slapos request hello2 $SR --parameters name=Ada     # another instance
  slapos request hello $SR --parameters name=Grace    # change the parameter (redeployed)
  slapos request hello $SR --parameters name=Grace --state stopped   # stop it
  slapos request hello $SR --parameters name=Grace --state started   # start it again
  slapos request hello $SR --state destroyed          # destroy it (its partition is freed)
  slapos node status --cfg $CFG               # the node's processes
  bash scripts/remove.sh                                # remove everything this set up

Logs: $LOGS (master, supervisor, node runs). Documentation: docs/configure-local.md, docs/node.md.
EOF
