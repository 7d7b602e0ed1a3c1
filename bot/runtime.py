"""Owns every long-lived job of a running bot, beside the core it serves.

``running_runtime`` starts, in order: the recovery of interrupted quizzes, the daily-post
poller (which first catches up on what fell due while the bot was down), the heartbeat the
container health check reads, the recovery of quizzes whose owner died meanwhile (every
owner lease), and the retention job; on exit it stops them in reverse and
closes the clock's timers. The shell and ``alliance-bot run`` both use it, so no adapter
builds a scheduler of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Literal

from bot.app import Core
from bot.core.clock import TimerClock
from bot.core.daily.driver import TimerDrivenPosts
from bot.core.daily.scheduler import DailyPostScheduler
from bot.health import HEARTBEAT_INTERVAL_SECONDS, beat, heartbeat_path

log = logging.getLogger(__name__)

# "timers": wake exactly when the next post falls due (the shell's simulated clock, where a
# jump of a day must fire that day's post). "interval": poll every few seconds, since other
# processes may change subscriptions at any time (production).
PollMode = Literal["timers", "interval"]


class FatalPlatformError(Exception):
    """What no retry fixes and a person must (a platform that refuses the bot's token or
    an intent it asks for): the process stops, in order, and exits with this message."""


class Runtime:
    """What the running jobs offer the adapters."""

    def __init__(
        self, timers: TimerDrivenPosts | None, scheduler: DailyPostScheduler | None = None
    ) -> None:
        self._timers = timers
        self._scheduler = scheduler
        self._failure: FatalPlatformError | None = None
        self._failed = asyncio.Event()

    def fail(self, error: FatalPlatformError) -> None:
        """An adapter's report that it cannot go on; ``serve`` then stops everything in
        order and ends with the first such error."""
        if self._failure is None:
            self._failure = error
        self._failed.set()

    @property
    def failure(self) -> FatalPlatformError | None:
        return self._failure

    async def wait_failed(self) -> None:
        await self._failed.wait()

    async def drain(self) -> None:
        """Take no more daily-post ticks and let a run in flight finish (a bounded wait),
        while the adapters it posts through are still open; stopping again on exit is a
        no-op."""
        if self._scheduler is not None:
            await self._scheduler.stop()
        if self._timers is not None:
            await _stop_timers(self._timers)

    def pause_daily_timers(self) -> None:
        """Stop a timer-driven poller until :meth:`subscriptions_changed` plans it again (the
        shell's long jumps, which must not fire every day's post on the way)."""
        if self._timers is not None:
            self._timers.stop()

    async def subscriptions_changed(self) -> None:
        """Call after a command that may have changed a subscription, so a timer-driven
        poller plans its next wake-up again (a polling one sees the change by itself)."""
        if self._timers is not None:
            await self._timers.replan()


@asynccontextmanager
async def running_runtime(
    core: Core, clock: TimerClock, poll: PollMode = "interval"
) -> AsyncIterator[Runtime]:
    """Start every job in order; stop them in reverse on exit."""
    settings = core.settings
    async with AsyncExitStack() as jobs:
        # The real clock owns its timers' tasks (the simulated one has none to close).
        if (close_clock := getattr(clock, "close", None)) is not None:
            jobs.push_async_callback(close_clock)
        await core.quiz.recover_interrupted(clock.now())
        timers: TimerDrivenPosts | None = None
        scheduler: DailyPostScheduler | None = None
        if poll == "timers":
            timers = TimerDrivenPosts(core.poster, clock)
            jobs.push_async_callback(_stop_timers, timers)
            await timers.run_now()
        else:
            scheduler = DailyPostScheduler(core.poster, clock, settings.daily.poll_seconds)
            scheduler.start()
            jobs.push_async_callback(scheduler.stop)
        await jobs.enter_async_context(_heartbeat(heartbeat_path(settings.bot.data_dir)))
        # A game whose owner dies while this process runs is ended once its lease is out.
        lease = core.quiz.settings.owner_lease_seconds
        await jobs.enter_async_context(
            _every(lease, lambda: core.quiz.recover_interrupted(clock.now()))
        )
        interval = timedelta(hours=settings.retention.interval_hours).total_seconds()
        await jobs.enter_async_context(_every(interval, lambda: core.retention.prune(clock.now())))
        yield Runtime(timers, scheduler)


@asynccontextmanager
async def _heartbeat(path: Path) -> AsyncIterator[None]:
    """Touch ``path`` while running; remove it on a clean stop, so a health check fails at
    once instead of after the heartbeat's maximum age."""
    await asyncio.to_thread(beat, path)

    async def forever() -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_INTERVAL_SECONDS)
            try:
                await asyncio.to_thread(beat, path)
            except OSError:
                log.exception("cannot write the heartbeat %s", path)

    try:
        async with _owned_task(forever()):
            yield
    finally:
        await asyncio.to_thread(_remove, path)


async def _stop_timers(timers: TimerDrivenPosts) -> None:
    timers.stop()
    await timers.wait()


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@asynccontextmanager
async def _every(seconds: float, job: Callable[[], Awaitable[object]]) -> AsyncIterator[None]:
    """Run ``job`` now and then every ``seconds``, logging (not raising) its failures."""

    async def forever() -> None:
        while True:
            try:
                await job()
            except Exception:
                log.exception("periodic job failed; it runs again in %.0f s", seconds)
            await asyncio.sleep(seconds)

    async with _owned_task(forever()):
        yield


@asynccontextmanager
async def _owned_task(work: Awaitable[None]) -> AsyncIterator[None]:
    task = asyncio.ensure_future(work)
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
