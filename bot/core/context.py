"""Who said what where, in platform-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.user_mentions import MentionResolver

# "channel": a server channel. "thread": a thread inside one (``parent_id`` names it). "dm": a
# direct or group conversation outside any server: no tenant, so nothing stored per server
# (subscriptions, quizzes, scores) applies, and nobody has admin rights there.
ChannelKind = Literal["channel", "thread", "dm"]


@dataclass(frozen=True)
class User:
    """The person who sent a command. ``is_admin`` is decided by the adapter's platform rules."""

    id: str
    name: str
    is_admin: bool = False


@dataclass(frozen=True)
class ChannelKey:
    """A channel on a platform, within its tenant (Discord guild, Slack workspace): what
    every stored row is keyed by."""

    platform: str
    tenant: str
    channel_id: str


@dataclass(frozen=True)
class Channel:
    """Where a command was sent. ``tenant`` is the Discord guild or Slack workspace ("" in a
    DM)."""

    platform: str
    tenant: str
    id: str
    name: str
    kind: ChannelKind = "channel"
    parent_id: str | None = None

    @property
    def is_direct(self) -> bool:
        """A DM: outside any server."""
        return self.kind == "dm"

    @property
    def key(self) -> ChannelKey:
        return ChannelKey(self.platform, self.tenant, self.id)


@dataclass(frozen=True)
class CommandContext:
    """Everything a command needs besides its text.

    ``now`` comes from the caller's clock (real, or simulated in the shell and in tests);
    ``timezone`` is the caller's zone, used for "today". ``mentions`` is the adapter's
    resolver for its platform's mentions (``<@123>``, ``<@U123|name>``, ``@name``), asked
    before a command looks a person up by name; None where the platform has none.
    """

    user: User
    channel: Channel
    locale: str | None
    now: datetime
    timezone: ZoneInfo
    mentions: MentionResolver | None = None
