#!/usr/bin/env bash
# `.contentexport` interoperability with Esri's ArcGIS API for Python (arcgis 2.4.4): our
# ocm_per_item / ocm_batch packages read by its list_items and imported by its import_content,
# and a package its export_items wrote read by our `inspect`, all against a fresh sandbox demo
# org (trusting only the sandbox's CA through SSL_CERT_FILE). Needs Python 3.10-3.12 and PyPI
# access the first time (a wheel in /tmp/ocm-arcgis is used when present).
# Usage: scripts/ocm-interop.sh   (prints PASS/FAIL per step and "N passed, M failed")
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${ARCGIS_VENV:-target/arcgis-venv}
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  LINKS=()
  [ -d /tmp/ocm-arcgis ] && LINKS=(--find-links /tmp/ocm-arcgis)
  "$VENV/bin/pip" install -q "${LINKS[@]}" "arcgis==2.4.4" six
fi
cargo build -q --locked --bin agol-backup-cli
CLI="$(pwd)/${CARGO_TARGET_DIR:-target}/debug/agol-backup-cli"
[[ "${CARGO_TARGET_DIR:-}" == /* ]] && CLI="$CARGO_TARGET_DIR/debug/agol-backup-cli"
TLS_DIR=$(mktemp -d)
LOG="$TLS_DIR/sandbox.log"
"$CLI" sandbox --addr 127.0.0.1:0 --tls-dir "$TLS_DIR" --export-delay-ms 300 >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$TLS_DIR"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$LOG" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^sandbox portal listening on //p' "$LOG" | head -n1)
[ -n "$URL" ] || { echo "sandbox did not start:"; cat "$LOG"; exit 2; }
echo "sandbox: $URL (CA $TLS_DIR/ca.pem)"
START=$(date +%s)
set +e
SANDBOX_URL="$URL" SANDBOX_HTTPS_URL="${URL/http:/https:}" SSL_CERT_FILE="$TLS_DIR/ca.pem" \
  AGOL_CLI="$CLI" "$VENV/bin/python" scripts/ocm_interop.py
RC=$?
set -e
echo "ocm interop: $(( $(date +%s) - START )) s"
exit $RC
