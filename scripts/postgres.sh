#!/usr/bin/env bash
# Sourced by scripts/test.sh: starts a throwaway PostgreSQL server on loopback for the tests
# and exports ALLIANCE_TEST_POSTGRES_URL. Installs Debian's PostgreSQL first when it is
# missing (needs root, as on CI). Defines stop_test_postgres for the caller's exit trap.
set -euo pipefail

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
pg_port="${ALLIANCE_TEST_POSTGRES_PORT:-$(free_port)}"

find_pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

pg_bin="$(find_pg_bin)"
if [ -z "$pg_bin" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed; run as root once or set ALLIANCE_TEST_POSTGRES_URL" >&2
    return 1
  fi
  echo "Installing PostgreSQL (Debian packages)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  pg_bin="$(find_pg_bin)"
fi

pg_data="$(mktemp -d /tmp/alliance-test-pg.XXXXXX)"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # The server refuses to run as root; Debian's package creates the postgres user.
  id postgres >/dev/null 2>&1 || useradd --system --home "$pg_data" postgres
  chown postgres "$pg_data"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w start -o \
  "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
  >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres alliance_test

export ALLIANCE_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$pg_port/alliance_test"

stop_test_postgres() {
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_data"
}
