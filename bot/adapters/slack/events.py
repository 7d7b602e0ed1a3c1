"""Slack payloads (slash commands, block actions, message events) in the core's terms.

Pure functions: where a payload says what, and who; the user's locale and rights come from
:class:`~bot.adapters.slack.users.UserDirectory`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.adapters.slack.port import PLATFORM
from bot.adapters.slack.users import SlackUser
from bot.core.context import Channel, ChannelKind, CommandContext, User
from bot.core.user_mentions import MentionedUser, slack_mention

Payload = dict[str, Any]


@dataclass(frozen=True)
class Where:
    """The conversation a payload came from, and its thread if any."""

    team_id: str
    channel_id: str
    channel_name: str
    kind: ChannelKind
    thread_ts: str | None

    def channel(self) -> Channel:
        # A DM belongs to no server in the core's terms: nothing stored per tenant applies.
        tenant = "" if self.kind == "dm" else self.team_id
        if self.kind == "thread" and self.thread_ts:
            # The core's thread: its id is the parent message's thread_ts, in its channel.
            return Channel(
                PLATFORM, tenant, self.thread_ts, self.channel_name, "thread", self.channel_id
            )
        return Channel(PLATFORM, tenant, self.channel_id, self.channel_name, self.kind)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _object(value: object) -> Payload:
    return value if isinstance(value, dict) else {}


def _kind(
    channel_id: str, channel_name: str, channel_type: str, thread_ts: str | None
) -> ChannelKind:
    # Slash commands say "directmessage" (or "mpdm-…" for a group DM); events say "im" or
    # "mpim"; conversation ids of DMs start with D.
    if (
        channel_type in ("im", "mpim")
        or channel_name == "directmessage"
        or channel_name.startswith("mpdm-")
        or channel_id.startswith("D")
    ):
        return "dm"
    return "thread" if thread_ts else "channel"


def command_where(body: Payload) -> Where:
    """Where a slash command was typed."""
    channel_id = _text(body.get("channel_id"))
    name = _text(body.get("channel_name")) or channel_id
    thread_ts = _text(body.get("thread_ts")) or None
    kind = _kind(channel_id, name, "", thread_ts)
    return Where(_text(body.get("team_id")), channel_id, name, kind, thread_ts)


def action_where(body: Payload) -> Where:
    """Where a pressed button's message is."""
    channel = _object(body.get("channel"))
    container = _object(body.get("container"))
    message = _object(body.get("message"))
    team = _object(body.get("team"))
    channel_id = _text(channel.get("id")) or _text(container.get("channel_id"))
    name = _text(channel.get("name")) or channel_id
    thread_ts = _text(container.get("thread_ts")) or _text(message.get("thread_ts")) or None
    team_id = _text(team.get("id")) or _text(_object(body.get("user")).get("team_id"))
    return Where(team_id, channel_id, name, _kind(channel_id, name, "", thread_ts), thread_ts)


def message_where(body: Payload, event: Payload) -> Where:
    """Where a channel message was posted."""
    channel_id = _text(event.get("channel"))
    thread_ts = _text(event.get("thread_ts")) or None
    team_id = _text(event.get("team")) or _text(body.get("team_id"))
    kind = _kind(channel_id, "", _text(event.get("channel_type")), thread_ts)
    return Where(team_id, channel_id, channel_id, kind, thread_ts)


def context_for(
    user: SlackUser, where: Where, now: datetime, timezone: ZoneInfo | None = None
) -> CommandContext:
    """The core's view of a command: nobody is an admin in a DM, as on every platform, nor
    in a workspace that is not their own (a Slack Connect channel shared with another)."""
    admin = user.is_admin and where.kind != "dm" and bool(where.team_id)
    admin = admin and user.team_id == where.team_id
    return CommandContext(
        user=User(user.id, user.name, is_admin=admin),
        channel=where.channel(),
        locale=user.locale,
        now=now,
        timezone=timezone,
        mentions=SlackMentions(),
    )


class SlackMentions:
    """``<@U123>`` and ``<@U123|name>`` in a command's text name the person with that id."""

    async def resolve(self, reference: str) -> MentionedUser | None:
        return slack_mention(reference)
