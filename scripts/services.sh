#!/usr/bin/env bash
# Development and test services: PostgreSQL and Redis on loopback, data under .data/.
# Usage: scripts/services.sh start|stop|status|env|secret
# Idempotent: a server already answering on its port is used as it is.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
data=${LIUDONG_DATA_DIR:-$root/.data}
pg_port=${LIUDONG_PG_PORT:-54329}
redis_port=${LIUDONG_REDIS_PORT:-63799}
db_user=liudong
db_name=liudong

log() { printf 'services: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_bin() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    apt_install postgresql
    d=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$d"
}

# Runs a PostgreSQL binary as the data directory's owner: initdb and postgres refuse root.
pg_run() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# The PostgreSQL data directory: .data/pg, unless the postgres user (when we are root) cannot
# reach it, e.g. a checkout under /root; then a directory of our own under /var/lib.
pg_dir() {
  mkdir -p "$data"
  if [ "$(id -u)" -ne 0 ] || su postgres -s /bin/sh -c "test -x '$data' && test -r '$data'" 2>/dev/null; then
    echo "$data/pg"
  else
    local alt="/var/lib/liudong-dev/$(printf '%s' "$root" | md5sum | cut -c1-12)"
    mkdir -p "$alt"
    chown postgres "$alt"
    log "postgres cannot reach $data: keeping its data in $alt"
    echo "$alt/pg"
  fi
}

pg_ready() { "$1/pg_isready" -q -h 127.0.0.1 -p "$pg_port" >/dev/null 2>&1; }

start_pg() {
  local bin; bin=$(pg_bin)
  if pg_ready "$bin"; then
    log "PostgreSQL already answers on 127.0.0.1:$pg_port"
  else
    local dir; dir=$(pg_dir)
    local run; run=$(dirname "$dir")/run
    if [ ! -s "$dir/PG_VERSION" ]; then
      log "initialising PostgreSQL in $dir"
      mkdir -p "$dir"
      [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
      chmod 700 "$dir"
      pg_run "$bin/initdb" -D "$dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    mkdir -p "$run"
    [ "$(id -u)" -eq 0 ] && chown postgres "$run" "$dir"
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    pg_run "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $run -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  fi
  # Role and database for the bot; tests create their own databases.
  "$bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$db_user') THEN
    CREATE ROLE $db_user LOGIN CREATEDB;
  END IF;
END \$\$;
SQL
  if ! "$bin/psql" -qtA -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres \
      -c "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1; then
    "$bin/psql" -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c "CREATE DATABASE $db_name OWNER $db_user" >/dev/null
  fi
}

redis_ready() { redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG; }

start_redis() {
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  if redis_ready; then
    log "Redis already answers on 127.0.0.1:$redis_port"
    return
  fi
  mkdir -p "$data/redis"
  log "starting Redis on 127.0.0.1:$redis_port"
  redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$data/redis" \
    --daemonize yes --pidfile "$data/redis/redis.pid" --logfile "$data/redis/redis.log" \
    --save 60 1 --appendonly no >/dev/null
  for _ in $(seq 50); do redis_ready && return; sleep 0.1; done
  log "Redis did not start: see $data/redis/redis.log"; exit 1
}

stop_all() {
  local bin; bin=$(pg_bin)
  local dir; dir=$(pg_dir)
  if [ -s "$dir/postmaster.pid" ]; then
    pg_run "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null || true
  fi
  if [ -s "$data/redis/redis.pid" ]; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  fi
}

# The development secret key belongs with the database it encrypted: it is kept next to the
# running cluster's data directory, so every checkout that shares the server shares the key.
secret_key() {
  local bin; bin=$(pg_bin)
  local pgdata
  pgdata=$("$bin/psql" -qtA -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -c 'SHOW data_directory' 2>/dev/null || true)
  [ -n "$pgdata" ] || pgdata=$(pg_dir)
  local file; file=$(dirname "$pgdata")/secret.key
  if [ ! -s "$file" ]; then
    ( umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$file" )
  fi
  cat "$file"
}

print_env() {
  cat <<ENV
export LIUDONG_DATABASE_URL='postgres://$db_user@127.0.0.1:$pg_port/$db_name?sslmode=disable'
export LIUDONG_REDIS_URL='redis://127.0.0.1:$redis_port/0'
export LIUDONG_TEST_DATABASE_URL='postgres://$db_user@127.0.0.1:$pg_port/postgres?sslmode=disable'
export LIUDONG_TEST_REDIS_URL='redis://127.0.0.1:$redis_port/1'
ENV
}

case "${1:-start}" in
  start) start_pg; start_redis ;;
  stop) stop_all ;;
  status)
    bin=$(pg_bin)
    pg_ready "$bin" && echo "postgres: up (127.0.0.1:$pg_port)" || echo "postgres: down"
    redis_ready && echo "redis: up (127.0.0.1:$redis_port)" || echo "redis: down" ;;
  env) print_env ;;
  secret) secret_key ;;
  *) echo "usage: $0 start|stop|status|env|secret" >&2; exit 2 ;;
esac
