"""First sentences in both languages, nested quotes, and the dates a text names."""

from __future__ import annotations

import pytest

from bot.core.facts import Fact
from bot.core.quiz.mentions import FactsByDate, months_named, years_named
from bot.core.quiz.sentences import first_sentence, quoted

SOURCE = {"title": "Office of the Historian", "url": "https://history.state.gov/milestones"}


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Franklin D. Roosevelt spoke. Then more.", "Franklin D. Roosevelt spoke."),
        ("The U.S. Army landed. Then more.", "The U.S. Army landed."),
        ("At 5 p.m. Moscow time war began. Then more.", "At 5 p.m. Moscow time war began."),
        ("He issued Order No. 227 at once. Then more.", "He issued Order No. 227 at once."),
        ('He said "never." Then more.', 'He said "never."'),
        ("One sentence only.", "One sentence only."),
    ],
)
def test_english_first_sentence(text: str, first: str) -> None:
    assert first_sentence(text, "en") == first


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("1941年6月22日、侵攻が始まった。続きがある。", "1941年6月22日、侵攻が始まった。"),
        ("彼は「兄弟姉妹たちよ。」と呼びかけた。続き。", "彼は「兄弟姉妹たちよ。」と呼びかけた。"),
        ("句点のない文", "句点のない文"),
    ],
)
def test_japanese_first_sentence_ends_at_the_first_full_stop(text: str, first: str) -> None:
    assert first_sentence(text, "ja") == first


def test_quotations_inside_a_quoted_title_take_the_inner_marks() -> None:
    assert quoted('The "moral embargo" is lifted', "en") == "“The ‘moral embargo’ is lifted”"
    assert quoted("The “Road of Life” opens", "en") == "“The ‘Road of Life’ opens”"
    assert quoted("「命の道」が開通", "ja") == "「『命の道』が開通」"


def event(fact_id: str, date: str, end: str | None = None) -> Fact:
    return Fact.model_validate(
        {
            "id": fact_id,
            "date": date,
            "end_date": end,
            "title": {"en": fact_id, "ja": "出来事"},
            "text": {"en": "Text.", "ja": "本文。"},
            "tags": ["diplomacy"],
            "sources": [SOURCE],
        }
    )


@pytest.fixture
def dated() -> FactsByDate:
    return FactsByDate(
        [
            event("hiroshima", "1945-08-06"),
            event("stalingrad", "1942-07-17", "1943-02-02"),
            event("uranus", "1942-11-19"),
            event("torch", "1942-11-08"),
        ]
    )


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("On 6 August 1945 the bomb fell.", {"hiroshima"}),
        ("On 16 August 1945 Stalin asked for Hokkaido.", set()),
        ("1945年8月6日に投下された。", {"hiroshima"}),
        ("1945年8月16日に要求した。", set()),
        ("Paulus gave up on 31 January 1943; the rest held out until 2 February.", {"stalingrad"}),
        ("The northern pocket held out until 2 February.", set()),
        ("The counteroffensive of November 1942 trapped them.", {"uranus", "torch"}),
        ("1942年11月のソ連軍の反攻", {"uranus", "torch"}),
        ("On 19 November 1942 it began; (6 November 1944) was later.", {"uranus"}),
    ],
)
def test_facts_named_by_their_dates(dated: FactsByDate, text: str, named: set[str]) -> None:
    assert dated.named_in([text]) == named


def test_years_and_months_a_text_names() -> None:
    text = "Drafted in July 1944, in force from 27 December 1945; talks in March."
    assert years_named([text]) == {1944, 1945}
    assert months_named([text], 1945) == {12, 3}
    assert months_named(["1944年7月に起草、3月に協議。"], 1945) == {3}
