#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/fuzz_*.cpp) with clang in their own build folder and runs
# each for N seconds, starting from the seed corpus tests/fuzz/corpus_<target>/. Fails on the first
# crash, leak, sanitizer report or timeout; the input that caused it is left in the build folder.
#   scripts/fuzz.sh [--seconds N] [--build-dir DIR] [--jobs N]
# NAMEKEEPER_FUZZ_CXX picks the compiler (default clang++-16, installed here when missing: clang 14 cannot
# compile libstdc++'s std::expected).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
build_dir=build-fuzz
jobs=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
cxx=${NAMEKEEPER_FUZZ_CXX:-clang++-16}
if ! command -v "$cxx" >/dev/null && [ "$cxx" = clang++-16 ] && [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends clang-16 libclang-rt-16-dev >/dev/null
fi
if ! command -v "$cxx" >/dev/null; then
  echo "fuzz.sh: $cxx not found (scripts/setup.sh installs clang-16 and libclang-rt-16-dev)" >&2
  exit 1
fi

targets=(payload)
[ -f include/namekeeper/pypi/filename.hpp ] && targets+=(filename)

cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER="$cxx" -DNAMEKEEPER_FUZZ=ON -DNAMEKEEPER_TESTS=OFF \
  -DNAMEKEEPER_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j "$jobs" --target "${targets[@]/#/fuzz_}"

for target in "${targets[@]}"; do
  echo "== fuzz_$target for ${seconds}s"
  # New inputs go to a working corpus in the build folder; the committed seeds stay as they are.
  corpus="$build_dir/corpus_$target"
  mkdir -p "$corpus"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="$build_dir/fuzz_$target-")
  [ -f "tests/fuzz/$target.dict" ] && options+=(-dict="tests/fuzz/$target.dict")
  if ! "$build_dir/fuzz_$target" "${options[@]}" "$corpus" "tests/fuzz/corpus_$target" \
      >"$build_dir/fuzz_$target.log" 2>&1; then
    tail -n 60 "$build_dir/fuzz_$target.log" >&2
    echo "fuzz.sh: fuzz_$target failed; the input is in $build_dir/fuzz_$target-*" >&2
    exit 1
  fi
  grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added)|^#[0-9]+ +DONE' \
    "$build_dir/fuzz_$target.log" || true
done
