"""Typed parameters and commands refuse declarations a platform would refuse, when declared,
and read typed text with replies that say what is expected."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.commands import Command, UsageError
from bot.core.i18n import Lang
from bot.core.params import Choice, Param
from bot.core.replies import Reply

TEXT: dict[Lang, str] = {"en": "Something.", "ja": "何か。"}


async def nothing(context: object, args: str, lang: Lang) -> Reply:
    return Reply(body=args)


def param(**overrides: Any) -> Param:
    values: dict[str, Any] = {"name": "page", "kind": "string", "description": TEXT}
    values.update(overrides)
    return Param(**values)


def command(**overrides: Any) -> Command:
    values: dict[str, Any] = {
        "name": "thing",
        "handler": nothing,
        "usage": "thing",
        "summary": TEXT,
        "example": "/alliance thing",
    }
    values.update(overrides)
    return Command(**values)


@pytest.mark.parametrize("name", ["page", "forget-me", "time_zone", "a", "x" * 32, "n2"])
def test_discord_option_names_are_accepted(name: str) -> None:
    assert param(name=name).name == name


@pytest.mark.parametrize("name", ["", "Page", "two words", "x" * 33, "トピック", "page!", "é"])
def test_names_discord_refuses_fail_at_declaration(name: str) -> None:
    with pytest.raises(ValueError, match=r"\[a-z0-9_-\]\{1,32\}"):
        param(name=name)
    with pytest.raises(ValueError, match="command name"):
        command(name=name)


@pytest.mark.parametrize(
    ("description", "problem"),
    [
        ({"en": "x" * 101, "ja": "説明"}, "101 characters, more than 100"),
        ({"en": "Fine.", "ja": "あ" * 101}, "in ja is 101 characters"),
        ({"en": "Only English."}, "no text in ja"),
        ({"en": "  ", "ja": "説明"}, "no text in en"),
        ({"en": "Fine.", "ja": "説明", "fr": "Non."}, "unknown languages"),
    ],
)
def test_descriptions_need_every_language_within_100_characters(
    description: dict[Lang, str], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        param(description=description)


def test_exactly_100_characters_is_allowed() -> None:
    assert param(description={"en": "x" * 100, "ja": "あ" * 100}).describe("ja") == "あ" * 100


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"kind": "choice"}, "1 to 25 choices"),
        ({"kind": "choice", "choices": tuple(Choice(str(i), TEXT) for i in range(26))}, "25"),
        ({"kind": "choice", "choices": (Choice("a", TEXT), Choice("a", TEXT))}, "twice"),
        ({"kind": "choice", "choices": (Choice("two words", TEXT),)}, "one word"),
        ({"kind": "string", "choices": (Choice("a", TEXT),)}, "only a 'choice'"),
        ({"kind": "string", "min_value": 1}, "only an integer"),
        ({"kind": "integer", "min_value": 5, "max_value": 4}, "min_value 5 > max_value 4"),
        ({"kind": "integer", "autocomplete": "topic"}, "only a string parameter has"),
        ({"kind": "boolean", "style": "rest"}, "rest of the line"),
    ],
)
def test_inconsistent_parameters_fail_at_declaration(
    overrides: dict[str, Any], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        param(**overrides)


def test_choices_need_a_value_and_labels_in_every_language() -> None:
    with pytest.raises(ValueError, match="1 to 100 characters"):
        Choice("", TEXT)
    with pytest.raises(ValueError, match="1 to 100 characters"):
        Choice("v" * 101, TEXT)
    with pytest.raises(ValueError, match="no text in ja"):
        Choice("v", {"en": "Label"})


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"params": (param(name="a"), param(name="a"))}, "parameter name twice"),
        (
            {"params": (param(name="a"), param(name="b", required=True))},
            "required parameter 'b' after an optional one",
        ),
        (
            {"params": (param(name="a", style="rest"), param(name="b"))},
            "rest parameter 'a' must be the last",
        ),
        ({"params": tuple(param(name=f"p{i}") for i in range(26))}, "more than 25"),
        ({"subcommands": (command(name="a"), command(name="a"))}, "subcommand name twice"),
        (
            {"subcommands": (command(name="a", subcommands=(command(name="b"),)),)},
            "has subcommands",
        ),
        ({"subcommands": (command(name="a"),), "params": (param(),)}, "so no parameters"),
        ({"aliases": ("Bad Alias",)}, "alias name"),
    ],
)
def test_inconsistent_commands_fail_at_declaration(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        command(**overrides)


QUESTIONS = Param("questions", "integer", TEXT, style="keyword", min_value=1, max_value=20)
DIFFICULTY = Param(
    "difficulty",
    "choice",
    TEXT,
    choices=(Choice("easy", {"en": "Easy", "ja": "やさしい"}), Choice("hard", TEXT)),
)
SWITCH = Param("question", "boolean", TEXT)


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("20", 20), (" 07 ", 7)])
def test_integers_within_bounds_are_read(text: str, value: int) -> None:
    assert QUESTIONS.read_integer(text, "en") == value


@pytest.mark.parametrize("text", ["0", "21", "-1", "many", "", "١٢", "3.5", "9" * 400])
def test_integers_out_of_bounds_say_which_are_accepted(text: str) -> None:
    with pytest.raises(UsageError) as english:
        QUESTIONS.read_integer(text, "en")
    assert "`questions` is a whole number from 1 to 20" in english.value.message
    assert f"“{text[:40]}”" in english.value.message
    with pytest.raises(UsageError) as japanese:
        QUESTIONS.read_integer(text, "ja")
    assert "1〜20の整数" in japanese.value.message


def test_an_integer_without_a_maximum_says_only_its_minimum() -> None:
    page = Param("page", "integer", TEXT, min_value=1)
    assert page.read_integer("123456789", "en") == 123456789
    with pytest.raises(UsageError, match="whole number from 1;"):
        page.read_integer("0", "en")


def test_choices_are_read_by_value_or_label_in_any_language_or_case() -> None:
    assert DIFFICULTY.read_choice("EASY", "en") == "easy"
    assert DIFFICULTY.read_choice("やさしい", "en") == "easy"
    with pytest.raises(UsageError, match="`difficulty` is one of easy, hard; “medium”"):
        DIFFICULTY.read_choice("medium", "en")


@pytest.mark.parametrize(("text", "value"), [("on", True), ("OFF", False), ("yes", True)])
def test_switches_read_on_and_off(text: str, value: bool) -> None:
    assert SWITCH.read_boolean(text, "en") is value


def test_a_bad_switch_says_on_or_off() -> None:
    with pytest.raises(UsageError, match="`question` is on or off; “maybe”"):
        SWITCH.read_boolean("maybe", "en")
    with pytest.raises(UsageError, match="on か off"):
        SWITCH.read_boolean("maybe", "ja")
