"""What daily posts need from storage; ``bot.storage`` implements these, tests may fake them.

The core depends on these protocols, never on ``bot.storage``: the dependency points inward.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.core.context import ChannelKey
from bot.core.daily.model import Claim, DeliveryRecord, DueBatch, Now, Serves, Subscription


class SubscriptionStore(Protocol):
    """Subscriptions, addressed by channel."""

    async def upsert(
        self, subscription: Subscription, updated_by: str, now: datetime
    ) -> tuple[Subscription, bool]:
        """Create or update; returns the stored subscription and whether it is new. Saving
        clears a pause."""
        ...

    async def get(self, channel: ChannelKey) -> Subscription | None: ...

    async def get_many(
        self, channels: Collection[ChannelKey]
    ) -> dict[ChannelKey, Subscription]: ...

    async def remove(self, channel: ChannelKey) -> bool: ...

    async def active(self, platforms: Collection[str]) -> list[Subscription]:
        """Every subscription on ``platforms`` that is not paused (for small tenants and
        the shell: the poll itself never lists them all)."""
        ...

    async def pause(self, channel: ChannelKey, reason: str, now: datetime) -> None:
        """Stop posting to the channel until an admin subscribes it again."""
        ...


class DeliveryStore(Protocol):
    """Claims and outcomes of daily posts: exactly one claim per channel and local date."""

    def claim_due(
        self,
        platforms: Collection[str],
        serves: Serves,
        worker: str,
        clock: Now,
        grace: timedelta,
    ) -> AsyncIterator[DueBatch]:
        """Claim, batch by batch, what every served subscription owes by now."""
        ...

    def claim_retries(
        self, serves: Serves, worker: str, now: datetime, due_since: datetime, clock: Now
    ) -> AsyncIterator[list[Claim]]: ...

    def claim_stale(
        self,
        serves: Serves,
        worker: str,
        claimed_before: datetime,
        due_since: datetime,
        clock: Now,
    ) -> AsyncIterator[list[Claim]]: ...

    async def expire(
        self, platforms: Collection[str], now: datetime, due_before: datetime
    ) -> int: ...

    async def mark_sent_many(self, claims: Sequence[Claim], worker: str, now: datetime) -> int: ...

    async def mark_retry(
        self, claim: Claim, worker: str, retry_at: datetime, error: str
    ) -> None: ...

    async def mark_failed(self, claim: Claim, worker: str, now: datetime, error: str) -> None: ...

    async def next_due_at(self, platforms: Collection[str], now: datetime) -> datetime | None: ...

    async def next_retry_at(self, platforms: Collection[str]) -> datetime | None: ...

    async def last_for(self, channel: ChannelKey) -> DeliveryRecord | None: ...

    async def prune(self, before: date) -> int: ...
