"""Commands and parameters declare their names in other languages (what a Japanese Discord
client shows): checked against Discord's rule when declared, unique among siblings in every
language, present on every shipped command and option, and never read by the text grammar."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.app import Core, running_core
from bot.core.clock import SimulatedClock
from bot.core.commands import COMMAND_PREFIX_NAMES, Command, CommandRouter, CommandSpec
from bot.core.context import CommandContext
from bot.core.i18n import Lang
from bot.core.params import Param
from bot.core.replies import Reply
from tests.core.test_command_specs import NOW, context, settings_for
from tests.fakes import FakeChatPort

TEXT: dict[Lang, str] = {"en": "Something.", "ja": "何か。"}
# Discord's rule for a localised name, written out here rather than imported.
DISCORD_LOCALISED_NAME = re.compile(r"^[-_\w]{1,32}$")


async def nothing(context: CommandContext, args: str, lang: Lang) -> Reply:
    return Reply(body=f"ran with {args!r}")


def param(name: str = "page", **overrides: Any) -> Param:
    return Param(name, "string", TEXT, style="keyword", **overrides)


def command(name: str = "thing", **overrides: Any) -> Command:
    return Command(name, nothing, name, TEXT, f"/alliance {name}", **overrides)


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    port = FakeChatPort()
    async with running_core(
        settings_for(tmp_path), {port.platform: port}, SimulatedClock(NOW)
    ) as built:
        yield built


@pytest.mark.parametrize(
    "name", ["出来事", "データ削除", "ランキング", "今日の問題", "a-b_c", "x" * 32]
)
def test_localised_names_discord_accepts_are_accepted(name: str) -> None:
    assert param(names={"ja": name}).name_in("ja") == name
    assert command(names={"ja": name}).name_in("ja") == name


@pytest.mark.parametrize(
    "name", ["", "データ 削除", "Ranking", "x" * 33, "今日の問題？", "購読/解除", "a.b"]
)
def test_localised_names_discord_refuses_fail_at_declaration(name: str) -> None:
    with pytest.raises(ValueError, match="lower-case"):
        param(names={"ja": name})
    with pytest.raises(ValueError, match="lower-case"):
        command(names={"ja": name})


def test_names_only_in_languages_other_than_english() -> None:
    with pytest.raises(ValueError, match="non-English"):
        param(names={"en": "page"})
    with pytest.raises(ValueError, match="non-English"):
        command(names={"fr": "chose"})  # type: ignore[dict-item]


def test_english_shows_when_no_localised_name_is_declared() -> None:
    assert param().name_in("ja") == "page" and param().name_in("en") == "page"


def test_sibling_parameters_may_not_share_a_japanese_name() -> None:
    with pytest.raises(ValueError, match="ja name 'ページ' twice"):
        command(params=(param("page", names={"ja": "ページ"}), param("p", names={"ja": "ページ"})))
    # Nor a Japanese name that is another parameter's English name (shown where it has none).
    with pytest.raises(ValueError, match="ja name 'user' twice"):
        command(params=(param("page", names={"ja": "user"}), param("user")))
    # Parameters of different commands, and a command and its own parameter, may.
    command("on", params=(param("date", names={"ja": "日付"}),), names={"ja": "日付"})


def test_subcommands_may_not_share_a_japanese_name() -> None:
    with pytest.raises(ValueError, match="ja name '開始' twice"):
        command(
            "quiz",
            subcommands=(
                command("start", names={"ja": "開始"}),
                command("go", names={"ja": "開始"}),
            ),
        )


def test_registered_commands_may_not_share_a_japanese_name() -> None:
    router = CommandRouter("en")
    router.register(command("today", names={"ja": "今日"}))
    with pytest.raises(ValueError, match="ja name '今日' twice"):
        router.register(command("now", names={"ja": "今日"}))
    assert [c.name for c in router.commands] == ["today"]  # the refused one was not added


def every_level(specs: Sequence[CommandSpec]) -> list[list[tuple[str, dict[Lang, str]]]]:
    levels = [[(spec.name, spec.names) for spec in specs]]
    for spec in specs:
        levels.append([(sub.name, sub.names) for sub in spec.subcommands])
        levels.append([(p.name, p.names) for p in spec.params])
        levels += [[(p.name, p.names) for p in sub.params] for sub in spec.subcommands]
    return [level for level in levels if level]


def test_every_shipped_command_and_option_has_a_valid_unique_japanese_name(core: Core) -> None:
    assert DISCORD_LOCALISED_NAME.match(COMMAND_PREFIX_NAMES["ja"])
    levels = every_level(core.router.specs())
    assert len(levels) > 3
    for level in levels:
        japanese = [names.get("ja") for _, names in level]
        assert all(name and DISCORD_LOCALISED_NAME.match(name) for name in japanese), level
        assert all(name == name.lower() for name in japanese if name)
        assert len(set(japanese)) == len(japanese), level
    by_name = {spec.name: spec for spec in core.router.specs()}
    # The glossary's and the brief's terms.
    assert by_name["fact"].names["ja"] == "出来事"
    assert by_name["leaderboard"].names["ja"] == "ランキング"
    assert [s.names["ja"] for s in by_name["quiz"].subcommands] == ["開始", "終了"]
    assert [p.names["ja"] for p in by_name["subscribe"].params] == [
        "時刻",
        "タイムゾーン",
        "言語",
        "今日の問題",
    ]


async def test_the_text_grammar_reads_english_names_only(core: Core) -> None:
    assert core.router.command_for(["出来事"]) is None
    assert core.router.command_for_line("/alliance 出来事") is None
    typed = await core.router.handle(context(locale="ja"), "/alliance 日付 6月22日")
    assert typed.is_error
    english = await core.router.handle(context(locale="ja"), "/alliance on 6月22日")
    assert not english.is_error
    # A Japanese option name is not a keyword: it stays part of the value.
    with pytest.raises(ValueError, match="no parameter"):
        core.router.command_line(["search"], {"検索語": "Yalta"})
