#!/usr/bin/env bash
# Try the bot in this terminal: no tokens, SQLite in ./data. Arguments go to `alliance-bot shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
use_venv
# `python -m` runs this checkout's bot package even in an environment shared with another one.
exec python -m bot shell "$@"
