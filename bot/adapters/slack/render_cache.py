"""Block Kit renders of replies the core hands out again and again, kept by identity.

The core builds a fact's reply once per (fact, language, topic) and returns that same
:class:`~bot.core.replies.Reply` object every time it is asked for it, so on a busy
workspace most ``/alliance fact`` answers are a reply already rendered. Rendering is pure
(the reply and the language decide the message), so the message can be kept with it.

The key is the reply's ``id()`` and the language; the entry holds the reply itself, so the
object cannot be freed and its id reused by another reply while the entry lives, and a hit
checks it is the very same object. Replies built afresh for each command (errors, cooldown
notices, search results) pass through once and are evicted oldest first.
"""

from __future__ import annotations

from collections import OrderedDict

from bot.adapters.slack.rendering import SlackMessage, render
from bot.core.i18n import Lang
from bot.core.replies import Reply

__all__ = ["RENDERED_REPLIES", "RenderCache"]

# Enough for every memoised fact reply a busy workspace asks for in both languages.
RENDERED_REPLIES = 4096


class RenderCache:
    """:func:`~bot.adapters.slack.rendering.render`, remembered for the last replies seen.

    A cached message is shared between the requests that get it: its blocks are only ever
    serialised (Bolt's ``ack`` and ``respond``, slack-sdk's Web API calls), never changed.
    """

    def __init__(self, size: int = RENDERED_REPLIES) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[int, Lang], tuple[Reply, SlackMessage]] = OrderedDict()

    def render(self, reply: Reply, lang: Lang) -> SlackMessage:
        """The Slack message for ``reply`` in ``lang``, rendered once per reply object."""
        key = (id(reply), lang)
        entry = self._entries.get(key)
        if entry is not None and entry[0] is reply:
            self._entries.move_to_end(key)
            return entry[1]
        message = render(reply, lang)
        self._entries[key] = (reply, message)
        self._entries.move_to_end(key)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return message

    def __len__(self) -> int:
        return len(self._entries)
