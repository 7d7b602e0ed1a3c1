"""normalize_input: the printable-ASCII shortcut gives what the full rule gives.

A zero-width space (a format character, which the rule drops) in front of a line sends it
down the full rule's path, so comparing the two answers checks the shortcut without writing
the rule out a second time here.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.commands import normalize_input

FULL_RULE = "\u200b"


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=40))
def test_any_ascii_line_normalises_as_the_full_rule_does(text: str) -> None:
    assert normalize_input(text) == normalize_input(FULL_RULE + text)


@given(st.text(alphabet=" \t\n\x00\x1c\x7f\x85\xa0\u200b\u3000ｆa~", max_size=12))
def test_lines_mixing_ascii_with_other_spaces_and_controls_normalise_as_the_full_rule_does(
    text: str,
) -> None:
    assert normalize_input(text) == normalize_input(FULL_RULE + text)


def test_runs_of_spaces_collapse_and_ends_are_trimmed() -> None:
    assert normalize_input("  fact   lend-lease  ") == "fact lend-lease"
    assert normalize_input("fact\tlend-lease") == "fact lend-lease"
    assert normalize_input("ｆａｃｔ　ヤルタ") == "fact ヤルタ"
    assert normalize_input("\x00fact\u200b lend\x7f-lease\u202e") == "fact lend-lease"
