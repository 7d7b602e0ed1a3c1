#!/usr/bin/env bash
# Sourced by scripts/test.sh; defines start_test_postgres and stop_test_postgres.
#
# start_test_postgres starts a throwaway PostgreSQL server on loopback and exports
# ALLIANCE_TEST_POSTGRES_URL. When PostgreSQL is missing it installs Debian's package with
# apt-get, saying so first, but only on CI (CI set) or when asked (ALLIANCE_INSTALL_POSTGRES=1);
# otherwise it says how to get it and returns 1, and the PostgreSQL tests skip.
set -euo pipefail

_pg_root="${ALLIANCE_PG_ROOT:-/usr/lib/postgresql}"

_find_pg_bin() {
  ls -d "$_pg_root"/*/bin 2>/dev/null | sort -V | tail -n 1
}

_install_postgres() {
  if [ -n "${CI:-}" ]; then
    local why="CI is set"
  else
    local why="ALLIANCE_INSTALL_POSTGRES=1"
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is missing and installing it needs root (apt-get); run as root or set" \
      "ALLIANCE_TEST_POSTGRES_URL to a server of yours." >&2
    return 1
  fi
  echo "PostgreSQL is missing; installing Debian's postgresql package ($why):" \
    "apt-get update && apt-get install -y postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

start_test_postgres() {
  _pg_bin="$(_find_pg_bin)"
  if [ -z "$_pg_bin" ]; then
    if [ -z "${CI:-}" ] && [ "${ALLIANCE_INSTALL_POSTGRES:-}" != 1 ]; then
      echo "PostgreSQL is not installed, so the PostgreSQL tests will be skipped. To run them" \
        "too, install it (Debian: apt-get install postgresql), or let this script do that with" \
        "ALLIANCE_INSTALL_POSTGRES=1 bash scripts/test.sh (needs root), or set" \
        "ALLIANCE_TEST_POSTGRES_URL to a server of yours." >&2
      return 1
    fi
    _install_postgres || return 1
    _pg_bin="$(_find_pg_bin)"
    if [ -z "$_pg_bin" ]; then
      echo "apt-get finished but no PostgreSQL programs are under $_pg_root" >&2
      return 1
    fi
  fi
  local port
  port="${ALLIANCE_TEST_POSTGRES_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  _pg_data="$(mktemp -d /tmp/alliance-test-pg.XXXXXX)"
  _as_pg=()
  if [ "$(id -u)" -eq 0 ]; then
    # The server refuses to run as root; Debian's package creates the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --home "$_pg_data" postgres
    chown postgres "$_pg_data"
    _as_pg=(runuser -u postgres --)
  fi
  "${_as_pg[@]}" "$_pg_bin/initdb" -D "$_pg_data" -A trust -U postgres >/dev/null
  "${_as_pg[@]}" "$_pg_bin/pg_ctl" -D "$_pg_data" -l "$_pg_data/server.log" -w start -o \
    "-p $port -k $_pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" \
    >/dev/null
  "$_pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres alliance_test
  export ALLIANCE_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/alliance_test"
}

stop_test_postgres() {
  "${_as_pg[@]}" "$_pg_bin/pg_ctl" -D "$_pg_data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$_pg_data"
}
