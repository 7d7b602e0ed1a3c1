"""The simulated clock keeps to a range where calendar arithmetic cannot overflow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.clock import (
    SIMULATED_EARLIEST,
    SIMULATED_LATEST,
    ClockRangeError,
    SimulatedClock,
    check_simulated_moment,
)

START = datetime(2026, 6, 22, 9, 0, tzinfo=UTC)


class Monotonic:
    """Real time moved by hand."""

    def __init__(self) -> None:
        self.value = 0.0

    def __call__(self) -> float:
        return self.value


@pytest.mark.parametrize(
    "text",
    [
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+14:00",  # astimezone(UTC) itself overflows
        "9999-12-31T23:00:00+00:00",
        "9999-12-31T23:59:59-14:00",  # astimezone(UTC) itself overflows
        "1969-12-31T23:59:59+00:00",
        "2999-12-31T00:00:01+00:00",
    ],
)
def test_moments_outside_the_range_are_refused_with_the_range(text: str) -> None:
    with pytest.raises(ClockRangeError, match="1970-01-01 to 2999-12-31"):
        check_simulated_moment(datetime.fromisoformat(text))
    with pytest.raises(ClockRangeError):
        SimulatedClock(datetime.fromisoformat(text))


def test_moments_inside_the_range_come_back_in_utc() -> None:
    tokyo = datetime.fromisoformat("2999-12-31T08:59:59+09:00")
    assert check_simulated_moment(tokyo) == datetime(2999, 12, 30, 23, 59, 59, tzinfo=UTC)
    assert check_simulated_moment(SIMULATED_EARLIEST) == SIMULATED_EARLIEST
    assert check_simulated_moment(SIMULATED_LATEST) == SIMULATED_LATEST


async def test_a_jump_past_the_end_is_refused_and_the_clock_stays() -> None:
    clock = SimulatedClock(START, Monotonic())
    fired: list[datetime] = []

    async def record() -> None:
        fired.append(clock.now())

    clock.call_at(START + timedelta(hours=1), record)
    with pytest.raises(ClockRangeError):
        await clock.advance_to(datetime.fromisoformat("9999-12-31T23:59:59-14:00"))
    assert clock.now() == START and fired == []
    await clock.advance(3600)
    assert fired == [START + timedelta(hours=1)]


async def test_running_on_in_real_time_past_the_end_still_fires_timers() -> None:
    monotonic = Monotonic()
    clock = SimulatedClock(SIMULATED_LATEST, monotonic)
    fired: list[datetime] = []

    async def record() -> None:
        fired.append(clock.now())

    clock.call_at(SIMULATED_LATEST + timedelta(seconds=30), record)
    monotonic.value = 60.0
    await clock.fire_due()
    assert fired == [SIMULATED_LATEST + timedelta(seconds=60)]
