"""What the core needs from a chat platform to post on its own (daily posts, quiz timers).

Adapters implement :class:`ChatPort`; tests use a recording fake. Errors are classified by
the adapter, because only it knows what a platform's answers mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.core.context import ChannelKey
from bot.core.replies import Reply


@dataclass(frozen=True)
class PostTarget:
    """Where to post: a channel, or a thread in it (``thread_id`` set: Discord posts to the
    thread's own channel id, Slack to ``channel_id`` with ``thread_ts=thread_id``).
    ``channel_name`` names the thread when there is one."""

    platform: str
    tenant: str
    channel_id: str
    channel_name: str
    thread_id: str | None = None

    @classmethod
    def of(cls, channel: ChannelKey, name: str, parent_id: str | None = None) -> PostTarget:
        """Where to post in ``channel``; with ``parent_id``, ``channel`` is a thread of that
        channel (as :class:`~bot.core.context.Channel` describes one)."""
        if parent_id is None:
            return cls(channel.platform, channel.tenant, channel.channel_id, name)
        return cls(channel.platform, channel.tenant, parent_id, name, channel.channel_id)


@dataclass(frozen=True)
class MessageHandle:
    """A message the bot posted, as the platform knows it: enough to edit it later.

    ``message_id`` is the platform's own id (a Discord snowflake, a Slack ``ts``, a shell
    sequence number), opaque to the core; ``thread_id`` is the thread it was posted in, as
    in its :class:`PostTarget`.
    """

    platform: str
    channel_id: str
    message_id: str
    thread_id: str | None = None


# The longest idempotency key a post may carry: Discord nonces stop at 25 characters.
MAX_POST_KEY_LENGTH = 25


class DeliveryProblem(StrEnum):
    """What went wrong with a post, in words a channel's admin can be shown (translated).

    Stored with the delivery and the paused subscription instead of the platform's own error
    text, which may be long, in another language, or carry details users should not see.
    """

    CHANNEL_GONE = "channel_gone"
    NO_ACCESS = "no_access"
    AUTH_FAILED = "auth_failed"
    RATE_LIMITED = "rate_limited"
    PLATFORM_ERROR = "platform_error"
    TIMEOUT = "timeout"
    NOT_SUBSCRIBED = "not_subscribed"
    EXPIRED = "expired"
    BAD_SETTINGS = "bad_settings"
    UNKNOWN = "unknown"


class DeliveryError(Exception):
    """A post did not go out; ``problem`` says why in a form users can be shown."""

    default_problem = DeliveryProblem.UNKNOWN

    def __init__(self, message: str, problem: DeliveryProblem | None = None) -> None:
        super().__init__(message)
        self.problem = problem or self.default_problem


class TransientDeliveryError(DeliveryError):
    """Worth retrying: network trouble, a 5xx, a rate limit (with its retry-after)."""

    default_problem = DeliveryProblem.PLATFORM_ERROR

    def __init__(
        self,
        message: str,
        retry_after: float | None = None,
        problem: DeliveryProblem | None = None,
    ) -> None:
        super().__init__(message, problem)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Not worth retrying until an admin acts: channel gone, bot removed, no permission."""

    default_problem = DeliveryProblem.NO_ACCESS


class ChatPort(Protocol):
    """A platform the core can post to."""

    @property
    def platform(self) -> str: ...

    def serves(self, tenant: str) -> bool:
        """Whether this process posts for ``tenant`` (a shard serves only its own guilds)."""
        ...

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        """Post ``reply``; ``key`` (at most :data:`MAX_POST_KEY_LENGTH` characters, lower-case
        words and hyphens) identifies the post: the adapter carries it in the message as
        :func:`bot.core.post_keys.post_marker` text (Discord: the nonce, and the marker ending
        an embed footer or as a component id; Slack: message metadata) so :meth:`was_posted`
        can find it with :func:`bot.core.post_keys.find_post_key` in the channel's recent
        history after a crash. In a thread (``target.thread_id``) the post goes into the
        thread, and the handle returned names the thread too."""
        ...

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        """Replace a posted message's content with ``reply`` (e.g. a closed quiz question:
        buttons off, answer shown)."""
        ...

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        """Whether a post with ``key`` is already in the channel (crash recovery)."""
        ...
