#!/usr/bin/env bash
# Runs the benchmarks (bench/): ratios against naive baselines measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/venv.sh
source scripts/venv.sh
use_venv
exec python -m bench "$@"
