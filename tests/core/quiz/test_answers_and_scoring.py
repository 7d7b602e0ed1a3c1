"""Typed answers, points and streaks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.quiz.matching import match_choice
from bot.core.quiz.scoring import points_for
from bot.core.quiz.streaks import streaks

DATES = [
    ["22 June 1941", "1941年6月22日"],
    ["1 September 1939", "1939年9月1日"],
    ["7 December 1941", "1941年12月7日"],
    ["22 June 1940", "1940年6月22日"],
]
CONFERENCES = [
    ["Tehran Conference", "テヘラン会談"],
    ["Yalta Conference", "ヤルタ会談"],
    ["Potsdam Conference", "ポツダム会談"],
    ["Casablanca Conference", "カサブランカ会談"],
]
PEOPLE = [
    ["Vyacheslav Molotov", "ヴャチェスラフ・モロトフ"],
    ["Andrei Gromyko", "アンドレイ・グロムイコ"],
    ["Maxim Litvinov", "マクシム・リトヴィノフ"],
    ["Ivan Maisky", "イワン・マイスキー"],
]


@pytest.mark.parametrize(
    ("typed", "choices", "expected"),
    [
        ("b", DATES, 1),
        ("B)", DATES, 1),
        ("2", DATES, 1),
        ("d.", DATES, 3),
        ("22 june 1941", DATES, 0),
        ("22 June, 1941!", DATES, 0),
        ("22 jnue 1941", DATES, 0),
        ("1941年6月22日", DATES, 0),
        ("yalta", CONFERENCES, 1),
        ("Yalta Confrence", CONFERENCES, 1),
        ("ヤルタ会談", CONFERENCES, 1),
        ("teheran", CONFERENCES, 0),
        ("molotov", PEOPLE, 0),
        ("Litvinow", PEOPLE, 2),
        ("MAISKY", PEOPLE, 3),
        ("Gromýko", PEOPLE, 1),
    ],
)
def test_forgiving_matches(typed: str, choices: list[list[str]], expected: int) -> None:
    assert match_choice(typed, choices) == expected


@pytest.mark.parametrize(
    ("typed", "choices"),
    [
        ("1941", DATES),  # in two choices: ambiguous
        ("22 june", DATES),
        ("conference", CONFERENCES),
        ("5", DATES),  # no fifth choice
        ("e", DATES),
        ("good morning everyone", CONFERENCES),
        ("", DATES),
        ("lol", PEOPLE),
    ],
)
def test_chat_that_names_no_single_choice_is_not_an_answer(
    typed: str, choices: list[list[str]]
) -> None:
    assert match_choice(typed, choices) is None


def test_faster_right_answers_score_more() -> None:
    assert points_for(True, 0, 20) == 1000
    assert points_for(True, 10, 20) == 750
    assert points_for(True, 20, 20) == 500
    assert points_for(True, 25, 20) == 500
    assert points_for(False, 0, 20) == 0
    assert points_for(True, 3, 20) > points_for(True, 4, 20)


def test_streaks_count_consecutive_days() -> None:
    start = date(2026, 6, 1)
    days = [start + timedelta(days=n) for n in (0, 1, 2, 5, 6)]
    assert streaks(days, start + timedelta(days=6)) == (2, 3)
    assert streaks(days, start + timedelta(days=7)) == (2, 3)  # today's not answered yet
    assert streaks(days, start + timedelta(days=8)) == (0, 3)
    assert streaks([], start) == (0, 0)


@pytest.mark.parametrize("typed", ["፩", "𐩀", "٣"])
def test_unusual_digits_are_not_numbers(typed: str) -> None:
    assert match_choice(typed, DATES) is None
