"""Fakes for what lives on the internet: a chat platform that records what it is sent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.core.ports import (
    DeliveryProblem,
    MessageHandle,
    PermanentDeliveryError,
    PostTarget,
    TransientDeliveryError,
)
from bot.core.post_keys import check_post_key
from bot.core.replies import Reply


@dataclass
class RecordedPost:
    target: PostTarget
    reply: Reply
    key: str


@dataclass
class FakeChatPort:
    """A platform that keeps every post, and can be told to fail or to hold posts."""

    platform: str = "test"
    posts: list[RecordedPost] = field(default_factory=list)
    # channel id → errors to raise on the next posts there, in order
    failures: dict[str, list[Exception]] = field(default_factory=dict)
    tenants: set[str] | None = None
    gate: asyncio.Event | None = None
    edits: list[tuple[MessageHandle, Reply]] = field(default_factory=list)

    def serves(self, tenant: str) -> bool:
        return self.tenants is None or tenant in self.tenants

    async def post(self, target: PostTarget, reply: Reply, key: str) -> MessageHandle:
        if self.gate is not None:
            await self.gate.wait()
        check_post_key(key)  # what every real adapter must be able to carry
        pending = self.failures.get(target.channel_id)
        if pending:
            raise pending.pop(0)
        self.posts.append(RecordedPost(target, reply, key))
        return MessageHandle(
            self.platform, target.channel_id, str(len(self.posts)), target.thread_id
        )

    async def edit(self, handle: MessageHandle, reply: Reply) -> None:
        """Record the edit and change the stored post, as the platform would."""
        index = int(handle.message_id) - 1
        self.edits.append((handle, reply))
        self.posts[index] = RecordedPost(self.posts[index].target, reply, self.posts[index].key)

    async def was_posted(self, target: PostTarget, key: str) -> bool:
        return any(post.key == key for post in self.posts)

    def channels(self) -> list[str]:
        return [post.target.channel_id for post in self.posts]


def rate_limited(retry_after: float) -> TransientDeliveryError:
    return TransientDeliveryError(
        "429 Too Many Requests", retry_after=retry_after, problem=DeliveryProblem.RATE_LIMITED
    )


def channel_gone() -> PermanentDeliveryError:
    return PermanentDeliveryError(
        "Unknown Channel (the channel was deleted)", DeliveryProblem.CHANNEL_GONE
    )
