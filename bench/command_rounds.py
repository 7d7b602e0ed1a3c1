"""What the command-path benchmarks of both platforms share: timed rounds of commands
against an app process, the best of each side's rounds, and the table's rows.

A platform's module (:mod:`bench.command_path_slack`, :mod:`bench.command_path_discord`)
starts its two app processes and says how to send command number ``n`` and what counts as
its answer; everything measured is measured here, the same way for both.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONCURRENCY = 32
COMMANDS = 2_000
QUICK_COMMANDS = 50
ANSWER_PATIENCE_SECONDS = 10.0
READY_PATIENCE_SECONDS = 60.0
Json = dict[str, Any]
# (latency in seconds, the reply's body, whether it came after an empty first response)
Answer = tuple[float, Json, bool]
Figure = tuple[str, str, str, float, str, bool | None]


class AppDied(RuntimeError):
    """The app under test exited, or never answered its first command."""


@dataclass(frozen=True)
class Round:
    """One round of ``commands`` commands against one app."""

    commands: int
    seconds: float
    latencies: tuple[float, ...]  # of the answered commands, sorted
    cpu_seconds: float
    unanswered: int
    answered_later: int = 0  # answered after an empty first response (Slack's response_url)

    @property
    def per_second(self) -> float:
        return self.commands / self.seconds

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("inf")
        return self.latencies[min(len(self.latencies) - 1, int(share * len(self.latencies)))]

    @property
    def cpu_per_command(self) -> float:
        return self.cpu_seconds / self.commands


@dataclass(frozen=True)
class Best:
    """Each figure's best over a side's rounds, taken figure by figure: a moment of load
    from elsewhere spoils one round's tail or one round's rate, not the whole side."""

    per_second: float
    p50: float
    p99: float
    cpu_per_command: float

    @classmethod
    def of(cls, rounds: Sequence[Round]) -> Best:
        return cls(
            per_second=max(r.per_second for r in rounds),
            p50=min(r.percentile(0.50) for r in rounds),
            p99=min(r.percentile(0.99) for r in rounds),
            cpu_per_command=min(r.cpu_per_command for r in rounds),
        )


@dataclass(frozen=True)
class Measured:
    """Every measured round of each side, and how many commands went unanswered in all."""

    bot_rounds: tuple[Round, ...]
    bare_rounds: tuple[Round, ...]
    commands: int
    concurrency: int

    @property
    def unanswered(self) -> int:
        return sum(r.unanswered for r in (*self.bot_rounds, *self.bare_rounds))

    @property
    def bot(self) -> Best:
        return Best.of(self.bot_rounds)

    @property
    def bare(self) -> Best:
        return Best.of(self.bare_rounds)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (all its threads)."""
    stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    fields = stat.rsplit(")", 1)[1].split()
    # Fields 14 and 15 of proc(5), counted from 1; the split starts at field 3.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:]


def child_env(root: Path, **secrets: str) -> dict[str, str]:
    """This process's environment for an app process, with ``secrets`` and nothing from this
    shell's platform or database settings."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "ALLIANCE_"))
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(root)
    env.update(secrets)
    return env


async def timed_round(
    name: str,
    process: asyncio.subprocess.Process,
    log: Path,
    numbers: range,
    concurrency: int,
    send: Callable[[int], Awaitable[Answer | None]],
    is_answer: Callable[[Json], bool],
) -> Round:
    """Sends command ``n`` for each of ``numbers``, ``concurrency`` outstanding at a time,
    timing each answer and the process's CPU over the round."""
    if process.returncode is not None:
        raise AppDied(f"{name} exited with {process.returncode}:\n{tail(log)}")
    pending = iter(numbers)
    latencies: list[float] = []
    unanswered = later = 0

    async def worker() -> None:
        nonlocal unanswered, later
        for n in pending:  # one iterator shared by every worker: each number is sent once
            answered = await send(n)
            if answered is None or not is_answer(answered[1]):
                unanswered += 1
                continue
            latencies.append(answered[0])
            later += answered[2]

    cpu_before = cpu_seconds(process.pid)
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    cpu = cpu_seconds(process.pid) - cpu_before
    return Round(len(numbers), seconds, tuple(sorted(latencies)), cpu, unanswered, later)


def figures(platform: str, measured: Measured) -> list[Figure]:
    """(figure, bot, baseline, ratio, goal, met) for each row of the table."""
    bot, bare = measured.bot, measured.bare
    load = f"{measured.commands:,} commands, {measured.concurrency} outstanding"
    throughput = bot.per_second / bare.per_second
    p99 = bot.p99 / bare.p99
    cpu = bot.cpu_per_command / max(bare.cpu_per_command, 1e-9)
    what = f"{platform} /alliance fact"
    return [
        (
            f"{what} throughput, {load} ({measured.unanswered} unanswered)",
            f"{bot.per_second:.0f}/s",
            f"{bare.per_second:.0f}/s",
            throughput,
            "≥ 0.9× bare",
            throughput >= 0.9 and measured.unanswered == 0,
        ),
        (
            f"{what} latency p50",
            f"{bot.p50 * 1e3:.1f} ms",
            f"{bare.p50 * 1e3:.1f} ms",
            bot.p50 / bare.p50,
            "—",
            None,
        ),
        (
            f"{what} latency p99",
            f"{bot.p99 * 1e3:.1f} ms",
            f"{bare.p99 * 1e3:.1f} ms",
            p99,
            "≤ 1.2× bare",
            p99 <= 1.2,
        ),
        (
            f"{what} CPU time of the app process per command",
            f"{bot.cpu_per_command * 1e3:.2f} ms",
            f"{bare.cpu_per_command * 1e3:.2f} ms",
            cpu,
            "≤ 1.25× bare",
            cpu <= 1.25,
        ),
    ]


def table_rows(platform: str, measured: Measured) -> list[Any]:
    """The rows of the bench table (``bench.__main__.Row``)."""
    from bench.__main__ import Row  # here, not at import: bench.__main__ imports this module

    return [Row(*figure) for figure in figures(platform, measured)]


def sizes(quick: bool, rounds: int | None, commands: int | None = None) -> tuple[int, int]:
    """(rounds, commands per round): the defaults, or a tiny run when ``quick``."""
    return rounds or (1 if quick else 3), commands or (QUICK_COMMANDS if quick else COMMANDS)


def parser(description: str | None) -> argparse.ArgumentParser:
    """The options every command-path benchmark takes when run alone."""
    options = argparse.ArgumentParser(description=description)
    options.add_argument("--quick", action="store_true")
    options.add_argument("--rounds", type=int, default=None)
    options.add_argument("--commands", type=int, default=None)
    options.add_argument("--profile", type=Path, default=None, help="run the bot under cProfile")
    return options


def report(platform: str, measured: Measured) -> None:
    """The table's rows and every round, for a benchmark run alone."""
    from bench.__main__ import table

    print(table(table_rows(platform, measured)))
    for side, rounds in (("bot", measured.bot_rounds), ("bare", measured.bare_rounds)):
        for n, done in enumerate(rounds, 1):
            print(
                f"{side} round {n}: {done.seconds:.2f} s, {done.per_second:.0f}/s, "
                f"p50 {done.percentile(0.5) * 1e3:.1f} ms, "
                f"p99 {done.percentile(0.99) * 1e3:.1f} ms, "
                f"CPU {done.cpu_per_command * 1e3:.2f} ms/command, "
                f"{done.answered_later} answered later, {done.unanswered} unanswered"
            )
