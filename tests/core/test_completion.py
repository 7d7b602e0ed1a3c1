"""Autocomplete through the router, with the sources the composition root registers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.commands import Command, CommandRouter
from bot.core.completion import fold, rank_choices
from bot.core.context import Channel, CommandContext, User
from bot.core.i18n import Lang
from bot.core.params import Choice, Param
from bot.core.replies import Reply
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    port = FakeChatPort()
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}}
    )
    async with running_core(settings, {port.platform: port}, SimulatedClock(NOW)) as built:
        yield built


def context(locale: str = "en") -> CommandContext:
    return CommandContext(
        User("u1", "alice"), Channel("test", "g", "c", "c"), locale, NOW, ZoneInfo("UTC")
    )


def values(choices: Sequence[Choice]) -> list[str]:
    return [choice.value for choice in choices]


async def test_topics_by_prefix_of_the_slug_or_the_label(core: Core) -> None:
    found = await core.router.complete(context(), ["quiz", "start"], "topic", "con")
    # Prefix matches in the topics' order, then one that only contains it.
    assert values(found) == ["convoys", "conferences", "second-front"]
    assert values(await core.router.complete(context(), ["quiz", "start"], "topic", "FRONT")) == [
        "eastern-front",  # a word of the label starts with it
        "second-front",
    ]


async def test_topics_match_the_label_in_the_callers_language(core: Core) -> None:
    japanese = await core.router.complete(context("ja"), ["quiz", "start"], "topic", "外交")
    assert values(japanese) == ["diplomacy"]
    assert japanese[0].label_in("ja") == "外交"
    # An English caller sees English labels; the Japanese one is not what they match against.
    assert await core.router.complete(context("en"), ["quiz", "start"], "topic", "外交") == []


async def test_case_accents_and_width_are_folded(core: Core) -> None:
    for typed in ("ÉASTERN", "ｅａｓｔｅｒｎ", "eastérn"):
        found = await core.router.complete(context(), ["quiz", "start"], "topic", typed)
        assert values(found)[:1] == ["eastern-front"], typed


async def test_prefix_comes_before_substring(core: Core) -> None:
    # "lend" starts the topic and the fact id; "ease" appears only inside "lend-lease-act".
    found = await core.router.complete(context(), ["fact"], "topic", "lend")
    assert values(found)[:2] == ["lend-lease", "lend-lease-act"]
    inside = await core.router.complete(context(), ["fact"], "topic", "lease")
    assert values(inside)[0] in {"lend-lease", "lend-lease-act"}


async def test_facts_are_offered_by_id_and_title_with_their_year(core: Core) -> None:
    found = await core.router.complete(context(), ["fact"], "topic", "yalta")
    assert "yalta-conference" in values(found)
    fact = next(choice for choice in found if choice.value == "yalta-conference")
    assert "1945" in fact.label_in("en")
    by_title = await core.router.complete(context(), ["fact"], "topic", "barbarossa")
    assert values(by_title)[:1] == ["operation-barbarossa"]


async def test_time_zones_at_most_25_best_first(core: Core) -> None:
    router = core.router
    tokyo = await router.complete(context(), ["subscribe"], "timezone", "tokyo")
    assert values(tokyo)[0] == "Asia/Tokyo"
    america = await router.complete(context(), ["subscribe"], "timezone", "america/")
    assert len(america) == 25 and all(name.startswith("America/") for name in values(america))
    # Nothing typed yet: the first 25 in the source's (alphabetical) order.
    first = await router.complete(context(), ["subscribe"], "timezone", "")
    assert values(first) == sorted(available_timezones())[:25]


async def test_a_typo_still_finds_near_misses_after_real_matches(core: Core) -> None:
    found = await core.router.complete(context(), ["subscribe"], "timezone", "Asia/Tokio")
    assert "Asia/Tokyo" in values(found)[:3]


async def test_choices_complete_in_the_callers_language(core: Core) -> None:
    hard = await core.router.complete(context("ja"), ["quiz", "start"], "difficulty", "むず")
    assert values(hard) == ["hard"]
    languages = await core.router.complete(context(), ["subscribe"], "language", "jap")
    assert values(languages) == ["ja"]


@pytest.mark.parametrize(
    ("path", "param"),
    [
        (["quiz", "start"], "nope"),
        (["nope"], "topic"),
        (["leaderboard"], "page"),  # an integer: no suggestions
        (["stats"], "user"),  # names come from the platform's own user picker
        (["quiz"], "topic"),
    ],
)
async def test_nothing_to_suggest(core: Core, path: list[str], param: str) -> None:
    assert await core.router.complete(context(), path, param, "a") == []


async def _unused(context: CommandContext, args: str, lang: Lang) -> Reply:
    return Reply(body=args)


def _router_completing(source: object) -> CommandRouter:
    router = CommandRouter("en")
    param = Param("topic", "string", {"en": "T.", "ja": "T。"}, autocomplete="topic")
    router.register(
        Command("pick", _unused, "pick", {"en": "P.", "ja": "P。"}, "pick", params=(param,))
    )
    router.add_completion("topic", source)  # type: ignore[arg-type]
    return router


async def test_a_failing_source_suggests_nothing_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken() -> list[Choice]:
        raise RuntimeError("store down")

    router = _router_completing(broken)
    with caplog.at_level(logging.ERROR, logger="bot.core.commands"):
        assert await router.complete(context(), ["pick"], "topic", "x") == []
    assert "completion source 'topic' failed" in caplog.text


async def test_many_matches_are_cut_to_25_and_a_source_registers_once() -> None:
    many = tuple(Choice(f"item-{i}", {"en": f"Item {i}", "ja": f"項目{i}"}) for i in range(1000))
    router = _router_completing(lambda: many)
    found = await router.complete(context(), ["pick"], "topic", "item")
    assert values(found) == [f"item-{i}" for i in range(25)]
    with pytest.raises(ValueError, match="twice"):
        router.add_completion("topic", lambda: many)


def test_fold_and_rank_on_their_own() -> None:
    assert fold("Élodie ＴＯＫＹＯ") == "elodie tokyo"
    choices = [
        Choice("b", {"en": "Alpha Beta", "ja": "b"}),
        Choice("a", {"en": "Beta", "ja": "a"}),
        Choice("c", {"en": "Alphabet", "ja": "c"}),
    ]
    # prefix of the label (Beta), then a word's start (Alpha Beta), then inside (Alphabet)
    assert values(rank_choices(choices, "bet", "en", 25)) == ["a", "b", "c"]
    assert values(rank_choices(choices, "bet", "en", 2)) == ["a", "b"]
