"""What the core needs from a chat platform to post on its own (daily posts, quiz timers).

Adapters implement :class:`ChatPort`; tests use a recording fake. Errors are classified by
the adapter, because only it knows what a platform's answers mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core.context import ChannelKey
from bot.core.replies import Reply


@dataclass(frozen=True)
class PostTarget:
    """Where to post."""

    platform: str
    tenant: str
    channel_id: str
    channel_name: str

    @classmethod
    def of(cls, channel: ChannelKey, name: str) -> PostTarget:
        return cls(channel.platform, channel.tenant, channel.channel_id, name)


class DeliveryError(Exception):
    """A post did not go out."""


class TransientDeliveryError(DeliveryError):
    """Worth retrying: network trouble, a 5xx, a rate limit (with its retry-after)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """Not worth retrying until an admin acts: channel gone, bot removed, no permission."""


class ChatPort(Protocol):
    """A platform the core can post to."""

    @property
    def platform(self) -> str: ...

    def serves(self, tenant: str) -> bool:
        """Whether this process posts for ``tenant`` (a shard serves only its own guilds)."""
        ...

    async def post(self, target: PostTarget, reply: Reply, key: str) -> None:
        """Post ``reply``; ``key`` identifies the post so the platform can deduplicate it."""
        ...

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        """Whether a post with ``key`` is already in the channel (crash recovery)."""
        ...
