#!/usr/bin/env bash
# Demo (for now): builds namekeeper, writes the placeholders for a few names with the real binary,
# and lets the real Python tools judge them: twine check, then pip install --no-index into a
# scratch folder, which must end up holding only the .dist-info folder (no importable code).
#   scripts/demo.sh [setup.sh options]
# Output goes to demo-out/ (recreated on each run).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--build-dir" ] && build_dir=${args[$((i + 1))]}
done

echo "== setup and build"
scripts/setup.sh "$@"

python=/usr/bin/python3 # Debian's: it has twine, pip and packaging (REFERENCE.md)
out=demo-out
rm -rf "$out"
mkdir -p "$out/placeholders"
names=(Acme.Utils acme-billing-client x-y-z_1.2)

echo "== namekeeper placeholder ${names[*]} --out $out/placeholders"
# No configuration file: the built-in placeholder defaults apply (wheel only).
NAMEKEEPER_CONFIG=/nonexistent "$build_dir/namekeeper" placeholder "${names[@]}" --out "$out/placeholders" |
  tee "$out/placeholders.txt"

echo "== an invalid name is refused (exit 2)"
status=0
NAMEKEEPER_CONFIG=/nonexistent "$build_dir/namekeeper" placeholder --out "$out/placeholders" -- -bad || status=$?
[ "$status" -eq 2 ] || { echo "demo: expected exit status 2, got $status" >&2; exit 1; }

echo "== twine check --strict"
"$python" -m twine check --strict "$out"/placeholders/*

for wheel in "$out"/placeholders/*.whl; do
  target="$out/installed/$(basename "$wheel" .whl)"
  echo "== pip install --no-index --no-deps --target $target $(basename "$wheel")"
  PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore "$python" -m pip install -q --no-index --no-deps --no-cache-dir \
    --target "$target" "$wheel"
  installed=$(ls -A "$target")
  echo "   installed: $installed"
  case "$installed" in
    *.dist-info) ;;
    *) echo "demo: $wheel installed more than its .dist-info" >&2; exit 1 ;;
  esac
done
echo "== demo passed: placeholders in $out/placeholders"
