"""10,000 seeded hostile ``/alliance`` slash commands, correctly signed, through the real
``/slack/events`` endpoint: each is acked with 200 and answered clearly.

The texts are the router fuzz's lines (controls, bidi overrides, odd digits, huge numbers,
injection-looking text, empty and 10 kB arguments) with Slack's own mention syntax mixed in.
Every reply the bot sends, in the ack or through the response_url, must say something, must
not be the internal-error reply, and must not carry a mention the user typed: no raw
``<!channel>``, ``<!here>``, ``<!everyone>``, user group, or ``<@U…>`` other than the
workspace's two real members (whom the bot may name itself).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.commands import internal_error_reply
from bot.core.i18n import t
from tests.adapters.slack.harness import SlackBot, all_text, running_slack_bot
from tests.faults.test_router_fuzz import command_lines
from tests.slack_fake import FakeSlack, FakeUser

SEED = 1945_05_09
COMMANDS = 10_000
BATCH = 25  # requests in flight at once
FORM = "application/x-www-form-urlencoded"
SLACK_MENTIONS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!here|here>",
    "<!subteam^S0123|@team>",
    "<@U123>",
    "<@U0FAKE|bob>",
    "<#C024BE91L|general>",
    "<https://evil.example|click>",
)
MEMBERS = ("U1", "U2")
# A mention that pings: a broadcast, a user group, or a user who is not one of the members.
PING = re.compile(r"<!(?:channel|here|everyone|subteam)|<@(?!(?:U1|U2)>)U")


def slack_texts(seed: int, count: int) -> list[str]:
    """The router fuzz's lines without the prefix, some with a Slack mention put in."""
    rng = random.Random(seed)
    texts = []
    for line in command_lines(seed, count):
        text = line.removeprefix("/alliance ").removeprefix("/alliance")
        if rng.random() < 0.3:
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(SLACK_MENTIONS) + " " + text[at:]
        texts.append(text)
    return texts


def test_the_texts_are_the_same_for_the_same_seed_and_cover_the_hostile_cases() -> None:
    assert slack_texts(SEED, 100) == slack_texts(SEED, 100)
    texts = slack_texts(SEED, COMMANDS)
    assert "" in texts or any(not t.strip() for t in texts)
    assert any(len(t) >= 10_000 for t in texts)
    assert any("\u202e" in t or "\u2066" in t for t in texts)
    for mention in ("<!channel>", "<!here>", "<!everyone>", "<@U123>"):
        assert any(mention in t for t in texts), mention


def test_the_ping_pattern_tells_user_mentions_from_the_members() -> None:
    assert PING.search("hi <!channel>") and PING.search("<@U123>") and PING.search("<!here|x>")
    assert not PING.search("<@U1> and <@U2> &lt;!channel&gt; &lt;@U123&gt;")


@pytest.fixture
async def fuzz_bot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackBot]:
    fake_slack.add_user(FakeUser("U1", "alice", is_admin=True))
    fake_slack.add_user(FakeUser("U2", "boris", locale="ja-JP"))
    async with running_slack_bot(
        fake_slack,
        tmp_path,
        f"sqlite:///{tmp_path / 'bot.db'}",
        # Cooldowns off, so that every command reaches what it names.
        limits={"user_per_minute": 0, "channel_per_minute": 0, "quiz_starts_per_hour": 0},
    ) as bot:
        yield bot


async def _exchange(bot: SlackBot, number: int, text: str) -> tuple[int, str, dict[str, Any]]:
    """Send one command; its status, and the reply from the ack or the response_url."""
    body, name = bot.command_body(text, user=MEMBERS[number % 2], channel=f"C{number % 3}")
    status, answer = await bot.exchange(body, FORM)
    if status != 200:
        return status, name, {}
    if answer:
        return status, name, json.loads(answer)
    return status, name, await bot.response(name)


async def test_10000_hostile_slash_commands_are_acked_and_answered_clearly(
    fuzz_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    internal = {t("err_internal", lang) for lang in ("en", "ja")}
    assert all(internal_error_reply(lang).body in internal for lang in ("en", "ja"))
    texts = slack_texts(SEED, COMMANDS)
    problems: list[tuple[str, str]] = []
    with caplog.at_level(logging.ERROR):
        for start in range(0, len(texts), BATCH):
            batch = texts[start : start + BATCH]
            results = await asyncio.gather(
                *(_exchange(fuzz_bot, start + i, text) for i, text in enumerate(batch))
            )
            for text, (status, name, reply) in zip(batch, results, strict=True):
                if status != 200:
                    problems.append((text[:80], f"HTTP {status}"))
                    continue
                # The follow-ups of this command too (a slow command may send more than one).
                replies = [reply, *(b for n, b in fuzz_bot.fake.responses if n == name)]
                for sent in replies:
                    shown = all_text(sent)
                    if not (sent.get("text") or "").strip() and not sent.get("blocks"):
                        problems.append((text[:80], "empty reply"))
                    if any(body in shown for body in internal):
                        problems.append((text[:80], "internal error: " + shown[:120]))
                    if ping := PING.search(shown):
                        problems.append((text[:80], f"raw mention {ping.group()!r}"))
    # Messages the commands posted to channels (a quiz's question, say) are replies too.
    for channel, posted in fuzz_bot.fake.messages.items():
        for message in posted:
            if ping := PING.search(all_text(message)):
                problems.append((channel, f"posted raw mention {ping.group()!r}"))
    assert problems == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
