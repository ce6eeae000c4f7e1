#!/usr/bin/env bash
# The test command: installs what is missing, builds from scratch if needed, runs every test
# (unit, HTTP-level and end-to-end) through CTest. Extra arguments go to ctest (e.g. -R Master).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
cd "$BUILD_DIR"
ctest --output-on-failure -j"$(nproc)" --timeout 600 "$@"
