"""Post keys: every key the core makes fits what a platform can carry, and the marker an
adapter embeds gives the key back, and nothing else."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.context import ChannelKey
from bot.core.daily.model import Claim
from bot.core.daily.poster import delivery_key
from bot.core.ports import MessageHandle, PostTarget
from bot.core.post_keys import (
    MAX_POST_KEY_LENGTH,
    MAX_STORED_ID,
    check_post_key,
    find_post_key,
    post_key,
    post_marker,
)
from bot.core.replies import MAX_BUTTON_ACTION_LENGTH, Reply
from tests.fakes import FakeChatPort

KEYS = st.from_regex(r"[a-z0-9]+(?:-[a-z0-9]+)*", fullmatch=True).filter(
    lambda key: len(key) <= MAX_POST_KEY_LENGTH
)


def claim(delivery_id: int) -> Claim:
    moment = datetime(2026, 6, 22, 9, tzinfo=UTC)
    return Claim(delivery_id, ChannelKey("discord", "1", "2"), date(2026, 6, 22), moment, 0, False)


def test_the_daily_key_of_the_largest_delivery_id_fits_exactly() -> None:
    assert delivery_key(claim(17)) == "alliance-daily-17"
    assert len(delivery_key(claim(MAX_STORED_ID))) == MAX_POST_KEY_LENGTH
    with pytest.raises(ValueError, match="a post key must be 1 to 25"):
        delivery_key(claim(MAX_STORED_ID * 10))


@pytest.mark.parametrize("moment", ["q49", "r49", "end", "int"])
def test_quiz_keys_of_the_largest_game_fit(moment: str) -> None:
    assert len(post_key("quiz", MAX_STORED_ID, moment)) <= MAX_POST_KEY_LENGTH


@pytest.mark.parametrize(
    "bad",
    ["", "x" * 26, "Quiz-1", "quiz 1", "quiz--1", "-quiz", "quiz-", "クイズ", "quiz-1]", "a\n"],
)
def test_a_key_no_platform_can_carry_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="a post key must be"):
        check_post_key(bad)
    with pytest.raises(ValueError, match="a post key must be"):
        post_marker(bad)


@given(key=KEYS, footer=st.text(max_size=200))
def test_a_marker_ending_any_footer_gives_its_key_back(key: str, footer: str) -> None:
    marker = post_marker(key)
    assert len(marker) <= MAX_BUTTON_ACTION_LENGTH  # fits a Discord custom_id too
    assert find_post_key(marker) == key
    assert find_post_key(f"{footer} {marker}") == key
    assert find_post_key(f"{footer}{marker}\n") == key


@given(text=st.text(max_size=300))
def test_text_without_a_marker_at_its_end_names_no_key(text: str) -> None:
    key = find_post_key(text)
    assert key is None or text.rstrip().endswith(post_marker(key))


def test_only_the_bots_own_marker_counts() -> None:
    assert find_post_key(None) is None
    assert find_post_key("") is None
    assert find_post_key("alliance-daily-17") is None  # a bare key in text is not a marker
    # A marker inside other text (a name quoted in a footer) is not at the end.
    assert find_post_key("[alliance-post:alliance-daily-17] said bob") is None
    assert find_post_key(f"[alliance-post:{'x' * 26}]") is None
    assert find_post_key("[alliance-post:Alliance-Daily-17]") is None
    assert find_post_key("Daily post [alliance-post:alliance-daily-17]") == "alliance-daily-17"


async def test_the_fake_platform_refuses_keys_a_real_one_could_not_carry() -> None:
    port = FakeChatPort()
    target = PostTarget("test", "tenant", "c1", "general")
    assert await port.post(target, Reply(body="ok"), "quiz-1-q0") == MessageHandle(
        "test", "c1", "1"
    )
    with pytest.raises(ValueError, match="a post key must be"):
        await port.post(target, Reply(body="too long"), "quiz-" + "9" * 30)
    assert len(port.posts) == 1
