"""People named in a command: platform mentions resolved by the adapter, names by storage.

A platform writes a mention in its own syntax (Discord ``<@123>`` or ``<@!123>``, Slack
``<@U123>`` or ``<@U123|name>``, the shell ``@name``). The core parses none of it on its
own: each adapter hands a :class:`MentionResolver` in the command's context, and commands
that name a person (``/alliance stats @someone``) ask it first, so a mention finds its
person by id whatever their display name. The parsers below are pure functions an adapter
may use for its resolver; they import nothing of any platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "MentionResolver",
    "MentionedUser",
    "discord_mention",
    "slack_mention",
]


@dataclass(frozen=True)
class MentionedUser:
    """A person a mention points at: their platform id, and their name when the mention
    carries it (Slack's ``<@U123|name>``) or the adapter knows it."""

    id: str
    name: str | None = None


class MentionResolver(Protocol):
    """The adapter's hook: a person from a platform reference, or None when ``reference``
    is not a mention on that platform (then the core looks the text up as a name)."""

    async def resolve(self, reference: str) -> MentionedUser | None: ...


# Snowflakes are decimal; "!" marks an old-style nickname mention. Roles (<@&…>) and
# channels (<#…>) are not people.
_DISCORD_USER = re.compile(r"<@!?(\d{1,20})>")
# User ids start with U or W (Enterprise Grid); the label after "|" is the name Slack
# shows, and may be empty.
_SLACK_USER = re.compile(r"<@([UW][A-Z0-9]{1,20})(?:\|([^<>|]{0,100}))?>")


def discord_mention(reference: str) -> MentionedUser | None:
    """``<@123>`` or ``<@!123>`` (the whole text, spaces around allowed) → user 123."""
    match = _DISCORD_USER.fullmatch(reference.strip())
    return MentionedUser(match.group(1)) if match else None


def slack_mention(reference: str) -> MentionedUser | None:
    """``<@U123>`` or ``<@U123|name>`` (the whole text) → user U123, with the name."""
    match = _SLACK_USER.fullmatch(reference.strip())
    if match is None:
        return None
    name = (match.group(2) or "").strip()
    return MentionedUser(match.group(1), name or None)
