#!/usr/bin/env bash
# Benchmark: one batch `.contentexport` of the sandbox's demo org plus `generated:100` (every
# item the admin sees, the 512 MiB generated file included) with 50 ms latency on every
# request: wall time and peak memory (max RSS, /usr/bin/time -v) of our
# `backup --mode ocm_batch` (release build) and of Esri's `export_items` (arcgis 2.4.4) on the
# same items against the same sandbox. Prints a table. Needs the arcgis virtualenv of
# scripts/ocm-interop.sh (ARCGIS_VENV, default target/arcgis-venv) and /usr/bin/time.
# Usage: scripts/bench-package.sh [DATASET] [LATENCY_MS]   (default demo+generated:100 50)
#        AGOL_CLI=<binary> to use a given build instead of building the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
DATASET=${1:-demo+generated:100}
LATENCY=${2:-50}
VENV=${ARCGIS_VENV:-target/arcgis-venv}
PY="$VENV/bin/python"
[ -x "$PY" ] || { echo "no arcgis virtualenv at $VENV: run scripts/ocm-interop.sh first"; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (apt-get install time)"; exit 2; }
if [ -n "${AGOL_CLI:-}" ]; then
  CLI=$AGOL_CLI   # a given binary (e.g. a copy of a release build), not rebuilt
else
  cargo build -q --locked --release --bin agol-backup-cli
  TARGET=${CARGO_TARGET_DIR:-target}
  CLI="$TARGET/release/agol-backup-cli"
  [[ "$CLI" == /* ]] || CLI="$(pwd)/$CLI"
fi
WORK=$(mktemp -d)
LOG="$WORK/sandbox.log"
"$CLI" sandbox --addr 127.0.0.1:0 --tls-dir "$WORK" --dataset "$DATASET" \
  --latency-ms "$LATENCY" --export-delay-ms 500 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do grep -q "listening on" "$LOG" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^sandbox portal listening on //p' "$LOG" | head -n1)
[ -n "$URL" ] || { echo "sandbox did not start:"; cat "$LOG"; exit 2; }
export SANDBOX_URL="$URL" SSL_CERT_FILE="$WORK/ca.pem"
echo "sandbox: $URL, dataset $DATASET, latency $LATENCY ms"
"$PY" scripts/bench_package.py ids "$WORK/ids.csv"

# "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34" -> seconds; max RSS in MiB.
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.1f", s}' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$1"; }
size() { du -m "$1" | cut -f1; }

mkdir "$WORK/esri"
# ours WORKERS: our backup with --workers WORKERS (4 is our default; Esri's export uses 10).
ours() {
  mkdir "$WORK/ours$1"
  AGOL_PASSWORD=sandbox-admin /usr/bin/time -v -o "$WORK/ours$1.time" "$CLI" backup \
    --portal "${URL/http:/https:}" --username admin --ca-file "$WORK/ca.pem" --csv "$WORK/ids.csv" \
    --dest "$WORK/ours$1" --mode ocm_batch --workers "$1" >"$WORK/ours$1.log" 2>&1 \
    || { tail -20 "$WORK/ours$1.log"; exit 1; }
  grep -E '^(package|backup)[ :]' "$WORK/ours$1.log" || true
}
ours 4
ours 10
OURS=$(ls "$WORK"/ours4/*.contentexport)
/usr/bin/time -v -o "$WORK/esri.time" "$PY" scripts/bench_package.py esri "$WORK/esri" "$WORK/ids.csv" \
  >"$WORK/esri.log" 2>&1 || { tail -20 "$WORK/esri.log"; exit 1; }
ESRI=$(ls "$WORK"/esri/*.contentexport)
tail -n1 "$WORK/esri.log"
N_OURS=$("$PY" scripts/bench_package.py summary "$OURS")
N_ESRI=$("$PY" scripts/bench_package.py summary "$ESRI")

printf '\n%-40s %10s %14s %12s %8s\n' "run ($DATASET, ${LATENCY} ms)" "wall s" "max RSS MiB" "package MiB" "items"
for w in 4 10; do
  printf '%-40s %10s %14s %12s %8s\n' "agol-backup ocm_batch --workers $w" "$(wall "$WORK/ours$w.time")" \
    "$(rss "$WORK/ours$w.time")" "$(size "$WORK"/ours$w/*.contentexport)" "$N_OURS"
done
printf '%-40s %10s %14s %12s %8s\n' "arcgis 2.4.4 export_items" "$(wall "$WORK/esri.time")" \
  "$(rss "$WORK/esri.time")" "$(size "$ESRI")" "$N_ESRI"
