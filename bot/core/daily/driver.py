"""Wakes the poster exactly when something falls due, on a clock that can run timers.

Production polls with APScheduler (``scheduler.py``), since other processes may add
subscriptions at any time. The shell and the tests use this instead: on the simulated clock
it fires at the exact minute of each post, so ``:wait 1d`` costs one run, not 1,440 polls.
Call :meth:`replan` after anything that may have changed a subscription.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.core.clock import Cancellable, TimerClock
from bot.core.daily.poster import DailyPoster

log = logging.getLogger(__name__)

# When the next wake-up cannot be read (the database is away), look again this much later:
# a timer never armed again would post nothing more until the next command.
REPLAN_AFTER_TROUBLE = timedelta(minutes=1)


class TimerDrivenPosts:
    """Owns one timer: the next moment a post or a retry falls due."""

    def __init__(self, poster: DailyPoster, clock: TimerClock) -> None:
        self._poster = poster
        self._clock = clock
        self._timer: Cancellable | None = None
        self._planning = asyncio.Lock()
        # One run at a time: a replan during a run must not start a second one beside it.
        self._running = asyncio.Lock()
        self._stopped = False

    async def run_now(self) -> None:
        """Send what is due (catching up after downtime), then plan the next wake-up."""
        async with self._running:
            if self._stopped:
                return
            await self._poster.run_due(self._clock.now())
        if not self._stopped:  # a stop during the run is final
            await self._plan()

    async def replan(self) -> None:
        """Plan the next wake-up (again); also resumes after :meth:`stop`."""
        self._stopped = False
        await self._plan()

    async def _plan(self) -> None:
        async with self._planning:
            if self._timer is not None:
                self._timer.cancel()
            now = self._clock.now()
            try:
                wake_at = await self._poster.next_wakeup(now)
            except Exception:
                log.exception("could not plan the next daily post; trying again in a minute")
                wake_at = now + REPLAN_AFTER_TROUBLE
            self._timer = self._clock.call_at(wake_at, self._fire) if wake_at else None

    async def _fire(self) -> None:
        if not self._stopped:
            await self.run_now()

    def stop(self) -> None:
        """Arm nothing more; a run under way finishes (and :meth:`wait` waits for it)."""
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    async def wait(self) -> None:
        """Wait for a run under way to finish."""
        async with self._running:
            pass
