#!/usr/bin/env bash
# Builds the server, starts it on a fresh SQLite database (seeded with the demo data
# on its first start) on a free loopback port, waits until it is ready, runs
# bench/load against it with any arguments given here, then stops it and removes
# everything it made.
#
#   bash bench/run.sh -c 8 -n 2000
#   bash bench/run.sh -n 500 -query '{ centre { name } }'
#
# BENCH_PORT chooses the first port tried (default 18080; the next 19 are tried if
# it is taken).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

tmp=$(mktemp -d "${TMPDIR:-/tmp}/coursegraph-bench.XXXXXX")
server_pid=

cleanup() {
	local status=$?
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	if [[ $status -ne 0 && -s $tmp/server.log ]]; then
		echo "run.sh: server log:" >&2
		tail -n 30 "$tmp/server.log" >&2
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT

port_in_use() {
	# A connection that succeeds means something is listening.
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

first_port=${BENCH_PORT:-18080}
port=
for ((p = first_port; p < first_port + 20; p++)); do
	if ! port_in_use "$p"; then
		port=$p
		break
	fi
done
if [[ -z $port ]]; then
	echo "run.sh: no free port in $first_port-$((first_port + 19)); set BENCH_PORT" >&2
	exit 1
fi

echo "run.sh: building into $tmp"
go build -o "$tmp/coursegraph" .
go build -o "$tmp/load" ./bench/load

DATABASE_URL="sqlite:$tmp/bench.db" ADDR="127.0.0.1:$port" LOG_LEVEL=warn \
	"$tmp/coursegraph" serve >"$tmp/server.log" 2>&1 &
server_pid=$!

base="http://127.0.0.1:$port"
ready=
for _ in $(seq 60); do # 60 x 0.5 s: at most about 30 s
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "run.sh: the server exited before it was ready" >&2
		exit 1
	fi
	if curl -fsS --max-time 1 -o /dev/null "$base/readyz" 2>/dev/null; then
		ready=1
		break
	fi
	sleep 0.5
done
if [[ -z $ready ]]; then
	echo "run.sh: the server was not ready at $base/readyz after 30 s" >&2
	exit 1
fi
echo "run.sh: server ready at $base"

"$tmp/load" -url "$base/graphql" "$@"
