#!/usr/bin/env bash
# first-run.sh: what a newcomer waits for, measured from a checkout (issue 20).
#   bench/first-run.sh cold [PORT]    `go run .` with empty module and build caches, to the first answer
#   bench/first-run.sh start [PORT]   a built binary on a new embedded database, to the first answer,
#                                     then again on the database it made
# Each prints seconds; run them a few times, and compare runs of one machine only.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}; port=${2:-18099}
answer() { curl -s -o /dev/null -H 'Content-Type: application/json' -d '{"query":"{ centre { name } }"}' "http://127.0.0.1:$port/graphql"; }
if answer; then echo "port $port is taken" >&2; exit 1; fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
case "$mode" in
cold)
  start=$(date +%s.%N)
  setsid env GOMODCACHE="$work/mod" GOCACHE="$work/cache" GOFLAGS=-modcacherw DATABASE_URL="sqlite:$work/data/coursegraph.db" PORT="$port" \
    go run . >"$work/out" 2>&1 &
  pid=$!
  until answer; do sleep 0.1; done
  end=$(date +%s.%N)
  kill -- -"$pid"; wait "$pid" 2>/dev/null || true
  zips=$(find "$work/mod/cache/download" -name '*.zip' | wc -l)
  echo "first answer after $(echo "$end - $start" | bc) s; downloaded $zips modules, $(du -sch $(find "$work/mod/cache/download" -name '*.zip') | tail -1 | cut -f1) zipped, $(du -sh "$work/mod" | cut -f1) in the module cache"
  ;;
start)
  go build -o "$work/coursegraph" .
  for run in new again; do
    start=$(date +%s.%N)
    DATABASE_URL="sqlite:$work/data/coursegraph.db" PORT="$port" "$work/coursegraph" >/dev/null 2>&1 &
    pid=$!
    until answer; do sleep 0.01; done
    end=$(date +%s.%N)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$run database: first answer after $(echo "$end - $start" | bc) s"
  done
  echo "binary: $(stat -c %s "$work/coursegraph") bytes; $(go list -deps . | grep -c '\.') packages outside the standard library"
  ;;
*) sed -n 2,6p "$0" >&2; exit 2 ;;
esac
