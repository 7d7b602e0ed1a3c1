"""HTTP mode through real signed requests on a loopback port."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.context import ChannelKey
from tests.adapters.slack.harness import SIGNING_SECRET, SlackBot, all_text, running_slack_bot
from tests.slack_fake import FakeSlack, FakeUser, signed_headers

FORM = "application/x-www-form-urlencoded"


async def test_a_slash_command_is_answered_with_block_kit(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    reply = await slack_bot.command("today")
    assert reply["response_type"] == "in_channel"
    assert reply["blocks"][0]["type"] == "header"
    assert "22 June" in reply["blocks"][0]["text"]["text"]
    assert reply["text"]  # the fallback for notifications
    kinds = [block["type"] for block in reply["blocks"]]
    assert "section" in kinds and "context" in kinds
    sources = next(b for b in reply["blocks"] if b["type"] == "context")
    assert any(e["text"].startswith("<https://") and "|" in e["text"] for e in sources["elements"])


async def test_quick_commands_answer_in_the_ack_and_slow_ones_through_the_response_url(
    slack_bot: SlackBot,
) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    body, name = slack_bot.command_body("today")
    status, answer = await slack_bot.exchange(body, FORM)
    assert status == 200 and json.loads(answer)["blocks"][0]["type"] == "header"
    body, name = slack_bot.command_body("subscription")  # slow: it reads the database
    status, answer = await slack_bot.exchange(body, FORM)
    assert status == 200 and answer == b""
    follow_up = await slack_bot.response(name)
    assert follow_up["text"]
    assert [n for n, _ in slack_bot.fake.responses] == [name]


async def test_a_quick_command_not_ready_in_time_is_acked_and_answered_later(
    fake_slack: FakeSlack, tmp_path: Path, sqlite_url: str
) -> None:
    fake_slack.add_user(FakeUser("U1", "alice"))
    async with running_slack_bot(fake_slack, tmp_path, sqlite_url, quick_answer_seconds=0) as bot:
        body, name = bot.command_body("today")
        status, answer = await bot.exchange(body, FORM)
        assert status == 200 and answer == b""
        assert (await bot.response(name))["blocks"][0]["type"] == "header"


async def test_bad_input_gets_a_private_friendly_answer(slack_bot: SlackBot) -> None:
    reply = await slack_bot.command("frobnicate <!channel>")
    assert reply["response_type"] == "ephemeral"
    assert "<!channel>" not in all_text(reply)
    assert "&lt;!channel&gt;" in all_text(reply) or "frobnicate" in all_text(reply)


def _wrong_signature(body: bytes) -> dict[str, str]:
    return {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=" + "0" * 64,
    }


def _other_secret(body: bytes) -> dict[str, str]:
    return signed_headers("not-the-signing-secret", body)


def _stale(body: bytes) -> dict[str, str]:
    return signed_headers(SIGNING_SECRET, body, timestamp=time.time() - 600)


def _future(body: bytes) -> dict[str, str]:
    return signed_headers(SIGNING_SECRET, body, timestamp=time.time() + 600)


def _no_signature(body: bytes) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": str(int(time.time()))}


def _no_timestamp(body: bytes) -> dict[str, str]:
    signed = signed_headers(SIGNING_SECRET, body)
    del signed["X-Slack-Request-Timestamp"]
    return signed


@pytest.mark.parametrize(
    "sign", [_wrong_signature, _other_secret, _stale, _future, _no_signature, _no_timestamp]
)
async def test_unsigned_or_badly_signed_requests_get_401_and_change_nothing(
    slack_bot: SlackBot, sign: Callable[[bytes], dict[str, str]]
) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice", is_admin=True))
    body, _ = slack_bot.command_body("subscribe time 09:00")
    assert await slack_bot.send(body, FORM, sign(body)) == 401
    # Signed properly, the same body would subscribe the channel: refused, it did not.
    channel = ChannelKey("slack", slack_bot.fake.team_id, "C1")
    assert await slack_bot.core.subscriptions.get(channel) is None
    assert slack_bot.fake.responses == []
    assert slack_bot.fake.calls_to("users.info") == []


async def test_a_properly_signed_subscribe_by_an_admin_does_change_things(
    slack_bot: SlackBot,
) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice", is_admin=True))
    reply = await slack_bot.command("subscribe time 09:00")
    channel = ChannelKey("slack", slack_bot.fake.team_id, "C1")
    assert await slack_bot.core.subscriptions.get(channel) is not None, reply


async def test_health_answers_while_the_database_does(slack_bot: SlackBot) -> None:
    url = f"http://127.0.0.1:{slack_bot.adapter.http_port}/healthz"
    async with slack_bot.session.get(url) as response:
        assert response.status == 200
        assert await response.text() == "ok"
