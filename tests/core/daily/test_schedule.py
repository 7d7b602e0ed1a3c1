"""Post times across daylight-saving changes, midnight edges and zones far from UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.daily.schedule import PostTime, owed_occurrences

NEW_YORK = ZoneInfo("America/New_York")


def test_spring_forward_gap_posts_when_the_clocks_jump_on_the_same_date() -> None:
    # 8 March 2026: 02:00 → 03:00 in New York; 02:30 does not exist.
    moment = PostTime(2, 30, NEW_YORK).on(date(2026, 3, 8))
    assert moment.astimezone(NEW_YORK).date() == date(2026, 3, 8)
    assert moment == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_fall_back_posts_once_at_the_first_0130() -> None:
    # 1 November 2026: 01:30 happens twice in New York; the first is still EDT (UTC-4).
    moment = PostTime(1, 30, NEW_YORK).on(date(2026, 11, 1))
    assert moment == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_a_post_across_a_dst_change_keeps_its_wall_clock_time() -> None:
    post = PostTime(9, 0, NEW_YORK)
    before = post.on(date(2026, 3, 7))
    after = post.on(date(2026, 3, 8))
    assert after - before == timedelta(hours=23)
    assert after.astimezone(NEW_YORK).hour == 9


@pytest.mark.parametrize(
    ("zone", "hour", "minute", "utc_now", "local_date"),
    [
        ("Pacific/Kiritimati", 0, 0, datetime(2026, 6, 21, 10, 0, tzinfo=UTC), date(2026, 6, 22)),
        ("Pacific/Pago_Pago", 23, 59, datetime(2026, 6, 23, 10, 59, tzinfo=UTC), date(2026, 6, 22)),
        ("Asia/Kathmandu", 0, 0, datetime(2026, 6, 21, 18, 15, tzinfo=UTC), date(2026, 6, 22)),
        ("UTC", 23, 59, datetime(2026, 6, 22, 23, 59, tzinfo=UTC), date(2026, 6, 22)),
        ("UTC", 0, 0, datetime(2026, 6, 22, 0, 0, tzinfo=UTC), date(2026, 6, 22)),
    ],
)
def test_edges_and_far_zones_post_on_the_right_local_date(
    zone: str, hour: int, minute: int, utc_now: datetime, local_date: date
) -> None:
    post = PostTime(hour, minute, ZoneInfo(zone))
    owed = owed_occurrences(post, utc_now - timedelta(days=5), utc_now)
    assert owed[-1].local_date == local_date
    assert owed[-1].due_at == utc_now  # due exactly now, not a minute early or late


def test_nothing_is_owed_before_the_subscription_started() -> None:
    post = PostTime(9, 0, ZoneInfo("UTC"))
    now = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)
    assert owed_occurrences(post, now - timedelta(minutes=30), now) == []
    assert [
        o.local_date for o in owed_occurrences(post, now - timedelta(days=1, hours=2), now)
    ] == [date(2026, 6, 21), date(2026, 6, 22)]


def test_next_after_is_strictly_later() -> None:
    post = PostTime(9, 0, ZoneInfo("Asia/Tokyo"))
    at_nine = datetime(2026, 6, 22, 0, 0, tzinfo=UTC)  # 09:00 JST
    assert post.next_after(at_nine) == at_nine + timedelta(days=1)
    assert post.next_after(at_nine - timedelta(seconds=1)) == at_nine
