"""Start-up, memory and lookups at the shipped corpus size and at 10× and 100× of it.

Start-up is ``alliance-bot shell`` from process start to its first reply (``/alliance
today``) and the child's peak resident memory, read from ``wait4``. Its baseline is the
floor: the same interpreter started with nothing imported, answering one line.

A synthetic corpus of ``k``× holds every shipped fact file once as shipped and ``k - 1``
more times with the ids made unique (``-c<k>`` appended), the dates, people, places and tags
kept, so each day holds ``k`` times its anniversaries; people and curated questions are the
shipped ones. Each copy's title and text are its fact's, with words (English) and character
runs (Japanese) replaced, seeded, by ones drawn from the whole corpus at their frequency or
by words no fact has: every copy is a text of its own, its query terms scattered through
the corpus at their real rates, the vocabulary growing with the corpus, as a larger real
corpus would (a corpus of identical copies measures little: the search index folds them).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.config import shipped_facts_dir
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore

NOW = "2026-06-22T10:00:00+00:00"
QUERIES = ("Hopkins Moscow", "lend-lease protocol", "ヤルタ会談", "second front", "Stalingrad")


# Of a copy's words, how many are replaced, and of those how many by a word no fact has.
_REPLACED = 0.3
_NOVEL = 0.3
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_JAPANESE = re.compile(r"^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff々ー]+$")
_SYLLABLES = ("ka", "ro", "vin", "dal", "mer", "tos", "ul", "sek", "ban", "tir", "ov", "ena")


@dataclass(frozen=True)
class _Pools:
    """The shipped corpus's English words, with repeats (drawn from, they come at their
    frequency), and its Japanese text, to draw runs from."""

    words: list[str]
    japanese: str


def _pools(files: list[list[dict[str, Any]]]) -> _Pools:
    words: list[str] = []
    japanese: list[str] = []
    for facts in files:
        for fact in facts:
            for field in ("title", "text"):
                words += _LATIN_WORD.findall(fact[field]["en"])
                japanese.append(fact[field]["ja"])
    return _Pools(words, "".join(japanese))


def _vary_english(text: str, rng: random.Random, pools: _Pools) -> str:
    def replace(match: re.Match[str]) -> str:
        if rng.random() >= _REPLACED:
            return match[0]
        word = rng.choice(pools.words)
        if rng.random() < _NOVEL:
            word += rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)
        return word

    return _LATIN_WORD.sub(replace, text)


def _vary_japanese(text: str, rng: random.Random, pools: _Pools) -> str:
    # Japanese is indexed by character pairs: runs of three characters are swapped for runs
    # taken from anywhere in the corpus's Japanese.
    chunks = [text[at : at + 3] for at in range(0, len(text), 3)]
    for number, chunk in enumerate(chunks):
        if _JAPANESE.match(chunk) and rng.random() < _REPLACED:
            while True:
                start = rng.randrange(len(pools.japanese) - 3)
                if _JAPANESE.match(drawn := pools.japanese[start : start + 3]):
                    chunks[number] = drawn
                    break
    return "".join(chunks)


def _varied(fact: dict[str, Any], copy: int, rng: random.Random, pools: _Pools) -> dict[str, Any]:
    varied = dict(fact, id=f"{fact['id']}-c{copy}")
    for field in ("title", "text"):
        varied[field] = {
            "en": _vary_english(fact[field]["en"], rng, pools),
            "ja": _vary_japanese(fact[field]["ja"], rng, pools),
        }
    return varied


def synthetic_corpus(copies: int, directory: Path) -> Path:
    """The shipped corpus and ``copies - 1`` varied copies of every fact file (ids unique,
    texts distinct)."""
    shipped = shipped_facts_dir()
    if directory.exists():
        shutil.rmtree(directory)
    shutil.copytree(shipped / "people", directory / "people")
    shutil.copytree(shipped / "questions", directory / "questions")
    paths = sorted(shipped.glob("*.yaml"))
    files = [yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for path in paths]
    pools = _pools(files)
    for path, facts in zip(paths, files, strict=True):
        shutil.copy(path, directory / path.name)
        for copy in range(1, copies):
            rng = random.Random(f"{path.name} {copy}")  # str seeds are the same every run
            varied = [_varied(fact, copy, rng, pools) for fact in facts]
            text = yaml.dump(
                varied, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100
            )
            (directory / f"{path.stem}-c{copy}.yaml").write_text(text, encoding="utf-8")
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
