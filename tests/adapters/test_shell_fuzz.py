"""A seeded fuzz of hostile lines through the real shell subprocess, with the shipped facts.

Every run feeds ALLIANCE_FUZZ_LINES lines (1,500 by default; 10,000 for the full run) in
batches of LINES_PER_SESSION, each batch one shell session on its own data directory. A
batch passes when the shell exits 0, prints no traceback and logs no error, never had to
catch a line's exception in its read loop, and reads on to the last line. A failing batch
is written to the test's tmp_path for replaying by hand:
``python -m bot shell --now … < batch.txt``.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.adapters.shell_fuzz import hostile_lines
from tests.conftest import REPO_ROOT

FUZZ_LINES = int(os.environ.get("ALLIANCE_FUZZ_LINES", "1500"))
FUZZ_SEED = int(os.environ.get("ALLIANCE_FUZZ_SEED", "20260622"))
LINES_PER_SESSION = 300
NOW = "2026-06-22T08:58:00+00:00"
# State worth attacking: an admin, a subscription with a question, a message with buttons.
PREAMBLE = (
    b":user fuzzer --admin",
    b"/alliance subscribe time 09:00 timezone UTC question on",
    b"/alliance search Yalta",
)
GUARD_MESSAGE = "the session goes on."


def batches() -> list[tuple[int, int]]:
    """(seed, line count) of each session."""
    count = math.ceil(FUZZ_LINES / LINES_PER_SESSION)
    sizes = [LINES_PER_SESSION] * (count - 1) + [FUZZ_LINES - LINES_PER_SESSION * (count - 1)]
    return [(FUZZ_SEED + index, size) for index, size in enumerate(sizes)]


def problems(result: subprocess.CompletedProcess[bytes], end_marker: str) -> list[str]:
    out = result.stdout.decode("utf-8", "replace")
    err = result.stderr.decode("utf-8", "replace")
    found = []
    if result.returncode != 0:
        found.append(f"exit status {result.returncode}")
    if "Traceback" in out + err:
        found.append("a traceback")
    if any(line.startswith(("ERROR", "CRITICAL")) for line in err.splitlines()):
        found.append("an error in the log")
    if GUARD_MESSAGE in out:
        found.append("a line the read loop had to catch")
    if f"Now in #{end_marker}." not in out:
        found.append("the session ended before its last line")
    return found


@pytest.mark.parametrize(("seed", "count"), batches(), ids=lambda value: str(value))
def test_hostile_lines_never_break_the_shell(tmp_path: Path, seed: int, count: int) -> None:
    end_marker = f"fuzz-end-{seed}"
    lines = [*PREAMBLE, *hostile_lines(seed, count), f":channel {end_marker}".encode()]
    script = b"\n".join(lines) + b"\n"
    config = tmp_path / "config.toml"
    config.write_text(f'[bot]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "shell", "--config", str(config), "--now", NOW],
        input=script,
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=240,
        check=False,
    )
    found = problems(result, end_marker)
    if found:
        replay = tmp_path / "batch.txt"
        replay.write_bytes(script)
        (tmp_path / "stdout.txt").write_bytes(result.stdout)
        (tmp_path / "stderr.txt").write_bytes(result.stderr)
        tail = result.stderr.decode("utf-8", "replace")[-3000:]
        pytest.fail(f"seed {seed}: {', '.join(found)}; replay {replay}\n{tail}")
