#!/usr/bin/env bash
# Installs every Debian package slapos-cpp needs to build, test and benchmark.
# Idempotent and non-interactive: packages already present are left alone.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache git
  # libraries (../shared/DESIGN.md §3)
  libboost1.81-dev libssl-dev libcurl4-openssl-dev nlohmann-json3-dev
  libsqlite3-dev libpq-dev libpugixml-dev libcli11-dev libspdlog-dev libfmt-dev
  libarchive-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev googletest
  sqlite3 curl wrk supervisor iproute2 procps psmisc
  python3 make patch
  postgresql
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's supervisor package starts its own daemon where an init system runs; our tests
# start the binaries themselves, so keep the system one out of the way.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet supervisor 2>/dev/null; then
  $SUDO systemctl stop supervisor || true
fi
