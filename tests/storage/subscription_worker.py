"""One of several bot processes subscribing and unsubscribing one channel on a shared SQLite
file, for the concurrency test in ``test_concurrent_subscriptions.py``.

Run as ``python -m tests.storage.subscription_worker DATA_DIR ROUNDS SEED``; prints the number
of internal-error replies it got as its last line.
"""

from __future__ import annotations

import asyncio
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.context import Channel, CommandContext, User
from bot.core.i18n import t
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

NOW = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)


async def main(data_dir: str, rounds: int, seed: int) -> None:
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(Path(data_dir))}}
    )
    port = FakeChatPort()
    rng = random.Random(seed)
    internal = t("err_internal", "en")
    failures = 0
    async with running_core(settings, {port.platform: port}, SimulatedClock(NOW)) as core:
        admin = CommandContext(
            User(f"admin-{seed}", "admin", is_admin=True),
            Channel("test", "guild-1", "shared-channel", "history"),
            "en",
            NOW,
            ZoneInfo("UTC"),
        )
        for _ in range(rounds):
            if rng.random() < 0.5:
                line = f"subscribe time {rng.randrange(24):02d}:{rng.randrange(60):02d}"
            else:
                line = "unsubscribe"
            reply = await core.router.handle(admin, line)
            failures += reply.body == internal
    print(failures, flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
