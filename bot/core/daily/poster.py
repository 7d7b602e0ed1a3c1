"""Sends each channel its daily post exactly once per local day.

Called every minute (APScheduler in production, the simulated clock in the shell and in
tests). Each call works out from the database what is owed, claims it atomically, and sends
the claims concurrently. Correctness across processes comes from the claims, so any number
of processes may call this at the same time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.core.daily.schedule import owed_occurrences
from bot.core.i18n import t
from bot.core.ports import ChatPort, PermanentDeliveryError, PostTarget, TransientDeliveryError
from bot.core.quiz.daily_question import DailyQuestion
from bot.core.replies import Reply
from bot.storage.deliveries import Claim, DeliveryRepository, Owed
from bot.storage.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try, and for how long."""

    grace: timedelta = timedelta(hours=6)
    stale_claim_after: timedelta = timedelta(minutes=5)
    concurrency: int = 20
    max_attempts: int = 5
    first_backoff: timedelta = timedelta(seconds=30)


@dataclass
class RunReport:
    """What one run did; logged, and read by tests."""

    sent: list[ChannelKey] = field(default_factory=list)
    retrying: list[ChannelKey] = field(default_factory=list)
    failed: list[ChannelKey] = field(default_factory=list)
    skipped: list[ChannelKey] = field(default_factory=list)


def delivery_key(claim: Claim) -> str:
    """The post's identity for platform-side deduplication (Discord nonces allow 25 chars)."""
    return f"alliance-daily-{claim.delivery_id}"


class DailyPoster:
    """Works out what is owed, claims it, sends it."""

    def __init__(
        self,
        subscriptions: SubscriptionRepository,
        deliveries: DeliveryRepository,
        days: AnniversaryReplies,
        ports: Mapping[str, ChatPort],
        worker_id: str,
        policy: DeliveryPolicy | None = None,
        daily_question: DailyQuestion | None = None,
    ) -> None:
        self._subscriptions = subscriptions
        self._deliveries = deliveries
        self._days = days
        self._ports = dict(ports)
        self._worker = worker_id
        self._policy = policy or DeliveryPolicy()
        self._send_slots = asyncio.Semaphore(self._policy.concurrency)
        self._daily_question = daily_question

    @property
    def platforms(self) -> list[str]:
        return list(self._ports)

    def serves(self, platform: str, tenant: str) -> bool:
        """Whether this process posts for ``tenant`` on ``platform``."""
        port = self._ports.get(platform)
        return port is not None and port.serves(tenant)

    async def _served_subscriptions(self) -> dict[ChannelKey, Subscription]:
        return {
            sub.channel: sub
            for sub in await self._subscriptions.active(self.platforms)
            if self.serves(sub.channel.platform, sub.channel.tenant)
        }

    async def run_due(self, now: datetime) -> RunReport:
        """Send everything owed at ``now``; returns what happened."""
        report = RunReport()
        started = time.monotonic()
        subscriptions = await self._served_subscriptions()
        on_time, too_late = self._owed(subscriptions.values(), now)
        for owed in await self._deliveries.record_skipped(too_late, now):
            log.warning(
                "skipped the %s post to %s: more than the grace window late",
                owed.local_date,
                owed.channel,
            )
            report.skipped.append(owed.channel)
        oldest_due = now - self._policy.grace
        if expired := await self._deliveries.expire(self.platforms, now, oldest_due):
            log.warning("gave up on %d unfinished post(s) past the grace window", expired)
        known = await self._deliveries.existing(on_time)
        fresh = [owed for owed in on_time if (owed.channel, owed.local_date) not in known]
        claims = await self._deliveries.claim_new(fresh, self._worker, now)
        claims += await self._deliveries.claim_retries(self.serves, self._worker, now, oldest_due)
        stale_before = now - self._policy.stale_claim_after
        claims += await self._deliveries.claim_stale(
            self.serves, self._worker, now, stale_before, oldest_due
        )
        await asyncio.gather(
            *(
                self._guarded(
                    claim,
                    self._deliver(claim, subscriptions.get(claim.channel), now, started, report),
                )
                for claim in claims
            )
        )
        return report

    def _owed(
        self, subscriptions: Iterable[Subscription], now: datetime
    ) -> tuple[list[Owed], list[Owed]]:
        """Posts owed now, split into those within the grace window and those too late."""
        on_time: list[Owed] = []
        too_late: list[Owed] = []
        for sub in subscriptions:
            for occurrence in owed_occurrences(sub.post_time, sub.active_since, now):
                owed = Owed(sub.channel, occurrence.local_date, occurrence.due_at)
                late = now - occurrence.due_at
                (on_time if late <= self._policy.grace else too_late).append(owed)
        return on_time, too_late

    async def next_wakeup(self, now: datetime) -> datetime | None:
        """The next moment a post or a retry falls due."""
        moments = [
            sub.post_time.next_after(now) for sub in (await self._served_subscriptions()).values()
        ]
        if (retry_at := await self._deliveries.next_retry_at(self.platforms)) is not None:
            moments.append(retry_at)
        return min(moments, default=None)

    def post_for(self, subscription: Subscription, claim: Claim) -> Reply:
        """The day's post in the channel's language; never empty."""
        lang = subscription.language
        reply = self._days.reply(claim.local_date, lang)
        reply = replace(reply, footer=t("daily_footer", lang))
        if not subscription.daily_question or self._daily_question is None:
            return reply
        if (parts := self._daily_question.parts(claim.local_date, lang)) is None:
            return reply
        question_field, buttons = parts
        return replace(reply, fields=(*reply.fields, question_field), buttons=buttons)

    async def _guarded(self, claim: Claim, delivery: Awaitable[None]) -> None:
        try:
            await delivery
        except Exception:  # one channel's trouble (e.g. the database) must not stop the rest
            log.exception("delivery %s to %s failed", claim.delivery_id, claim.channel)

    async def _deliver(
        self,
        claim: Claim,
        subscription: Subscription | None,
        now: datetime,
        started: float,
        report: RunReport,
    ) -> None:
        if subscription is None:
            # Unsubscribed or paused since the claim was made: nothing to send.
            await self._deliveries.mark_failed(claim, self._worker, now, "no active subscription")
            return
        port = self._ports[claim.channel.platform]
        target = PostTarget.of(claim.channel, subscription.channel_name)
        key = delivery_key(claim)
        lease = self._policy.stale_claim_after.total_seconds()
        async with self._send_slots:
            # A claim is a lease: once half of it is gone another process may soon take the
            # post over, so leave it to that recovery (which asks the platform first).
            if time.monotonic() - started > lease / 2:
                log.warning("claim %s is too old to send safely; leaving it to recovery", key)
                return
            try:
                # After a crash or an ambiguous failure the post may already be there.
                maybe_sent = claim.recovered or claim.attempts > 0
                if maybe_sent and await port.was_posted(target, key):
                    log.info("delivery %s was already posted", key)
                else:
                    async with asyncio.timeout(lease / 4):
                        await port.post(target, self.post_for(subscription, claim), key)
            except PermanentDeliveryError as error:
                reason = str(error) or type(error).__name__
                log.warning("pausing %s: %s", claim.channel, reason)
                await self._deliveries.mark_failed(claim, self._worker, now, reason)
                await self._subscriptions.pause(claim.channel, reason, now)
                report.failed.append(claim.channel)
                return
            except Exception as error:  # network trouble, 5xx, 429, a timeout, an adapter bug
                await self._retry_or_fail(claim, now, error, report)
                return
        await self._deliveries.mark_sent(claim, self._worker, now)
        report.sent.append(claim.channel)

    async def _retry_or_fail(
        self, claim: Claim, now: datetime, error: Exception, report: RunReport
    ) -> None:
        if not isinstance(error, TransientDeliveryError):
            log.exception("unexpected error posting to %s", claim.channel, exc_info=error)
        backoff = self._policy.first_backoff * (2**claim.attempts)
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            backoff = max(backoff, timedelta(seconds=retry_after))
        retry_at = now + backoff
        attempts_left = claim.attempts + 1 < self._policy.max_attempts
        if attempts_left and retry_at <= claim.due_at + self._policy.grace:
            await self._deliveries.mark_retry(claim, self._worker, retry_at, str(error))
            report.retrying.append(claim.channel)
        else:
            await self._deliveries.mark_failed(claim, self._worker, now, str(error))
            report.failed.append(claim.channel)
