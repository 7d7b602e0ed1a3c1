"""The simulated clock fires timers in time order when it jumps, and never goes back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import SimulatedClock

START = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)


class FrozenMonotonic:
    """Real time that stands still, so the test sees only the jumps."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


async def test_a_jump_fires_due_timers_in_order_at_their_own_time() -> None:
    clock = SimulatedClock(START, FrozenMonotonic())
    fired: list[tuple[str, datetime]] = []

    def record(name: str):  # type: ignore[no-untyped-def]
        async def callback() -> None:
            fired.append((name, clock.now()))

        return callback

    clock.call_at(START + timedelta(minutes=30), record("second"))
    clock.call_at(START + timedelta(minutes=10), record("first"))
    clock.call_at(START + timedelta(hours=5), record("later"))
    await clock.advance(3600)
    assert fired == [
        ("first", START + timedelta(minutes=10)),
        ("second", START + timedelta(minutes=30)),
    ]
    assert clock.now() == START + timedelta(hours=1)
    assert clock.next_due() == START + timedelta(hours=5)


async def test_a_timer_set_by_a_timer_inside_the_jump_fires_too() -> None:
    clock = SimulatedClock(START, FrozenMonotonic())
    fired: list[datetime] = []

    async def tick() -> None:
        fired.append(clock.now())
        if len(fired) < 3:
            clock.call_at(clock.now() + timedelta(seconds=20), tick)

    clock.call_at(START + timedelta(seconds=20), tick)
    await clock.advance(65)
    assert fired == [START + timedelta(seconds=s) for s in (20, 40, 60)]


async def test_cancelled_timers_do_not_fire() -> None:
    clock = SimulatedClock(START, FrozenMonotonic())
    fired: list[str] = []

    async def callback() -> None:
        fired.append("x")

    handle = clock.call_at(START + timedelta(seconds=5), callback)
    handle.cancel()
    await clock.advance(10)
    assert fired == []
    assert clock.next_due() is None


async def test_the_clock_runs_on_in_real_time_and_fires_what_fell_due() -> None:
    monotonic = FrozenMonotonic()
    clock = SimulatedClock(START, monotonic)
    fired: list[str] = []

    async def callback() -> None:
        fired.append("due")

    clock.call_at(START + timedelta(seconds=2), callback)
    monotonic.value += 3
    assert clock.now() == START + timedelta(seconds=3)
    await clock.fire_due()
    assert fired == ["due"]


async def test_the_clock_never_moves_backwards() -> None:
    clock = SimulatedClock(START, FrozenMonotonic())
    await clock.advance_to(START - timedelta(days=1))
    assert clock.now() == START


def test_a_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        SimulatedClock(datetime(2026, 6, 22, 9, 0))


async def test_the_real_clock_runs_timers_and_cancels_them_on_close() -> None:
    from bot.core.clock import AsyncioClock

    clock = AsyncioClock()
    fired: list[str] = []

    async def record(name: str) -> None:
        fired.append(name)

    clock.call_at(clock.now() + timedelta(milliseconds=20), lambda: record("soon"))
    cancelled = clock.call_at(clock.now() + timedelta(milliseconds=30), lambda: record("no"))
    clock.call_at(clock.now() + timedelta(hours=1), lambda: record("never"))
    cancelled.cancel()
    await asyncio.sleep(0.1)
    await clock.close()
    assert fired == ["soon"]
