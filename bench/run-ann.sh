#!/usr/bin/env bash
# Builds quiver-index and the bench module, then runs the ANN comparison (Quiver vs Lucene vs
# jvector). Arguments are passed to io.quiver.bench.AnnBenchmark, e.g.
#   bench/run-ann.sh --datasets siftsmall --queries 100
# ANN_JVM adds JVM flags, e.g. ANN_JVM="-XX:StartFlightRecording=filename=/tmp/ann.jfr,settings=profile".
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am install -DskipTests
args="${*:---datasets siftsmall,gauss128,gauss768}"
# "compile" runs the toolchain selection first, so exec forks a JDK >= 21.
./mvnw -q -pl bench compile exec:exec@ann -Dann.args="$args" -Dann.jvm="${ANN_JVM:-}"
