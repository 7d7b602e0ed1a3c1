"""Start-up, memory and lookups at the shipped corpus size and at 10× and 100× of it.

Start-up is ``alliance-bot shell`` from process start to its first reply (``/alliance
today``) and the child's peak resident memory, read from ``wait4``. Its baseline is the
floor: the same interpreter started with nothing imported, answering one line.

A synthetic corpus repeats every shipped fact file with the ids made unique (``-c<k>``
appended) and the dates kept, so each day holds ``k`` times its anniversaries; people and
curated questions are the shipped ones.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore

_FACT_ID = re.compile(r"^(- id: )([a-z0-9-]+)$", re.MULTILINE)
NOW = "2026-06-22T10:00:00+00:00"
QUERIES = ("Hopkins Moscow", "lend-lease protocol", "ヤルタ会談", "second front", "Stalingrad")


def synthetic_corpus(copies: int, directory: Path) -> Path:
    """The shipped corpus with every fact file repeated ``copies`` times (ids unique)."""
    shipped = shipped_facts_dir()
    if directory.exists():
        shutil.rmtree(directory)
    shutil.copytree(shipped / "people", directory / "people")
    shutil.copytree(shipped / "questions", directory / "questions")
    for path in sorted(shipped.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        shutil.copy(path, directory / path.name)
        for copy in range(1, copies):
            renamed = _FACT_ID.sub(lambda m, c=copy: f"{m[1]}{m[2]}-c{c}", text)
            (directory / f"{path.stem}-c{copy}.yaml").write_text(renamed, encoding="utf-8")
    return directory


@dataclass(frozen=True)
class Started:
    seconds: float
    peak_mib: float
    cpu_seconds: float


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # A cold start of an installed bot reads compiled bytecode; a run that may not write it
    # would compile every module on every start and measure the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


def _time_child(argv: list[str], stdin: str, marker: str) -> Started:
    launcher = [sys.executable, "-S", str(Path(__file__).with_name("launch.py"))]
    done = subprocess.run(
        [*launcher, marker, stdin, "--", *argv],
        capture_output=True,
        check=True,
        env=_child_env(),
    )
    result = json.loads(done.stdout)
    if result["seconds"] is None or result["exit"] != 0:
        raise RuntimeError(f"{argv[2:]} did not answer (exit {result['exit']})")
    return Started(result["seconds"], result["peak_kib"] / 1024, result["cpu_seconds"])


def time_shell(facts_dir: Path, data_dir: Path) -> Started:
    """One cold start of the shell on ``facts_dir`` to its first reply."""
    config = data_dir / "bench.toml"
    if not config.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        config.write_text(
            f'[bot]\nfacts_dir = "{facts_dir}"\ndata_dir = "{data_dir}"\n', encoding="utf-8"
        )
    argv = [sys.executable, "-m", "bot", "shell", "--config", str(config), "--now", NOW]
    return _time_child(argv, "/alliance today\n", "** ")


def time_floor() -> Started:
    """The interpreter alone reading a line and answering it: no bot can start faster."""
    argv = [sys.executable, "-S", "-c", "print('** ' + input())"]
    return _time_child(argv, "/alliance today\n", "** ")


def _per_call(repeats: int, calls: list[Callable[[], object]]) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        for call in calls:
            call()
        best = min(best, time.perf_counter() - started)
    return best / len(calls)


def lookup_costs(store: FactStore, repeats: int = 5) -> dict[str, float]:
    """Seconds per lookup: on-this-day (every day of a year), search (five queries, the
    five best as the command shows them), fact by id (a thousand ids)."""
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    ids = [fact.id for fact in store.facts[:: max(1, len(store.facts) // 1000)]]
    return {
        "on-this-day": _per_call(repeats, [lambda d=d: store.on(d.month, d.day) for d in days]),
        "search": _per_call(repeats, [lambda q=q: store.best_matches(q, 5) for q in QUERIES]),
        "fact by id": _per_call(repeats, [lambda i=i: store.get(i) for i in ids]),
    }


def lookups_by_size(corpora: dict[int, Path]) -> dict[int, dict[str, float]]:
    return {size: lookup_costs(load_fact_store(path)) for size, path in corpora.items()}
