"""The corpus cache gives the corpus the files hold, never a stale or a broken one."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import shipped_facts_dir
from bot.core import fact_cache
from bot.core.fact_cache import load_fact_store_cached
from bot.core.fact_loading import FactDataError, load_fact_store


def stores(folder: Path) -> list[Path]:
    return [
        path for path in folder.glob("facts-*.pickle") if not path.name.endswith(".index.pickle")
    ]


def indexes(folder: Path) -> list[Path]:
    return list(folder.glob("facts-*.index.pickle"))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return Path(shutil.copytree(shipped_facts_dir(), tmp_path / "facts"))


def test_a_cached_corpus_is_the_corpus_of_the_files(corpus: Path, tmp_path: Path) -> None:
    fresh = load_fact_store(corpus)
    load_fact_store_cached(corpus, tmp_path / "data")
    assert len(stores(tmp_path / "data")) == 1
    assert len(indexes(tmp_path / "data")) == 1
    cached = load_fact_store_cached(corpus, tmp_path / "data")
    assert [fact.id for fact in cached.facts] == [fact.id for fact in fresh.facts]
    assert [f.id for f in cached.on(6, 22)] == [f.id for f in fresh.on(6, 22)]
    assert [f.id for f in cached.search("Hopkins Moscow")] == [
        f.id for f in fresh.search("Hopkins Moscow")
    ]
    assert cached.questions == fresh.questions


def test_a_changed_corpus_is_read_again(corpus: Path, tmp_path: Path) -> None:
    before = load_fact_store_cached(corpus, tmp_path / "data")
    # Facts of the last file that no earlier question needs go when the file goes.
    path = sorted(corpus.glob("*.yaml"))[-1]
    path.rename(corpus / "renamed.yaml")
    assert load_fact_store_cached(corpus, tmp_path / "data").facts == before.facts
    (corpus / "renamed.yaml").write_text(
        (corpus / "renamed.yaml").read_text(encoding="utf-8") + "\n# a comment\n",
        encoding="utf-8",
    )
    load_fact_store_cached(corpus, tmp_path / "data")
    # The old ones are gone.
    assert len(stores(tmp_path / "data")) == len(indexes(tmp_path / "data")) == 1
    (corpus / "renamed.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FactDataError):
        load_fact_store_cached(corpus, tmp_path / "data")


def test_bad_data_is_reported_even_with_a_cache_of_the_good_data(
    corpus: Path, tmp_path: Path
) -> None:
    load_fact_store_cached(corpus, tmp_path / "data")
    (corpus / "broken.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FactDataError) as caught:
        load_fact_store_cached(corpus, tmp_path / "data")
    assert any(
        str(problem).startswith(f"{corpus / 'broken.yaml'}:") for problem in caught.value.problems
    )


def test_a_torn_cache_file_is_rebuilt(corpus: Path, tmp_path: Path) -> None:
    load_fact_store_cached(corpus, tmp_path / "data")
    (cache,) = stores(tmp_path / "data")
    cache.write_bytes(cache.read_bytes()[:100])
    store = load_fact_store_cached(corpus, tmp_path / "data")
    assert len(store.facts) == len(load_fact_store(corpus).facts)
    assert cache.stat().st_size > 100


def test_a_read_only_data_directory_still_starts(corpus: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("", encoding="utf-8")
    store = load_fact_store_cached(corpus, blocked / "data")
    assert len(store.facts) == len(load_fact_store(corpus).facts)


def test_a_cached_start_reads_the_search_index_only_on_the_first_search(
    corpus: Path, tmp_path: Path
) -> None:
    fresh = load_fact_store(corpus)
    load_fact_store_cached(corpus, tmp_path / "data")
    cached = load_fact_store_cached(corpus, tmp_path / "data")
    (index,) = indexes(tmp_path / "data")
    index.unlink()  # read lazily: the store is already loaded, its index not yet
    for query in ("Hopkins Moscow", "ヤルタ会談", "second front"):
        assert cached.best_matches(query, 5) == fresh.best_matches(query, 5)
        assert [f.id for f in cached.search(query)] == [f.id for f in fresh.search(query)]


@pytest.mark.parametrize("damage", ["torn", "foreign"])
def test_a_broken_index_file_is_built_again_from_the_facts(
    corpus: Path, tmp_path: Path, damage: str
) -> None:
    fresh = load_fact_store(corpus)
    load_fact_store_cached(corpus, tmp_path / "data")
    (index,) = indexes(tmp_path / "data")
    if damage == "torn":
        index.write_bytes(index.read_bytes()[:100])
    else:  # a well-formed pickle of something else
        index.write_bytes(pickle.dumps({"not": "an index"}))
    cached = load_fact_store_cached(corpus, tmp_path / "data")
    assert cached.best_matches("Hopkins Moscow", 5) == fresh.best_matches("Hopkins Moscow", 5)
    assert cached.best_matches("Hopkins Moscow", 5)[1] > 0


def test_cached_models_are_the_models_they_were(corpus: Path, tmp_path: Path) -> None:
    fresh = load_fact_store(corpus)
    load_fact_store_cached(corpus, tmp_path / "data")
    cached = load_fact_store_cached(corpus, tmp_path / "data")
    for before, after in zip(fresh.facts, cached.facts, strict=True):
        assert after == before
        assert after.model_dump(exclude_unset=True) == before.model_dump(exclude_unset=True)
        assert type(after.title) is type(before.title)
    fact = cached.facts[0]
    with pytest.raises(ValidationError):  # still frozen
        fact.id = "another-id"  # type: ignore[misc]
    assert cached.questions == fresh.questions
    assert cached.people == fresh.people


def test_new_search_code_keys_a_new_index_file(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index file is a pickle of the index's arrays: a bot whose search code differs (a
    # new layout of the postings) must not read the file an older one wrote.
    load_fact_store_cached(corpus, tmp_path / "data")
    (before,) = indexes(tmp_path / "data")
    edited = tmp_path / "search.py"
    edited.write_bytes(fact_cache._source("bot.core.search").read_bytes() + b"\n# edited\n")
    real = fact_cache._source
    monkeypatch.setattr(
        fact_cache,
        "_source",
        lambda module: edited if module == "bot.core.search" else real(module),
    )
    store = load_fact_store_cached(corpus, tmp_path / "data")
    assert store.best_matches("Hopkins Moscow", 5) == load_fact_store(corpus).best_matches(
        "Hopkins Moscow", 5
    )
    (after,) = indexes(tmp_path / "data")
    assert after != before and not before.exists()
