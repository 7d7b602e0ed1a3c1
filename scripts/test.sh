#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: makes .venv, installs the locked dependencies
# with the test tools, starts a throwaway PostgreSQL server (unless ALLIANCE_TEST_POSTGRES_URL
# is already set; see scripts/postgres.sh for when it installs one), then runs pytest. Extra
# arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
use_venv dev
if [ -z "${ALLIANCE_TEST_POSTGRES_URL:-}" ]; then
  # shellcheck source=scripts/postgres.sh
  source scripts/postgres.sh
  if start_test_postgres; then
    trap stop_test_postgres EXIT
  elif [ -n "${CI:-}" ]; then
    echo "CI must run the PostgreSQL tests, and no server could be started." >&2
    exit 1
  fi
fi
python -m pytest "$@"
