"""Four bot processes subscribing and unsubscribing one channel on one SQLite file: every
command gets a real answer, none "Something went wrong"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.storage.database import run_upgrade
from tests.conftest import REPO_ROOT

PROCESSES = 4
ROUNDS = 150


def test_four_processes_racing_on_one_channel_never_fail(tmp_path: Path) -> None:
    # Migrated once first, so the workers race on the subscription only.
    run_upgrade(f"sqlite+aiosqlite:///{tmp_path / 'alliance.sqlite3'}")
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.storage.subscription_worker",
                str(tmp_path),
                str(ROUNDS),
                str(seed),
            ],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(PROCESSES)
    ]
    outcomes = [worker.communicate(timeout=300) for worker in workers]
    for worker, (stdout, stderr) in zip(workers, outcomes, strict=True):
        assert worker.returncode == 0, stderr
        assert stdout.split()[-1] == "0", stderr[-3000:]
