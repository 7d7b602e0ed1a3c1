"""The keys the quiz relies on: a fact's ``other_dates`` and a question's ``related``."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.dates import FactDate
from bot.core.fact_loading import load_fact_store
from tests.core.test_fact_loading import (
    GOOD_FACT,
    GOOD_QUESTION,
    problems_of,
    write_corpus,
    write_questions,
)

WITH_OTHER = GOOD_FACT.replace(
    '  date: "1941-06-22"\n', '  date: "1941-06-22"\n  other_dates: ["1941-06-23", "1941-07"]\n'
)
SECOND_QUESTION = GOOD_QUESTION.replace("q-good", "q-second")


def test_other_dates_load_at_their_written_precision(tmp_path: Path) -> None:
    write_corpus(tmp_path, WITH_OTHER)
    fact = load_fact_store(tmp_path).facts[0]
    assert fact.other_dates == (FactDate(1941, 6, 23), FactDate(1941, 7))


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        ('["1941-06-31"]', "not a day of the calendar"),
        ('["1941-06-22"]', "repeats the fact's own date 1941-06-22"),
        ('["June 1941"]', "YYYY-MM-DD"),
    ],
)
def test_bad_other_dates_name_their_line(tmp_path: Path, other: str, expected: str) -> None:
    path = write_corpus(tmp_path, WITH_OTHER.replace('["1941-06-23", "1941-07"]', other))
    problems = problems_of(tmp_path)
    assert any(p.startswith(f"{path}:") and expected in p for p in problems), problems
    if "repeats" not in expected:
        assert any(p.startswith(f"{path}:3: ") for p in problems), problems


def test_related_questions_load(tmp_path: Path) -> None:
    write_corpus(tmp_path, GOOD_FACT)
    related = GOOD_QUESTION.replace(
        "  topics: [eastern-front]\n", "  topics: [eastern-front]\n  related: [q-second]\n"
    )
    write_questions(tmp_path, related + SECOND_QUESTION)
    questions = {q.id: q for q in load_fact_store(tmp_path).questions}
    assert questions["q-good"].related == ("q-second",)
    assert questions["q-second"].related == ()


@pytest.mark.parametrize(
    ("related", "expected"),
    [
        ("[q-missing]", "question 'q-good': unknown related question 'q-missing'"),
        ("[q-good]", "question 'q-good' is related to itself"),
    ],
)
def test_a_bad_related_id_names_its_file_and_line(
    tmp_path: Path, related: str, expected: str
) -> None:
    write_corpus(tmp_path, GOOD_FACT)
    text = GOOD_QUESTION.replace(
        "  topics: [eastern-front]\n", f"  topics: [eastern-front]\n  related: {related}\n"
    )
    path = write_questions(tmp_path, text + SECOND_QUESTION)
    assert f"{path}:5: {expected}" in problems_of(tmp_path)


def test_a_curated_id_cannot_take_the_generated_prefix(tmp_path: Path) -> None:
    write_corpus(tmp_path, GOOD_FACT)
    path = write_questions(tmp_path, GOOD_QUESTION.replace("id: q-good", "id: gen-year-good-fact"))
    problems = problems_of(tmp_path)
    assert any(
        p.startswith(f"{path}:1: ") and "kept for generated questions" in p for p in problems
    )


def test_an_unknown_key_is_still_an_error(tmp_path: Path) -> None:
    path = write_corpus(tmp_path, WITH_OTHER.replace("other_dates:", "other_date:"))
    assert any(
        p.startswith(f"{path}:3: ") and "unknown key 'other_date'" in p
        for p in problems_of(tmp_path)
    )
