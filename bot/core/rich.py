"""Rich text that keeps what users typed apart from the bot's own markup.

A reply's text is a :data:`RichText`: either a ``str`` — the bot's own words, written in
the neutral markup (``**bold**`` and ``code`` in backticks) — or a :class:`Text`, a tuple of
spans in which :class:`Plain` marks text that came from users or from a platform (names,
search words, typed answers, channel names). Each platform renders both at the edge:
:func:`render_discord` escapes Plain text's markdown and defangs its mentions,
:func:`render_slack` escapes ``&``, ``<`` and ``>`` and breaks mrkdwn in it, and
:func:`render_plain` is the terminal's look. The bot's own emphasis comes out as each
platform's (``**bold**`` on Discord, ``*bold*`` in Slack mrkdwn), and nothing a user types
can become a mention, a link or formatting.

Text refuses to be flattened into an f-string or ``str.format`` (a ``TypeError``), because a
flattened Text would be taken for the bot's own markup and lose its escaping; join texts
with ``+``, :func:`join` or :func:`fill`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, urlsplit

__all__ = [
    "Bold",
    "Code",
    "Link",
    "Markup",
    "Plain",
    "RichText",
    "Span",
    "Text",
    "bold",
    "code",
    "fill",
    "is_blank",
    "join",
    "render_discord",
    "render_plain",
    "render_slack",
    "user_text",
]


@dataclass(frozen=True)
class Plain:
    """Text from users or from a platform: shown exactly as typed, never as markup."""

    text: str


@dataclass(frozen=True)
class Markup:
    """The bot's own words in the neutral markup (``**bold**``, ``code`` in backticks)."""

    text: str


@dataclass(frozen=True)
class Bold:
    """Emphasis around other spans (a user's name in bold stays escaped inside)."""

    inner: Text


@dataclass(frozen=True)
class Code:
    """Inline code (a fact id, a command): shown literally on every platform."""

    text: str


@dataclass(frozen=True)
class Link:
    """A labelled link; the label is plain text. Only http(s) URLs become links."""

    label: str
    url: str


Span = Plain | Markup | Bold | Code | Link


@dataclass(frozen=True)
class Text:
    """A sequence of spans; build it with :func:`user_text`, ``+``, :func:`join`, :func:`fill`."""

    spans: tuple[Span, ...] = ()

    def __add__(self, other: RichText) -> Text:
        return Text(self.spans + _spans(other))

    def __radd__(self, other: str) -> Text:
        return Text(_spans(other) + self.spans)

    def __bool__(self) -> bool:
        return not is_blank(self)

    def __contains__(self, shown: str) -> bool:
        """Whether ``shown`` is part of what the text reads as (its plain rendering)."""
        return shown in render_plain(self)

    def __str__(self) -> str:
        raise TypeError("render a Text with render_plain/render_discord/render_slack")

    def __format__(self, spec: str) -> str:
        # An f-string would turn escaped user text into the bot's own markup.
        raise TypeError("a Text cannot go into an f-string or str.format; use rich.fill or +")


# What a reply carries: the bot's own neutral markup (str) or a Text with user input in it.
RichText = str | Text


def _spans(value: RichText | Span) -> tuple[Span, ...]:
    if isinstance(value, Text):
        return value.spans
    if isinstance(value, str):
        return (Markup(value),) if value else ()
    return (value,)


def user_text(value: str) -> Text:
    """Mark ``value`` as user or platform text: escaped wherever it is shown."""
    return Text((Plain(value),)) if value else Text()


def bold(value: RichText) -> Text:
    """``value`` in bold, its user text still escaped."""
    return Text((Bold(Text(_spans(value))),))


def code(value: str) -> Text:
    """``value`` as inline code."""
    return Text((Code(value),))


def join(separator: RichText, parts: Iterable[RichText]) -> Text:
    """Like ``str.join``, keeping each part's spans."""
    spans: list[Span] = []
    for i, part in enumerate(parts):
        if i:
            spans.extend(_spans(separator))
        spans.extend(_spans(part))
    return Text(tuple(spans))


def fill(template: str, **values: object) -> RichText:
    """``template.format(**values)`` where a :class:`Text` value keeps its spans.

    The template is the bot's own markup; so are values that are not Text (numbers, the
    bot's own words). Without any Text value the result is a plain ``str``.
    """
    if not any(isinstance(value, Text) for value in values.values()):
        return template.format(**values)
    spans: list[Span] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        spans.extend(_spans(literal))
        if name is None:
            continue
        value = values[name]
        if isinstance(value, Text):
            spans.extend(value.spans)
            continue
        if conversion == "r":
            value = repr(value)
        elif conversion == "a":
            value = ascii(value)
        spans.extend(_spans(format(value, spec or "")))
    return Text(tuple(spans))


def is_blank(value: RichText) -> bool:
    """Whether ``value`` shows nothing."""
    if isinstance(value, str):
        return not value.strip()
    return all(_span_blank(span) for span in value.spans)


def _span_blank(span: Span) -> bool:
    if isinstance(span, Bold):
        return is_blank(span.inner)
    if isinstance(span, Link):
        return not span.label.strip()
    return not span.text.strip()


class _Renderer(Protocol):
    def plain(self, text: str) -> str: ...
    def markup(self, text: str) -> str: ...
    def bold(self, inner: str) -> str: ...
    def code(self, text: str) -> str: ...
    def link(self, label: str, url: str) -> str: ...


def _render(value: RichText, renderer: _Renderer) -> str:
    if isinstance(value, str):
        return renderer.markup(value)
    out: list[str] = []
    for span in _merged(value.spans):
        if isinstance(span, Plain):
            out.append(renderer.plain(span.text))
        elif isinstance(span, Markup):
            out.append(renderer.markup(span.text))
        elif isinstance(span, Bold):
            out.append(renderer.bold(_render(span.inner, renderer)))
        elif isinstance(span, Code):
            out.append(renderer.code(span.text))
        elif _is_web_url(span.url):
            out.append(renderer.link(span.label, span.url))
        else:
            out.append(renderer.plain(span.label))
    return "".join(out)


def _merged(spans: tuple[Span, ...]) -> list[Span]:
    # Neighbouring markup is one piece of the bot's text ("**" + "3" + "** pts" from a
    # template), so its bold marks pair up across the values filled in between.
    merged: list[Span] = []
    for span in spans:
        if isinstance(span, Markup) and merged and isinstance(merged[-1], Markup):
            merged[-1] = Markup(merged[-1].text + span.text)
        else:
            merged.append(span)
    return merged


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and url.isprintable()


def _safe_url(url: str) -> str:
    # Characters that would end the link early on either platform are percent-encoded.
    return quote(url, safe=":/?#@!$&'*+,;=%-._~[]")


# --- the terminal -------------------------------------------------------------------------


class _PlainRenderer:
    # The shell shows the neutral markup as it is (its look since the first version): a
    # terminal interprets none of it, so user text needs no escaping there.
    def plain(self, text: str) -> str:
        return text

    def markup(self, text: str) -> str:
        return text

    def bold(self, inner: str) -> str:
        return f"**{inner}**"

    def code(self, text: str) -> str:
        return f"`{text}`"

    def link(self, label: str, url: str) -> str:
        return f"{label} <{url}>"


def render_plain(value: RichText) -> str:
    """``value`` for a terminal (and for places no platform formats, e.g. button labels)."""
    return _render(value, _PlainRenderer())


# --- Discord ------------------------------------------------------------------------------

# What Discord's markdown reads as formatting, spoilers, quotes, masked links and (after a
# "<") mentions, channels, roles, emoji and timestamps; headings and lists only start a
# line. Discord drops a backslash before any ASCII punctuation and shows the character
# itself, so escaping one too many is harmless.
_DISCORD_SPECIAL = re.compile(r"([\\*_~`|<>\[\]])")
_DISCORD_LINE_START = re.compile(r"^(\s*)(#|-|\d+\.)", re.MULTILINE)
# @everyone and @here ping a whole server even as plain words; a zero-width joiner after
# the @ keeps them readable and silent (adapters also send allowed_mentions=none).
_MASS_MENTION = re.compile(r"@(everyone|here|channel)", re.IGNORECASE)
_ZWJ = "\u200d"


def _defang(text: str) -> str:
    return _MASS_MENTION.sub(lambda m: "@" + _ZWJ + m.group(1), text)


def _escape_line_start(match: re.Match[str]) -> str:
    mark = match.group(2)
    # "1." becomes "1\." (the dot makes the list); "#" and "-" get their own backslash.
    escaped = mark[:-1] + "\\." if mark[-1] == "." else "\\" + mark
    return match.group(1) + escaped


class _DiscordRenderer:
    def plain(self, text: str) -> str:
        escaped = _DISCORD_SPECIAL.sub(r"\\\1", text)
        return _defang(_DISCORD_LINE_START.sub(_escape_line_start, escaped))

    def markup(self, text: str) -> str:
        # The neutral markup is Discord's own markdown; only mass mentions are defused.
        return _defang(text)

    def bold(self, inner: str) -> str:
        return f"**{inner}**"

    def code(self, text: str) -> str:
        # Nothing escapes inside a code span: a backtick in it would end the span.
        return "`" + _defang(text.replace("`", "ˋ")) + "`"

    def link(self, label: str, url: str) -> str:
        return f"[{self.plain(label)}](<{_safe_url(url)}>)"


def render_discord(value: RichText) -> str:
    """``value`` as Discord markdown (message content, embed titles, descriptions, fields)."""
    return _render(value, _DiscordRenderer())


# --- Slack --------------------------------------------------------------------------------

_NEUTRAL_BOLD = re.compile(r"\*\*(.+?)\*\*")
# mrkdwn has no escape character. Its formatting marks count only at word boundaries, so a
# zero-width space on each side of one in user text leaves it an ordinary character.
_SLACK_FORMATTING = re.compile(r"([*_~`])")
_SLACK_QUOTE = re.compile(r"^(\s*)&gt;", re.MULTILINE)
_ZWSP = "\u200b"


def _slack_escape(text: str) -> str:
    # Slack's three control characters; everything else is sent as it is.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _SlackRenderer:
    def plain(self, text: str) -> str:
        escaped = _SLACK_FORMATTING.sub(_ZWSP + r"\1" + _ZWSP, _slack_escape(text))
        return _defang(_SLACK_QUOTE.sub(r"\1" + _ZWSP + "&gt;", escaped))

    def markup(self, text: str) -> str:
        return _defang(_NEUTRAL_BOLD.sub(r"*\1*", _slack_escape(text)))

    def bold(self, inner: str) -> str:
        return f"*{inner}*"

    def code(self, text: str) -> str:
        return "`" + _slack_escape(text.replace("`", "ˋ")) + "`"

    def link(self, label: str, url: str) -> str:
        # The URL is percent-encoded up to its "|"; the label may hold "|" after it.
        return f"<{_safe_url(url)}|{self.plain(label)}>"


def render_slack(value: RichText) -> str:
    """``value`` as Slack mrkdwn (``text`` of a message, mrkdwn text objects)."""
    return _render(value, _SlackRenderer())
