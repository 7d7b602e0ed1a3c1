"""A bot process for the multi-process delivery test: polls and posts until it is killed.

Run as ``python -m tests.storage.daily_worker URL START WORKER``. Its chat platform is a fake
that records every post in the ``fake_posts`` table of the same database, so the test can
count what the "platform" received from all processes, including ones it killed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta

from sqlalchemy import text

from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.clock import SimulatedClock
from bot.core.daily.poster import DailyPoster, DeliveryPolicy
from bot.core.fact_loading import load_fact_store
from bot.core.ports import MessageHandle, PostTarget
from bot.core.replies import Reply
from bot.storage.database import Database
from bot.storage.deliveries import DeliveryRepository
from bot.storage.subscriptions import SubscriptionRepository
from tests.conftest import FIXTURE_FACTS

SEND_SECONDS = 0.05


class RecordingPlatform:
    platform = "test"

    def __init__(self, database: Database, worker: str) -> None:
        self._db = database
        self._worker = worker

    def serves(self, tenant: str) -> bool:
        return True

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        await asyncio.sleep(SEND_SECONDS)  # a real platform takes a while to answer
        async with self._db.session() as session:
            await session.execute(
                text("INSERT INTO fake_posts (channel_id, key, worker) VALUES (:c, :k, :w)"),
                {"c": target.channel_id, "k": key, "w": self._worker},
            )
        return MessageHandle(self.platform, target.channel_id, key)

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        raise AssertionError("daily posts are never edited")

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        async with self._db.session() as session:
            found = await session.scalar(
                text("SELECT count(*) FROM fake_posts WHERE key = :k"), {"k": key}
            )
            return bool(found)


async def main(url: str, start: str, worker: str) -> None:
    database = Database(url)
    platform = RecordingPlatform(database, worker)
    poster = DailyPoster(
        SubscriptionRepository(database),
        DeliveryRepository(database),
        AnniversaryReplies(load_fact_store(FIXTURE_FACTS)),
        {platform.platform: platform},
        worker,
        DeliveryPolicy(stale_claim_after=timedelta(seconds=8), concurrency=10),
    )
    clock = SimulatedClock(datetime.fromisoformat(start))
    print("ready", flush=True)
    while True:
        await poster.run_due(clock.now())
        await asyncio.sleep(0.2)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
