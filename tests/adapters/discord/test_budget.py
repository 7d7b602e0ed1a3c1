"""A command that is not flagged slow but misses the response budget: deferred when the
budget runs out, then answered; a deferral Discord refuses ends the command's work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.discord import interactions
from bot.app import Core
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import NO_LIMITS, discord_settings, running_bot, small_guild
from tests.discord_fake import FakeDiscord, FakeUser, fake_discord_server

# Well past the budget the test sets: a held command cannot make it in time.
HOLD_SECONDS = 0.5


class HeldFacts:
    """Makes ``fact`` commands take :data:`HOLD_SECONDS`, and says which ones finished."""

    def __init__(self) -> None:
        self.finished = 0

    def __call__(self, core: Core) -> Core:
        handle = core.router.handle

        async def held(context: Any, line: str) -> Any:
            if line.startswith("fact"):
                await asyncio.sleep(HOLD_SECONDS)
                self.finished += 1
            return await handle(context, line)

        core.router.handle = held  # type: ignore[method-assign]
        return core


@asynccontextmanager
async def held_bot(tmp_path: Path, held: HeldFacts) -> AsyncIterator[FakeDiscord]:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        settings = discord_settings(fake, tmp_path, limits=NO_LIMITS)
        async with running_bot(fake, settings, core_hook=held):
            yield fake


@pytest.fixture(autouse=True)
def short_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interactions, "RESPONSE_BUDGET_SECONDS", 0.05)


async def test_a_reply_that_misses_the_budget_follows_a_deferral(tmp_path: Path) -> None:
    held = HeldFacts()
    async with held_bot(tmp_path, held) as fake:
        channel = next(iter(fake.channels.values()))
        member = FakeUser(fake.ids.next(), "alice")
        record = await fake.slash(channel, member, ["alliance", "fact"])
        answer = await answer_of(fake, record)
        assert record.callbacks[0]["type"] == 5  # "thinking…", public
        assert not record.callbacks[0].get("data", {}).get("flags")
        assert answer.how == "deferred" and not answer.ephemeral
        assert answer.custom_ids == ["a1:fact"]
        # A quick command is still answered in the response itself.
        quick = await fake.slash(channel, member, ["alliance", "help"])
        assert (await answer_of(fake, quick)).how == "message"


async def test_a_refused_deferral_ends_the_work_and_sends_nothing(tmp_path: Path) -> None:
    held = HeldFacts()
    async with held_bot(tmp_path, held) as fake:
        channel = next(iter(fake.channels.values()))
        member = FakeUser(fake.ids.next(), "alice")
        fake.fail("POST", r"/interactions/\d+/[^/]+/callback", 404)
        record = await fake.slash(channel, member, ["alliance", "fact"])
        await fake.wait_until(lambda: fake.requests_to("POST", r"/interactions/.*"))
        await asyncio.sleep(HOLD_SECONDS * 2)
        assert held.finished == 0  # cancelled with the deferral, as Discord refused it
        assert not record.callbacks and not record.followups and not record.edits
        # The next command is answered as ever.
        again = await fake.slash(channel, member, ["alliance", "fact"])
        assert (await answer_of(fake, again)).how == "deferred"
        assert held.finished == 1
