#!/usr/bin/env bash
# Runs every benchmark (bench/) and prints one table: figure, bot, baseline, ratio, goal, met?;
# each baseline is measured in the same run, in alternating rounds. Options: --quick (tiny
# sizes), --rounds N, --skip-rate-limited. Figures and machine: bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
use_venv
exec python -m bench "$@"
