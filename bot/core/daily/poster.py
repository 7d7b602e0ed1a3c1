"""Sends each channel its daily post exactly once per local day.

Called on every poll (APScheduler in production, the simulated clock in the shell and in
tests). Each call claims what is due from the database batch by batch, atomically, and hands
the claims to a fixed pool of senders; the next batch is claimed while the senders still
have enough queued to stay busy, and no sooner, so a claim is always sent soon after it was
made. Correctness across processes comes from the claims, so any number of processes may
call this at the same time.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from bot.core.anniversary_replies import AnniversaryReplies
from bot.core.context import ChannelKey
from bot.core.daily.model import Claim, Subscription
from bot.core.daily.stores import DeliveryStore, SubscriptionStore
from bot.core.i18n import Lang, t
from bot.core.ports import (
    ChatPort,
    DeliveryError,
    DeliveryProblem,
    PermanentDeliveryError,
    PostTarget,
    TransientDeliveryError,
)
from bot.core.post_keys import post_key
from bot.core.quiz.daily_question import DailyQuestion
from bot.core.replies import Reply

log = logging.getLogger(__name__)

T = TypeVar("T")


# Footed day posts kept (a run uses one or two: a day and a language or a few).
_KEPT_FOOTED_POSTS = 16

# A grace window below zero: every post already due counts as too late.
_NOTHING_ON_TIME = timedelta(microseconds=-1)


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard to try, and for how long."""

    grace: timedelta = timedelta(hours=6)
    stale_claim_after: timedelta = timedelta(minutes=5)
    concurrency: int = 20
    # Backing off from 30 s, ten attempts span about four hours: an outage of the platform
    # shorter than the grace window still ends with the post sent.
    max_attempts: int = 10
    first_backoff: timedelta = timedelta(seconds=30)
    # A subscription read longer ago than this is read again just before its post is sent,
    # so an unsubscribe or a pause during a long fan-out is honoured.
    reread_after: timedelta = timedelta(seconds=2)


@dataclass
class RunReport:
    """What one run did; logged, and read by tests."""

    sent: list[ChannelKey] = field(default_factory=list)
    retrying: list[ChannelKey] = field(default_factory=list)
    failed: list[ChannelKey] = field(default_factory=list)
    skipped: list[ChannelKey] = field(default_factory=list)
    abandoned: list[ChannelKey] = field(default_factory=list)


class _Stale(enum.Enum):
    STALE = "stale"


STALE = _Stale.STALE


class _BatchCopies:
    """The subscriptions of one claimed batch, read again together once they are stale.

    A late post must honour an unsubscribe or a pause made during a long fan-out; reading
    each channel's row again just before its send cost one query per post, which made a
    busy minute wait on the database. One query per batch per ``reread_after`` keeps the
    same promise: no post goes out on a copy older than that.
    """

    def __init__(
        self,
        store: SubscriptionStore,
        copies: Mapping[ChannelKey, Subscription | None],
        reread_after: float,
        claims: list[Claim],
    ) -> None:
        self.claims = claims
        self._store = store
        self._copies = dict(copies)
        self._unsent = set(self._copies)
        self._reread_after = reread_after
        # The claims' lease runs from here (the batch was claimed just before).
        self.claimed_at = self._read_at = time.monotonic()
        self._lock = asyncio.Lock()

    def _stale(self) -> bool:
        return time.monotonic() - self._read_at >= self._reread_after

    def fresh_copy(self, channel: ChannelKey) -> Subscription | _Stale | None:
        """The channel's subscription (None when it is gone or paused) if the copies are
        recent enough, else ``STALE``: most posts of a fan-out need no await for it."""
        if self._stale():
            return STALE
        self._unsent.discard(channel)
        subscription = self._copies.get(channel)
        if subscription is None or subscription.paused_reason is not None:
            return None
        return subscription

    async def current(self, channel: ChannelKey) -> Subscription | None:
        """The channel's subscription, or None when it is gone or paused."""
        self._unsent.discard(channel)
        if self._stale():
            async with self._lock:
                if self._stale():
                    # The channels still waiting are read too: their turn comes soon.
                    wanted = [channel, *self._unsent]
                    fresh = await self._store.get_many(wanted)
                    self._copies.update((key, fresh.get(key)) for key in wanted)
                    self._read_at = time.monotonic()
        subscription = self._copies.get(channel)
        if subscription is None or subscription.paused_reason is not None:
            return None
        return subscription


def delivery_key(claim: Claim) -> str:
    """The post's identity for platform-side deduplication (see :mod:`bot.core.post_keys`)."""
    return post_key("alliance-daily", claim.delivery_id)


class DailyPoster:
    """Works out what is owed, claims it, sends it."""

    def __init__(
        self,
        subscriptions: SubscriptionStore,
        deliveries: DeliveryStore,
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
        # A day's post with its footer, by (day, language), with the shared post it was
        # made from; see _daily_post.
        self._footed: dict[tuple[date, Lang], tuple[Reply, Reply]] = {}
        # Set on shutdown: a run in progress finishes the batch it has claimed, then stops.
        self._stopping = False
        self._daily_question = daily_question

    @property
    def platforms(self) -> list[str]:
        return list(self._ports)

    def serves(self, platform: str, tenant: str) -> bool:
        """Whether this process posts for ``tenant`` on ``platform``."""
        port = self._ports.get(platform)
        return port is not None and port.serves(tenant)

    async def run_due(self, now: datetime) -> RunReport:
        """Send everything owed at ``now``; returns what happened.

        ``now`` is the clock's time when the run starts; claims made later in a long run are
        stamped with the time they were made.
        """
        clock = _RunClock(now, time.monotonic())
        run = _Run(clock, RunReport(), _SentMarks(self._deliveries, self._worker, clock))
        policy = self._policy
        oldest_due = now - policy.grace
        try:
            await self._phase("expire", self._expire(now, oldest_due))
            await self._phase("due posts", self._send_due(run))
            await self._phase(
                "retries",
                self._send_batches(
                    lambda: self._deliveries.claim_retries(
                        self.serves, self._worker, now, oldest_due, clock
                    ),
                    run,
                ),
            )
            await self._phase(
                "take-overs",
                self._send_batches(
                    lambda: self._deliveries.claim_stale(
                        self.serves, self._worker, now - policy.stale_claim_after, oldest_due, clock
                    ),
                    run,
                ),
            )
        finally:
            await run.marks.close()
        return run.report

    def stop_claiming(self) -> None:
        """Let a run in progress send what it has claimed, and claim nothing more (shutdown:
        a claim nobody will send only waits for another process's take-over)."""
        self._stopping = True

    async def skip_due(self, now: datetime) -> int:
        """Record everything due by ``now`` as skipped, sending nothing (as after downtime
        longer than the grace window); returns how many skip rows were written."""
        skipped = 0
        batches = self._deliveries.claim_due(
            self.platforms, self.serves, self._worker, lambda: now, _NOTHING_ON_TIME
        )
        async for batch in batches:
            skipped += len(batch.skipped)
        return skipped

    async def _phase(self, name: str, work: Awaitable[None]) -> None:
        # One phase's trouble (the database, a bug) must not stop the others.
        try:
            await work
        except Exception:
            log.exception("daily posts: the %s phase failed", name)

    async def _expire(self, now: datetime, oldest_due: datetime) -> None:
        if expired := await self._deliveries.expire(self.platforms, now, oldest_due):
            log.warning("gave up on %d unfinished post(s) past the grace window", expired)

    async def _send_due(self, run: _Run) -> None:
        async def claimed() -> AsyncIterator[_BatchCopies]:
            batches = self._deliveries.claim_due(
                self.platforms, self.serves, self._worker, run.clock, self._policy.grace
            )
            async for batch in batches:
                if batch.skipped:
                    log.warning(
                        "skipped %d post(s) more than the grace window late (e.g. %s on %s)",
                        len(batch.skipped),
                        batch.skipped[0].channel,
                        batch.skipped[0].local_date,
                    )
                    run.report.skipped.extend(owed.channel for owed in batch.skipped)
                yield self._copies(
                    [claim for claim, _ in batch.claims],
                    {claim.channel: subscription for claim, subscription in batch.claims},
                )

        await self._send_claimed(claimed(), run)

    async def _send_batches(
        self, batches: Callable[[], AsyncIterator[list[Claim]]], run: _Run
    ) -> None:
        async def claimed() -> AsyncIterator[_BatchCopies]:
            async for claims in batches():
                current = await self._subscriptions.get_many([c.channel for c in claims])
                yield self._copies(claims, current)

        await self._send_claimed(claimed(), run)

    def _copies(
        self, claims: list[Claim], subscriptions: Mapping[ChannelKey, Subscription]
    ) -> _BatchCopies:
        return _BatchCopies(
            self._subscriptions,
            {claim.channel: subscriptions.get(claim.channel) for claim in claims},
            self._policy.reread_after.total_seconds(),
            claims,
        )

    async def _send_claimed(self, batches: AsyncIterator[_BatchCopies], run: _Run) -> None:
        """Feed each claimed batch to a fixed pool of senders, claiming the next batch while
        the senders still have enough queued to stay busy until it is in."""

        # A send the platform never answers is cut off after a quarter of the lease.
        timeouts = _SendTimeouts(self._policy.stale_claim_after.total_seconds() / 4)

        async def send(claim: Claim, batch: _BatchCopies) -> None:
            try:
                await self._deliver(claim, batch, run, timeouts)
            except Exception:  # one channel's trouble (e.g. the database) must not stop the rest
                log.exception("delivery %s to %s failed", claim.delivery_id, claim.channel)

        with timeouts:
            await self._send_all(batches, send)

    async def _send_all(
        self,
        batches: AsyncIterator[_BatchCopies],
        send: Callable[[Claim, _BatchCopies], Awaitable[None]],
    ) -> None:
        async with _Senders(self._policy.concurrency, send) as senders:
            while True:
                senders.claim_starts()
                batch = await anext(batches, None)
                if batch is None:
                    break
                senders.claimed(batch)
                if self._stopping:  # before the next batch is claimed
                    break
                await senders.room_for_a_batch()
                if self._stopping:  # stopped while waiting for room: claim nothing more
                    break

    async def next_wakeup(self, now: datetime) -> datetime | None:
        """The next moment a post or a retry falls due."""
        moments = [
            moment
            for moment in (
                await self._deliveries.next_due_at(self.platforms, now),
                await self._deliveries.next_retry_at(self.platforms),
            )
            if moment is not None
        ]
        return min(moments, default=None)

    def post_for(self, subscription: Subscription, claim: Claim) -> Reply:
        """The day's post in the channel's language; never empty."""
        lang = subscription.language
        reply = self._days.daily_post(claim.local_date, lang, claim.channel)
        reply = replace(reply, footer=t("daily_footer", lang))
        if not subscription.daily_question or self._daily_question is None:
            return reply
        if (parts := self._daily_question.parts(claim.local_date, lang)) is None:
            return reply
        question_field, buttons = parts
        return replace(reply, fields=(*reply.fields, question_field), buttons=buttons)

    def _daily_post(self, subscription: Subscription, claim: Claim) -> Reply:
        """:meth:`post_for`, with the footed copy of a day's shared post made once per run
        (a busy minute sends one reply object to thousands of channels)."""
        lang = subscription.language
        if subscription.daily_question and self._daily_question is not None:
            return self.post_for(subscription, claim)
        reply = self._days.daily_post(claim.local_date, lang, claim.channel)
        shared = self._footed.get((claim.local_date, lang))
        if shared is not None and shared[0] is reply:
            return shared[1]
        footed = replace(reply, footer=t("daily_footer", lang))
        if len(self._footed) >= _KEPT_FOOTED_POSTS:
            self._footed.clear()
        self._footed[(claim.local_date, lang)] = (reply, footed)
        return footed

    async def _deliver(
        self, claim: Claim, batch: _BatchCopies, run: _Run, timeouts: _SendTimeouts
    ) -> None:
        clock, report = run.clock, run.report
        lease = self._policy.stale_claim_after.total_seconds()
        # A claim is a lease: once half of it is gone another process may soon take the
        # post over, so leave it to that recovery (which asks the platform first).
        if time.monotonic() - batch.claimed_at > lease / 2:
            log.warning(
                "claim %s is too old to send safely; leaving it to recovery", delivery_key(claim)
            )
            report.abandoned.append(claim.channel)
            return
        subscription = batch.fresh_copy(claim.channel)
        if subscription is STALE:
            subscription = await batch.current(claim.channel)
        if subscription is None:
            # Unsubscribed or paused since the claim was made: nothing to send.
            await self._deliveries.mark_failed(
                claim, self._worker, clock(), DeliveryProblem.NOT_SUBSCRIBED
            )
            return
        key = delivery_key(claim)
        port = self._ports[claim.channel.platform]
        target = PostTarget.of(claim.channel, subscription.channel_name)
        try:
            # After a crash or an ambiguous failure the post may already be there.
            maybe_sent = claim.recovered or claim.attempts > 0
            if maybe_sent and await port.was_posted(target, key):
                log.info("delivery %s was already posted", key)
            else:
                if subscription.daily_question and self._daily_question is not None:
                    # Outside the send's timeout: the first one may build the bank.
                    await self._daily_question.ready()
                await timeouts.bounded(
                    port.post(target, self._daily_post(subscription, claim), key)
                )
        except PermanentDeliveryError as error:
            log.warning("pausing %s: %s", claim.channel, error)
            await self._deliveries.mark_failed(claim, self._worker, clock(), error.problem)
            await self._subscriptions.pause(claim.channel, error.problem, clock())
            report.failed.append(claim.channel)
            return
        except Exception as error:  # network trouble, 5xx, 429, a timeout, an adapter bug
            # Backoff counts from the run's time, as every other due-time decision does.
            await self._retry_or_fail(claim, clock.start, error, report)
            return
        # Recorded before the sender takes its next post (batched: one UPDATE for many
        # posts), so finished posts never queue for a connection while their lease runs out.
        await run.marks.add(claim)
        report.sent.append(claim.channel)

    async def _retry_or_fail(
        self, claim: Claim, now: datetime, error: Exception, report: RunReport
    ) -> None:
        if isinstance(error, DeliveryError):
            problem = error.problem
        elif isinstance(error, TimeoutError):
            problem = DeliveryProblem.TIMEOUT
        else:
            problem = DeliveryProblem.UNKNOWN
        if isinstance(error, TransientDeliveryError | TimeoutError):
            log.warning("post to %s failed, may retry: %s", claim.channel, error or problem)
        else:
            log.error("unexpected error posting to %s", claim.channel, exc_info=error)
        backoff = self._policy.first_backoff * (2**claim.attempts)
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            backoff = max(backoff, timedelta(seconds=retry_after))
        retry_at = now + backoff
        # A 429 is the platform saying when to come back, not a failed post: only the grace
        # window bounds those retries, so a busy platform never costs a channel its post.
        attempts_left = retry_after is not None or claim.attempts + 1 < self._policy.max_attempts
        if attempts_left and retry_at <= claim.due_at + self._policy.grace:
            await self._deliveries.mark_retry(claim, self._worker, retry_at, problem)
            report.retrying.append(claim.channel)
        else:
            await self._deliveries.mark_failed(claim, self._worker, now, problem)
            report.failed.append(claim.channel)


@dataclass(frozen=True)
class _RunClock:
    """A run's time: decisions use its start; rows are stamped with the time they are written
    (a long fan-out's later claims carry their own time, so their lease runs from then)."""

    start: datetime
    started_monotonic: float

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started_monotonic)


class _SentMarks:
    """Marks sent posts in batches, one write at a time: the posts sent while a write is
    under way go in the next one, so a fan-out of 20,000 posts is a few dozen statements and
    writes never queue for the database (or SQLite's one write lock) behind each other.

    A first mark waits ``delay`` seconds for company; a batch reaching ``size`` makes its
    sender wait for the write (back-pressure). Each write is a task of its own, so
    cancelling the send that filled a batch cannot roll the batch's marks back; :meth:`close`
    waits for every write. A post sent but not yet marked when the process dies is a claim
    like any other unfinished one: recovery asks the platform before sending it again.
    """

    def __init__(
        self,
        deliveries: DeliveryStore,
        worker: str,
        clock: _RunClock,
        size: int = 500,
        delay: float = 0.05,
    ) -> None:
        self._deliveries = deliveries
        self._worker = worker
        self._clock = clock
        self._size = size
        self._delay = delay
        self._pending: list[Claim] = []
        self._timer: asyncio.TimerHandle | None = None
        self._write: asyncio.Task[None] | None = None

    async def add(self, claim: Claim) -> None:
        self._pending.append(claim)
        if len(self._pending) >= self._size:
            # The sender waits until its mark is in a write (back-pressure), shielded: if it
            # is cancelled, the write still completes.
            while len(self._pending) >= self._size and (write := self._next_write()):
                await asyncio.shield(write)
        elif self._timer is None and self._write is None:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._next_write)

    def _next_write(self) -> asyncio.Task[None] | None:
        """The write under way, else a new one of everything pending (None: nothing to do)."""
        if self._write is not None:
            return self._write
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return None
        batch, self._pending = self._pending, []
        self._write = asyncio.create_task(self._mark(batch))
        self._write.add_done_callback(self._written)
        return self._write

    def _written(self, _write: asyncio.Task[None]) -> None:
        self._write = None
        # What was sent meanwhile: at once if it fills a batch, else after the same wait for
        # company as a first mark (a fast write would otherwise be followed by many small).
        if len(self._pending) >= self._size:
            self._next_write()
        elif self._pending:
            self._timer = asyncio.get_running_loop().call_later(self._delay, self._next_write)

    async def _mark(self, batch: list[Claim]) -> None:
        try:
            await self._deliveries.mark_sent_many(batch, self._worker, self._clock())
        except Exception:  # the rows stay claimed: recovery checks with the platform
            log.exception("could not mark %d sent post(s)", len(batch))

    async def close(self) -> None:
        """Mark whatever is left and wait for every write; called when the run ends, however
        it ends."""
        while (write := self._next_write()) is not None:
            await asyncio.gather(write, return_exceptions=True)


@dataclass(frozen=True)
class _Run:
    """What one run's sends share."""

    clock: _RunClock
    report: RunReport
    marks: _SentMarks


class _SendTimeouts:
    """Time limits on sends, checked by one repeating timer for all of them: an
    ``asyncio.timeout`` per post (a timer armed and cancelled each time) cost more than the
    rest of the post's bookkeeping together.

    A send over its limit is cancelled as ``asyncio.timeout`` would cancel it, and raises
    ``TimeoutError``; it is noticed within a tenth of the limit after it passes. Use as a
    ``with`` block around the sends: the timer runs only inside it.
    """

    _CHECKS_PER_LIMIT = 10

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._deadlines: dict[asyncio.Task[Any], float] = {}
        self._cut_off: set[asyncio.Task[Any]] = set()
        self._timer: asyncio.TimerHandle | None = None

    def __enter__(self) -> _SendTimeouts:
        self._check()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        for task, deadline in self._deadlines.items():
            if deadline <= now and task not in self._cut_off:
                self._cut_off.add(task)
                task.cancel()
        self._timer = loop.call_later(self._seconds / self._CHECKS_PER_LIMIT, self._check)

    async def bounded(self, send: Awaitable[T]) -> T:
        """``await send``, raising ``TimeoutError`` if it outlasts the limit."""
        task = asyncio.current_task()
        assert task is not None
        self._deadlines[task] = asyncio.get_running_loop().time() + self._seconds
        try:
            return await send
        except asyncio.CancelledError:
            # Ours, unless someone else cancelled the sender too (then it stays cancelled).
            if task in self._cut_off:
                self._cut_off.discard(task)
                if task.uncancel() == 0:
                    raise TimeoutError(f"no answer in {self._seconds:g} s") from None
            raise
        finally:
            del self._deadlines[task]
            if task in self._cut_off:
                # Cut off, but the send turned the cancellation into its own error (or
                # returned): take our cancel request back, or the sender's next cut-off
                # would pass for a cancellation of the run and end the sender.
                self._cut_off.discard(task)
                task.uncancel()


class _Senders:
    """A fixed pool of ``size`` sender tasks taking claimed posts from one queue.

    A task per post cost more than the post's own bookkeeping. The claimer asks for the
    next batch once the queue is down to a low-water mark: as many posts as the senders
    took while the last batch was being claimed (twice that, and more after a claim that
    let the queue run dry), so the senders never wait for a claim, and a claim never waits
    in the queue much longer than one batch takes to send (a slow, rate-limited platform
    keeps the queue short; its claims' leases run from when they were made).

    Leaving the block normally, or by an error while claiming, lets the senders finish
    every post already claimed (a send cut off mid-request leaves the platform's state
    unknown); only cancellation of the run cuts them short.
    """

    # The low-water mark is at least this many posts per sender, at most MAX_QUEUED_EACH.
    MIN_QUEUED_EACH = 2
    MAX_QUEUED_EACH = 50

    def __init__(self, size: int, send: Callable[[Claim, _BatchCopies], Awaitable[None]]) -> None:
        self._size = size
        self._send = send
        self._queue: asyncio.Queue[tuple[Claim, _BatchCopies] | None] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._low_water = size * self.MIN_QUEUED_EACH
        self._room: asyncio.Future[None] | None = None
        self._taken = 0  # posts taken from the queue so far
        self._taken_at_claim: int | None = None
        self._ran_dry = False

    async def __aenter__(self) -> _Senders:
        self._workers = [asyncio.create_task(self._work()) for _ in range(self._size)]
        return self

    async def _work(self) -> None:
        queue = self._queue
        while True:
            if queue.empty():
                self._ran_dry = True
            item = await queue.get()
            if item is None:
                return
            self._taken += 1
            if self._room is not None and queue.qsize() <= self._low_water:
                if not self._room.done():
                    self._room.set_result(None)
                self._room = None
            try:
                await self._send(*item)
            except asyncio.CancelledError:
                # A CancelledError the adapter raised itself (the run is not being
                # cancelled): losing the sender would strand the queue and hang the claimer.
                # The claim stays claimed; recovery asks the platform before re-sending.
                if asyncio.current_task().cancelling():  # type: ignore[union-attr]
                    raise
                log.error("a send raised CancelledError; its claim is left to recovery")

    def claim_starts(self) -> None:
        self._taken_at_claim = self._taken
        self._ran_dry = self._queue.empty()

    def claimed(self, batch: _BatchCopies) -> None:
        """Queue a claimed batch's posts, and learn from how long claiming it took."""
        if self._taken_at_claim is not None and self._taken_at_claim != self._taken:
            taken = self._taken - self._taken_at_claim
            low = max(2 * taken, self._size * self.MIN_QUEUED_EACH)
            if self._ran_dry:
                low = max(low, 2 * self._low_water)
            self._low_water = min(low, self._size * self.MAX_QUEUED_EACH)
        for claim in batch.claims:
            self._queue.put_nowait((claim, batch))

    async def room_for_a_batch(self) -> None:
        """Return once the queue is down to the low-water mark."""
        if self._queue.qsize() > self._low_water:
            self._room = asyncio.get_running_loop().create_future()
            await self._room

    async def __aexit__(self, *exc_info: object) -> None:
        if exc_info[0] is not None and issubclass(exc_info[0], asyncio.CancelledError):  # type: ignore[arg-type]
            for worker in self._workers:
                worker.cancel()
        else:
            for _ in self._workers:
                self._queue.put_nowait(None)  # after every claimed post
        await asyncio.gather(*self._workers, return_exceptions=True)
