"""Fact replies are built once per (fact, language, topic), and only so many are kept."""

from __future__ import annotations

import random

import pytest

from bot.core import fact_commands
from bot.core.fact_commands import FactCommands
from bot.core.fact_store import FactStore


def test_the_same_fact_language_and_topic_give_the_same_reply_object(store: FactStore) -> None:
    commands = FactCommands(store, random.Random(1))
    fact = store.facts[0]
    first = commands.fact_reply(fact, "en", None)
    assert commands.fact_reply(fact, "en", None) is first
    assert commands.fact_reply(fact, "ja", None) is not first
    assert commands.fact_reply(fact, "ja", None).body != first.body


def test_the_least_recently_used_reply_is_dropped_past_the_bound(
    store: FactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fact_commands, "FACT_REPLIES_KEPT", 2)
    commands = FactCommands(store, random.Random(1))
    a, b, c = store.facts[:3]
    kept_a = commands.fact_reply(a, "en", None)
    kept_b = commands.fact_reply(b, "en", None)
    assert commands.fact_reply(a, "en", None) is kept_a  # a is now the most recent
    commands.fact_reply(c, "en", None)  # drops b, the least recently used
    assert commands.fact_reply(a, "en", None) is kept_a
    rebuilt_b = commands.fact_reply(b, "en", None)
    assert rebuilt_b is not kept_b and rebuilt_b == kept_b
