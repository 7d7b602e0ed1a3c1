"""Reading month-days as users type them, and showing dates in both languages."""

from __future__ import annotations

import pytest

from bot.core.dates import FactDate, display_range, parse_month_day


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("06-22", (6, 22)),
        ("6/22", (6, 22)),
        ("June 22", (6, 22)),
        ("june 22nd", (6, 22)),
        ("22 June", (6, 22)),
        ("22nd of June", (6, 22)),
        ("Jun. 22", (6, 22)),
        ("6月22日", (6, 22)),
        ("６月２２日", (6, 22)),  # full-width digits from a Japanese keyboard
        ("Sept 1", (9, 1)),
        ("02-29", (2, 29)),
    ],
)
def test_accepted_month_days(typed: str, expected: tuple[int, int]) -> None:
    assert parse_month_day(typed) == expected


@pytest.mark.parametrize(
    "typed", ["", "June", "13-01", "02-30", "31 April", "00-10", "Smarch 3", "22", "1941-06-22"]
)
def test_rejected_month_days(typed: str) -> None:
    assert parse_month_day(typed) is None


def test_precision_is_what_is_written() -> None:
    assert FactDate.parse("1942-07").day is None
    assert FactDate.parse("1942-07").latest.day == 31
    assert FactDate.parse("1942").earliest.month == 1


def test_ranges_read_naturally_in_both_languages() -> None:
    start, end = FactDate.parse("1943-11-28"), FactDate.parse("1943-12-01")
    assert display_range(start, end, "en") == "28 November – 1 December 1943"
    assert display_range(start, end, "ja") == "1943年11月28日〜12月1日"
    assert display_range(start, None, "ja") == "1943年11月28日"
