#!/usr/bin/env bash
# Runs Esri's ArcGIS API for Python (arcgis 2.4.4) against a fresh sandbox portal, trusting only
# the sandbox's CA through SSL_CERT_FILE. Needs Python 3.10-3.12 and PyPI access the first time.
# Usage: scripts/official-client-check.sh   (prints PASS/FAIL per step and "N passed, M failed")
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${ARCGIS_VENV:-target/arcgis-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "arcgis==2.4.4" six
fi
cargo build -q --bin agol-backup-cli
TLS_DIR=$(mktemp -d)
LOG="$TLS_DIR/sandbox.log"
target/debug/agol-backup-cli sandbox --addr 127.0.0.1:0 --tls-dir "$TLS_DIR" --export-delay-ms 500 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$TLS_DIR"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$LOG" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^sandbox portal listening on //p' "$LOG" | head -n1)
[ -n "$URL" ] || { echo "sandbox did not start:"; cat "$LOG"; exit 2; }
echo "sandbox: $URL (CA $TLS_DIR/ca.pem)"
SANDBOX_URL="$URL" SSL_CERT_FILE="$TLS_DIR/ca.pem" "$VENV/bin/python" scripts/official_client_check.py
