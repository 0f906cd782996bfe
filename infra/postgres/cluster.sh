#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the console: its own data folder, 127.0.0.1 only, a fixed port, no Docker.
# Usage: cluster.sh ensure <name> <port>   -> initdb once, start if not running, create the roles vnf_owner and
#                                             vnf_console and database "console" (owned by vnf_owner); prints the
#                                             superuser's Npgsql connection string on stdout (always the last line)
#        cluster.sh connection <name> <port> admin|owner|console
#                                          -> the connection string of that role to database "console" (after ensure)
#        cluster.sh stop <name> <port>
#        cluster.sh status <name> <port>
# Idempotent: running it twice leaves one running cluster, and its data survives restarts. The data folder lives
# under /var/tmp, named after the checkout, because the postgres user may not be able to traverse the checkout's
# parents (e.g. /root). Set CONSOLE_PG_BASE to put it elsewhere. Diagnostics go to stderr, never stdout.
#
# Roles (least privilege, docs/tamper-evident-log.md "Database roles"): "console" is the cluster's superuser, used only
# here and by test fixtures to create databases; vnf_owner owns the console's schema and runs its migrations;
# vnf_console is what the console runs as: it owns nothing, so it cannot alter, disable triggers on, or truncate the
# event log, and it gets only the privileges the console grants it when it migrates.
set -euo pipefail

cmd=${1:?ensure|stop|status}
name=${2:?cluster name}
port=${3:?port}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
checkout_id=$(printf '%s' "$repo_root" | sha256sum | cut -c1-10)
base="${CONSOLE_PG_BASE:-/var/tmp/vnf-console-$checkout_id}"
data="$base/$name"
pwfile="$base/$name.password"
owner_role=vnf_owner
console_role=vnf_console
log="$base/$name.log"

pg_bin=""
for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
  if [ -x "$dir/initdb" ]; then pg_bin=$dir; break; fi
done
if [ -z "$pg_bin" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL server binaries not found; install them: sudo apt-get install -y postgresql-15" >&2
    exit 1
  fi
  echo "PostgreSQL server binaries not found; installing postgresql-15 from Debian" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  pg_bin=/usr/lib/postgresql/15/bin
fi
# The server's own psql when present (same major version), else whatever client is on PATH.
psql_bin="$pg_bin/psql"
[ -x "$psql_bin" ] || psql_bin=psql

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

# The 4th line of postmaster.pid is the port the running server listens on.
running_port() {
  sed -n 4p "$data/postmaster.pid" 2>/dev/null | tr -d '[:space:]'
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Names the data folder of any of our clusters (any checkout) that listens on the port, to make a clash explainable.
port_owner() {
  local pidfile
  for pidfile in /var/tmp/vnf-console-*/*/postmaster.pid "$base"/*/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    if [ "$(sed -n 4p "$pidfile" 2>/dev/null | tr -d '[:space:]')" = "$1" ]; then
      dirname "$pidfile"
      return 0
    fi
  done
  return 1
}

psql_admin() {
  PGPASSWORD=$(cat "$pwfile") PGCONNECT_TIMEOUT=5 "$psql_bin" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U console -d postgres "$@"
}

# A password file per role, made once (mode 600, owned by whoever runs the cluster).
role_password() {
  local file="$base/$name.$1.password"
  if [ ! -s "$file" ]; then
    head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$file.tmp"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$file.tmp"; fi
    chmod 600 "$file.tmp"
    mv "$file.tmp" "$file"
  fi
  cat "$file"
}

connection_string() {   # connection_string <role> <password>
  echo "Host=127.0.0.1;Port=$port;Database=console;Username=$1;Password=$2"
}

# Creates (or repairs) the two roles, and hands database "console" and what it holds to the owner role: a database
# made by an earlier version belongs to the superuser, so this is also its upgrade. Idempotent.
ensure_roles() {
  local role
  for role in "$owner_role" "$console_role"; do
    psql_admin -v role="$role" -v pw="$(role_password "$role")" >&2 <<'SQL'
select format('create role %I', :'role') where not exists (select 1 from pg_roles where rolname = :'role') \gexec
alter role :"role" with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls inherit password :'pw';
SQL
  done
  if ! psql_admin -tAc "select 1 from pg_database where datname = 'console'" | grep -q 1; then
    psql_admin -c "create database console owner $owner_role" >&2
  fi
  psql_admin -c "alter database console owner to $owner_role" >&2
  # Objects the superuser made (an earlier version ran as it) move to the owner; sequences owned by a column move
  # with their table. The console's own grants follow at its next start (it migrates as the owner).
  psql_admin -d console -v owner="$owner_role" >&2 <<'SQL'
select format('alter schema %I owner to %I', n.nspname, :'owner')
  from pg_namespace n join pg_roles r on r.oid = n.nspowner
 where r.rolsuper and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg\_%' \gexec
select format('alter %s %I.%I owner to %I',
              case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
              n.nspname, c.relname, :'owner')
  from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_roles r on r.oid = c.relowner
 where r.rolsuper and c.relkind in ('r', 'p', 'S', 'v', 'm')
   and n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and n.nspname not like 'pg\_%'
   and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')) \gexec
select format('alter %s %s owner to %I', case p.prokind when 'p' then 'procedure' else 'function' end, p.oid::regprocedure, :'owner')
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_roles r on r.oid = p.proowner
 where r.rolsuper and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_%' \gexec
SQL
}

case "$cmd" in
  ensure)
    mkdir -p "$base"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$base"; fi
    chmod 700 "$base"
    # Two scripts may ensure the same cluster at once (e.g. tests started twice): serialise them.
    exec 9>"$base/$name.lock"
    flock -w 120 9 || { echo "timed out waiting for $base/$name.lock" >&2; exit 1; }
    if [ ! -s "$pwfile" ]; then
      head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$pwfile.tmp"
      if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pwfile.tmp"; fi
      chmod 600 "$pwfile.tmp"
      mv "$pwfile.tmp" "$pwfile"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      rm -rf "$data"
      as_owner "$pg_bin/initdb" -D "$data" -U console --pwfile="$pwfile" \
        --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$log.initdb" 2>&1 9>&- \
        || { cat "$log.initdb" >&2; exit 1; }
    fi
    if is_running; then
      actual=$(running_port)
      if [ -n "$actual" ] && [ "$actual" != "$port" ]; then
        # Restarting could cut off a console or test run using it; keep it and say where it is.
        echo "cluster '$name' already runs on port $actual (asked for $port); using $actual." \
             "To move it: $0 stop $name $actual" >&2
        port=$actual
      fi
    else
      # A crash or reboot leaves a stale pid file; pg_ctl status said nothing runs on it.
      rm -f "$data/postmaster.pid"
      if port_in_use "$port"; then
        if owner=$(port_owner "$port"); then
          echo "port $port is taken by another console cluster: $owner" >&2
          echo "stop it (cluster.sh stop in its checkout) or choose another port" >&2
        else
          echo "port $port on 127.0.0.1 is taken by another program; choose another port" >&2
        fi
        exit 1
      fi
      # Sized for a 2-core machine running tests; fsync stays on: this is a real database, not a fake.
      # 9>&-: the server must not inherit the lock, or it would hold it for its whole life.
      # -k '': no Unix socket (its default folder may not be writable); clients use TCP on loopback only.
      as_owner "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start \
        -o "-h 127.0.0.1 -p $port -k '' -c max_connections=300 -c shared_buffers=256MB" >/dev/null 9>&- \
        || { tail -n 30 "$log" >&2; exit 1; }
    fi
    ready=""
    for _ in $(seq 1 60); do
      if psql_admin -c 'select 1' >/dev/null 2>&1; then ready=1; break; fi
      sleep 0.5
    done
    if [ -z "$ready" ]; then
      echo "cluster '$name' does not accept connections on 127.0.0.1:$port; log: $log" >&2
      tail -n 30 "$log" >&2 || true
      exit 1
    fi
    ensure_roles
    connection_string console "$(cat "$pwfile")"
    ;;
  connection)
    case "${4:-}" in
      admin) connection_string console "$(cat "$pwfile")" ;;
      owner) connection_string "$owner_role" "$(role_password "$owner_role")" ;;
      console) connection_string "$console_role" "$(role_password "$console_role")" ;;
      *) echo "connection <name> <port> admin|owner|console" >&2; exit 2 ;;
    esac
    ;;
  stop)
    if is_running; then as_owner "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
    echo "stopped: $data"
    ;;
  status)
    if is_running; then echo "running: $data on 127.0.0.1:$(running_port)"; else echo "stopped: $data"; fi
    ;;
  *)
    echo "unknown command $cmd" >&2; exit 2 ;;
esac
