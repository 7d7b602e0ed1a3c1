#!/usr/bin/env bash
# Try the bot in this terminal: no tokens, SQLite in ./data. Arguments go to `alliance-bot shell`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
exec alliance-bot shell "$@"
