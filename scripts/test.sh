#!/usr/bin/env bash
# Sets up, builds and runs every test:  scripts/test.sh [setup.sh options]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=build
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--build-dir" ] && build_dir=${args[$((i + 1))]}
done
scripts/setup.sh "$@"
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
