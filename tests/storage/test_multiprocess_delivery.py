"""Two bot processes on one PostgreSQL database, 10,000 channels due at the same minute, one
process killed with SIGKILL in the middle of its fan-out: every channel gets one post."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from bot.storage.database import open_database
from tests.conftest import REPO_ROOT
from tests.storage.bulk import bulk_subscribe

CHANNELS = 10_000
POST_AT = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)


async def count(url: str, sql: str) -> int:
    async with open_database(url, migrate=False) as database, database.session() as session:
        return int(await session.scalar(text(sql)) or 0)


async def wait_for(url: str, sql: str, at_least: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while (value := await count(url, sql)) < at_least:
        if time.monotonic() > deadline:
            return value
        await asyncio.sleep(0.1)
    return value


async def first_worker(url: str) -> str:
    async with open_database(url, migrate=False) as database, database.session() as session:
        return str(await session.scalar(text("SELECT worker FROM fake_posts LIMIT 1")))


def start_worker(url: str, name: str, logs: Path) -> subprocess.Popen[str]:
    start = (POST_AT - timedelta(seconds=1)).isoformat()
    # The worker's log goes to a file: a pipe nobody reads fills up (64 KiB) once a slow
    # machine makes the poster log many abandoned claims, and the worker then blocks
    # writing its log, forever.
    with (logs / f"{name}.log").open("w") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.storage.daily_worker", url, start, name],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )


async def test_sigkill_mid_fan_out_loses_and_doubles_nothing(
    postgres_database_url: str, tmp_path: Path
) -> None:
    database_url = postgres_database_url
    async with open_database(database_url) as database:
        async with database.session() as session:
            await session.execute(
                text(
                    "CREATE TABLE fake_posts (id serial PRIMARY KEY, channel_id text NOT NULL, "
                    "key text NOT NULL, worker text NOT NULL)"
                )
            )
        await bulk_subscribe(database, CHANNELS, POST_AT - timedelta(hours=1))

    workers = {name: start_worker(database_url, name, tmp_path) for name in ("alpha", "beta")}
    try:
        for process in workers.values():
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        posted = await wait_for(database_url, "SELECT count(*) FROM fake_posts", 40, 60)
        assert 40 <= posted < CHANNELS, "the fan-out must still be running when we kill"
        busy = await first_worker(database_url)
        victim = workers.pop(busy)
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        # A deadline, not a speed check: it returns as soon as every channel is posted.
        done = await wait_for(
            database_url, "SELECT count(DISTINCT channel_id) FROM fake_posts", CHANNELS, 240
        )
        # Give the survivor a few more polls to post anything twice, if it were going to.
        await asyncio.sleep(1.5)
    finally:
        for process in workers.values():
            process.terminate()
            process.wait(timeout=10)

    assert done == CHANNELS  # none missing
    total = await count(database_url, "SELECT count(*) FROM fake_posts")
    assert total == CHANNELS  # none twice
    sent = await count(database_url, "SELECT count(*) FROM deliveries WHERE status = 'sent'")
    assert sent == CHANNELS
    by_survivor = await count(
        database_url, f"SELECT count(*) FROM fake_posts WHERE worker <> '{busy}'"
    )
    assert by_survivor > 0  # the survivor really took over the dead process's claims
