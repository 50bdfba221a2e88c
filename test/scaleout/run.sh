#!/usr/bin/env bash
# make scaleout-test: coursegraph as an operator runs it on several machines,
# all on 127.0.0.1 on ports of its own. This script starts, from Debian's
# packages, a MariaDB primary and a replica replicating from it, and HAProxy in
# front of three instances (deploy/haproxy.cfg); it builds coursegraph once,
# migrates and seeds the primary, then runs the checks (test/scaleout, a Go
# program, which starts the Redis and the three instances itself, so that it
# can kill and restart them). Everything it started is stopped by PID on exit;
# the machine's MariaDB (3306) and Redis (6379) are never touched. The whole run
# is bounded by SCALEOUT_TIMEOUT (default 600 s).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${SCALEOUT_BOUNDED:-}" ]; then
  exec timeout --kill-after=15 "${SCALEOUT_TIMEOUT:-600}" env SCALEOUT_BOUNDED=1 "$0" "$@"
fi

PRIMARY_PORT=13306 REPLICA_PORT=13307 REDIS_PORT=16379
LB_PORT=18080 A_PORT=18081 B_PORT=18082 C_PORT=18083
started=$(date +%s)
step() { printf '\n==> [%3ds] %s\n' "$(($(date +%s) - started))" "$*"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in $PRIMARY_PORT $REPLICA_PORT $REDIS_PORT $LB_PORT $A_PORT $B_PORT $C_PORT; do
  if port_open "$p"; then echo "port $p is in use: another scale-out run, or something else; stop it first" >&2; exit 1; fi
done

need=()
[ -x /usr/sbin/mariadbd ] && command -v mariadb-install-db >/dev/null || need+=(mariadb-server mariadb-client)
command -v redis-server >/dev/null || need+=(redis-server)
command -v haproxy >/dev/null || need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]} (Debian's packages)"
  apt-get update -qq
  # No service is started by the packages' scripts where there is no init.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

dir="$(mktemp -d /tmp/coursegraph-scaleout.XXXXXX)"
pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ] && [ -d "$dir" ]; then
    echo "logs of the failed run (last lines):" >&2
    for f in "$dir"/*-install.log "$dir"/instance-*.log "$dir"/haproxy.log "$dir"/*.err; do [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }; done
  fi
  [ -n "${SCALEOUT_KEEP:-}" ] && echo "kept $dir" >&2 || rm -rf "$dir"
  printf '\nscale-out run took %ds\n' "$(($(date +%s) - started))"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 143' INT TERM

mariadb_at() { mariadb --no-defaults --protocol=tcp --host=127.0.0.1 --port="$1" --user=root "${@:2}"; }

install_mariadb() { # name
  mariadb-install-db --no-defaults --datadir="$dir/$1" --user="$(id -un)" --auth-root-authentication-method=normal \
    --skip-test-db >"$dir/$1-install.log" 2>&1
}
start_mariadb() { # name port server-id
  local name=$1 port=$2 id=$3
  /usr/sbin/mariadbd --no-defaults --datadir="$dir/$name" --user="$(id -un)" --port="$port" --bind-address=127.0.0.1 \
    --socket="$dir/$name.sock" --pid-file="$dir/$name.pid" --log-error="$dir/$name.err" --skip-name-resolve \
    --server-id="$id" --log-bin="$dir/$name/binlog" --binlog-format=ROW --relay-log="$dir/$name/relay" \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=16M --performance-schema=OFF &
  pids+=($!)
}

step "MariaDB primary on 127.0.0.1:$PRIMARY_PORT and replica on 127.0.0.1:$REPLICA_PORT"
# Both data directories first: one run of the first eight stopped while the
# replica's was made beside the starting primary (its log was not kept).
install_mariadb primary
install_mariadb replica
start_mariadb primary $PRIMARY_PORT 1
start_mariadb replica $REPLICA_PORT 2
for p in $PRIMARY_PORT $REPLICA_PORT; do
  for _ in $(seq 1 60); do mariadb_at "$p" -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.5; done
  mariadb_at "$p" -e 'SELECT 1' >/dev/null
done
# The replication user is made on the primary only; everything after it
# (the database, the application's user, the schema, the data) replicates.
mariadb_at $PRIMARY_PORT -e "SET sql_log_bin = 0;
  CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'; GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';"
mariadb_at $REPLICA_PORT -e "SET GLOBAL read_only = ON;
  CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT, MASTER_USER='repl', MASTER_PASSWORD='repl',
    MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
  START SLAVE;"
mariadb_at $PRIMARY_PORT -e "CREATE DATABASE coursegraph CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
  CREATE USER 'cg'@'127.0.0.1' IDENTIFIED BY 'cg'; GRANT ALL ON coursegraph.* TO 'cg'@'127.0.0.1';"

step "building coursegraph once"
go build -o "$dir/coursegraph" .
go build -o "$dir/scaleout" ./test/scaleout

step "migrating and seeding the primary"
DATABASE_URL="mysql://cg:cg@127.0.0.1:$PRIMARY_PORT/coursegraph" "$dir/coursegraph" migrate >"$dir/migrate.log" 2>&1
DATABASE_URL="mysql://cg:cg@127.0.0.1:$PRIMARY_PORT/coursegraph" "$dir/coursegraph" seed >"$dir/seed.log" 2>&1
mariadb_at $REPLICA_PORT -e 'SHOW SLAVE STATUS\G' | grep -E 'Slave_(IO|SQL)_Running:|Seconds_Behind_Master|Last_(IO|SQL)_Error:'

step "HAProxy on 127.0.0.1:$LB_PORT (deploy/haproxy.cfg)"
CG_LISTEN=127.0.0.1:$LB_PORT CG_A=127.0.0.1:$A_PORT CG_B=127.0.0.1:$B_PORT CG_C=127.0.0.1:$C_PORT \
  haproxy -db -f deploy/haproxy.cfg >"$dir/haproxy.log" 2>&1 &
pids+=($!)

step "the checks (Redis on 127.0.0.1:$REDIS_PORT and instances on $A_PORT, $B_PORT, $C_PORT, started by the checks)"
"$dir/scaleout" -bin "$dir/coursegraph" -dir "$dir" -primary $PRIMARY_PORT -replica $REPLICA_PORT -redis $REDIS_PORT \
  -lb $LB_PORT -instances $A_PORT,$B_PORT,$C_PORT "$@" &
checks=$!
pids+=($checks)
wait $checks
