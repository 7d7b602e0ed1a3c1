"""The logs of a full run never contain a token.

One ``alliance-bot run`` (the real entry point, in a subprocess) with DISCORD_TOKEN and the
Slack tokens all set and ``log_level = "DEBUG"``, so the libraries' request-by-request lines
are in the log too. On each platform it answers a command, delivers a daily post, and meets
an error: Discord refuses a post with 403; Slack refuses a post with ``invalid_auth`` and
fails a ``users.info`` lookup. Then SIGTERM. The log must show those errors (so the test
can fail for the right reason) and no secret, nor any 15-character slice of one.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import pytest

from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.storage.database import open_database
from bot.storage.subscriptions import SubscriptionRepository
from tests.adapters.discord.answers import answer_of
from tests.adapters.slack.harness import free_port
from tests.conftest import FIXTURE_FACTS, REPO_ROOT
from tests.discord_fake import FakeChannel, FakeDiscord, FakeGuild, FakeUser, guild_id_on_shard
from tests.slack_fake import FakeSlack, ScriptedFailure, signed_headers
from tests.slack_fake import FakeUser as SlackUser

SLICE = 15
# Only keeps a broken run from hanging the suite; nothing is asserted about time.
PATIENCE_SECONDS = 60.0


def slices(secret: str) -> set[str]:
    """The secret and every run of SLICE characters in it."""
    return {secret, *(secret[i : i + SLICE] for i in range(len(secret) - SLICE + 1))}


async def wait_for(condition: Callable[[], object], what: str) -> None:
    deadline = asyncio.get_running_loop().time() + PATIENCE_SECONDS
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"never happened: {what}")
        await asyncio.sleep(0.05)


def due_a_minute_ago(key: ChannelKey) -> Subscription:
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    return Subscription(
        key, "general", due.hour, due.minute, "UTC", "en", False, now - timedelta(hours=1), None
    )


async def seed(database_url: str, keys: list[ChannelKey]) -> None:
    """Subscriptions already due when the bot starts: its first poll posts them."""
    async with open_database(database_url) as database:
        repository = SubscriptionRepository(database)
        for key in keys:
            await repository.upsert(
                due_a_minute_ago(key), "admin", datetime.now(UTC) - timedelta(hours=1)
            )


@asynccontextmanager
async def bot_process(
    config: Path, env: dict[str, str], log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``alliance-bot run`` writing its log to a file (a pipe nobody reads could fill up)."""
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            env=env,
            cwd=config.parent,
            stdout=sink,
            stderr=sink,
        )
        try:
            yield process
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), PATIENCE_SECONDS)


class SlackSide:
    """Slack's half of the run: slash commands over HTTP (signed) or over Socket Mode."""

    def __init__(self, fake: FakeSlack, mode: str, port: int, signing_secret: str) -> None:
        self.fake, self.mode, self.port, self.signing_secret = fake, mode, port, signing_secret

    async def ready(self, session: aiohttp.ClientSession) -> None:
        if self.mode == "socket":
            await wait_for(lambda: self.fake.open_sockets == 1, "a Socket Mode connection")
            return
        for _ in range(int(PATIENCE_SECONDS / 0.1)):
            try:
                async with session.get(f"http://127.0.0.1:{self.port}/healthz") as answer:
                    if answer.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError("the Slack HTTP endpoint never answered")

    async def command(self, session: aiohttp.ClientSession, text: str, name: str) -> Any:
        """``/alliance text`` from U1 in C1; the answer, from the ack or the response_url."""
        payload = {
            "team_id": self.fake.team_id,
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": "U1",
            "user_name": "alice",
            "command": "/alliance",
            "text": text,
            "response_url": self.fake.response_url(name),
            "trigger_id": f"trigger-{name}",
        }
        if self.mode == "socket":
            envelope = await self.fake.send_envelope("slash_commands", payload)
            await self.fake.wait_until(
                lambda: (
                    any(n == name for n, _ in self.fake.responses)
                    or any(a.envelope_id == envelope and a.payload for a in self.fake.acks)
                )
            )
            acked = [a.payload for a in self.fake.acks if a.envelope_id == envelope and a.payload]
        else:
            body = urlencode(payload).encode()
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                **signed_headers(self.signing_secret, body),
            }
            url = f"http://127.0.0.1:{self.port}/slack/events"
            async with session.post(url, data=body, headers=headers) as answer:
                assert answer.status == 200
                raw = await answer.read()
            acked = [json.loads(raw)] if raw else []
            # A forged copy (wrong signature): refused, and it is part of the run's log.
            forged = {**headers, "X-Slack-Signature": "v0=" + "0" * 64}
            async with session.post(url, data=body, headers=forged) as answer:
                assert answer.status == 401
        if acked:
            return acked[0]
        await self.fake.wait_until(lambda: any(n == name for n, _ in self.fake.responses))
        return next(body for n, body in self.fake.responses if n == name)


@pytest.mark.parametrize("slack_mode", ["socket", "http"])
async def test_a_full_run_on_both_platforms_logs_its_errors_and_no_secret(
    tmp_path: Path, slack_mode: str
) -> None:
    discord_token = (
        f"{secrets.token_urlsafe(18)}.{secrets.token_urlsafe(6)}.{secrets.token_urlsafe(27)}"
    )
    slack_fake = FakeSlack(
        bot_token=f"xoxb-{secrets.token_hex(20)}", app_token=f"xapp-{secrets.token_hex(20)}"
    )
    signing_secret = secrets.token_hex(16)
    guild_id = guild_id_on_shard(0, 1)
    open_channel = FakeChannel(guild_id + 7, "general", guild_id)
    closed_channel = FakeChannel(guild_id + 8, "locked", guild_id)
    guild = FakeGuild(guild_id, "Club", [open_channel, closed_channel])
    discord_fake = FakeDiscord([guild], token=discord_token)
    await discord_fake.start()
    await slack_fake.start()
    try:
        slack_fake.add_user(SlackUser("U1", "alice"))
        # The first lookup fails (the command is still answered, with no rights).
        slack_fake.fail("users.info", ScriptedFailure("invalid_auth"))
        slack_fake.fail("chat.postMessage", ScriptedFailure("invalid_auth", channel="C2"))
        discord_fake.fail("POST", rf"/channels/{closed_channel.id}/messages", 403)

        database = tmp_path / "bot.sqlite3"
        await seed(
            f"sqlite+aiosqlite:///{database}",
            [
                ChannelKey("discord", str(guild.id), str(open_channel.id)),
                ChannelKey("discord", str(guild.id), str(closed_channel.id)),
                ChannelKey("slack", slack_fake.team_id, "C1"),
                ChannelKey("slack", slack_fake.team_id, "C2"),
            ],
        )
        port = free_port()
        config = tmp_path / "config.toml"
        config.write_text(
            f'[bot]\nfacts_dir = "{FIXTURE_FACTS}"\ndata_dir = "{tmp_path}"\n'
            'log_level = "DEBUG"\n'
            f'[database]\nurl = "sqlite:///{database}"\n'
            "[daily]\npoll_seconds = 0.2\nspread_seconds = 0\n"
            f'[discord]\napi_base_url = "{discord_fake.api_base_url}"\n'
            f'gateway_url = "{discord_fake.gateway_url}"\n'
            f'[slack]\nmode = "{slack_mode}"\nhost = "127.0.0.1"\nport = {port}\n'
            f'api_url = "{slack_fake.api_url}"\n',
            encoding="utf-8",
        )
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DISCORD_", "SLACK_", "ALLIANCE_"))
        }
        env |= {
            "PYTHONPATH": str(REPO_ROOT),
            "DISCORD_TOKEN": discord_token,
            "SLACK_BOT_TOKEN": slack_fake.bot_token,
            "SLACK_APP_TOKEN": slack_fake.app_token,
            "SLACK_SIGNING_SECRET": signing_secret,
        }
        log = tmp_path / "run.log"
        slack = SlackSide(slack_fake, slack_mode, port, signing_secret)

        def logged() -> str:
            return log.read_text(encoding="utf-8", errors="replace")

        async with aiohttp.ClientSession() as session, bot_process(config, env, log) as process:
            await discord_fake.wait_ready(within=PATIENCE_SECONDS)
            await slack.ready(session)
            await wait_for(lambda: "running: discord, slack" in logged(), "both platforms up")

            user = FakeUser(discord_fake.ids.next(), "bob")
            record = await discord_fake.slash(open_channel, user, ["alliance", "today"])
            assert (await answer_of(discord_fake, record)).embed["title"].startswith("On this day")
            answered = await slack.command(session, "today", "today")
            assert "On this day" in json.dumps(answered)

            await wait_for(lambda: discord_fake.channel_history(open_channel.id), "Discord post")
            await wait_for(lambda: slack_fake.posted("C1"), "Slack post")
            await wait_for(
                lambda: (
                    "missing access" in logged()
                    and "Slack refused the post: invalid_auth" in logged()
                ),
                "both refused posts logged",
            )
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), PATIENCE_SECONDS)
        assert process.returncode == 0, logged()[-3000:]
    finally:
        await slack_fake.close()
        await discord_fake.close()

    text = logged()
    # The run did what the test claims, and its errors were logged.
    assert "DEBUG" in text  # the libraries' debug lines are in it
    assert "discord: logged in as" in text and "stopping" in text
    assert "users.info failed for U1: invalid_auth" in text
    assert "Slack refused the post: invalid_auth" in text
    assert "missing access" in text
    assert [
        r.status
        for r in discord_fake.requests_to("POST", rf"/channels/{closed_channel.id}/messages")
    ] == [403]
    for name, secret in {
        "DISCORD_TOKEN": discord_token,
        "SLACK_BOT_TOKEN": slack_fake.bot_token,
        "SLACK_APP_TOKEN": slack_fake.app_token,
        "SLACK_SIGNING_SECRET": signing_secret,
    }.items():
        leaked = sorted(part for part in slices(secret) if part in text)
        assert not leaked, f"{name} is in the log: {leaked[:3]}"
    # Nor the short-lived credentials the libraries log at DEBUG: the interaction's token
    # (gateway event, callback URL) and the slash command's response_url (a forged request's
    # body, a Socket Mode envelope).
    assert record.token not in text
    response_url = slack_fake.response_url("today")
    assert response_url not in text and quote(response_url, safe="") not in text
    assert "<redacted>" in text  # they were there, masked
