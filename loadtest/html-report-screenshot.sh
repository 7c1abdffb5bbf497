#!/usr/bin/env bash
# Renders an HTML report of the load tool in headless Chromium, takes a screenshot and checks that
# its three charts are drawn. Needs Debian's chromium (apt-get install -y chromium) and a build
# (mvn -B -q install -DskipTests). Starts the demo server on loopback and stops it again.
#
#   loadtest/html-report-screenshot.sh            -> target/load-report/report.html and report.png
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/load-report
mkdir -p "$OUT"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || { echo "no $CHROMIUM: apt-get install -y chromium"; exit 2; }

java -Xmx256m -jar demo-server/target/membreaker-demo.jar --port 50081 --admin-port 50082 --metrics-port -1 \
  > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do grep -q listening "$OUT/server.log" && break; sleep 0.5; done

# 8 s of load, with a surge in the middle so that shed calls show in the status chart.
java -jar loadtest/target/membreaker.jar load 127.0.0.1:50081 --call membreaker.demo.v1.PaymentService/Quote \
  -d '{"pair":"EURUSD","retain":{"bytes":1048576,"millis":2000}}' --load-schedule step \
  --load-start 20 --load-step 60 --load-end 140 --load-step-duration 2s -z 8s -c 100 -t 5s \
  -O html -o "$OUT/report.html"

FLAGS=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)")
"$CHROMIUM" "${FLAGS[@]}" --window-size=1000,1400 --screenshot="$OUT/report.png" "file://$PWD/$OUT/report.html" 2>/dev/null
"$CHROMIUM" "${FLAGS[@]}" --dump-dom "file://$PWD/$OUT/report.html" 2>/dev/null > "$OUT/report.dom.html"

charts=$(grep -o 'class="chart"' "$OUT/report.dom.html" | wc -l)
bars=$(grep -o 'class="bar"' "$OUT/report.dom.html" | wc -l)
lines=$(grep -o 'class="line"' "$OUT/report.dom.html" | wc -l)
size=$(stat -c %s "$OUT/report.png")
echo "rendered: $charts charts, $bars bars, $lines lines; screenshot $OUT/report.png ($size bytes)"
[ "$charts" -eq 3 ] && [ "$bars" -gt 10 ] && [ "$lines" -eq 2 ] && [ "$size" -gt 20000 ] || { echo "charts missing"; exit 1; }
echo "ok"
