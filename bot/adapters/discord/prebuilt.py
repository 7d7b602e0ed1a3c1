"""A reply's embed and buttons rendered once, sent as prebuilt JSON.

The core keeps the replies it answers most with (a fact's reply is built once per fact,
language and topic), so the Discord JSON of such a reply is the same on every send:
:class:`RenderedReplies` keeps it per reply object, and each send carries it in a fresh
:class:`PrebuiltEmbed` and :class:`PrebuiltButtons`, which hand discord.py the JSON instead of
building ``ui.Button`` items and an ``Embed`` every time.

The JSON is what discord.py itself made of the reply (``Embed.to_dict``,
``View.to_components`` of the :class:`~bot.adapters.discord.components.ActionButton` view),
so a prebuilt message is the message it replaces, byte for byte. It is shared by every send
of a reply and read-only: discord.py only serialises it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import discord

from bot.adapters.discord.components import view_for
from bot.adapters.discord.rendering import embed_json
from bot.core.i18n import Lang
from bot.core.replies import Button, Reply

Json = dict[str, Any]


class PrebuiltEmbed(discord.Embed):
    """An embed whose payload is already made."""

    __slots__ = ("_payload",)

    def __init__(self, payload: Json) -> None:
        super().__init__()
        self._payload = payload

    def to_dict(self) -> Any:
        return self._payload


class PrebuiltButtons(discord.ui.View):
    """A view without items that sends prebuilt component JSON (action rows of buttons).

    Presses on its buttons route by their custom ids to
    :class:`~bot.adapters.discord.components.ActionButton`, the dynamic item the client
    registers at start (so they still route after a restart): discord.py has nothing to track
    for this view, which says so by being finished. That also spares an ephemeral reply the
    15-minute timeout task discord.py gives a view it tracks. A fresh one per send: a view is
    mutable (discord.py sets its timeout), the JSON it carries is not.
    """

    def __init__(self, components: list[Json]) -> None:
        super().__init__(timeout=None)
        self._components = components

    def to_components(self) -> list[Json]:
        return self._components

    def is_finished(self) -> bool:
        return True


def embed_payload(reply: Reply, lang: Lang, marker: str | None = None) -> Json:
    """The embed JSON discord.py sends for ``reply`` (see :func:`embed_json`)."""
    return cast(Json, discord.Embed.from_dict(embed_json(reply, lang, marker)).to_dict())


def components_payload(buttons: tuple[Button, ...]) -> list[Json] | None:
    """The component JSON discord.py sends for ``buttons``; None without buttons."""
    view = view_for(buttons)
    return view.to_components() if view is not None else None


@dataclass(frozen=True)
class Rendered:
    """One reply's embed (in one language) and buttons, as sent."""

    embed: Json
    components: list[Json] | None

    def embed_object(self) -> discord.Embed:
        return PrebuiltEmbed(self.embed)

    def view(self) -> discord.ui.View | None:
        return PrebuiltButtons(self.components) if self.components is not None else None


class _Entry:
    """A reply's components and its embed per language."""

    __slots__ = ("components", "rendered", "reply")

    def __init__(self, reply: weakref.ref[Reply], components: list[Json] | None) -> None:
        self.reply = reply
        self.components = components
        self.rendered: dict[Lang, Rendered] = {}


class RenderedReplies:
    """Rendered replies by reply object (identity, not value: hashing a reply would cost
    about what rendering it does), each entry dropped when its reply is garbage: a reply the
    core keeps is rendered once, a one-off reply once per send, as before."""

    def __init__(self) -> None:
        self._entries: dict[int, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _entry(self, reply: Reply) -> _Entry:
        key = id(reply)
        entry = self._entries.get(key)
        if entry is None or entry.reply() is not reply:
            ref = weakref.ref(reply, self._forgetting(key))
            entry = self._entries[key] = _Entry(ref, components_payload(reply.buttons))
        return entry

    def view(self, reply: Reply) -> discord.ui.View | None:
        """A view of ``reply``'s buttons (None without buttons), for a message whose embed
        is its own (a post, with its marker)."""
        components = self._entry(reply).components
        return PrebuiltButtons(components) if components is not None else None

    def rendered(self, reply: Reply, lang: Lang) -> Rendered:
        """``reply`` in ``lang`` as sent, rendered on its first send."""
        entry = self._entry(reply)
        rendered = entry.rendered.get(lang)
        if rendered is None:
            rendered = Rendered(embed_payload(reply, lang), entry.components)
            entry.rendered[lang] = rendered
        return rendered

    def _forgetting(self, key: int) -> Callable[[weakref.ref[Reply]], None]:
        def forget(gone: weakref.ref[Reply]) -> None:
            # The entry under this id may already be a newer reply's (ids are reused once
            # an object is gone): only the gone reply's own entry goes.
            entry = self._entries.get(key)
            if entry is not None and entry.reply is gone:
                del self._entries[key]

        return forget
