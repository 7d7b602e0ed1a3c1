#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: makes .venv, installs the bot with its test
# tools, starts the services the tests need, then runs pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
source scripts/venv.sh dev
exec python -m pytest "$@"
