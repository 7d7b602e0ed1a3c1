"""Generated questions on facts written for the purpose: giveaways, conventions, quotes,
explanations, "which came first" windows, and a bank that keeps related questions apart."""

from __future__ import annotations

import random
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.core.fact_loading import load_fact_store
from bot.core.facts import Fact, Localized
from bot.core.quiz.bank import QuestionBank, from_curated, gives_away_under
from bot.core.quiz.generator import (
    Period,
    explanation_for,
    first_question,
    generate,
    month_candidate,
    year_candidate,
    year_question,
)
from bot.core.quiz.mentions import FactsByDate
from bot.core.quiz.question import QuizQuestion

PERIOD = Period((1939, 8), (1945, 12))
SOURCE = {"title": "Office of the Historian", "url": "https://history.state.gov/milestones"}


def fact(
    fact_id: str = "an-event",
    date: str = "1943-06-10",
    en: str = "Something happens",
    ja: str = "何かが起きる",
    text_en: str = "Something happened.",
    text_ja: str = "何かが起きた。",
    **more: Any,
) -> Fact:
    return Fact.model_validate(
        {
            "id": fact_id,
            "date": date,
            "title": {"en": en, "ja": ja},
            "text": {"en": text_en, "ja": text_ja},
            "tags": more.pop("tags", ["diplomacy"]),
            "sources": [SOURCE],
            **more,
        }
    )


@pytest.mark.parametrize(
    ("en", "ja"),
    [
        ("Roosevelt is elected to a fourth term", "ルーズベルトが4選"),
        ("Epilogue: Kennan's Long Telegram", "エピローグ：ケナンの長文電報"),
        ("Churchill speaks", "エピローグ：チャーチルの演説"),
    ],
)
def test_a_title_that_implies_the_date_gets_no_date_question(en: str, ja: str) -> None:
    implied = fact(en=en, ja=ja)
    assert year_candidate(implied, PERIOD) is None
    assert month_candidate(implied, PERIOD) is None
    assert year_candidate(fact(), PERIOD) is not None
    assert month_candidate(fact(), PERIOD) is not None


def test_a_title_naming_the_month_in_japanese_only_gets_no_month_question() -> None:
    victory_day = fact(
        date="1945-05-09", en="Victory Day in the Soviet Union", ja="戦勝記念日（5月9日）"
    )
    assert month_candidate(victory_day, PERIOD) is None
    assert year_candidate(victory_day, PERIOD) is not None


def test_a_title_naming_the_year_gets_no_year_question() -> None:
    assert year_candidate(fact(en="The 1943 conference", ja="1943年の会議"), PERIOD) is None


def test_another_convention_is_never_a_wrong_answer() -> None:
    lublin = fact(date="1944-12-31", other_dates=["1945-01-01"])
    candidate = year_candidate(lublin, PERIOD)
    assert candidate is not None and 1945 not in candidate.allowed and 1943 in candidate.allowed
    # The month question would state a year that the other convention disputes.
    assert month_candidate(lublin, PERIOD) is None
    welles = fact(date="1941-03-20", other_dates=["1941-01"])
    months = month_candidate(welles, PERIOD)
    assert months is not None and 1 not in months.allowed and 2 in months.allowed


def test_a_year_or_month_the_text_names_is_never_a_wrong_answer() -> None:
    imf = fact(
        date="1945-12-27",
        text_en="Drafted in July 1944, the agreements entered into force on 27 December 1945.",
        text_ja="1944年7月に起草された協定は1945年12月27日に発効した。",
    )
    years = year_candidate(imf, PERIOD)
    assert years is not None and 1944 not in years.allowed and 1943 in years.allowed
    months = month_candidate(imf, PERIOD)
    # "July 1944" is another year's July, so July of 1945 stays a fair wrong answer.
    assert months is not None and 7 in months.allowed
    warned = fact(
        date="1941-03-20", text_en="He had warned in January.", text_ja="1月に警告していた。"
    )
    months = month_candidate(warned, PERIOD)
    assert months is not None and 1 not in months.allowed


def test_dates_outside_the_period_get_no_question_and_wrong_answers_stay_inside() -> None:
    assert year_candidate(fact(date="1946-02-22"), PERIOD) is None
    early = month_candidate(fact(date="1939-09-01"), PERIOD)
    assert early is not None and min(early.allowed) == 8


def test_nested_quotations_in_a_prompt() -> None:
    embargo = fact(
        en='Roosevelt announces the "moral embargo"', ja="ルーズベルトが「道義的禁輸」を発表する"
    )
    question = year_question(embargo, [1940, 1941, 1942], FactsByDate([embargo]))
    assert question.prompt.en == "In which year: “Roosevelt announces the ‘moral embargo’”?"
    assert question.prompt.ja == "「ルーズベルトが『道義的禁輸』を発表する」は何年のこと？"


def test_the_explanation_is_the_first_sentence_dated_once() -> None:
    dated = fact(
        date="1941-06-22",
        text_en="On 22 June 1941 Franklin D. Roosevelt heard it from U.S. officials. Then more.",
        text_ja="1941年6月22日、フランクリン・D・ルーズベルトは知らせを受けた。続きがある。",
    )
    assert explanation_for(dated) == Localized(
        en="On 22 June 1941 Franklin D. Roosevelt heard it from U.S. officials.",
        ja="1941年6月22日、フランクリン・D・ルーズベルトは知らせを受けた。",
    )
    undated = fact(
        date="1941-06-22",
        text_en="Franklin D. Roosevelt heard the news at 5 p.m. Washington time. Then more.",
        text_ja="ルーズベルトは「ついに来た。」と言った。続きがある。",
    )
    assert explanation_for(undated) == Localized(
        en="22 June 1941: Franklin D. Roosevelt heard the news at 5 p.m. Washington time.",
        ja="1941年6月22日：ルーズベルトは「ついに来た。」と言った。",
    )


def events(
    *dates: str, other: dict[int, list[str]] | None = None, prefix: str = "event"
) -> list[Fact]:
    return [
        fact(
            f"{prefix}-{i}",
            d,
            en=f"Event {i}",
            ja=f"出来事{i}",
            other_dates=(other or {}).get(i, []),
        )
        for i, d in enumerate(dates)
    ]


def test_which_came_first_needs_one_window_and_a_clear_first() -> None:
    dated = FactsByDate([])
    assert first_question(
        events("1943-01-10", "1943-04-01", "1943-08-01", "1944-02-01"), "diplomacy", dated
    )
    # Spread over more than a year and a half: the years alone would tell.
    assert not first_question(
        events("1941-06-22", "1942-01-01", "1943-01-01", "1943-06-01"), "diplomacy", dated
    )
    # The first and the second too close to call.
    assert not first_question(
        events("1943-01-10", "1943-01-25", "1943-08-01", "1944-02-01"), "diplomacy", dated
    )
    # By another convention the first one is not first.
    assert not first_question(
        events("1943-01-10", "1943-04-01", "1943-08-01", "1944-02-01", other={0: ["1943-05"]}),
        "diplomacy",
        dated,
    )


@pytest.mark.parametrize(
    ("second", "difficulty"),
    [("1943-06-01", "easy"), ("1943-03-01", "medium"), ("1943-02-15", "hard")],
)
def test_which_came_first_difficulty_follows_the_gap_to_the_second(
    second: str, difficulty: str
) -> None:
    question = first_question(
        events("1943-01-10", second, "1943-08-01", "1944-02-01"), "diplomacy", FactsByDate([])
    )
    assert question is not None and question.difficulty == difficulty


def test_which_came_first_ids_are_short_and_distinct() -> None:
    dates = ("1943-01-10", "1943-04-01", "1943-08-01", "1944-02-01")
    first = first_question(events(*dates), "diplomacy", FactsByDate([]))
    other = first_question(events(*dates, prefix="other"), "diplomacy", FactsByDate([]))
    assert first is not None and other is not None
    assert first.id != other.id and len(first.id) <= 30


CORPUS_PEOPLE = """\
- id: stalin
  name: {en: Joseph Stalin, ja: ヨシフ・スターリン}
  role: {en: Soviet leader, ja: ソ連の指導者}
"""


def corpus_fact(fact_id: str, date: str, title: str, tags: str = "[diplomacy]") -> str:
    return f"""\
- id: {fact_id}
  date: "{date}"
  title: {{en: {title}, ja: {title}の出来事}}
  text: {{en: {title} took place., ja: {title}の出来事が起きた。}}
  tags: {tags}
  sources:
    - {{title: Office of the Historian, url: "https://history.state.gov/milestones"}}
"""


def question(question_id: str, fact_id: str, answer: str, extra: str = "") -> str:
    return f"""\
- id: {question_id}
  fact: {fact_id}
  difficulty: easy
  topics: [diplomacy]{extra}
  question: {{en: "Who was it?", ja: "誰だった？"}}
  answer: {{en: "{answer}", ja: "{answer}さん"}}
  wrong:
    - {{en: "Somebody", ja: "誰か"}}
    - {{en: "Nobody", ja: "誰でもない"}}
    - {{en: "Anybody", ja: "誰でも"}}
  explanation: {{en: "It was {answer}.", ja: "{answer}さんだった。"}}
"""


def write(directory: Path, facts: str, questions: str) -> None:
    (directory / "people").mkdir(parents=True)
    (directory / "people" / "people.yaml").write_text(CORPUS_PEOPLE, encoding="utf-8")
    (directory / "events.yaml").write_text(textwrap.dedent(facts), encoding="utf-8")
    (directory / "questions").mkdir()
    (directory / "questions" / "q.yaml").write_text(questions, encoding="utf-8")


def curated_bank(directory: Path) -> QuestionBank:
    store = load_fact_store(directory)
    return QuestionBank((from_curated(q, store) for q in store.questions), [])


@pytest.mark.parametrize("declared", [True, False])
def test_questions_declared_related_never_share_a_game(tmp_path: Path, declared: bool) -> None:
    related = "\n  related: [q-second]" if declared else ""
    write(
        tmp_path,
        corpus_fact("first-event", "1942-03-01", "Talks")
        + corpus_fact("second-event", "1944-09-01", "Treaty"),
        question("q-first", "first-event", "Molotov", related)
        + question("q-second", "second-event", "Hull"),
    )
    bank = curated_bank(tmp_path)
    sizes = {len(bank.pick(2, random.Random(seed))) for seed in range(20)}
    assert sizes == ({1} if declared else {2})


def test_a_question_printing_anothers_answer_never_shares_its_game(tmp_path: Path) -> None:
    write(
        tmp_path,
        corpus_fact("first-event", "1942-03-01", "Talks")
        + corpus_fact("second-event", "1944-09-01", "Treaty"),
        question("q-first", "first-event", "Molotov").replace(
            "It was Molotov.", "It was Molotov, not Litvinov."
        )
        + question("q-second", "second-event", "Litvinov"),
    )
    bank = curated_bank(tmp_path)
    assert bank.kept_apart("q-first", "q-second") and bank.kept_apart("q-second", "q-first")
    assert all(len(bank.pick(2, random.Random(seed))) == 1 for seed in range(20))


def test_a_question_dating_anothers_fact_never_shares_its_game(tmp_path: Path) -> None:
    write(
        tmp_path,
        corpus_fact("first-event", "1942-03-01", "Talks")
        + corpus_fact("second-event", "1944-09-01", "Treaty"),
        question("q-first", "first-event", "Molotov").replace(
            "It was Molotov.", "It was Molotov, who later signed the treaty of 1 September 1944."
        )
        + question("q-second", "second-event", "Hull"),
    )
    bank = curated_bank(tmp_path)
    assert bank.kept_apart("q-first", "q-second")


def test_two_questions_with_one_id_cannot_make_a_bank() -> None:
    one = first_question(
        events("1943-01-10", "1943-04-01", "1943-08-01", "1944-02-01"), "diplomacy", FactsByDate([])
    )
    assert one is not None
    with pytest.raises(ValueError, match="share an id"):
        QuestionBank([one], [one])


def test_an_answer_that_alone_names_the_topic_is_not_offered_under_it() -> None:
    def asking(answer: str, *wrong: str) -> QuizQuestion:
        texts = [Localized(en=text, ja=f"{text}の日本語") for text in (answer, *wrong)]
        return QuizQuestion("q", "f", "easy", ("poland",), texts[0], tuple(texts), 0, texts[0], ())

    assert gives_away_under(
        asking("The decision on Poland", "On Germany", "On Japan", "On Italy"), "poland"
    )
    assert not gives_away_under(
        asking("Poland's border", "Poland's army", "Poland's king", "Poland's flag"), "poland"
    )
    assert not gives_away_under(asking("Gibraltar", "Malta", "Cyprus", "Crete"), "poland")
    assert gives_away_under(asking("1939", "1940", "1941", "1942"), "prelude")
    assert not gives_away_under(asking("1941", "1940", "1939", "1941 or so"), "prelude")


def test_the_generator_is_deterministic_and_uses_whatever_corpus_is_loaded(tmp_path: Path) -> None:
    titles = ["Talks", "Treaty", "Summit", "Protocol", "Landing", "Offensive", "Note", "Visit"]
    facts = "".join(
        corpus_fact(
            f"event-{i}", f"{1940 + i % 6}-{1 + (i * 5) % 12:02d}-1{i % 9}", f"{titles[i % 8]} {i}"
        )
        for i in range(40)
    )
    write(tmp_path, facts, "")
    store = load_fact_store(tmp_path)
    first = [q.id for q in generate(store, random.Random(3))]
    again = [q.id for q in generate(store, random.Random(3))]
    assert first == again and any(i.startswith("gen-year-") for i in first)
    assert any(i.startswith("gen-month-") for i in first)


def ranked(index: int, rank: int, topic: str = "break-up") -> QuizQuestion:
    text = Localized(en=f"Question {index}", ja=f"問題{index}")
    choices = tuple(Localized(en=f"{1941 + i}", ja=f"{1941 + i}年") for i in range(4))
    return QuizQuestion(
        f"gen-year-event-{index}",
        f"event-{index}",
        "easy",
        (topic,),
        text,
        choices,
        rank,
        text,
        (),
        kind="year",
        answer_rank=rank,
    )


def test_games_on_a_topic_whose_dates_cluster_leave_no_rank_tell() -> None:
    # Most of the topic's year questions have the latest choice right (the break-up is
    # nearly all 1945), as the bank-wide balance allows.
    questions = [ranked(i, 3) for i in range(30)] + [
        ranked(100 + 10 * rank + i, rank) for rank in range(3) for i in range(4)
    ]
    bank = QuestionBank([], questions)
    wins: Counter[int] = Counter()
    for seed in range(200):
        game = bank.pick(5, random.Random(seed), topic="break-up")
        assert len(game) == 5
        wins.update(q.answer_rank for q in game if q.answer_rank is not None)
    total = sum(wins.values())
    assert max(wins.values()) / total <= 0.25 + 0.05, wins


def test_a_topic_too_small_to_balance_still_fills_its_game() -> None:
    bank = QuestionBank([], [ranked(i, 3) for i in range(6)])
    assert len(bank.pick(5, random.Random(1), topic="break-up")) == 5
