#!/usr/bin/env bash
# Stops the TiDB that test/tidb/start.sh started on TIDB_PORT (by its pid file).
set -euo pipefail
port="${TIDB_PORT:-14000}"
run="${TIDB_RUN_DIR:-${TMPDIR:-/tmp}/coursegraph-tidb-$port}"
[ -f "$run/pid" ] || exit 0
pid="$(cat "$run/pid")"
if kill -0 "$pid" 2>/dev/null; then
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
fi
rm -f "$run/pid"
