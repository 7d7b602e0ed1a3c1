#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: makes .venv, installs the bot with its test
# tools, starts a throwaway PostgreSQL server (unless ALLIANCE_TEST_POSTGRES_URL is already
# set), then runs pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
source scripts/venv.sh dev
if [ -z "${ALLIANCE_TEST_POSTGRES_URL:-}" ]; then
  # shellcheck source=scripts/postgres.sh
  source scripts/postgres.sh
  trap stop_test_postgres EXIT
fi
python -m pytest "$@"
