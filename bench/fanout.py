"""Fan-out: every subscribed channel due at one minute, posted over HTTP to a loopback fake.

The bot's run is the real one: subscriptions bulk-inserted into a database, the poster
claiming them batch by batch, building each day's post, sending it through an HTTP
ChatPort at ``[daily] concurrency`` at a time and marking it sent. The baseline is a bare
aiohttp loop posting the same messages at the same concurrency, each built and serialised
inside its clock as the bot's are. The fake
counts every post; zero duplicates and zero losses are checked after every round.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp

from bench.http_port import HttpChatPort, message_body
from bot.config import DailySection, shipped_facts_dir
from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.context import ChannelKey
from bot.core.daily.poster import DailyPoster, DeliveryPolicy
from bot.core.fact_loading import load_fact_store
from bot.core.fact_store import FactStore
from bot.storage.database import open_database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.subscriptions import SubscriptionRepository
from tests.storage.bulk import bulk_subscribe

DUE = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
CONCURRENCY = DailySection().concurrency


class LostOrDoubled(AssertionError):
    """A round did not deliver exactly one post to every channel."""


@dataclass(frozen=True)
class Round:
    seconds: float
    stats: dict[str, int]
    cpu_seconds: float = 0.0  # this process's CPU time inside the clock (all its threads)


@asynccontextmanager
async def fake_platform_process() -> AsyncIterator[str]:
    """The fake platform in a process of its own; yields its base URL."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fake_platform", "--port", "0", stdout=subprocess.PIPE
    )
    try:
        assert child.stdout is not None
        port = json.loads(await child.stdout.readline())["port"]
        yield f"http://127.0.0.1:{port}"
    finally:
        child.terminate()
        await child.wait()


def client_session(concurrency: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency))


async def reset(base: str, **behaviour: float) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{base}/reset", json=behaviour) as response,
    ):
        response.raise_for_status()


async def stats(base: str) -> dict[str, int]:
    async with aiohttp.ClientSession() as session, session.get(f"{base}/stats") as response:
        counted: dict[str, int] = await response.json()
        return counted


def check_exactly_once(counted: dict[str, int], channels: int) -> None:
    if counted["duplicates"] or counted["channels"] != channels or counted["posts"] != channels:
        raise LostOrDoubled(f"expected one post in each of {channels} channels: {counted}")


async def bot_round(
    base: str,
    store: FactStore,
    channels: int,
    rate: float | None = None,
    concurrency: int = CONCURRENCY,
    database_url: str | None = None,
    patience: float = 600.0,
) -> Round:
    """The bot's poster sending every due post; runs again (as the poller would) while
    retries are owed, until every channel has its post."""
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite+aiosqlite:///{Path(folder) / 'fanout.sqlite3'}"
        async with (
            open_database(url, pool_size=concurrency + 5) as database,
            client_session(concurrency) as session,
        ):
            await bulk_subscribe(database, channels, DUE - timedelta(hours=1))
            port = HttpChatPort(session, base, rate=rate)
            poster = DailyPoster(
                SubscriptionRepository(database),
                DeliveryRepository(database),
                AnniversaryReplies(store),
                {port.platform: port},
                "bench",
                DeliveryPolicy(
                    concurrency=concurrency,
                    first_backoff=timedelta(seconds=1),
                ),
            )
            started, cpu = time.perf_counter(), time.process_time()
            while True:
                elapsed = time.perf_counter() - started
                await poster.run_due(DUE + timedelta(seconds=elapsed))
                counted = await stats(base)
                if counted["channels"] >= channels or elapsed > patience:
                    break
                await asyncio.sleep(0.2)  # retries are owed: poll again, as the poller does
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    check_exactly_once(counted, channels)
    return Round(seconds, counted, cpu)


async def bare_round(
    base: str, store: FactStore, channels: int, concurrency: int = CONCURRENCY
) -> Round:
    """A bare aiohttp loop posting the same messages at the same concurrency: the floor for
    this many posts on this machine.

    Each body is built and serialised inside the clock, as the bot must (building them all
    beforehand left about a tenth of the work outside the bare loop's time); nothing else
    is added to it.
    """
    days = AnniversaryReplies(store)
    slots = asyncio.Semaphore(concurrency)
    headers = {"Content-Type": "application/json"}
    async with client_session(concurrency) as session:

        async def send(n: int) -> None:
            channel = f"chan-{n}"
            async with slots:
                post = days.daily_post(
                    DUE.date(), "en", ChannelKey("test", f"guild-{n % 7}", channel)
                )
                body = message_body(post, f"bare-{n}")
                async with session.post(
                    f"{base}/channels/{channel}/messages", data=body, headers=headers
                ) as response:
                    await response.read()

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(send(n) for n in range(channels)))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    counted = await stats(base)
    check_exactly_once(counted, channels)
    return Round(seconds, counted, cpu)


def corpus() -> FactStore:
    return load_fact_store(shipped_facts_dir())


def _children_cpu_seconds() -> float:
    """CPU time used so far by this process's children (the fake platform), from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


async def _alternate(channels: int, rounds: int, profile: Path | None) -> None:
    store = corpus()
    async with fake_platform_process() as base:
        for number in range(rounds):
            for name in ("bot", "bare"):
                await reset(base)
                server_cpu = _children_cpu_seconds()
                if name == "bot":
                    profiler = cProfile.Profile() if profile else None
                    if profiler:
                        profiler.enable()
                    result = await bot_round(base, store, channels)
                    if profiler:
                        profiler.disable()
                        profiler.dump_stats(profile)  # type: ignore[arg-type]
                else:
                    result = await bare_round(base, store, channels)
                server_cpu = _children_cpu_seconds() - server_cpu
                per_post = result.cpu_seconds / channels * 1e3
                print(
                    f"round {number + 1} {name:4}: {channels / result.seconds:7.0f} posts/s "
                    f"{result.seconds:6.2f} s, {per_post:.3f} ms CPU per post, "
                    f"fake platform {server_cpu / channels * 1e3:.3f} ms, "
                    f"{result.stats['posts']} posts, {result.stats['duplicates']} doubled",
                    flush=True,
                )


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.fanout``: the unlimited fan-out alone, bot and bare alternating."""
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--channels", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", type=Path, default=None, help="cProfile the bot rounds")
    args = parser.parse_args(argv)
    asyncio.run(_alternate(args.channels, args.rounds, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
