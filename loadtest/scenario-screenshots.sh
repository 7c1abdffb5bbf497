#!/usr/bin/env bash
# Renders each scenario's page of the last report (target/scenarios/report-NAME.html, written by
# ./scenarios.sh or `membreaker scenario`) to a PNG with headless Chromium, into docs/images/.
#   loadtest/scenario-screenshots.sh [REPORT_DIR] [PNG_DIR]
# Needs Chromium (Debian: apt-get install -y chromium; or set CHROMIUM=/path/to/chrome).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
IN=$(realpath -m "${1:-$ROOT/target/scenarios}")
OUT=$(realpath -m "${2:-$ROOT/docs/images}")
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "no $CHROMIUM: apt-get install -y chromium"; exit 2; }
mkdir -p "$OUT"
FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$(mktemp -d)")
shopt -s nullglob
pages=("$IN"/report-*.html)
[ ${#pages[@]} -gt 0 ] || { echo "no $IN/report-*.html: run ./scenarios.sh first"; exit 2; }
for page in "${pages[@]}"; do
  name=$(basename "$page" .html); name=${name#report-}
  "$CHROMIUM" "${FLAGS[@]}" --window-size=1440,1260 --screenshot="$OUT/scenario-$name.png" "file://$page" 2>/dev/null
  size=$(stat -c %s "$OUT/scenario-$name.png")
  [ "$size" -gt 20000 ] || { echo "$OUT/scenario-$name.png is only $size bytes: nothing drawn?"; exit 1; }
  echo "$OUT/scenario-$name.png ($size bytes)"
done
