"""Cutting a fact's text to its first sentence, and quoting a title inside a prompt."""

from __future__ import annotations

import re

from bot.core.i18n import Lang

# A full stop ends an English sentence only when a capital (or a digit, or an opening quote)
# starts the next one and the word before it is not an abbreviation: initials ("Franklin
# D. Roosevelt"), dotted abbreviations ("U.S.", "p.m.") and titles ("Gen.", "St.").
_EN_END = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(
    r"(?:^|[\s(\"“‘])(?:[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Adm|Cmdr"
    r"|Sgt|Gov|Sen|Rep|Pres|Prof|Rev|Hon|St|Mt|No|Nos|Jr|Sr|vs|etc|approx|ca|cf)$"
)
_JA_OPEN = "「『（(〈《【"
_JA_CLOSE = "」』）)〉》】"
_JA_END = "。！？"


def first_sentence(text: str, lang: Lang) -> str:
    """The first sentence of ``text`` (the whole text when it has only one)."""
    text = text.strip()
    if lang == "ja":
        return _first_japanese_sentence(text)
    for match in _EN_END.finditer(text):
        before = text[: match.start()]
        if not _ABBREVIATION.search(before):
            return text[: match.end()]
    return text


def _first_japanese_sentence(text: str) -> str:
    # 「。」 needs no space after it; a 。 inside brackets ends a quotation, not the sentence.
    depth = 0
    for index, char in enumerate(text):
        if char in _JA_OPEN:
            depth += 1
        elif char in _JA_CLOSE:
            depth = max(0, depth - 1)
        elif char in _JA_END and depth == 0:
            return text[: index + 1]
    return text


_EN_DOUBLE = re.compile(r"\"([^\"]*)\"|“([^”]*)”")


def quoted(title: str, lang: Lang) -> str:
    """``title`` in quotation marks, its own quotations turned to the inner kind."""
    if lang == "ja":
        return "「" + title.replace("「", "『").replace("」", "』") + "」"
    inner = _EN_DOUBLE.sub(
        lambda m: f"‘{m.group(1) if m.group(1) is not None else m.group(2)}’", title
    )
    return f"“{inner}”"
