"""The idempotency key of a post the core makes on its own, and how a platform carries it.

The core names every such post with a key (:meth:`bot.core.ports.ChatPort.post`) so that,
after a crash between "sent" and "recorded as sent", :meth:`~bot.core.ports.ChatPort.was_posted`
can tell whether it went out. A Discord nonce stops at :data:`MAX_POST_KEY_LENGTH` characters
and is not stored long term, and Slack has none, so an adapter also embeds the key in the
message itself, as the text :func:`post_marker` builds:

- Discord: at the end of an embed footer, or as the custom_id of a component;
- Slack: in the message metadata, ``{"event_type": POST_METADATA_EVENT_TYPE,
  "event_payload": {"marker": post_marker(key)}}``.

``was_posted`` then reads the channel's recent messages and passes each one's carrier (that
footer, custom_id or payload value, never text users wrote) to :func:`find_post_key`.

The keys the core makes, all at most :data:`MAX_POST_KEY_LENGTH` characters because the ids
in them come from SQL ``Integer`` columns (at most :data:`MAX_STORED_ID`, ten digits):

- ``alliance-daily-<delivery id>``: a daily post (25 characters at most);
- ``quiz-<game id>-<moment>``: a quiz post, the moment being ``q<n>`` (question n),
  ``r<n>`` (its answer revealed), ``end`` (the scoreboard) or ``int`` (interrupted);
  at most 19 characters with n below 100 (a game has at most 50 questions).
"""

from __future__ import annotations

import re

from bot.core.ports import MAX_POST_KEY_LENGTH

__all__ = [
    "MAX_POST_KEY_LENGTH",
    "MAX_STORED_ID",
    "POST_METADATA_EVENT_TYPE",
    "check_post_key",
    "find_post_key",
    "post_key",
    "post_marker",
]

# The largest id a key embeds: the SQL Integer columns the ids come from stop here.
MAX_STORED_ID = 2**31 - 1
# Slack's message metadata event type for the marker.
POST_METADATA_EVENT_TYPE = "alliance_post"

# Lower-case words joined by hyphens: nothing a footer, a custom_id or JSON must escape.
_KEY = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_KEY_PATTERN = re.compile(_KEY)
_MARKER_OPEN = "[alliance-post:"
_MARKER_CLOSE = "]"
# At the very end of the carrier only: a marker-like string inside other text (a name
# quoted in a footer) is not taken for the bot's own.
_MARKER_AT_END = re.compile(
    re.escape(_MARKER_OPEN) + f"({_KEY})" + re.escape(_MARKER_CLOSE) + r"\s*\Z"
)


def check_post_key(key: str) -> str:
    """``key`` itself, if it is a key a platform can carry.

    Raises:
        ValueError: longer than :data:`MAX_POST_KEY_LENGTH`, empty, or not lower-case words
            joined by hyphens; a key is made by the core, so this is a bug in the core.
    """
    if len(key) > MAX_POST_KEY_LENGTH or not _KEY_PATTERN.fullmatch(key):
        raise ValueError(
            f"a post key must be 1 to {MAX_POST_KEY_LENGTH} lower-case letters, digits and "
            f"single hyphens, not {key[:40]!r} ({len(key)} characters)"
        )
    return key


def post_key(*parts: str | int) -> str:
    """The key of a post: ``parts`` joined by hyphens, checked by :func:`check_post_key`."""
    return check_post_key("-".join(str(part) for part in parts))


def post_marker(key: str) -> str:
    """The text an adapter embeds in a post so :func:`find_post_key` finds ``key`` again:
    ``[alliance-post:<key>]``, at most 41 characters, to end a footer or be an id."""
    return f"{_MARKER_OPEN}{check_post_key(key)}{_MARKER_CLOSE}"


def find_post_key(carrier: str | None) -> str | None:
    """The key a :func:`post_marker` at the end of ``carrier`` names; None if there is none
    or it is not a valid key."""
    if not carrier:
        return None
    match = _MARKER_AT_END.search(carrier)
    if match is None or len(match.group(1)) > MAX_POST_KEY_LENGTH:
        return None
    return match.group(1)
