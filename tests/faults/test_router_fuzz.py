"""10,000 seeded hostile command lines through the core router: each gets a clear reply.

The lines come from the shell fuzzer's vocabulary (controls, bidi overrides, odd digits,
huge numbers, injection-looking text, 10 kB arguments, bytes that are not UTF-8) plus chat
mentions; callers alternate between admins and not, in both languages. Every reply must be
the bot's answer, with a body that says something (what was expected, what was refused),
never the internal-error reply; and nothing may be logged as a failure.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.commands import internal_error_reply
from bot.core.context import Channel, CommandContext, User
from bot.core.rich import render_plain
from tests.adapters.shell_fuzz import COMMANDS, HostileLines
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

SEED = 1943_11_28
LINES = 10_000
MENTIONS = (
    "<@123>",
    "<@!123456789012345678>",
    "<!channel>",
    "<!here>",
    "<#C024BE91L>",
    "@everyone",
)
START = datetime(2026, 6, 22, 8, 0, tzinfo=UTC)


def command_lines(seed: int, count: int) -> list[str]:
    """Lines as a platform hands them over: text, so invalid bytes arrive as U+FFFD."""
    rng = random.Random(seed)
    hostile = HostileLines(rng)
    lines = []
    for _ in range(count):
        raw = hostile.line().decode("utf-8", errors="replace")
        kind = rng.random()
        if kind < 0.55:  # a command with hostile arguments
            words = [rng.choice(COMMANDS), *(hostile._argument() for _ in range(rng.randint(0, 4)))]
            if rng.random() < 0.3:
                words.insert(rng.randint(1, len(words)), rng.choice(MENTIONS))
            line = "/alliance " + " ".join(words)
        elif kind < 0.9:  # the fuzzer's own line after the prefix (huge, empty, chat …)
            line = "/alliance " + raw
        else:  # the bare prefix with only a mention or nothing
            line = "/alliance " + rng.choice(("", *MENTIONS))
        lines.append(line)
    return lines


def test_the_lines_are_the_same_for_the_same_seed() -> None:
    assert command_lines(SEED, 200) == command_lines(SEED, 200)
    lines = command_lines(SEED, LINES)
    assert any(len(line) >= 10_000 for line in lines)
    assert any("\u202e" in line for line in lines)
    assert any("<!channel>" in line for line in lines)
    assert any(line.strip() == "/alliance" for line in lines)


async def test_10000_hostile_lines_each_get_a_clear_reply(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)},
            # Cooldowns off, so that every line reaches the command it names.
            "limits": {"user_per_minute": 0, "channel_per_minute": 0, "quiz_starts_per_hour": 0},
        }
    )
    clock = SimulatedClock(START, lambda: 0.0)
    port = FakeChatPort()
    internal = {internal_error_reply("en"), internal_error_reply("ja")}
    unclear: list[tuple[str, str]] = []
    with caplog.at_level(logging.ERROR):
        async with running_core(config, {port.platform: port}, clock) as core:
            for number, line in enumerate(command_lines(SEED, LINES)):
                context = CommandContext(
                    User(f"u{number % 4}", f"user{number % 4}", number % 4 == 0),
                    Channel("test", f"guild-{number % 2}", f"c{number % 3}", "general"),
                    "ja" if number % 5 == 0 else "en",
                    clock.now(),
                    ZoneInfo("UTC"),
                )
                reply = await core.router.handle(context, line)
                said = render_plain(reply.body).strip() or any(
                    render_plain(f.value).strip() for f in reply.fields
                )
                if reply in internal or not said:
                    unclear.append((line[:80], repr(reply)[:200]))
                if number % 500 == 0:
                    await clock.advance(61)
    assert unclear == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
