#!/usr/bin/env bash
# The proof scenarios in one command: builds what is needed, then runs scenarios against each
# contender, one server JVM at a time with the same heap and load, and writes the report to
# target/scenarios/NAME/ (report.html, results.md, results.json, one JSON and one server log per run).
#
# Contenders: none, membreaker, resilience4j, concurrency-limits, sentinel (none of which but
# membreaker watches memory), and the memory guards of naive-heap, solr, elasticsearch, pinot,
# opensearch, and grpc-java's own limits (grpc-limits). docs/RESULTS.md says how each is built.
#
# Every scenario against every contender takes about 65 minutes on a 2-core machine, so it comes
# in three named parts of 20 to 25 minutes each:
#
#   ./scenarios.sh surges               surge, recovery, surge-silence
#   ./scenarios.sh retention            leak, lru, batch
#   ./scenarios.sh garbage-and-buffers  calm, sawtooth, churn, humongous, direct, slow-reader
#   ./scenarios.sh                      all three, one after the other (or: ./scenarios.sh all)
#   ./scenarios.sh churn                one scenario (any name above)
#   ./scenarios.sh churn --contenders none,membreaker,solr
#   ./scenarios.sh surges --quick --collector parallel -o target/scenarios-parallel
#
# Everything runs on 127.0.0.1; each server is a child JVM that is stopped at the end of its run.
set -euo pipefail
cd "$(dirname "$0")"
NAME=${1:-all}
shift || true
OUT=target/scenarios
for arg in "$@"; do
  case "$arg" in -o|--out|-o=*|--out=*) OUT="";; esac
done
echo "== building (mvn -q install -DskipTests)"
mvn -B -q install -DskipTests
if [ -n "$OUT" ]; then
  set -- -o "$OUT/$NAME" "$@"
fi
exec java -jar loadtest/target/membreaker.jar scenario "$NAME" "$@"
