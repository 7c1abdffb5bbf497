#!/usr/bin/env bash
# The proof scenarios in one command: builds what is needed, then runs every scenario (surge,
# sawtooth, churn, leak, recovery, direct, slow-reader) against each contender (unprotected, membreaker,
# Resilience4j, concurrency-limits, Sentinel), one server JVM at a time with the same heap and load,
# and writes the report to target/scenarios/ (report.html, results.md, results.json, one JSON and
# one server log per run). About 15 minutes after the build.
#
#   ./scenarios.sh                      everything
#   ./scenarios.sh surge                one scenario (any of the names above)
#   ./scenarios.sh surge --contenders none,membreaker
#
# Everything runs on 127.0.0.1; each server is a child JVM that is stopped at the end of its run.
set -euo pipefail
cd "$(dirname "$0")"
NAME=${1:-all}
shift || true
echo "== building (mvn -q install -DskipTests)"
mvn -B -q install -DskipTests
exec java -jar loadtest/target/membreaker.jar scenario "$NAME" -o target/scenarios "$@"
