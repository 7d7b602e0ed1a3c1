"""Clocks: the real one, and a simulated one the shell and the tests move by hand.

The simulated clock runs on in real time from where it was set, and can jump forward; a jump
fires, in time order, every timer that falls due on the way, with the clock showing each
timer's own time while it runs. Daily posts and quiz timers hang on this, so the shell's
``:wait`` and the tests see exactly what would have happened in real time, without sleeping.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

TimerCallback = Callable[[], Awaitable[None]]

log = logging.getLogger(__name__)


class Clock(Protocol):
    """Tells the time; always timezone-aware UTC."""

    def now(self) -> datetime: ...


# The simulated clock stays well inside what datetime can hold, so calendar arithmetic on top
# of it (a grace window back, a day's post forward, a time zone either way) cannot overflow.
SIMULATED_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
SIMULATED_LATEST = datetime(2999, 12, 31, tzinfo=UTC)


class ClockRangeError(ValueError):
    """A moment the simulated clock may not show."""


def check_simulated_moment(moment: datetime) -> datetime:
    """``moment`` in UTC, or ClockRangeError if it lies outside the simulated clock's range."""
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not SIMULATED_EARLIEST <= utc <= SIMULATED_LATEST:
        raise ClockRangeError(
            f"{moment.isoformat()} is outside the simulated clock's range, "
            f"{SIMULATED_EARLIEST.date()} to {SIMULATED_LATEST.date()} (UTC)"
        )
    return utc


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(order=True)
class _Timer:
    when: datetime
    sequence: int
    callback: TimerCallback = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class TimerHandle:
    """Cancels a timer that has not fired yet."""

    def __init__(self, timer: _Timer) -> None:
        self._timer = timer

    @property
    def when(self) -> datetime:
        return self._timer.when

    def cancel(self) -> None:
        self._timer.cancelled = True


class SimulatedClock:
    """A clock set by hand that runs on in real time and fires timers in order when moved."""

    def __init__(self, start: datetime, monotonic: Callable[[], float] = time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("the simulated clock needs a timezone-aware start time")
        self._monotonic = monotonic
        self._set(check_simulated_moment(start))
        self._timers: list[_Timer] = []
        self._sequence = itertools.count()
        # One mover at a time: a jump and the shell's background tick must not interleave.
        self._moving = asyncio.Lock()

    def _set(self, moment: datetime) -> None:
        self._base = moment
        self._base_monotonic = self._monotonic()

    def now(self) -> datetime:
        elapsed = self._monotonic() - self._base_monotonic
        return self._base + timedelta(seconds=elapsed)

    def call_at(self, when: datetime, callback: TimerCallback) -> TimerHandle:
        """Run ``callback`` once the clock reaches ``when``."""
        timer = _Timer(when.astimezone(UTC), next(self._sequence), callback)
        heapq.heappush(self._timers, timer)
        return TimerHandle(timer)

    def next_due(self) -> datetime | None:
        """When the earliest pending timer fires."""
        self._drop_cancelled()
        return self._timers[0].when if self._timers else None

    def _drop_cancelled(self) -> None:
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)

    async def advance_to(self, target: datetime) -> None:
        """Move to ``target`` (never backwards), firing every timer due by then, in order."""
        async with self._moving:
            # Only a jump is checked: running on in real time past the range's end is harmless.
            target = check_simulated_moment(target) if target > self.now() else self.now()
            while True:
                self._drop_cancelled()
                if not self._timers or self._timers[0].when > target:
                    break
                timer = heapq.heappop(self._timers)
                if timer.when > self.now():
                    self._set(timer.when)
                try:
                    await timer.callback()
                except Exception:  # one failing timer must not stop the clock or the others
                    log.exception("timer callback failed")
            self._set(max(target, self.now()))

    async def advance(self, seconds: float) -> None:
        """Move forward by ``seconds``."""
        await self.advance_to(self.now() + timedelta(seconds=seconds))

    async def fire_due(self) -> None:
        """Fire whatever has fallen due as real time ran on."""
        await self.advance_to(self.now())


class TimerClock(Protocol):
    """A clock that can also run a callback at a moment (quiz timers hang on this)."""

    def now(self) -> datetime: ...

    def call_at(self, when: datetime, callback: TimerCallback) -> Cancellable: ...


class Cancellable(Protocol):
    def cancel(self) -> object: ...


class _AsyncioTimer:
    """A real-time timer: cancelling it before it fires stops it; after it has fired,
    cancelling is a no-op, as on the simulated clock.

    A callback often re-plans its own successor and so "cancels" the timer that is running
    it; cancelling that task would kill the callback half-way and arm nothing.
    """

    def __init__(self) -> None:
        self.fired = False
        self.task: asyncio.Task[None] | None = None

    def cancel(self) -> None:
        if not self.fired and self.task is not None:
            self.task.cancel()


class AsyncioClock:
    """Real time; timers are asyncio tasks owned here and cancelled by :meth:`close`."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def call_at(self, when: datetime, callback: TimerCallback) -> Cancellable:
        timer = _AsyncioTimer()

        async def wait_then_run() -> None:
            await asyncio.sleep(max(0.0, (when - self.now()).total_seconds()))
            timer.fired = True
            await callback()

        timer.task = asyncio.create_task(wait_then_run())
        self._tasks.add(timer.task)
        timer.task.add_done_callback(self._finished)
        return timer

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("timer callback failed", exc_info=error)

    async def close(self) -> None:
        """Cancel every pending timer and wait for them to stop."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
