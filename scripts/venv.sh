#!/usr/bin/env bash
# Sourced by the other scripts; defines use_venv and takes no arguments (a sourced file sees
# its caller's "$@", which once reached pip as bogus extras).
#
#   use_venv       .venv with the bot's locked dependencies (requirements.lock)
#   use_venv dev   the same plus the test tools (requirements-dev.lock)
#
# .venv is created once; the lock is installed with --require-hashes, then the project itself
# (editable, without dependencies), again only when the lock or pyproject.toml is newer than
# the last install. ALLIANCE_VENV=/path activates an existing environment as it is and
# installs nothing (the tests run the scripts from a clean copy of the checkout that way).
set -euo pipefail

use_venv() {
  local kind="${1:-base}" lock="requirements.lock"
  if [ "$kind" = dev ]; then
    lock="requirements-dev.lock"
  fi
  if [ -n "${ALLIANCE_VENV:-}" ]; then
    if [ ! -f "$ALLIANCE_VENV/bin/activate" ]; then
      echo "ALLIANCE_VENV=$ALLIANCE_VENV is not a virtual environment (no bin/activate)" >&2
      return 1
    fi
    # shellcheck source=/dev/null
    source "$ALLIANCE_VENV/bin/activate"
    return
  fi
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  # shellcheck source=/dev/null
  source .venv/bin/activate
  local stamp=".venv/.installed-$kind"
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing the locked dependencies ($lock) into .venv..." >&2
    python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
    python -m pip install --quiet --disable-pip-version-check --no-deps -e .
    touch "$stamp"
  fi
}
