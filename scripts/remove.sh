#!/usr/bin/env bash
# Removes everything scripts/run.sh (`slapos configure local`) set up on this machine: the
# supervisor and every process under it (master, node daemon, partitions' services), the
# partitions with their users and groups, their addresses, the slapos0 interface, the
# directories and configuration files it created. Root. Extra arguments go to
# `slapos configure local --remove` (e.g. --slapos-configuration-directory DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in --help|-h) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
SLAPOS="$PWD/${BUILD_DIR:-build}/src/cli/slapos"
if [ ! -x "$SLAPOS" ]; then
  echo "remove.sh: $SLAPOS is missing; build it first (bash scripts/build.sh)" >&2
  exit 1
fi
exec "$SLAPOS" configure local --remove "$@"
