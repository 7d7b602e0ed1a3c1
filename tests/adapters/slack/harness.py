"""The whole bot on Slack, in-process: the real core and database, the real adapter (Bolt,
slack-sdk, aiohttp) on a loopback port, and the fake Slack it talks to.

Requests reach the adapter the way Slack sends them: form-encoded slash commands and
``payload=`` block actions, JSON event callbacks, each signed with the real v0 scheme. Time
is a :class:`~bot.core.clock.SimulatedClock` shared by the core and the adapter, so a test
closes a quiz question by moving the clock, never by sleeping.
"""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from pydantic import SecretStr

from bot.adapters.slack import SlackAdapter, SlackCredentials
from bot.app import Core, running_core
from bot.config import Secrets, Settings
from bot.core.clock import SimulatedClock
from bot.core.rate_limits import PostRateLimits
from bot.runtime import Runtime, running_runtime
from tests.conftest import FIXTURE_FACTS
from tests.slack_fake import FakeSlack, signed_headers

SIGNING_SECRET = "fake-signing-secret-9f8e7d6c5b4a"
START = datetime(2026, 6, 22, 8, 0, tzinfo=UTC)
# Quick commands are answered in the ack when ready within this; the fake enforces no 3 s
# limit, so tests wait long enough for the answer's path not to depend on the machine's load.
QUICK_ANSWER_WAIT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def slack_settings(
    fake: FakeSlack, data_dir: Path, database_url: str, mode: str = "http", **sections: Any
) -> Settings:
    return Settings.model_validate(
        {
            "bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(data_dir)},
            "database": {"url": database_url},
            "daily": {"spread_seconds": 0},
            "slack": {
                "enabled": True,
                "mode": mode,
                "host": "127.0.0.1",
                "port": free_port(),
                "api_url": fake.api_url,
            },
            **sections,
            "secrets": Secrets(
                slack_bot_token=SecretStr(fake.bot_token),
                slack_app_token=SecretStr(fake.app_token),
                slack_signing_secret=SecretStr(SIGNING_SECRET),
            ),
        }
    )


@dataclass
class SlackBot:
    """A running bot and the means to talk to it as Slack would."""

    fake: FakeSlack
    adapter: SlackAdapter
    core: Core
    runtime: Runtime
    clock: SimulatedClock
    session: aiohttp.ClientSession
    _triggers: count[int] = field(default_factory=lambda: count(1))
    _envelopes: dict[str, str] = field(default_factory=dict)

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.adapter.http_port}/slack/events"

    async def send(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> int:
        """POST a raw body to /slack/events, signed unless ``headers`` are given."""
        return (await self.exchange(body, content_type, headers))[0]

    async def exchange(
        self, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        """POST a raw body to /slack/events; the HTTP status and the body of the answer."""
        sent = {"Content-Type": content_type}
        sent.update(signed_headers(SIGNING_SECRET, body) if headers is None else headers)
        async with self.session.post(self.events_url, data=body, headers=sent) as response:
            return response.status, await response.read()

    def command_body(
        self, text: str, user: str = "U1", channel: str = "C1", channel_name: str = "general"
    ) -> tuple[bytes, str]:
        """A slash command as Slack form-encodes it; returns the body and its response name."""
        name = f"cmd-{next(self._triggers)}"
        body = urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": self.fake.team_id,
                "team_domain": "fake",
                "channel_id": channel,
                "channel_name": channel_name,
                "user_id": user,
                "user_name": self.fake.users[user].name if user in self.fake.users else user,
                "command": "/alliance",
                "text": text,
                "api_app_id": "A0APP",
                "response_url": self.fake.response_url(name),
                "trigger_id": f"trigger-{name}",
            }
        ).encode()
        return body, name

    async def command(self, text: str, **where: str) -> dict[str, Any]:
        """Type ``/alliance text``; returns the reply, whether it came in the ack (a quick
        command) or later through the response_url (a slow one)."""
        body, name = self.command_body(text, **where)
        status, answer = await self.exchange(body, "application/x-www-form-urlencoded")
        assert status == 200
        if answer:
            reply: dict[str, Any] = json.loads(answer)
            return reply
        return await self.response(name)

    async def socket_command(
        self, text: str, user: str = "U1", channel: str = "C1"
    ) -> dict[str, Any]:
        """``/alliance text`` as a Socket Mode envelope; returns its response_url follow-up."""
        name = f"sock-{next(self._triggers)}"
        self._envelopes[name] = await self.fake.send_envelope(
            "slash_commands",
            {
                "team_id": self.fake.team_id,
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user,
                "command": "/alliance",
                "text": text,
                "response_url": self.fake.response_url(name),
                "trigger_id": f"trigger-{name}",
            },
        )
        await self.fake.wait_until(
            lambda: any(n == name for n, _ in self.fake.responses) or self._acked_with(name)
        )
        for ack in self.fake.acks:
            if ack.payload and ack.envelope_id == self._envelopes.get(name):
                return ack.payload
        return await self.response(name)

    def _acked_with(self, name: str) -> bool:
        envelope = self._envelopes.get(name)
        return any(ack.envelope_id == envelope and ack.payload for ack in self.fake.acks)

    async def response(self, name: str) -> dict[str, Any]:
        await self.fake.wait_until(lambda: any(n == name for n, _ in self.fake.responses))
        return next(body for n, body in self.fake.responses if n == name)

    def action_body(
        self, message: dict[str, Any], action_id: str, value: str, user: str, channel: str
    ) -> tuple[bytes, str]:
        name = f"act-{next(self._triggers)}"
        payload = {
            "type": "block_actions",
            "team": {"id": self.fake.team_id, "domain": "fake"},
            "user": {"id": user, "username": user, "name": user, "team_id": self.fake.team_id},
            "api_app_id": "A0APP",
            "token": "legacy-verification-token",
            "container": {
                "type": "message",
                "message_ts": message.get("ts", "1.0"),
                "channel_id": channel,
                "is_ephemeral": False,
            },
            "trigger_id": f"trigger-{name}",
            "channel": {"id": channel, "name": "general"},
            "message": message,
            "response_url": self.fake.response_url(name),
            "actions": [
                {
                    "action_id": action_id,
                    "block_id": "b1",
                    "text": {"type": "plain_text", "text": "x"},
                    "value": value,
                    "type": "button",
                    "action_ts": "1700000000.1",
                }
            ],
        }
        return urlencode({"payload": json.dumps(payload)}).encode(), name

    async def press(
        self, message: dict[str, Any], label: str, user: str = "U1", channel: str = "C1"
    ) -> dict[str, Any]:
        """Press the button labelled ``label`` on ``message`` (as Slack shows it)."""
        button = next(b for b in buttons_of(message) if b["text"]["text"] == label)
        body, name = self.action_body(message, button["action_id"], button["value"], user, channel)
        assert await self.send(body, "application/x-www-form-urlencoded") == 200
        return await self.response(name)

    async def message_event(
        self,
        text: str,
        user: str = "U1",
        channel: str = "C1",
        event_id: str = "Ev1",
        retry: int | None = None,
    ) -> int:
        body = json.dumps(
            {
                "token": "legacy-verification-token",
                "team_id": self.fake.team_id,
                "api_app_id": "A0APP",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": 1700000000,
                "event": {
                    "type": "message",
                    "channel": channel,
                    "channel_type": "channel",
                    "user": user,
                    "text": text,
                    "ts": "1700000001.000100",
                    "team": self.fake.team_id,
                },
            }
        ).encode()
        headers = signed_headers(SIGNING_SECRET, body)
        if retry is not None:
            headers["X-Slack-Retry-Num"] = str(retry)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return await self.send(body, "application/json", headers)


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        element
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def all_text(message: dict[str, Any]) -> str:
    """Every text a person would read in a message (blocks and fallback)."""
    return json.dumps(message, ensure_ascii=False)


@asynccontextmanager
async def running_slack_bot(
    fake: FakeSlack,
    tmp_path: Path,
    database_url: str,
    mode: str = "http",
    clock: SimulatedClock | None = None,
    quick_answer_seconds: float = QUICK_ANSWER_WAIT,
    **sections: Any,
) -> AsyncIterator[SlackBot]:
    """The bot against ``fake``; replicas of one deployment share a ``clock`` (as real
    machines share real time)."""
    settings = slack_settings(fake, tmp_path, database_url, mode, **sections)
    clock = clock or SimulatedClock(START)
    credentials = SlackCredentials(fake.bot_token, fake.app_token, SIGNING_SECRET)
    adapter = SlackAdapter(
        settings.slack,
        credentials,
        settings.bot.language,
        clock.now,
        PostRateLimits(),
        quick_answer_seconds,
    )
    async with (
        running_core(settings, {"slack": adapter.port}, clock) as core,
        running_runtime(core, clock, poll="timers") as runtime,
        aiohttp.ClientSession() as session,
    ):
        await adapter.start(core, runtime)
        try:
            yield SlackBot(fake, adapter, core, runtime, clock, session)
        finally:
            await adapter.close()
