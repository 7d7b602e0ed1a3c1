"""Spam through the real adapters: one member sending 100 commands in 10 seconds gets a
private cooldown notice after the shipped burst, while another member in the same channel
is answered as before. Slack: signed HTTP requests, the clock moved 0.1 s per command.
Discord: the real client on the fake, in real time (so only what does not depend on the
machine's speed is asserted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.config import LimitsSection
from tests.adapters.discord.answers import Answer, answer_of
from tests.adapters.discord.conftest import discord_settings, running_bot, small_guild
from tests.adapters.slack.harness import running_slack_bot
from tests.discord_fake import FakeUser, fake_discord_server
from tests.discord_fake._payloads import MEMBER_PERMISSIONS
from tests.slack_fake import FakeSlack
from tests.slack_fake import FakeUser as SlackUser

FLOOD = 100
BURST = LimitsSection().user_burst
# Another member's command after every 25 of the flood's: 4 in 10 seconds, within their own
# allowance, in the channel the flood is hitting.
OTHER_EVERY = 25


def is_cooldown_notice(text: str) -> bool:
    return "try again in" in text


def slack_is_private(reply: dict[str, Any]) -> bool:
    return reply.get("response_type") == "ephemeral"


async def test_a_slack_flood_gets_a_private_notice_and_the_channel_is_still_answered(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.add_user(SlackUser("U1", "flooder"))
    fake_slack.add_user(SlackUser("U2", "neighbour"))
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    flood: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    async with running_slack_bot(fake_slack, tmp_path, url) as bot:  # the shipped [limits]
        for i in range(FLOOD):
            flood.append(await bot.command("today", user="U1"))
            if (i + 1) % OTHER_EVERY == 0:
                other.append(await bot.command("today", user="U2"))
            await bot.clock.advance(0.1)
    texts = [json.dumps(reply, ensure_ascii=False) for reply in flood]
    answered = [i for i, text in enumerate(texts) if not is_cooldown_notice(text)]
    # The burst at once, then the one or two tokens 12 a minute refills in 10 seconds.
    assert answered[:BURST] == list(range(BURST))
    assert BURST <= len(answered) <= BURST + 3
    assert all("On this day" in texts[i] for i in answered)
    notices = [reply for reply, text in zip(flood, texts, strict=True) if is_cooldown_notice(text)]
    assert len(notices) == FLOOD - len(answered)
    assert all(slack_is_private(notice) for notice in notices)
    assert len(other) == FLOOD // OTHER_EVERY
    for reply in other:
        text = json.dumps(reply, ensure_ascii=False)
        assert "On this day" in text and not is_cooldown_notice(text)
    # The notices went to the flooder alone: nothing of them was posted in the channel.
    assert not any(is_cooldown_notice(json.dumps(m)) for m in fake_slack.posted("C1"))


async def test_a_discord_flood_gets_a_private_notice_and_the_channel_is_still_answered(
    tmp_path: Path,
) -> None:
    guild = small_guild()
    channel = guild.channels[0]
    async with fake_discord_server([guild]) as fake:
        settings = discord_settings(fake, tmp_path, limits=LimitsSection().model_dump())
        flooder = FakeUser(fake.ids.next(), "flooder")
        neighbour = FakeUser(fake.ids.next(), "neighbour")
        flood: list[Answer] = []
        other: list[Answer] = []
        async with running_bot(fake, settings):
            for i in range(FLOOD):
                record = await fake.slash(
                    channel, flooder, ["alliance", "today"], permissions=MEMBER_PERMISSIONS
                )
                flood.append(await answer_of(fake, record))
                if (i + 1) % OTHER_EVERY == 0:
                    record = await fake.slash(
                        channel, neighbour, ["alliance", "today"], permissions=MEMBER_PERMISSIONS
                    )
                    other.append(await answer_of(fake, record))
    notices = [answer for answer in flood if is_cooldown_notice(answer.text)]
    # The burst is answered; then notices, each one private (real time refills a few tokens
    # while the flood runs, so how many is not asserted).
    assert all(not is_cooldown_notice(answer.text) for answer in flood[:BURST])
    assert all(answer.embed["title"].startswith("On this day") for answer in flood[:BURST])
    assert len(notices) > FLOOD // 2
    assert all(notice.ephemeral for notice in notices)
    assert all(not answer.ephemeral for answer in flood[:BURST])
    assert len(other) == FLOOD // OTHER_EVERY
    for answer in other:
        assert answer.embed["title"].startswith("On this day") and not answer.ephemeral
