"""The Slack adapter as ``serve`` runs it: built by ``slack_adapter`` from settings, started
with the core and the runtime on the real clock, answering, then stopped in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.adapters.slack import slack_adapter
from bot.serve import PlatformAdapter, serve
from tests.adapters.slack.harness import slack_settings
from tests.slack_fake import FakeSlack, FakeUser


async def test_serve_runs_slack_in_socket_mode_until_stopped(
    fake_slack: FakeSlack, tmp_path: Path, sqlite_url: str
) -> None:
    fake_slack.add_user(FakeUser("U1", "alice"))
    settings = slack_settings(fake_slack, tmp_path, sqlite_url, mode="socket")
    adapter = slack_adapter(settings)
    assert adapter is not None
    typed: PlatformAdapter = adapter  # the protocol serve needs
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, [typed], stop))
    await fake_slack.wait_until(lambda: fake_slack.socket_connections == 1)
    await fake_slack.send_envelope(
        "slash_commands",
        {
            "team_id": fake_slack.team_id,
            "channel_id": "C1",
            "channel_name": "general",
            "user_id": "U1",
            "user_name": "alice",
            "command": "/alliance",
            "text": "subscription",
            "response_url": fake_slack.response_url("served"),
            "trigger_id": "t1",
        },
    )
    # The ack goes over the websocket and the reply over HTTP: either may arrive first.
    await fake_slack.wait_until(lambda: bool(fake_slack.responses) and bool(fake_slack.acks))
    stop.set()
    await asyncio.wait_for(task, 30)
    # A slow command: acked at once, answered through the response_url.
    name, reply = fake_slack.responses[0]
    assert name == "served" and reply["blocks"]
    assert [ack.payload for ack in fake_slack.acks] == [None]
    assert adapter.port.serves(fake_slack.team_id)
    # Stopped: the websocket is closed, and no heartbeat claims the bot is alive.
    await fake_slack.wait_until(lambda: fake_slack.open_sockets == 0)
    assert not (tmp_path / "heartbeat").exists()
