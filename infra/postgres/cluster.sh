#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the console: its own data folder, 127.0.0.1 only, a fixed port, no Docker.
# Usage: cluster.sh ensure <name> <port>   -> initdb once, start if not running, create database <name>; prints
#                                             a connection string on stdout (last line)
#        cluster.sh stop <name> <port>
# Idempotent: running it twice leaves one running cluster. The data folder lives under /var/tmp, named after the
# checkout, because the postgres user may not be able to traverse the checkout's parents (e.g. /root).
set -euo pipefail

cmd=${1:?ensure|stop|status}
name=${2:?cluster name}
port=${3:?port}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
checkout_id=$(printf '%s' "$repo_root" | sha256sum | cut -c1-10)
base="${CONSOLE_PG_BASE:-/var/tmp/vnf-console-$checkout_id}"
data="$base/$name"
pwfile="$base/$name.password"
log="$base/$name.log"

pg_bin=""
for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$dir/initdb" ]; then pg_bin=$dir; break; fi
done
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found; installing postgresql-15 from Debian" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  pg_bin=/usr/lib/postgresql/15/bin
fi

# initdb and postgres refuse to run as root: run them as the postgres user then, as ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

is_running() {
  [ -f "$data/postmaster.pid" ] && as_owner "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

psql_admin() {
  PGPASSWORD=$(cat "$pwfile") psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U console -d postgres "$@"
}

case "$cmd" in
  ensure)
    mkdir -p "$base"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$base"; fi
    chmod 700 "$base"
    if [ ! -s "$pwfile" ]; then
      head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$pwfile.tmp"
      if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pwfile.tmp"; fi
      chmod 600 "$pwfile.tmp"
      mv "$pwfile.tmp" "$pwfile"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      rm -rf "$data"
      as_owner "$pg_bin/initdb" -D "$data" -U console --pwfile="$pwfile" \
        --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$log.initdb" 2>&1 \
        || { cat "$log.initdb" >&2; exit 1; }
    fi
    if ! is_running; then
      rm -f "$data/postmaster.pid"
      # Sized for a 2-core machine running tests; fsync stays on: this is a real database, not a fake.
      as_owner "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
        -o "-h 127.0.0.1 -p $port -k '' -c max_connections=300 -c shared_buffers=256MB" >/dev/null \
        || { tail -n 30 "$log" >&2; exit 1; }
    fi
    for _ in $(seq 1 60); do
      if psql_admin -c 'select 1' >/dev/null 2>&1; then break; fi
      sleep 0.5
    done
    if ! psql_admin -tAc "select 1 from pg_database where datname = 'console'" | grep -q 1; then
      psql_admin -c 'create database console'
    fi
    echo "Host=127.0.0.1;Port=$port;Database=console;Username=console;Password=$(cat "$pwfile")"
    ;;
  stop)
    if is_running; then as_owner "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    ;;
  status)
    if is_running; then echo "running: $data on 127.0.0.1:$port"; else echo "stopped: $data"; fi
    ;;
  *)
    echo "unknown command $cmd" >&2; exit 2 ;;
esac
