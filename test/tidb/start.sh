#!/usr/bin/env bash
# Starts a single-process TiDB (in-memory unistore storage: nothing is kept) for
# the tests, building it first if this machine has not (test/tidb/build.sh), and
# waits until it answers. Prints the DSN for TEST_TIDB_DSN.
#
#   TIDB_PORT=14000 TIDB_STATUS_PORT=14080 test/tidb/start.sh
#   test/tidb/stop.sh
#
# An own port (not TiDB's usual 4000), so that it never meets another TiDB on the
# machine. A server already answering on the port is reused.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${TIDB_PORT:-14000}"
status="${TIDB_STATUS_PORT:-14080}"
run="${TIDB_RUN_DIR:-${TMPDIR:-/tmp}/coursegraph-tidb-$port}"

open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! open "$port"; then
  bin="$("$here/build.sh")"
  mkdir -p "$run"
  # LOCK TABLES takes locks (off by default, when TiDB accepts it and does
  # nothing): the tests that stall the database hold one.
  cat >"$run/tidb.toml" <<'TOML'
enable-table-lock = true
TOML
  # -path "" with unistore keeps the data in memory; the log goes to a file.
  nohup "$bin" -config "$run/tidb.toml" -store unistore -path "" -host 127.0.0.1 -P "$port" -status "$status" \
    -log-file "$run/tidb.log" -log-slow-query "$run/slow.log" >"$run/stdout.log" 2>&1 &
  echo $! >"$run/pid"
  for _ in $(seq 1 120); do
    open "$port" && break
    kill -0 "$(cat "$run/pid")" 2>/dev/null || { tail -20 "$run/stdout.log" "$run/tidb.log" >&2 || true; echo "tidb-server exited" >&2; exit 1; }
    sleep 0.5
  done
  open "$port" || { echo "TiDB did not start on 127.0.0.1:$port (log: $run/tidb.log)" >&2; exit 1; }
  # The SQL port opens a little before the server takes queries: wait for /status.
  for _ in $(seq 1 60); do
    (exec 3<>"/dev/tcp/127.0.0.1/$status" && printf 'GET /status HTTP/1.0\r\n\r\n' >&3 && grep -q '"version"' <&3) 2>/dev/null && break
    sleep 0.5
  done
fi
echo "root@tcp(127.0.0.1:$port)/"
