#!/usr/bin/env bash
# Builds the modules and runs the search load benchmark: the query node against data nodes (every role
# in one JVM) beside one ShardEngine in process; QPS, p50, p99. Arguments go to
# io.quiver.bench.system.LoadBenchmark, e.g.  bench/run-load.sh --threads 4 --read EVENTUAL
# LOAD_JVM adds JVM flags, e.g. LOAD_JVM="-XX:StartFlightRecording=filename=/tmp/load.jfr,settings=profile".
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am install -DskipTests
# "compile" runs the toolchain selection first, so exec forks a JDK >= 21.
./mvnw -q -pl bench compile exec:exec@load -Dsystem.args="$*" -Dload.jvm="${LOAD_JVM:-}"
