"""Whatever anyone types, to any command of the whole bot, the answer is a reply, never a
crash: the full router on a real SQLite file, driven by random command lines."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.context import Channel, CommandContext, User
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

COMMANDS = [
    "fact",
    "today",
    "on",
    "search",
    "help",
    "subscribe",
    "unsubscribe",
    "subscription",
    "quiz",
    "leaderboard",
    "stats",
    "forget-me",
]
WORDS = [
    "start",
    "stop",
    "answer",
    "daily",
    "confirm",
    "time",
    "timezone",
    "language",
    "question",
    "on",
    "off",
    "09:00",
    "25:99",
    "Asia/Tokyo",
    "Mars/Base",
    "ja",
    "xx",
    "0",
    "3",
    "-1",
    "99999999999999999999",
    "2026-06-22",
    "japan",
    "hard",
    "፩",
    "@bob",
    "\u200b",
    "🙂",
    "'; DROP TABLE subscriptions; --",
    "%s",
    "{0}",
    "\x00",
]
LINE = st.builds(
    lambda command, words: " ".join([f"/alliance {command}", *words]),
    st.sampled_from(COMMANDS),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=10)), max_size=6),
)
START = datetime(2026, 6, 22, 8, 0, tzinfo=UTC)


@settings(max_examples=25, deadline=None)
@given(
    script=st.lists(
        st.tuples(LINE, st.booleans(), st.sampled_from(["en", "ja"])), min_size=1, max_size=25
    )
)
def test_random_scripts_against_every_command_never_crash(
    script: list[tuple[str, bool, str]],
) -> None:
    async def play(data_dir: Path) -> None:
        config = Settings.model_validate(
            {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(data_dir)}}
        )
        clock = SimulatedClock(START, lambda: 0.0)
        port = FakeChatPort()
        async with running_core(config, {port.platform: port}, clock) as core:
            for step, (line, admin, locale) in enumerate(script):
                context = CommandContext(
                    User(f"u{step % 3}", f"user{step % 3}", admin),
                    Channel("test", "guild", "c1", "general"),
                    locale,
                    clock.now(),
                    ZoneInfo("UTC"),
                )
                reply = await core.router.dispatch(context, line)
                assert reply.title or reply.body or reply.fields, line
                chat = await core.router.handle_message(context, line.split(" ", 2)[-1])
                assert chat is None or chat.body
                await clock.advance(7)
                await core.poster.run_due(clock.now() + timedelta(hours=1))

    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(play(Path(folder)))
