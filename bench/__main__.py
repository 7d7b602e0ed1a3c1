"""``python -m bench`` (``scripts/bench.sh``): every benchmark, then one table.

Each figure is set against a baseline measured in the same run, in alternating rounds (bot,
baseline, bot, baseline …) so that a machine busy for a moment slows both; the best round of
each is kept. Columns: figure, bot, baseline, ratio, goal, met?. ``--quick`` runs every
benchmark at a tiny size (the smoke test does), ``--skip-rate-limited`` leaves out the 40 s
fan-out at 50 requests/s.

The command-path figures (``/alliance fact`` through the Slack app in HTTP mode and through
discord.py on its loopback fake, against a bare app answering a constant) come with the
platform adapters: ``bench/command_path.py`` is where they plug in.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import command_path, fanout, indexes, startup
from bot.config import shipped_facts_dir


@dataclass(frozen=True)
class Row:
    figure: str
    bot: str
    baseline: str
    ratio: float
    goal: str
    met: bool | None  # None: no goal (informative)


def _machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(__import__("os").sched_getaffinity(0))
    return f"{cores} CPUs ({model}), Python {platform.python_version()}"


def startup_rows(rounds: int, sizes: tuple[int, ...], folder: Path) -> list[Row]:
    rows: list[Row] = []
    corpora = {1: shipped_facts_dir()}
    for size in sizes[1:]:
        corpora[size] = startup.synthetic_corpus(size, folder / f"facts-x{size}")
    for size, corpus in corpora.items():
        data = folder / f"data-x{size}"
        startup.time_shell(corpus, data)  # the first start migrates and fills the cache
        bot, floor = [], []
        for _ in range(rounds):
            bot.append(startup.time_shell(corpus, data))
            floor.append(startup.time_floor())
        fastest = min(bot, key=lambda s: s.seconds)
        base = min(floor, key=lambda s: s.seconds)
        goal = {1: 0.8, 10: 1.5}.get(size)
        rows.append(
            Row(
                f"shell cold start to first reply, corpus {size}×",
                f"{fastest.seconds:.2f} s",
                f"{base.seconds:.2f} s",
                fastest.seconds / base.seconds,
                f"≤ {goal} s" if goal else "—",
                fastest.seconds <= goal if goal else None,
            )
        )
        cpu = min(s.cpu_seconds for s in bot)
        rows.append(
            Row(
                f"shell CPU time of that start, corpus {size}×",
                f"{cpu:.2f} s",
                f"{base.cpu_seconds:.2f} s",
                cpu / max(base.cpu_seconds, 1e-3),
                "—",
                None,
            )
        )
        peak = max(s.peak_mib for s in bot)
        rows.append(
            Row(
                f"shell peak memory, corpus {size}×",
                f"{peak:.0f} MiB",
                f"{base.peak_mib:.0f} MiB",
                peak / base.peak_mib,
                "≤ 75 MiB" if size == 1 else "—",
                peak <= 75 if size == 1 else None,
            )
        )
    costs = startup.lookups_by_size(corpora)
    for lookup in ("on-this-day", "search", "fact by id"):
        for size in sizes[1:]:
            ratio = costs[size][lookup] / costs[1][lookup]
            rows.append(
                Row(
                    f"{lookup} lookup, corpus {size}× (distinct texts) vs 1×",
                    f"{costs[size][lookup] * 1e6:.1f} µs",
                    f"{costs[1][lookup] * 1e6:.1f} µs",
                    ratio,
                    "≤ 1.5× (flat)",
                    ratio <= 1.5,
                )
            )
    return rows


async def fanout_rows(
    rounds: int, channels: int, limited_channels: int, rate_limited: bool
) -> list[Row]:
    store = fanout.corpus()
    rows: list[Row] = []
    async with fanout.fake_platform_process() as base:
        bot, bare = [], []
        for _ in range(rounds):
            await fanout.reset(base)
            bot.append(await fanout.bot_round(base, store, channels))
            await fanout.reset(base)
            bare.append(await fanout.bare_round(base, store, channels))
        ours = channels / min(r.seconds for r in bot)
        floor = channels / min(r.seconds for r in bare)
        rows.append(
            Row(
                f"fan-out {channels:,} channels, no rate limit (posts/s; 0 lost, 0 doubled)",
                f"{ours:.0f}/s",
                f"{floor:.0f}/s",
                ours / floor,
                "≥ 0.8× bare",
                ours / floor >= 0.8,
            )
        )
        if rate_limited:
            rate = 50.0
            limited = []
            for _ in range(max(1, rounds // 2)):
                await fanout.reset(base, per_second=rate)
                limited.append(await fanout.bot_round(base, store, limited_channels, rate=rate))
            seconds = min(r.seconds for r in limited)
            floor_seconds = limited_channels / rate
            rows.append(
                Row(
                    f"fan-out {limited_channels:,} channels at {rate:.0f} requests/s "
                    "(0 lost, 0 doubled)",
                    f"{seconds:.1f} s",
                    f"{floor_seconds:.1f} s (floor)",
                    seconds / floor_seconds,
                    "≤ 1.05× floor",
                    seconds / floor_seconds <= 1.05,
                )
            )
    return rows


def table(rows: list[Row]) -> str:
    header = ("figure", "bot", "baseline", "ratio", "goal", "met?")
    lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
    for row in rows:
        met = "—" if row.met is None else ("yes" if row.met else "no")
        cells = (row.figure, row.bot, row.baseline, f"{row.ratio:.2f}×", row.goal, met)
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--skip-rate-limited", action="store_true")
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    quick = args.quick
    rounds = args.rounds or (1 if quick else 3)
    with tempfile.TemporaryDirectory() as folder:
        rows = startup_rows(rounds, (1, 2) if quick else (1, 10, 100), Path(folder))
    rows += asyncio.run(
        fanout_rows(
            rounds,
            channels=50 if quick else 10_000,
            limited_channels=20 if quick else 2_000,
            rate_limited=not args.skip_rate_limited,
        )
    )
    rows += command_path.rows(quick, rounds)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {_machine()}")
    print(table(rows))
    print()
    if not quick:
        indexes.main()
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
