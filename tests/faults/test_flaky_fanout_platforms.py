"""A fan-out of 1,000 channels while the platform answers 429 (with a retry-after) to 10% of
the posts and 500 to 5%, half of those 500s after the message was made: every channel still
gets exactly one post, through each real adapter.

Discord: the real discord.py client against the loopback fake, driven by the bot's own
poller on the real clock. discord.py waits out a short 429 and retries a 500 itself, with
the same nonce; the port's ``enforce_nonce`` is what makes a retry after an ambiguous 500
return the message already made instead of a second one.

Slack: the Slack adapter (slack-sdk) against the fake Web API, on the simulated clock the
test moves. The poster retries each failure later; after an ambiguous 500 the port finds
the post in ``conversations.history`` by its metadata and does not post it again.

(tests/storage/test_flaky_platform.py makes the same promise through the benchmarks' HTTP
port; this file keeps it through the adapters people run.)
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.post_keys import find_post_key
from bot.storage.database import Database
from tests.adapters.discord.conftest import discord_settings, running_bot
from tests.adapters.slack.harness import START, running_slack_bot
from tests.discord_fake import FakeChannel, FakeGuild, fake_discord_server, guild_id_on_shard
from tests.discord_fake import Fate as DiscordFate
from tests.slack_fake import FakeSlack
from tests.slack_fake import Fate as SlackFate
from tests.storage.bulk import bulk_subscribe
from tests.storage.conftest import fresh_postgres
from tests.storage.test_delivery_scale import status_counts

CHANNELS = 1_000
SEED = 21
# Only stops a broken run from hanging; nothing is asserted about time.
HANG_LIMIT_SECONDS = 300.0


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    return await fresh_postgres()


async def eventually(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + HANG_LIMIT_SECONDS
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.1)


async def all_sent(database: Database) -> bool:
    return await status_counts(database) == Counter({"sent": CHANNELS})


# -- Discord ---------------------------------------------------------------------------------


def crowded_guild() -> FakeGuild:
    guild_id = guild_id_on_shard(0, 1)
    channels = [FakeChannel(guild_id + 1_000 + n, f"news-{n}", guild_id) for n in range(CHANNELS)]
    return FakeGuild(guild_id, "A thousand channels", channels)


async def test_discord_fanout_through_429s_and_500s_gives_each_channel_one_post(
    database_url: str, tmp_path: Path
) -> None:
    guild = crowded_guild()
    async with fake_discord_server([guild]) as fake:
        flaky = fake.flaky(
            "POST", r"/channels/\d+/messages", 0.10, 0.05, retry_after=0.25, seed=SEED
        )
        settings = discord_settings(fake, tmp_path, database_url)
        async with running_bot(fake, settings) as (_adapter, core, _runtime):
            # Due a minute ago on the real clock: the bot's own poller finds them at once.
            now = datetime.now(UTC)
            due = now - timedelta(minutes=1)
            await bulk_subscribe(
                core.database,
                CHANNELS,
                now - timedelta(hours=1),
                due.hour,
                due.minute,
                platform="discord",
                tenant=str(guild.id),
                channel_ids=[str(channel.id) for channel in guild.channels],
            )
            await eventually(lambda: all_sent(core.database), "every delivery marked sent")
    answered = flaky.answered
    assert answered[DiscordFate.RATE_LIMITED] > 0 and answered[DiscordFate.FAIL] > 0
    assert answered[DiscordFate.FAIL_AFTER] > 0  # messages made, then answered 500
    # After each of those, discord.py sent the post again with the same nonce, and the
    # answer was the message already made (enforce_nonce), not a new one.
    for path, fates in flaky.fates.items():
        if DiscordFate.FAIL_AFTER in fates:
            assert fates[-1] is DiscordFate.ANSWER, (path, fates)
            assert len({r.body["nonce"] for r in fake.requests_to("POST", path)}) == 1
    not_one = {
        channel.id: len(history)
        for channel in guild.channels
        if len(history := fake.channel_history(channel.id)) != 1
    }
    assert not_one == {}  # no channel without its post, none with two
    for channel in guild.channels:
        (message,) = fake.channel_history(channel.id)
        # The one message is the day's post, marked with its delivery key.
        marker = find_post_key(message["embeds"][0]["footer"]["text"])
        assert marker is not None and marker == message["nonce"]


# -- Slack -----------------------------------------------------------------------------------


def slack_channel(n: int) -> str:
    return f"C{n:06d}"


def daily_posts(fake: FakeSlack, channel: str) -> list[str]:
    """The delivery keys of the daily posts stored in ``channel``, read from their metadata."""
    keys = []
    for message in fake.posted(channel):
        key = find_post_key(message.get("metadata", {}).get("event_payload", {}).get("marker"))
        if key and key.startswith("alliance-daily-"):
            keys.append(key)
    return keys


async def test_slack_fanout_through_ratelimited_and_internal_errors_gives_one_post_each(
    fake_slack: FakeSlack, database_url: str, tmp_path: Path
) -> None:
    flaky = fake_slack.flaky("chat.postMessage", 0.10, 0.05, retry_after=45, seed=SEED)
    async with running_slack_bot(fake_slack, tmp_path, database_url) as bot:
        await bulk_subscribe(
            bot.core.database,
            CHANNELS,
            START,
            9,
            0,
            platform="slack",
            tenant=fake_slack.team_id,
            channel_ids=[slack_channel(n) for n in range(CHANNELS)],
        )
        await bot.runtime.subscriptions_changed()
        await bot.clock.advance_to(START.replace(hour=9, second=1))
        # Retries fall due over the poster's backoff (30 s doubling) and Slack's Retry-After;
        # the grace window is six hours.
        for _ in range(6 * 12):
            if await all_sent(bot.core.database):
                break
            await bot.clock.advance(300)
        assert await status_counts(bot.core.database) == Counter({"sent": CHANNELS})
    answered = flaky.answered
    assert answered[SlackFate.RATE_LIMITED] > 0 and answered[SlackFate.FAIL] > 0
    assert answered[SlackFate.FAIL_AFTER] > 0  # messages stored, then answered 500
    not_one = {
        channel: keys
        for channel in map(slack_channel, range(CHANNELS))
        if len(keys := daily_posts(fake_slack, channel)) != 1
    }
    assert not_one == {}  # no channel without its post, none with two
    # A post stored before its 500 was found, not sent again: every post Slack stored is one
    # of the thousand, no channel was posted to after its ambiguous 500, and each such
    # channel's history was read.
    stored = sum(len(fake_slack.posted(slack_channel(n))) for n in range(CHANNELS))
    assert stored == CHANNELS
    ambiguous = {
        channel: fates for channel, fates in flaky.fates.items() if SlackFate.FAIL_AFTER in fates
    }
    assert all(fates[-1] is SlackFate.FAIL_AFTER for fates in ambiguous.values()), ambiguous
    read = {call.args["channel"] for call in fake_slack.calls_to("conversations.history")}
    assert set(ambiguous) <= read
