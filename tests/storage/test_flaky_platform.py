"""A platform that answers 429 (with a retry-after) to 10% of requests and 500 to 5%: a
fan-out to 1,000 channels still gives every channel exactly one post, as the platform counts.

The platform is the benchmarks' loopback fake over real HTTP, and the poster talks to it
through the benchmarks' HTTP chat port, which classifies answers as the adapters do.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp.test_utils import TestServer

from bench.fake_platform import Behaviour, FakePlatform
from bench.http_port import HttpChatPort
from bot.core.fact_store import FactStore
from bot.storage.database import Database
from tests.storage.bulk import bulk_subscribe
from tests.storage.test_daily_delivery import poster
from tests.storage.test_delivery_scale import status_counts

NINE = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)
CHANNELS = 1_000


async def test_every_channel_gets_exactly_one_post_through_429s_and_500s(
    database: Database, store: FactStore
) -> None:
    platform = FakePlatform(Behaviour(share_429=0.10, share_500=0.05, retry_after=0.5, seed=7))
    await bulk_subscribe(database, CHANNELS, NINE - timedelta(hours=1))
    async with (
        TestServer(platform.app, host="127.0.0.1") as server,
        aiohttp.ClientSession() as session,
    ):
        port = HttpChatPort(session, str(server.make_url("/")))
        daily = poster(database, store, port, first_backoff=timedelta(seconds=1))
        now = NINE
        for _ in range(12):  # the poller's runs, each a little later (retries fall due)
            await daily.run_due(now)
            if len(platform.counts.posts) == CHANNELS:
                break
            now += timedelta(minutes=1)
    counts = platform.counts
    assert counts.failed_on_purpose > CHANNELS * 0.1  # the failures did happen
    assert counts.duplicates == 0
    assert counts.posts == {f"chan-{n}": 1 for n in range(CHANNELS)}
    assert await status_counts(database) == Counter({"sent": CHANNELS})
