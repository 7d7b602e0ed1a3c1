#!/usr/bin/env bash
# Refreshes the lock files from pyproject.toml: requirements.lock (what the bot needs) and
# requirements-dev.lock (with the test tools), every version pinned and every file hashed,
# resolved once for every platform (Linux x86_64 and aarch64 among them) on Python 3.11+.
# Needs uv (`pip install uv`). Run it after changing a dependency, and commit both files; it
# keeps the pins it can, and `bash scripts/lock.sh --upgrade` moves everything to the newest.
set -euo pipefail
cd "$(dirname "$0")/.."
uv="${UV:-uv}"
common=(--universal --python-version 3.11 --generate-hashes --custom-compile-command "bash scripts/lock.sh")
"$uv" pip compile pyproject.toml "${common[@]}" --quiet "$@" -o requirements.lock
"$uv" pip compile pyproject.toml --extra dev "${common[@]}" --quiet "$@" -o requirements-dev.lock
