"""normalize_input: the printable-ASCII shortcut gives what the full rule gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.core.commands import normalize_input


def by_the_rule(text: str) -> str:
    """The documented rule, spelled out: NFKC, control and format characters dropped,
    every run of whitespace one space, no space at either end."""
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return re.sub(r"\s+", " ", kept).strip()


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=40))
def test_any_ascii_line_normalises_as_the_rule_says(text: str) -> None:
    assert normalize_input(text) == by_the_rule(text)


@given(st.text(alphabet=" \t\n\x00\x1c\x7f\x85\xa0\u200b\u3000ｆa~", max_size=12))
def test_lines_mixing_ascii_with_other_spaces_and_controls_normalise_as_the_rule_says(
    text: str,
) -> None:
    assert normalize_input(text) == by_the_rule(text)


def test_runs_of_spaces_collapse_and_ends_are_trimmed() -> None:
    assert normalize_input("  fact   lend-lease  ") == "fact lend-lease"
    assert normalize_input("fact\tlend-lease") == "fact lend-lease"
    assert normalize_input("ｆａｃｔ　ヤルタ") == "fact ヤルタ"
