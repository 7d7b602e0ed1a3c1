"""The neutral reply of every core command; adapters render it as an embed, Block Kit or text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ButtonStyle = Literal["primary", "secondary", "success", "danger"]


@dataclass(frozen=True)
class Field:
    """A titled piece of a reply (an embed field, a Block Kit section)."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class SourceLink:
    """Where the reader can check what the reply says."""

    title: str
    url: str


@dataclass(frozen=True)
class Button:
    """A button; pressing it runs ``action``, a command line in the core's own syntax."""

    label: str
    action: str
    style: ButtonStyle = "secondary"


@dataclass(frozen=True)
class Reply:
    """What the bot says: platform-neutral, rendered by each adapter."""

    body: str
    title: str | None = None
    fields: tuple[Field, ...] = ()
    sources: tuple[SourceLink, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: str | None = None
    ephemeral: bool = False
    is_error: bool = False


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.、。") + "…"
