"""``alliance-bot run``, ``discord sync`` and ``discord invite-url`` as a user runs them: in
a subprocess, against the fake Discord; the token never shows in what they print."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import async_database_url
from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.storage.database import open_database
from bot.storage.subscriptions import SubscriptionRepository
from tests.adapters.discord.answers import answer_of
from tests.adapters.discord.conftest import small_guild
from tests.conftest import FIXTURE_FACTS, REPO_ROOT
from tests.discord_fake import FakeDiscord, FakeUser, fake_discord_server

# View Channels, Send Messages, Send Messages in Threads, Embed Links, Read Message History,
# Add Reactions: Discord's permission bits, as its documentation numbers them.
BOT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 38) | (1 << 14) | (1 << 16) | (1 << 6)
MESSAGE_CONTENT_INTENT = 1 << 15


def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


def config_for(fake: FakeDiscord, tmp_path: Path, discord: str = "", daily: str = "") -> Path:
    """A config for the fake; ``discord`` adds lines to ``[discord]``, ``daily`` a section."""
    path = tmp_path / "config.toml"
    path.write_text(
        f'[bot]\nfacts_dir = "{FIXTURE_FACTS}"\ndata_dir = "{tmp_path}"\n'
        f'[database]\nurl = "{database_url(tmp_path)}"\n{daily}'
        f'[discord]\napi_base_url = "{fake.api_base_url}"\ngateway_url = "{fake.gateway_url}"\n'
        f"{discord}",
        encoding="utf-8",
    )
    return path


async def subscribe_due_now(tmp_path: Path, key: ChannelKey) -> None:
    """A subscription whose post fell due a minute ago, in the database the process opens."""
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    subscription = Subscription(
        key, "general", due.hour, due.minute, "UTC", "en", False, now - timedelta(hours=1), None
    )
    async with open_database(async_database_url(database_url(tmp_path))) as database:
        await SubscriptionRepository(database).upsert(
            subscription, "admin", now - timedelta(hours=1)
        )


async def bot_process(*args: str, token: str | None) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    if token is not None:
        env["DISCORD_TOKEN"] = token
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_run_starts_discord_from_its_token_answers_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        config = config_for(fake, tmp_path)
        process = await bot_process("run", "--config", str(config), token=fake.token)
        try:
            await fake.wait_ready(within=60)
            await fake.wait_until(lambda: (tmp_path / "heartbeat").exists(), within=10)
            user = FakeUser(fake.ids.next(), "alice")
            record = await fake.slash(guild.channels[0], user, ["alliance", "today"])
            assert (await answer_of(fake, record)).embed["title"].startswith("On this day")
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    logs = out.decode() + err.decode()
    assert "running: discord" in logs and "stopping" in logs
    assert fake.token not in logs
    assert not (tmp_path / "heartbeat").exists()


async def test_run_with_discord_enabled_and_no_token_names_the_variable(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[discord]\nenabled = true\n", encoding="utf-8")
    process = await bot_process("run", "--config", str(config), token=None)
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2 and "DISCORD_TOKEN" in err.decode()


async def test_a_refused_token_is_a_clear_error(tmp_path: Path) -> None:
    async with fake_discord_server([small_guild()]) as fake:
        config = config_for(fake, tmp_path)
        process = await bot_process("run", "--config", str(config), token="not-the-token")
        out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "Discord refused DISCORD_TOKEN" in err.decode()
    assert "not-the-token" not in out.decode() + err.decode()
    assert "Unclosed" not in err.decode()  # the client's HTTP session is closed on the way out


async def test_a_gateway_refusing_the_message_content_intent_ends_run_with_what_to_do(
    tmp_path: Path,
) -> None:
    # message_content = true without the intent enabled in the Developer Portal: Discord
    # closes the gateway with 4014. Staying up would keep the heartbeat fresh and the
    # container "healthy" with no gateway at all.
    async with fake_discord_server([small_guild()]) as fake:
        fake.disallowed_intents = MESSAGE_CONTENT_INTENT
        config = config_for(fake, tmp_path, "message_content = true\n")
        process = await bot_process("run", "--config", str(config), token=fake.token)
        try:
            out, err = await asyncio.wait_for(process.communicate(), 60)
        finally:
            if process.returncode is None:  # still running: the bug this test is about
                process.kill()
                await process.wait()
    assert process.returncode not in (0, None), err.decode()
    error = err.decode()
    assert "4014" in error and "Message Content" in error and "Developer Portal" in error
    assert "message_content = false" in error
    assert fake.token not in out.decode() + error
    assert not (tmp_path / "heartbeat").exists()


async def test_a_post_in_flight_at_sigterm_is_delivered_once_and_run_exits_0(
    tmp_path: Path,
) -> None:
    guild = small_guild()
    channel = guild.channels[0]
    async with fake_discord_server([guild]) as fake:
        config = config_for(
            fake, tmp_path, daily="[daily]\npoll_seconds = 0.2\nspread_seconds = 0\n"
        )
        await subscribe_due_now(tmp_path, ChannelKey("discord", str(guild.id), str(channel.id)))
        # Discord is slow to answer the daily post: SIGTERM arrives while it is in flight.
        slow = fake.hold("POST", rf"/channels/{channel.id}/messages")
        process = await bot_process("run", "--config", str(config), token=fake.token)
        assert process.stderr is not None
        logs: list[str] = []
        try:
            await fake.wait_until(lambda: slow.arrived == 1, within=60)
            process.send_signal(signal.SIGTERM)
            # Only once the bot has begun to stop does Discord answer.
            while "stopping" not in "".join(logs):
                line = await asyncio.wait_for(process.stderr.readline(), 60)
                assert line, "".join(logs)
                logs.append(line.decode())
            slow.release()
            out, err = await asyncio.wait_for(process.communicate(), 60)
            logs.append(out.decode())
        finally:
            slow.release()
            if process.returncode is None:
                process.kill()
                await process.wait()
    output = "".join(logs) + err.decode()
    assert process.returncode == 0, output
    posts = fake.requests_to("POST", rf"/channels/{channel.id}/messages")
    assert [request.status for request in posts] == [200]
    assert len(fake.channel_history(channel.id)) == 1
    # The bot knows it was sent (not retried at the next start, nor marked failed).
    assert "daily posts: 1 sent, 0 retrying, 0 failed" in output, output


async def test_sync_registers_both_groups_and_says_what_changed_in_each(tmp_path: Path) -> None:
    guild = small_guild()
    async with fake_discord_server([guild]) as fake:
        config = config_for(fake, tmp_path)
        first = await bot_process("discord", "sync", "--config", str(config), token=fake.token)
        out, err = await asyncio.wait_for(first.communicate(), 60)
        assert first.returncode == 0, err.decode()
        lines = [line.strip() for line in out.decode().splitlines()]
        # Each group under its own heading, every command in it new.
        assert "/alliance:" in lines and "/alliance-admin:" in lines
        assert "added    /alliance" in lines and "added    /alliance-admin" in lines
        assert lines.count("0 unchanged") == 2
        second = await bot_process(
            "discord", "sync", "--guild", str(guild.id), "--config", str(config), token=fake.token
        )
        out, err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 0, err.decode()
        assert f"guild {guild.id}" in out.decode()
    assert [c["name"] for c in fake.global_commands] == ["alliance", "alliance-admin"]
    assert [c["name"] for c in fake.guild_commands[guild.id]] == ["alliance", "alliance-admin"]
    assert fake.token not in out.decode() + err.decode()


async def test_invite_url_has_exactly_the_scopes_and_permissions(tmp_path: Path) -> None:
    async with fake_discord_server([small_guild()]) as fake:
        config = config_for(fake, tmp_path)
        asked = await bot_process(
            "discord", "invite-url", "--config", str(config), token=fake.token
        )
        out, err = await asyncio.wait_for(asked.communicate(), 60)
    assert asked.returncode == 0, err.decode()
    server, user = [line.strip() for line in out.decode().splitlines() if "https://" in line]
    assert server == (
        f"https://discord.com/oauth2/authorize?client_id={fake.application_id}"
        f"&scope=bot+applications.commands&permissions={BOT_PERMISSIONS}&integration_type=0"
    )
    assert user.endswith("&scope=applications.commands&integration_type=1")
    offline = await bot_process("discord", "invite-url", "--application-id", "42", token=None)
    out, _ = await asyncio.wait_for(offline.communicate(), 60)
    assert "client_id=42&" in out.decode()
