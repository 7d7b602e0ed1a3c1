"""Typed command parameters: the grammar of each command, declared once next to its handler.

The text parser (Slack, the shell) reads values with these declarations, and an adapter
generates its own command tree from them (Discord app-command options, autocomplete, Slack
help). Names and descriptions are checked against Discord's limits when declared, so a bad
declaration fails at import or registration rather than when a platform refuses the tree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.core.errors import UsageError
from bot.core.i18n import LANGUAGES, Lang, t_rich
from bot.core.rich import RichText, user_text

# "user": a person on the platform. In a text line it is text (a mention or a name, which
# the command resolves through the caller's MentionResolver); a platform with a user picker
# (Discord) shows one and writes the picked person as its mention form.
ParamKind = Literal["string", "integer", "boolean", "choice", "user"]
# How a value appears in the core's text line: "positional" is one token, "keyword" is
# ``name value`` (``subscribe time 09:00``), "rest" is the rest of the line (search words).
ParamStyle = Literal["positional", "keyword", "rest"]
# Where autocomplete suggestions come from; the composition root registers each source with
# the router (``CommandRouter.add_completion``), so the core's commands stay storage-free.
AutocompleteSource = Literal["topic", "fact", "timezone"]

# Discord's rules for option and command names, descriptions and choices.
NAME_PATTERN = re.compile(r"[a-z0-9_-]{1,32}")
# A name in another language (what Discord shows a Japanese client): letters and digits of
# any script, ``-`` and ``_``, no spaces, and lower-case where the script has case.
LOCALIZED_NAME_PATTERN = re.compile(r"[-_\w]{1,32}")
MAX_DESCRIPTION = 100
MAX_CHOICES = 25
MAX_CHOICE_TEXT = 100
# The integers a text parser may hand to int() and an SQL integer column.
MAX_INTEGER_DIGITS = 9

_SWITCH_WORDS = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


def check_name(name: str, what: str) -> None:
    """A Discord command or option name: lower-case ``[a-z0-9_-]{1,32}``.

    Raises:
        ValueError: naming ``what`` and the bad name.
    """
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"{what} name {name!r} must match [a-z0-9_-]{{1,32}}")


def check_localized_names(names: dict[Lang, str], what: str) -> None:
    """A command's or parameter's names in languages other than English (the English name
    is the one the text grammar reads, so it is never given here).

    Raises:
        ValueError: naming ``what``, the language and the bad name.
    """
    for lang, name in names.items():
        if lang not in LANGUAGES or lang == "en":
            raise ValueError(f"{what} has a name in {lang!r}, not a non-English language")
        if not LOCALIZED_NAME_PATTERN.fullmatch(name) or name != name.lower():
            raise ValueError(
                f"{what} name in {lang} {name!r} must be 1 to 32 lower-case letters, "
                "digits, '-' or '_'"
            )


def check_unique_names(named: Sequence[tuple[str, dict[Lang, str]]], what: str) -> None:
    """No two of ``named`` (English name, other names) show the same name in any language;
    a language without a name of its own shows the English one.

    Raises:
        ValueError: naming ``what``, the language and the name used twice.
    """
    for lang in LANGUAGES:
        shown = [names.get(lang, name) for name, names in named]
        twice = sorted({name for name in shown if shown.count(name) > 1})
        if twice:
            raise ValueError(f"{what} has the {lang} name {twice[0]!r} twice")


def check_texts(texts: dict[Lang, str], what: str, limit: int = MAX_DESCRIPTION) -> None:
    """One non-empty text per language, each at most ``limit`` characters.

    Raises:
        ValueError: naming ``what`` and the language at fault.
    """
    missing = [lang for lang in LANGUAGES if not texts.get(lang, "").strip()]
    if missing:
        raise ValueError(f"{what} has no text in {', '.join(missing)}")
    extra = set(texts) - set(LANGUAGES)
    if extra:
        raise ValueError(f"{what} has text in unknown languages {sorted(extra)}")
    for lang, text in texts.items():
        if len(text) > limit:
            raise ValueError(f"{what} in {lang} is {len(text)} characters, more than {limit}")


@dataclass(frozen=True)
class Choice:
    """One allowed value of a parameter, or one autocomplete suggestion: ``value`` goes into
    the command line, ``label`` is what the caller sees in their language."""

    value: str
    label: dict[Lang, str]

    def __post_init__(self) -> None:
        if not self.value or len(self.value) > MAX_CHOICE_TEXT:
            raise ValueError(f"choice value {self.value[:40]!r} must have 1 to 100 characters")
        check_texts(self.label, f"choice {self.value!r}", MAX_CHOICE_TEXT)

    def label_in(self, lang: Lang) -> str:
        return self.label[lang]


@dataclass(frozen=True)
class Param:
    """A parameter of a command. ``required`` parameters come before optional ones (Discord
    requires it); ``choices`` only for kind "choice"; ``min_value``/``max_value`` only for
    integers; ``autocomplete`` only for strings. ``names``: what a platform shows a client
    in another language instead of ``name`` (Discord's localised option names); the text
    grammar reads ``name`` only."""

    name: str
    kind: ParamKind
    description: dict[Lang, str]
    style: ParamStyle = "positional"
    required: bool = False
    choices: tuple[Choice, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    autocomplete: AutocompleteSource | None = None
    names: dict[Lang, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_name(self.name, "parameter")
        check_localized_names(self.names, f"parameter {self.name!r}")
        check_texts(self.description, f"parameter {self.name!r} description")
        where = f"parameter {self.name!r}"
        if self.kind == "choice":
            if not 1 <= len(self.choices) <= MAX_CHOICES:
                raise ValueError(f"{where} needs 1 to {MAX_CHOICES} choices")
            values = [choice.value for choice in self.choices]
            if len(set(values)) != len(values):
                raise ValueError(f"{where} has the same choice twice")
            if any(value != value.strip() or " " in value for value in values):
                # A choice value travels as one token of the command line.
                raise ValueError(f"{where}: a choice value must be one word")
        elif self.choices:
            raise ValueError(f"{where}: only a 'choice' parameter has choices")
        if self.kind != "integer" and (self.min_value is not None or self.max_value is not None):
            raise ValueError(f"{where}: only an integer parameter has a minimum or maximum")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(f"{where}: min_value {self.min_value} > max_value {self.max_value}")
        if self.autocomplete is not None and self.kind != "string":
            raise ValueError(f"{where}: only a string parameter has autocomplete")
        if self.style == "rest" and self.kind not in ("string", "user"):
            raise ValueError(f"{where}: only a string parameter takes the rest of the line")

    def describe(self, lang: Lang) -> str:
        return self.description[lang]

    def name_in(self, lang: Lang) -> str:
        """The name a client in ``lang`` sees (English where none is declared)."""
        return self.names.get(lang, self.name)

    # -- reading typed text, with a reply that says what is expected --------------------

    def read_integer(self, text: str, lang: Lang) -> int:
        """``text`` as this integer parameter's value, within its bounds.

        Raises:
            UsageError: saying which whole numbers are accepted.
        """
        value = text.strip()
        if value.isascii() and value.isdecimal() and len(value) <= MAX_INTEGER_DIGITS:
            number = int(value)
            low_ok = self.min_value is None or number >= self.min_value
            high_ok = self.max_value is None or number <= self.max_value
            if low_ok and high_ok:
                return number
        raise UsageError(self.expectation(value, lang))

    def read_choice(self, text: str, lang: Lang) -> str:
        """The value of the choice ``text`` names (its value or its label in any language,
        case folded).

        Raises:
            UsageError: listing the choices.
        """
        wanted = text.strip().casefold()
        for choice in self.choices:
            labels = (label.casefold() for label in choice.label.values())
            if wanted in {choice.value.casefold(), *labels}:
                return choice.value
        raise UsageError(self.expectation(text.strip(), lang))

    def read_boolean(self, text: str, lang: Lang) -> bool:
        """``on``/``off`` (also yes/no, true/false).

        Raises:
            UsageError: saying on or off is expected.
        """
        value = _SWITCH_WORDS.get(text.strip().lower())
        if value is None:
            raise UsageError(self.expectation(text.strip(), lang))
        return value

    def expectation(self, value: str, lang: Lang) -> RichText:
        """What this parameter accepts, for a reply to ``value`` that it does not (quoted
        back as user text)."""
        shown = user_text(value[:40])
        if self.kind == "integer":
            low = 1 if self.min_value is None else self.min_value
            if self.max_value is None:
                return t_rich("err_param_integer_from", lang, name=self.name, min=low, value=shown)
            return t_rich(
                "err_param_integer", lang, name=self.name, min=low, max=self.max_value, value=shown
            )
        if self.kind == "choice":
            values = ", ".join(choice.value for choice in self.choices)
            return t_rich("err_param_choice", lang, name=self.name, values=values, value=shown)
        if self.kind == "boolean":
            return t_rich("err_param_boolean", lang, name=self.name, value=shown)
        return t_rich("err_param_string", lang, name=self.name, value=shown)


def switch_word(value: bool) -> str:
    """How a boolean is written in a command line."""
    return "on" if value else "off"
