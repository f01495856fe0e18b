#!/usr/bin/env bash
# Installs what namekeeper needs from Debian (when missing), then configures and builds it.
#   scripts/setup.sh [--build-dir DIR] [--sanitize] [--werror] [--build-type TYPE] [--no-bench] [--with-fuzz]
# Safe to run again: installs nothing that is already there, and builds incrementally.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=()
extra_packages=()
while [ $# -gt 0 ]; do
  case "$1" in
    --with-fuzz) extra_packages+=(clang-16 libclang-rt-16-dev); shift ;; # libFuzzer; clang 14 lacks std::expected
    --build-dir) build_dir=$2; shift 2 ;;
    --sanitize) cmake_args+=(-DNAMEKEEPER_SANITIZE=ON); shift ;;
    --werror) cmake_args+=(-DNAMEKEEPER_WERROR=ON); shift ;;
    --no-bench) cmake_args+=(-DNAMEKEEPER_BENCH=OFF); shift ;;
    --build-type) cmake_args+=(-DCMAKE_BUILD_TYPE="$2"); shift 2 ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

# Build tools and libraries; the Python tools are the real clients that judge our output in tests.
packages=(
  build-essential cmake pkg-config git ca-certificates
  libcurl4-openssl-dev libyaml-cpp-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev
  libarchive-dev libzip-dev libspdlog-dev catch2 libcli11-dev libcpp-httplib-dev libssl-dev libsodium-dev
  python3 python3-packaging python3-pip python3-wheel python3-stdlib-list twine
  systemd clang-format sqlite3 curl procps openssl
)
packages+=("${extra_packages[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
