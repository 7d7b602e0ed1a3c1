#!/usr/bin/env bash
# Sourced by the other scripts: creates .venv once and installs the project into it
# (with the dev extras when called as `source scripts/venv.sh dev`). Re-installs only when
# pyproject.toml has changed since the last install.
set -euo pipefail
extras="${1:-}"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# shellcheck source=/dev/null
source .venv/bin/activate
stamp=".venv/.installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  python -m pip install --quiet --upgrade pip
  if [ -n "$extras" ]; then
    python -m pip install --quiet -e ".[$extras]"
  else
    python -m pip install --quiet -e .
  fi
  touch "$stamp"
fi
