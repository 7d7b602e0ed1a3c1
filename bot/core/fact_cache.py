"""A validated corpus kept between start-ups, so a restart does not parse and index it again.

Parsing, validating and indexing every fact costs a start-up time in proportion to the
corpus; reading the files and hashing them costs a small part of that. The cache is keyed by
the bytes of every data file and of the code that turns them into a :class:`FactStore`, so an
edited fact, a renamed file or a new version of the bot rebuilds it, and a corpus with a
problem is never cached (it raises before anything is written). The cache lives in the bot's
own data directory, written only by the bot; anything unreadable there is rebuilt. The search
index is a file of its own beside the store, read on the first search (most start-ups never
search; it is most of the store's memory); when it is missing or unreadable the store builds
it from its facts.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

from bot.core.fact_files import PEOPLE_DIR, QUESTIONS_DIR
from bot.core.fact_store import FactStore
from bot.core.search import SearchIndex

log = logging.getLogger(__name__)

_PREFIX = "facts-"
_SUFFIX = ".pickle"
# The search index is kept apart and read on the first search: most start-ups never need it.
_INDEX_SUFFIX = ".index.pickle"
# The modules whose code shapes what is cached: a change to any of them is a new cache. Named,
# not imported: a start-up served from the cache never imports the loader (nor YAML).
_CODE = (
    "bot.core.dates",
    "bot.core.fact_files",
    "bot.core.fact_loading",
    "bot.core.fact_store",
    "bot.core.facts",
    "bot.core.search",
    "bot.core.yaml_lines",
)


def _source(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError(module)
    return Path(spec.origin)


def _data_files(directory: Path) -> list[Path]:
    return [
        path
        for folder in (directory, directory / PEOPLE_DIR, directory / QUESTIONS_DIR)
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
    ]


def corpus_digest(directory: Path) -> str:
    """A hash of every data file (name and bytes) and of the code that loads them."""
    digest = hashlib.sha256(f"{sys.version}\0{pickle.HIGHEST_PROTOCOL}".encode())
    for module in _CODE:
        digest.update(_source(module).read_bytes())
    for path in _data_files(directory):
        digest.update(str(path.relative_to(directory)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _unpickle(path: Path) -> object:
    try:
        with path.open("rb") as file:
            # Written by this bot into its own data directory, never taken from elsewhere.
            return pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception:  # a torn or foreign file: rebuilt by the caller
        log.warning("ignoring an unreadable fact cache %s", path, exc_info=True)
        return None


def _read(path: Path) -> FactStore | None:
    store = _unpickle(path)
    return store if isinstance(store, FactStore) else None


def _read_index(path: Path) -> SearchIndex | None:
    index = _unpickle(path)
    return index if isinstance(index, SearchIndex) else None


def _write(store: FactStore, path: Path, index_path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for thing, where in ((store.search_index(), index_path), (store, path)):
            # Written aside and renamed: a process starting meanwhile never reads half a file.
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
                pickle.dump(thing, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(file.name, where)
        for old in path.parent.glob(f"{_PREFIX}*{_SUFFIX}"):
            if old not in (path, index_path):
                old.unlink(missing_ok=True)
    except OSError as error:
        # Only the next start-up pays for it; whatever is wrong with the data directory is
        # the database's to report, in one line, as it does.
        log.info("could not write the fact cache %s: %s", path, error)


def _parse(directory: Path) -> FactStore:
    # Imported here: the parser (and YAML with it) only loads when the cache cannot serve.
    from bot.core.fact_loading import load_fact_store

    return load_fact_store(directory)


def load_fact_store_cached(directory: Path, cache_dir: Path) -> FactStore:
    """The store of ``directory``, from the cache in ``cache_dir`` when the files are
    unchanged.

    Raises:
        FactDataError: as :func:`~bot.core.fact_loading.load_fact_store` does, whenever the
            files have a problem.
    """
    if not directory.is_dir():
        return _parse(directory)  # which names the problem
    digest = corpus_digest(directory)
    path = cache_dir / f"{_PREFIX}{digest}{_SUFFIX}"
    index_path = cache_dir / f"{_PREFIX}{digest}{_INDEX_SUFFIX}"
    cached = _read(path)
    if cached is not None:
        # A missing or unreadable index file is built again from the facts on first use.
        cached.load_index_with(lambda: _read_index(index_path))
        return cached
    store = _parse(directory)
    _write(store, path, index_path)
    return store
