"""A neutral :class:`~bot.core.replies.Reply` as Discord embed and component JSON: pure
functions, no client, so Discord's limits are tested without a network.

Limits are kept by shortening (``bot.core.replies.shorten``), never left to an API error:
title 256, description 4096, 25 fields of 256/1024, footer 2048, 6000 characters in all.
Buttons pack into action rows of at most 5, at most 25 in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.i18n import Lang, t
from bot.core.replies import Button, Field, Reply, SourceLink, shorten
from bot.core.rich import RichText, render_discord, render_plain

__all__ = [
    "ACKNOWLEDGED_EMOJI",
    "BUTTON_PREFIX",
    "LIMITS",
    "EmbedLimits",
    "button_custom_id",
    "button_label",
    "button_rows",
    "components_json",
    "embed_json",
]

# Marks the bot's own buttons; the rest of the custom_id is the core's command line.
BUTTON_PREFIX = "a1:"
ACKNOWLEDGED_EMOJI = "✅"
_COLOUR = 0x8B1A1A  # a dark red for the alliance's posters
_ERROR_COLOUR = 0xE67E22
_EMPTY = "\u200b"  # Discord refuses an empty field value
_STYLES = {"primary": 1, "secondary": 2, "success": 3, "danger": 4}

Json = dict[str, Any]


@dataclass(frozen=True)
class EmbedLimits:
    """Discord's embed limits, in characters."""

    title: int = 256
    description: int = 4096
    fields: int = 25
    field_name: int = 256
    field_value: int = 1024
    footer: int = 2048
    total: int = 6000
    buttons_per_row: int = 5
    rows: int = 5
    custom_id: int = 100
    label: int = 80


LIMITS = EmbedLimits()


def _link(source: SourceLink) -> str:
    # A masked link: the title's brackets would end the link text early.
    title = source.title.replace("[", "(").replace("]", ")")
    return f"[{title}]({source.url})"


def _sources_field(sources: tuple[SourceLink, ...], lang: Lang) -> Field | None:
    lines: list[str] = []
    used = 0
    for source in sources:
        if not source.url.startswith(("https://", "http://")):
            continue
        line = _link(source)
        if used + len(line) + 1 > LIMITS.field_value:
            break  # a half link is no link: the sources that fit whole
        lines.append(line)
        used += len(line) + 1
    return Field(t("field_sources", lang), "\n".join(lines)) if lines else None


class _Budget:
    """What is left of the 6000 characters an embed may hold in all."""

    def __init__(self, total: int) -> None:
        self.left = total

    def take(self, text: str, limit: int) -> str:
        """``text`` shortened to ``limit`` and to what is left; "" when nothing is."""
        room = min(limit, self.left)
        kept = shorten(text, room) if room > 1 else ""
        self.left -= len(kept)
        return kept


def _footer(footer: RichText | None, marker: str | None, budget: _Budget) -> str | None:
    # Discord shows an embed footer as it is (no markdown), so it is rendered as plain text.
    text = render_plain(footer) if footer else None
    if marker is None:
        return budget.take(text, LIMITS.footer) or None if text else None
    # The post marker must end the footer, whole: the text gives way to it.
    budget.left -= len(marker)
    if not text:
        return marker
    kept = budget.take(text, LIMITS.footer - len(marker) - 3)
    budget.left -= 3
    return f"{kept} · {marker}" if kept else marker


def _field_part(text: str, limit: int, budget: _Budget) -> str:
    # Discord refuses an empty name or value: the blank stands in, and counts toward 6000.
    kept = budget.take(text, limit)
    if kept:
        return kept
    budget.left -= len(_EMPTY)
    return _EMPTY


def _field(field: Field, budget: _Budget) -> Json | None:
    if budget.left < 2 * len(_EMPTY) + 8:
        return None  # not enough left for anything a reader could use
    # The name leaves at least the blank for its value.
    name_room = min(LIMITS.field_name, budget.left - len(_EMPTY))
    name = _field_part(render_discord(field.name), name_room, budget)
    value = _field_part(render_discord(field.value), LIMITS.field_value, budget)
    return {"name": name, "value": value, "inline": field.inline}


def embed_json(reply: Reply, lang: Lang, marker: str | None = None) -> Json:
    """The embed of ``reply``; ``marker`` (a post marker) ends the footer, whole.

    Within the 6000 characters in all, the title, the footer and the sources come first,
    then the body, then the fields in order (those that no longer fit are left out).
    """
    embed: Json = {"type": "rich", "color": _ERROR_COLOUR if reply.is_error else _COLOUR}
    budget = _Budget(LIMITS.total)
    if reply.title:
        embed["title"] = budget.take(render_discord(reply.title), LIMITS.title)
    if (footer := _footer(reply.footer, marker, budget)) is not None:
        embed["footer"] = {"text": footer}
    sources = _sources_field(reply.sources, reply.lang or lang)
    sources_json = _field(sources, budget) if sources else None
    body = render_discord(reply.body) if reply.body else ""
    if body and (description := budget.take(body, LIMITS.description)):
        embed["description"] = description
    room = LIMITS.fields - (1 if sources_json else 0)
    fields = [f for f in (_field(field, budget) for field in reply.fields[:room]) if f]
    if sources_json:
        fields.append(sources_json)
    if fields:
        embed["fields"] = fields
    return embed


def button_custom_id(button: Button) -> str:
    """The custom_id that brings a press back to the core's command line."""
    return BUTTON_PREFIX + button.action


def button_rows(buttons: tuple[Button, ...]) -> list[list[Button]]:
    """``buttons`` in action rows of at most 5; beyond 25 buttons the rest are dropped."""
    kept = buttons[: LIMITS.buttons_per_row * LIMITS.rows]
    size = LIMITS.buttons_per_row
    return [list(kept[i : i + size]) for i in range(0, len(kept), size)]


def button_label(button: Button) -> str:
    """What a button shows: a marked one (the right answer) carries the check mark."""
    label = f"{ACKNOWLEDGED_EMOJI} {button.label}" if button.marked else button.label
    return shorten(label, LIMITS.label)


def button_json(button: Button) -> Json:
    return {
        "type": 2,
        "style": _STYLES[button.style],
        "label": button_label(button),
        "custom_id": button_custom_id(button),
        "disabled": button.disabled,
    }


def components_json(buttons: tuple[Button, ...]) -> list[Json]:
    """Action rows (type 1) of buttons (type 2), for a message the bot posts itself."""
    return [
        {"type": 1, "components": [button_json(button) for button in row]}
        for row in button_rows(buttons)
    ]
