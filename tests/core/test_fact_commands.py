"""Every fact command, in English and Japanese, through the router as adapters call it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.commands import CommandRouter
from bot.core.i18n import all_strings
from tests.conftest import ContextFactory

BARBAROSSA_DAY = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)


async def test_today_on_barbarossa_day_in_english(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    reply = await router.handle(make_context(now=BARBAROSSA_DAY), "/alliance today")
    assert not reply.is_error
    assert len(reply.fields) == 1
    assert "85 years ago" in reply.fields[0].name
    assert "Germany invades the Soviet Union" in reply.fields[0].name
    assert reply.sources and reply.sources[0].url.startswith("https://history.state.gov/")


async def test_today_on_barbarossa_day_in_japanese(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    reply = await router.handle(make_context(now=BARBAROSSA_DAY, locale="ja"), "today")
    assert "85年前" in reply.fields[0].name
    assert "バルバロッサ作戦" in reply.fields[0].name
    assert reply.title is not None and "6月22日" in reply.title


async def test_today_follows_the_callers_time_zone(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    # 21 June 20:00 in UTC is already 22 June in Tokyo.
    evening = datetime(2026, 6, 21, 20, 0, tzinfo=UTC)
    in_tokyo = await router.handle(make_context(now=evening, timezone="Asia/Tokyo"), "today")
    in_utc = await router.handle(make_context(now=evening), "today")
    assert in_tokyo.title is not None and "22 June" in in_tokyo.title
    assert "Germany invades" in in_tokyo.fields[0].name
    assert in_utc.title is not None and "21 June" in in_utc.title
    assert "nearest anniversary is 22 June (tomorrow)" in in_utc.body


@pytest.mark.parametrize(("locale", "word"), [("en", "nearest"), ("ja", "いちばん近い")])
async def test_today_with_no_anniversary_points_to_the_next(
    router: CommandRouter, make_context: ContextFactory, locale: str, word: str
) -> None:
    now = datetime(2026, 6, 23, 10, 0, tzinfo=UTC)
    reply = await router.handle(make_context(now=now, locale=locale), "today")
    assert word in reply.body
    assert "226" in reply.body  # 23 June 2026 → 4 February 2027
    assert len(reply.fields) == 1  # the Yalta Conference
    assert "82" in reply.fields[0].name  # 1945 → 2027


@pytest.mark.parametrize("typed", ["06-22", "June 22", "22 June", "6月22日"])
async def test_on_a_given_day(
    router: CommandRouter, make_context: ContextFactory, typed: str
) -> None:
    reply = await router.handle(make_context(), f"/alliance on {typed}")
    assert not reply.is_error
    assert "Germany invades the Soviet Union" in reply.fields[0].name


@pytest.mark.parametrize(("locale", "word"), [("en", "06-22"), ("ja", "6月22日")])
async def test_on_with_a_bad_date_says_what_is_expected(
    router: CommandRouter, make_context: ContextFactory, locale: str, word: str
) -> None:
    reply = await router.handle(make_context(locale=locale), "on 31 February")
    assert reply.is_error and reply.ephemeral
    assert word in reply.body
    missing = await router.handle(make_context(locale=locale), "on")
    assert missing.is_error and word in missing.body


async def test_fact_by_id_and_by_topic(router: CommandRouter, make_context: ContextFactory) -> None:
    by_id = await router.handle(make_context(), "fact yalta-conference")
    assert by_id.title == "The Yalta Conference"
    assert any("4–11 February 1945" in field.value for field in by_id.fields)
    by_topic = await router.handle(make_context(), "fact Lend-Lease")
    assert by_topic.title == "Roosevelt signs the Lend-Lease Act"
    assert by_topic.buttons[0].action == "fact lend-lease"
    in_japanese = await router.handle(make_context(locale="ja-JP"), "fact レンドリース")
    assert in_japanese.title == "ルーズベルトが武器貸与法に署名"


async def test_random_fact_offers_another(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    seen = set()
    for _ in range(30):
        reply = await router.handle(make_context(), "fact")
        assert reply.sources and reply.buttons[0].action == "fact"
        seen.add(reply.title)
    assert len(seen) == 4  # every fixture fact comes up


async def test_fact_with_an_unknown_argument_lists_the_topics(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    reply = await router.handle(make_context(), "fact zeppelins")
    assert reply.is_error
    assert "lend-lease" in reply.body and "search" in reply.body


@pytest.mark.parametrize(("locale", "query"), [("en", "Yalta"), ("ja", "ヤルタ会談")])
async def test_search_lists_date_and_id(
    router: CommandRouter, make_context: ContextFactory, locale: str, query: str
) -> None:
    reply = await router.handle(make_context(locale=locale), f"search {query}")
    assert "`yalta-conference`" in reply.fields[0].value
    assert "1945" in reply.fields[0].value
    assert reply.buttons[0].action == "fact yalta-conference"


async def test_search_without_words_or_matches(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    empty = await router.handle(make_context(), "search")
    assert empty.is_error and "Yalta" in empty.body
    nothing = await router.handle(make_context(), "search zeppelin")
    assert not nothing.fields and "zeppelin" in nothing.body


@pytest.mark.parametrize("locale", ["en", "ja"])
async def test_help_lists_every_command_with_an_example(
    router: CommandRouter, make_context: ContextFactory, locale: str
) -> None:
    reply = await router.handle(make_context(locale=locale), "help")
    names = {command.name for command in router.commands}
    listed = {field.name.split()[1] for field in reply.fields}
    assert listed == names
    assert all("`/alliance " in field.value for field in reply.fields)


@pytest.mark.parametrize(
    ("text", "expected_en", "expected_ja"),
    [
        ("/alliance", "/alliance today", "/alliance today"),
        ("/alliance dance", "“dance”", "「dance」"),
        ("today please", "no arguments", "引数は不要"),
        ("x" * 5000, "too long", "長すぎ"),
        ("search " + "y" * 600, "too long", "長すぎ"),
    ],
)
async def test_bad_input_gets_a_friendly_reply_in_the_callers_language(
    router: CommandRouter,
    make_context: ContextFactory,
    text: str,
    expected_en: str,
    expected_ja: str,
) -> None:
    english = await router.handle(make_context(), text)
    japanese = await router.handle(make_context(locale="ja"), text)
    assert english.is_error and japanese.is_error
    assert expected_en in english.body
    assert expected_ja in japanese.body


async def test_odd_unicode_is_normalised_not_fatal(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    # Zero-width space, full-width letters, and a right-to-left mark around a real command.
    reply = await router.handle(make_context(), "\u200b/ａｌｌｉａｎｃｅ\u200f ＴＯＤＡＹ")
    assert not reply.is_error
    assert "Germany invades" in reply.fields[0].name


async def test_unexpected_failure_becomes_a_polite_reply(
    router: CommandRouter, make_context: ContextFactory
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("boom")

    router._commands["today"] = router._commands["today"].__class__(
        "today",
        broken,
        "today",
        {"en": "", "ja": ""},
        "",  # type: ignore[arg-type]
    )
    reply = await router.handle(make_context(), "today")
    assert reply.is_error and "went wrong" in reply.body


def test_every_ui_string_exists_in_both_languages() -> None:
    for key, texts in all_strings().items():
        assert set(texts) == {"en", "ja"}, key
        assert all(text.strip() for text in texts.values()), key
