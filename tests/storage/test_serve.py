"""``serve`` runs adapters, the core and the runtime on one loop and stops them in order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import Core
from bot.config import Settings
from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.runtime import Runtime
from bot.serve import serve
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort


class RecordingAdapter:
    """A platform adapter that only records its life and exposes a fake port."""

    def __init__(self) -> None:
        self.port = FakeChatPort()
        self.events: list[str] = []
        self.core: Core | None = None

    async def start(self, core: Core, runtime: Runtime) -> None:
        self.core = core
        self.events.append("start")

    async def close(self) -> None:
        self.events.append("close")


async def test_serve_posts_what_is_due_keeps_a_heartbeat_and_stops_in_order(
    tmp_path: Path, database_url: str
) -> None:
    settings = Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            "database": {"url": database_url.replace("+aiosqlite", "").replace("+asyncpg", "")},
            "daily": {"poll_seconds": 0.2},
        }
    )
    adapter = RecordingAdapter()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, [adapter], stop))
    while adapter.core is None:  # noqa: ASYNC110 - waiting for the fake to be started
        await asyncio.sleep(0.05)
    # A subscription whose post fell due a minute ago goes out on the next poll.
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    await adapter.core.subscriptions.upsert(
        Subscription(
            ChannelKey("test", "g", "c1"),
            "c1",
            due.hour,
            due.minute,
            "UTC",
            "en",
            False,
            now - timedelta(hours=1),
            None,
        ),
        "admin",
        now - timedelta(hours=1),
    )
    for _ in range(100):
        if adapter.port.posts:
            break
        await asyncio.sleep(0.1)
    assert (tmp_path / "heartbeat").exists()
    stop.set()
    await asyncio.wait_for(task, 30)
    assert [post.target.channel_id for post in adapter.port.posts] == ["c1"]
    assert adapter.events == ["start", "close"]
    assert not (tmp_path / "heartbeat").exists()  # the health check fails once stopped
