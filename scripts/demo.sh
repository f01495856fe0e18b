#!/usr/bin/env bash
# The main job on a built-in demo company, with real parts: local stand-ins for Artifactory and PyPI
# (namekeeper-standins, real HTTP on loopback), the real namekeeper binary, a real SQLite ledger.
#   1. backfill: every internal package is listed, looked up, reserved or reported;
#   2. status: what the ledger now holds;
#   3. reconcile: a second (incremental) run finds nothing to do;
#   4. serve: Artifactory webhooks for two new packages end up as reservations within seconds;
#   5. the placeholders that were uploaded are judged by twine check and pip.
#   scripts/demo.sh [setup.sh options]
# Everything is written under demo-out/ (recreated on each run).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--build-dir" ] && build_dir=${args[$((i + 1))]}
done

echo "== setup and build"
scripts/setup.sh "$@"

out=$(pwd)/demo-out
rm -rf "$out"
mkdir -p "$out/secrets"
nk="$(pwd)/$build_dir/namekeeper"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

wait_for_file() { # file, seconds
  for _ in $(seq 1 $(($2 * 10))); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "demo: $1 did not appear" >&2
  exit 1
}

echo "== starting the stand-ins (Artifactory with a sample company, PyPI with a few existing projects)"
"$build_dir/namekeeper-standins" --sample company --new-project-limit 100 --ready-file "$out/standins.env" \
  >"$out/standins.log" 2>&1 &
pids+=($!)
wait_for_file "$out/standins.env" 10
# shellcheck disable=SC1091
. "$out/standins.env"
echo "   Artifactory: $ARTIFACTORY_URL   PyPI: $PYPI_URL"

# Secrets live in files (as systemd credentials would), never on the command line or in the config.
printf 'demo-artifactory-token\n' >"$out/secrets/artifactory-token"
printf 'pypi-demo-token\n' >"$out/secrets/pypi-token"
printf 'demo-webhook-secret\n' >"$out/secrets/webhook-secret"
chmod 600 "$out"/secrets/*
cat >"$out/config.yaml" <<EOF
artifactory:
  url: ${ARTIFACTORY_URL}
  token_file: \${DEMO_SECRETS}/artifactory-token
pypi:
  index_url: ${PYPI_URL}
  upload_url: ${PYPI_UPLOAD_URL}
  token_file: \${DEMO_SECRETS}/pypi-token
  owners: [acme-security]
  organizations: [acme]
  max_new_projects_per_hour: 50
  contact: security@acme.example
placeholder:
  summary: Reserved name to protect ACME users from dependency confusion
  author: ACME Security
  author_email: security@acme.example
  project_url: https://acme.example/security
  formats: [wheel, sdist]
ledger:
  path: ${out}/ledger.sqlite3
policy:
  ignore: ["acme-*-fork"]
webhook:
  listen: 127.0.0.1:18480
  secret_file: \${DEMO_SECRETS}/webhook-secret
EOF
export DEMO_SECRETS="$out/secrets"
export NAMEKEEPER_CONFIG="$out/config.yaml"

echo
echo "== namekeeper backfill --report demo-out/backfill.json"
status=0
"$nk" backfill --report "$out/backfill.json" 2>"$out/backfill.log" || status=$?
echo "   (exit status $status; the log is in demo-out/backfill.log)"
grep -E " (warning|error) " "$out/backfill.log" | sed 's/^/   log: /' || true

echo
echo "== namekeeper status"
"$nk" status 2>/dev/null

echo
echo "== namekeeper reconcile   (a second, incremental run: nothing new, nothing uploaded)"
"$nk" reconcile 2>"$out/reconcile.log"

echo
echo "== namekeeper serve   (webhook mode; Artifactory's events are sent with curl)"
"$nk" serve 2>"$out/serve.log" &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 1 50); do curl -fsS http://127.0.0.1:18480/healthz >/dev/null 2>&1 && break; sleep 0.1; done
send_event() { # path
  local body
  body=$(printf '{"domain":"artifact","event_type":"deployed","data":{"repo_key":"pypi-local","path":"%s","name":"%s","size":1234}}' "$1" "${1##*/}")
  local signature
  signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "demo-webhook-secret" -r | cut -d' ' -f1)
  printf '   POST %s -> ' "$1"
  curl -sS -X POST http://127.0.0.1:18480/webhooks/artifactory -H 'Content-Type: application/json' \
    -H "X-JFrog-Event-Auth: $signature" --data-binary "$body"
  echo
}
send_event "acme-fresh-idea/0.1.0/acme_fresh_idea-0.1.0-py3-none-any.whl"
send_event "Acme.Late.Night/2.0.0/acme_late_night-2.0.0.tar.gz"
printf '   a wrong secret -> '
curl -sS -X POST http://127.0.0.1:18480/webhooks/artifactory -H 'X-JFrog-Event-Auth: guess' --data-binary '{}'
echo
for _ in $(seq 1 100); do
  "$nk" status --state reserved 2>/dev/null | grep -q '^acme-late-night ' && break
  sleep 0.1
done
"$nk" status --state reserved 2>/dev/null | grep -E '^(NAME|acme-fresh-idea|acme-late-night) '
kill -TERM "$serve_pid"
wait "$serve_pid" && echo "   serve stopped on SIGTERM with exit status 0"

echo
echo "== the uploaded placeholders, judged by the real tools"
# Built again locally: the bytes are reproducible, so they are the very files the index received.
"$nk" placeholder acme-fresh-idea --out "$out/placeholders" >/dev/null 2>&1
for f in "$out"/placeholders/*; do
  uploaded=$(sqlite3 "$out/ledger.sqlite3" "SELECT sha256 FROM uploads WHERE filename = '$(basename "$f")'")
  [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$uploaded" ] || { echo "demo: $f differs from the upload" >&2; exit 1; }
done
echo "   same sha256 as the uploads the ledger recorded: $(cd "$out/placeholders" && ls | tr '\n' ' ')"
/usr/bin/python3 -m twine check --strict "$out"/placeholders/* | sed 's/^/   /'
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore /usr/bin/python3 -m pip install -q --no-index --no-deps \
  --no-cache-dir --target "$out/installed" "$out"/placeholders/*.whl
echo "   pip install of the wheel leaves only: $(ls -A "$out/installed")"

echo
echo "== demo done: ledger $out/ledger.sqlite3, report $out/backfill.json"
