#!/usr/bin/env bash
# Builds the modules the benchmark needs, then runs io.quiver.bench.writes.WriteThroughputBenchmark
# (or the class named by WRITES_MAIN, e.g. io.quiver.bench.writes.RestartBenchmark). Arguments go
# to the benchmark, e.g.  bench/run-writes.sh --seconds 20 --cases rf1,rf3,rf3-all
# WRITES_JVM adds JVM flags, e.g. WRITES_JVM="-XX:StartFlightRecording=filename=/tmp/w.jfr".
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -o -pl bench -am install -DskipTests
main="${WRITES_MAIN:-io.quiver.bench.writes.WriteThroughputBenchmark}"
# "compile" runs the toolchain selection first, so exec forks a JDK >= 21.
./mvnw -q -o -pl bench compile exec:exec@writes -Dwrites.main="$main" -Dwrites.args="$*" -Dwrites.jvm="${WRITES_JVM:-}"
