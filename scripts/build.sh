#!/usr/bin/env bash
# Configures and builds slapos-cpp into ./build (or $BUILD_DIR). Used by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" -DSLAPOS_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
