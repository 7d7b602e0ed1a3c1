"""Who said what where, in platform-neutral terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.command_forms import CommandForm, under_prefix
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
    DM). A thread's ``id`` is the platform's id of the thread (Discord: the thread's own
    channel id; Slack: the parent message's ``thread_ts``), unique within the tenant, and
    ``parent_id`` the channel it is in; what is stored per channel (a quiz) is the thread's
    own, and posts go to the parent with the thread named (:class:`~bot.core.ports.PostTarget`).
    """

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

    @property
    def home(self) -> ChannelKey:
        """The server channel this conversation is in: a thread's parent, else itself."""
        if self.kind == "thread" and self.parent_id:
            return ChannelKey(self.platform, self.tenant, self.parent_id)
        return self.key


@dataclass(frozen=True)
class CommandContext:
    """Everything a command needs besides its text.

    An adapter fills in only what the platform says: ``locale`` (None when it says nothing,
    as in Slack slash commands) and ``timezone`` (None unless the platform knows the user's
    zone). ``now`` comes from the caller's clock (real, or simulated in the shell and in
    tests). The router resolves the caller's zone from the stored preferences before a
    handler runs (:class:`bot.core.preferences.PreferenceResolver`), so a handler reads
    :attr:`zone`, never storage.
    ``mentions`` is the adapter's resolver for its platform's mentions (``<@123>``,
    ``<@U123|name>``, ``@name``), asked before a command looks a person up by name; None
    where the platform has none.
    ``command_form`` is how commands are typed on the caller's platform (Discord puts the
    admin commands under their own top-level command); texts naming a command use it
    through :meth:`command_text`, so they name what the caller can type.

    ``bot_can_post``: whether the bot itself can post in this channel. False where only the
    answer to the command reaches it (Discord's user-installed app in a server the bot was
    never added to), so a command that posts there later (a quiz's questions, a daily post)
    is refused by the router.
    """

    user: User
    channel: Channel
    locale: str | None
    now: datetime
    timezone: ZoneInfo | None = None
    mentions: MentionResolver | None = None
    command_form: CommandForm = field(default=under_prefix)
    bot_can_post: bool = True

    def command_text(self, *path: str) -> str:
        """The command at ``path`` as the caller types it: ``/alliance subscribe``, or
        ``/alliance-admin subscribe`` on Discord."""
        return self.command_form(path)

    @property
    def zone(self) -> ZoneInfo:
        """The caller's zone, used for "today"; set by the router before any handler."""
        if self.timezone is None:
            # A handler run without the router, or an adapter bypassing it: a bug, not a
            # reason to fall back silently on the server's local time.
            raise RuntimeError("the caller's time zone was not resolved")
        return self.timezone
