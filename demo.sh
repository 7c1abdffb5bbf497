#!/usr/bin/env bash
# The membreaker demo in one command: builds what is needed, starts the demo server with a
# 256 MiB heap, drives a memory surge at it with the load tool while printing the breaker's state
# changes live, then normal load to show the recovery, and leaves a report in target/demo/.
# About 70 seconds after the build; it stops everything it started.
#
#   ./demo.sh                 the server protected by membreaker: it sheds, survives, recovers
#   ./demo.sh --unprotected   the same server and surge without the breaker: it dies of OOM
#
# Ports: 50051 (service), 50052 (admin, loopback), 9464 (/metrics); set DEMO_PORT, DEMO_ADMIN_PORT
# and DEMO_METRICS_PORT to move them.
set -euo pipefail
cd "$(dirname "$0")"

UNPROTECTED=""
if [ "${1:-}" = "--unprotected" ]; then UNPROTECTED="--unprotected"; fi
PORT=${DEMO_PORT:-50051}
ADMIN_PORT=${DEMO_ADMIN_PORT:-50052}
METRICS_PORT=${DEMO_METRICS_PORT:-9464}
OUT=target/demo
CLI="java -jar loadtest/target/membreaker.jar"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "== building (mvn -q install -DskipTests)"
mvn -B -q install -DskipTests
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.json "$OUT"/*.txt

echo "== starting the demo server ${UNPROTECTED:-(protected)} with a 256 MiB heap"
java -Xmx256m -XX:+ExitOnOutOfMemoryError -jar demo-server/target/membreaker-demo.jar $UNPROTECTED \
  --port "$PORT" --admin-port "$ADMIN_PORT" --metrics-port "$METRICS_PORT" --admin-insecure-local-dev \
  > "$OUT/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
for _ in $(seq 1 60); do
  if grep -q "listening" "$OUT/server.log" 2>/dev/null; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then echo "the server did not start:"; cat "$OUT/server.log"; exit 1; fi
  sleep 0.5
done
grep "listening" "$OUT/server.log"

echo "== watching the breaker (membreaker admin watch)"
$CLI admin watch --target "127.0.0.1:$ADMIN_PORT" --duration 65s > "$OUT/watch.log" 2>&1 &
WATCH=$!
PIDS+=("$WATCH")
tail -n +1 -f "$OUT/watch.log" --pid "$WATCH" | sed -u 's/^/   breaker: /' &
PIDS+=("$!")

echo "== surge: 150 quotes a second for 20 s, each holding 1 MiB for 3 s (about 450 MiB wanted on a 256 MiB heap)"
$CLI load "127.0.0.1:$PORT" --call membreaker.demo.v1.PaymentService/Quote \
  -d '{"pair":"EURUSD","retain":{"bytes":1048576,"millis":3000}}' -c 200 --rps 150 -z 20s -t 5s \
  -O json -o "$OUT/surge.json" || true

survived() { kill -0 "$SERVER" 2>/dev/null; }
if survived; then
  echo "== recovery: normal load, 200 quotes and 20 payments a second for 25 s"
  $CLI load "127.0.0.1:$PORT" --call membreaker.demo.v1.PaymentService/Pay -d '{"account":"a","amount_cents":100}' \
    --rps 20 -z 25s -c 20 -O json -o "$OUT/recovery-pay.json" &
  PAY=$!
  $CLI load "127.0.0.1:$PORT" --call membreaker.demo.v1.PaymentService/Quote -d '{"pair":"EURUSD"}' \
    --rps 200 -z 25s -c 50 -O json -o "$OUT/recovery.json" || true
  wait "$PAY" || true
  $CLI admin state --target "127.0.0.1:$ADMIN_PORT" > "$OUT/final-state.txt" || true
fi

status() { # "OK n, RESOURCE_EXHAUSTED n, ..." from a JSON report
  sed -n '/statusCodeDistribution/,/}/p' "$1" | grep -o '"[A-Z_]*" : [0-9]*' | tr -d '"' | paste -sd, - | sed 's/ : / /g; s/,/, /g'
}
{
  echo "membreaker demo report ($(date -u +%Y-%m-%dT%H:%M:%SZ)), server $([ -n "$UNPROTECTED" ] && echo "unprotected" || echo "protected by membreaker")"
  echo "surge:    $(status "$OUT/surge.json")"
  if survived; then
    echo "recovery: Quote $(status "$OUT/recovery.json"); Pay $(status "$OUT/recovery-pay.json")"
    echo "server:   alive; final breaker state:"
    sed 's/^/          /' "$OUT/final-state.txt" | head -3
  else
    echo "server:   DEAD: $(grep -m1 -o 'Terminating due to java.lang.OutOfMemoryError.*' "$OUT/server.log" || echo 'exited')"
  fi
  echo "files:    $OUT/server.log, watch.log, surge.json, recovery*.json"
} | tee "$OUT/report.txt"

if survived; then
  kill -TERM "$SERVER"
  wait "$SERVER" || true
  echo "== server stopped: $(tail -1 "$OUT/server.log")"
  [ -z "$UNPROTECTED" ] || exit 1
else
  [ -n "$UNPROTECTED" ] || exit 1
fi
