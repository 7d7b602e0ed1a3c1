"""The store's indexes and its English and Japanese word search."""

from __future__ import annotations

from datetime import date

from bot.core.anniversaries import anniversaries_on, next_anniversary, years_since
from bot.core.fact_store import FactStore


def ids(facts: object) -> list[str]:
    return [fact.id for fact in facts]  # type: ignore[attr-defined]


def test_indexes_by_id_month_day_tag_and_year(store: FactStore) -> None:
    barbarossa = store.get("operation-barbarossa")
    assert barbarossa is not None and barbarossa.date.iso() == "1941-06-22"
    assert ids(store.on(6, 22)) == ["operation-barbarossa"]
    assert ids(store.with_tag("conferences")) == ["yalta-conference"]
    assert set(ids(store.in_year(1941))) == {"lend-lease-act", "operation-barbarossa"}
    assert store.get("no-such-fact") is None


def test_a_range_is_remembered_on_its_first_day_only(store: FactStore) -> None:
    assert ids(store.on(2, 4)) == ["yalta-conference"]
    assert store.on(2, 11) == ()


def test_month_precise_facts_have_no_anniversary(store: FactStore) -> None:
    assert "winter-war-leap-test" not in {f.id for md in store.month_days() for f in store.on(*md)}


def test_next_anniversary_wraps_round_the_year(store: FactStore) -> None:
    found = next_anniversary(store, date(2026, 6, 23))
    assert found is not None
    day, facts = found
    assert day == date(2027, 2, 4)
    assert ids(facts) == ["yalta-conference"]


def test_years_since_counts_whole_years(store: FactStore) -> None:
    fact = store.get("operation-barbarossa")
    assert fact is not None
    assert years_since(fact, date(2026, 6, 22)) == 85
    assert anniversaries_on(store, date(2026, 6, 22)) == (fact,)


def test_english_search_ranks_title_matches_first(store: FactStore) -> None:
    assert ids(store.search("Lend-Lease"))[0] == "lend-lease-act"
    assert ids(store.search("YALTA conference"))[0] == "yalta-conference"


def test_search_matches_people_and_folds_plurals(store: FactStore) -> None:
    assert "yalta-conference" in ids(store.search("Roosevelt"))
    assert ids(store.search("conferences")) == ["yalta-conference"]


def test_japanese_search_works_without_spaces(store: FactStore) -> None:
    assert ids(store.search("ヤルタ"))[0] == "yalta-conference"
    assert ids(store.search("武器貸与法"))[0] == "lend-lease-act"
    assert ids(store.search("バルバロッサ作戦"))[0] == "operation-barbarossa"


def test_search_with_no_match_is_empty(store: FactStore) -> None:
    assert store.search("zeppelin") == []
    assert store.search("   ") == []
