"""One contract for both clocks with timers: the simulated one (shell, tests) and the real one
(production). Whatever passes here can hang on either."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import AsyncioClock, Cancellable, SimulatedClock, TimerClock
from bot.core.daily.driver import TimerDrivenPosts

STEP = timedelta(milliseconds=5)


@dataclass
class ClockUnderTest:
    clock: TimerClock

    async def run_for(self, span: timedelta) -> None:
        """Let ``span`` of the clock's time pass, firing what falls due."""
        if isinstance(self.clock, SimulatedClock):
            await self.clock.advance(span.total_seconds())
        else:
            await asyncio.sleep(span.total_seconds())


@pytest.fixture(params=["simulated", "asyncio"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[ClockUnderTest]:
    if request.param == "simulated":
        yield ClockUnderTest(SimulatedClock(datetime(2026, 6, 22, 9, 0, tzinfo=UTC)))
        return
    clock = AsyncioClock()
    try:
        yield ClockUnderTest(clock)
    finally:
        await clock.close()


async def test_a_callback_that_replans_itself_keeps_firing(subject: ClockUnderTest) -> None:
    # The shape of TimerDrivenPosts: the callback cancels "the" timer (its own) and arms the
    # next one. On the real clock this used to kill the callback after the first wake-up.
    clock = subject.clock
    fired: list[datetime] = []
    handle: list[Cancellable] = []

    async def wake() -> None:
        fired.append(clock.now())
        handle[0].cancel()
        await asyncio.sleep(0)  # an await after the cancel is where the old bug struck
        handle[0] = clock.call_at(clock.now() + STEP, wake)

    handle.append(clock.call_at(clock.now() + STEP, wake))
    for _ in range(200):
        await subject.run_for(STEP)
        if len(fired) >= 25:
            break
    assert len(fired) >= 25
    assert fired == sorted(fired)


async def test_a_timer_cancelled_before_it_fires_never_runs(subject: ClockUnderTest) -> None:
    clock = subject.clock
    fired: list[str] = []

    async def record() -> None:
        fired.append("fired")

    clock.call_at(clock.now() + STEP * 4, record).cancel()
    await subject.run_for(STEP * 20)
    assert fired == []


async def test_cancelling_a_timer_after_it_fired_changes_nothing(subject: ClockUnderTest) -> None:
    clock = subject.clock
    fired: list[str] = []

    async def record() -> None:
        fired.append("fired")

    handle = clock.call_at(clock.now() + STEP, record)
    await subject.run_for(STEP * 20)
    handle.cancel()
    await subject.run_for(STEP * 4)
    assert fired == ["fired"]


class CountingPoster:
    """Stands in for DailyPoster: something is due every few milliseconds."""

    def __init__(self, clock: TimerClock) -> None:
        self._clock = clock
        self.runs = 0

    async def run_due(self, now: datetime) -> None:
        self.runs += 1
        await asyncio.sleep(0)

    async def next_wakeup(self, now: datetime) -> datetime:
        await asyncio.sleep(0)  # a real poster asks the database here
        return now + STEP


async def test_the_timer_driven_poster_wakes_twenty_times_in_a_row(
    subject: ClockUnderTest,
) -> None:
    poster = CountingPoster(subject.clock)
    driver = TimerDrivenPosts(poster, subject.clock)  # type: ignore[arg-type]
    await driver.replan()
    for _ in range(400):
        await subject.run_for(STEP)
        if poster.runs >= 20:
            break
    driver.stop()
    assert poster.runs >= 20
