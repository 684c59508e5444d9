#!/usr/bin/env bash
# Builds the modules and runs the SciFact quality benchmark through the whole system (every role
# in one JVM, the SDK): nDCG@10 of BM25, vector and hybrid search. Arguments go to
# io.quiver.bench.system.SciFactBenchmark, e.g.  bench/run-scifact.sh --shards 1
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl bench -am install -DskipTests
# "compile" runs the toolchain selection first, so exec forks a JDK >= 21.
./mvnw -q -pl bench compile exec:exec@scifact -Dsystem.args="$*"
