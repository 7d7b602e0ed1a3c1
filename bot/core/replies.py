"""The neutral reply of every core command; adapters render it as an embed, Block Kit or text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.core.i18n import Lang
from bot.core.rich import RichText

ButtonStyle = Literal["primary", "secondary", "success", "danger"]
# "message": something to show. "acknowledged": the bot took a user's message (a typed quiz
# answer) and owes the channel nothing; the body is a private note for the sender, shown
# only where a platform can reply privately to a plain message (Slack's ephemeral
# messages). Where it cannot (Discord), the adapter reacts to the message or does nothing.
ReplyKind = Literal["message", "acknowledged"]

# Discord's limit on a component's custom_id (100), which carries a button's action after a
# short prefix (at most 3 characters) that tells an adapter's own buttons apart after a restart.
MAX_BUTTON_ACTION_LENGTH = 97


@dataclass(frozen=True)
class Field:
    """A titled piece of a reply (an embed field, a Block Kit section)."""

    name: RichText
    value: RichText
    inline: bool = False


@dataclass(frozen=True)
class SourceLink:
    """Where the reader can check what the reply says."""

    title: str
    url: str


@dataclass(frozen=True)
class Button:
    """A button; pressing it runs ``action``, a command line in the core's own syntax.

    ``label`` is shown as it is: no platform formats a button's label. ``disabled``: shown
    but no longer pressable (a closed quiz question keeps its answers on view); a platform
    without disabled buttons shows what is marked as text instead. ``marked``: the one to
    point out among disabled buttons (the right answer).
    """

    label: str
    action: str
    style: ButtonStyle = "secondary"
    disabled: bool = False
    marked: bool = False

    def __post_init__(self) -> None:
        # Actions are built by the core, never typed by users: one that cannot travel as a
        # Discord custom_id is a bug to catch where it is made, not in an adapter.
        if not self.action or len(self.action) > MAX_BUTTON_ACTION_LENGTH:
            raise ValueError(
                f"a button action must have 1 to {MAX_BUTTON_ACTION_LENGTH} characters, "
                f"not {len(self.action)}: {self.action[:40]!r}…"
            )


@dataclass(frozen=True)
class Reply:
    """What the bot says: platform-neutral, rendered by each adapter.

    ``replaces_original``: when the reply answers a button press, it takes the place of the
    message the button was on (Discord's UPDATE_MESSAGE interaction response, Slack's
    ``replace_original``) instead of coming as a new message; a typed command always gets a
    new message. ``kind`` says whether there is anything to show (see :data:`ReplyKind`).

    Text is :data:`bot.core.rich.RichText`: a ``str`` is the bot's own words in the neutral
    markup; anything a user or a platform supplied travels inside a :class:`bot.core.rich.Text`
    as plain text, and each adapter renders both with its platform's ``render_*`` function.
    """

    body: RichText
    title: RichText | None = None
    fields: tuple[Field, ...] = ()
    sources: tuple[SourceLink, ...] = ()
    buttons: tuple[Button, ...] = ()
    footer: RichText | None = None
    ephemeral: bool = False
    is_error: bool = False
    replaces_original: bool = False
    kind: ReplyKind = "message"
    # The language the reply is written in, for the words an adapter adds to it (the
    # heading of its sources). None: the caller's. A reply built for a language must say so,
    # or a Japanese fact for someone whose client is in English gets an English heading.
    lang: Lang | None = None


def pressable(buttons: tuple[Button, ...]) -> tuple[Button, ...]:
    """The buttons a user can still press (what a platform without disabled buttons shows)."""
    return tuple(button for button in buttons if not button.disabled)


def shorten(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.、。") + "…"
