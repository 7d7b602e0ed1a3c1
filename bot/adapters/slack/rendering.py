"""A neutral :class:`~bot.core.replies.Reply` as a Slack message: Block Kit plus a plain
``text`` fallback (for notifications and screen readers). Pure functions only.

Slack's limits are met by shortening, never by an API error: a header of 150 characters,
3000 per text object (2000 per section field), 50 blocks, 25 elements per actions block, and
(our own rule, as on Discord) at most 5 actions blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.core.i18n import Lang, t
from bot.core.replies import Button, Field, Reply, pressable, shorten
from bot.core.rich import (
    RichText,
    bold,
    is_blank,
    join,
    render_plain,
    render_slack,
    user_text,
)

__all__ = [
    "ACTION_ID_PREFIX",
    "SlackMessage",
    "action_index",
    "escape",
    "mrkdwn",
    "render",
]

Block = dict[str, Any]

HEADER_LIMIT = 150
TEXT_LIMIT = 3000
FIELD_TEXT_LIMIT = 2000
FIELDS_PER_SECTION = 10
CONTEXT_ELEMENTS = 10
MAX_BLOCKS = 50
BUTTONS_PER_BLOCK = 25
MAX_ACTION_BLOCKS = 5
BUTTON_LABEL_LIMIT = 75
FALLBACK_LIMIT = 3000
# A button's action_id is this prefix and its index; its value carries the core's action.
ACTION_ID_PREFIX = "alliance-button-"

_ACTION_ID = re.compile(re.escape(ACTION_ID_PREFIX) + r"(\d{1,3})")


@dataclass(frozen=True)
class SlackMessage:
    """What ``chat.postMessage``, ``chat.update`` and ``respond`` take."""

    text: str
    blocks: list[Block]
    ephemeral: bool


def escape(text: str) -> str:
    """Slack's three control characters as entities, so echoed text (search words, user
    names) can never become ``<!channel>``, ``<!here>`` or a ``<@U…>`` mention."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: RichText) -> str:
    """Core text as Slack mrkdwn: user text escaped (and its marks inert), the bot's own
    neutral ``**bold**`` as ``*bold*`` (:func:`bot.core.rich.render_slack`)."""
    return render_slack(text)


def action_index(action_id: str) -> int | None:
    """The button index an ``action_id`` of ours names, or None for anything else."""
    match = _ACTION_ID.fullmatch(action_id)
    return int(match.group(1)) if match else None


def render(reply: Reply, lang: Lang) -> SlackMessage:
    """Block Kit and the fallback text for ``reply``; the sources are labelled in the
    reply's own language, else in ``lang``."""
    trailing = [
        *_sources(reply, reply.lang or lang),
        *_marked(reply.buttons),
        *_footer(reply),
        *_actions(pressable(reply.buttons)),
    ]
    content = [*_header(reply), *_body(reply), *_fields(reply.fields)]
    room = MAX_BLOCKS - len(trailing)
    if len(content) > room:
        left_out = len(content) - (room - 1)
        content = [*content[: room - 1], _context(f"… (+{left_out})")]
    return SlackMessage(
        text=fallback_text(reply),
        blocks=[*content, *trailing],
        ephemeral=reply.ephemeral or reply.is_error,
    )


def fallback_text(reply: Reply) -> str:
    """The plain ``text`` every message carries: the title and body, else the first field."""
    parts = [part for part in (reply.title, reply.body) if part]
    if not parts and reply.fields:
        parts = [reply.fields[0].name + ": " + reply.fields[0].value]
    return _fit(mrkdwn(join("\n", parts)), FALLBACK_LIMIT)


def _fit(escaped: str, limit: int) -> str:
    # Shortened after escaping, so the limit holds for what Slack counts; an entity the cut
    # went through is dropped whole rather than shown half.
    return re.sub(r"&[a-z]{0,3}…$", "…", shorten(escaped, limit)) or "…"


def _plain(text: str, limit: int) -> dict[str, Any]:
    # Slack decodes the three entities in plain_text too; escaped like everything else.
    return {"type": "plain_text", "text": _fit(escape(text), limit), "emoji": True}


def _markdown(text: RichText, limit: int = TEXT_LIMIT) -> dict[str, str]:
    return {"type": "mrkdwn", "text": _fit(mrkdwn(text), limit)}


def _context(text: RichText) -> Block:
    return {"type": "context", "elements": [_markdown(text)]}


def _header(reply: Reply) -> list[Block]:
    if not reply.title:
        return []
    # A header is plain_text: the bot's own bold marks are dropped, user text kept as typed.
    title = render_plain(reply.title).replace("**", "")
    return [{"type": "header", "text": _plain(title, HEADER_LIMIT)}]


def _body(reply: Reply) -> list[Block]:
    if is_blank(reply.body):
        return []
    return [{"type": "section", "text": _markdown(reply.body)}]


def _fields(fields: tuple[Field, ...]) -> list[Block]:
    """A section per full-width field; runs of inline fields share sections (10 each)."""
    blocks: list[Block] = []
    inline: list[Field] = []

    def flush() -> None:
        for start in range(0, len(inline), FIELDS_PER_SECTION):
            chunk = inline[start : start + FIELDS_PER_SECTION]
            blocks.append(
                {
                    "type": "section",
                    "fields": [
                        _markdown(bold(f.name) + "\n" + f.value, FIELD_TEXT_LIMIT) for f in chunk
                    ],
                }
            )
        inline.clear()

    for field in fields:
        if field.inline:
            inline.append(field)
            continue
        flush()
        blocks.append({"type": "section", "text": _markdown(bold(field.name) + "\n" + field.value)})
    flush()
    return blocks


def _sources(reply: Reply, lang: Lang) -> list[Block]:
    if not reply.sources:
        return []
    links = [f"<{_link_target(s.url)}|{escape(s.title).replace('|', '¦')}>" for s in reply.sources]
    label = t("source_label", lang)
    # A context block holds at most 10 elements: the label, then the links (the rest joined).
    elements = [{"type": "mrkdwn", "text": label}]
    head, rest = links[: CONTEXT_ELEMENTS - 2], links[CONTEXT_ELEMENTS - 2 :]
    elements.extend({"type": "mrkdwn", "text": link} for link in head)
    if rest:
        elements.append({"type": "mrkdwn", "text": shorten(" · ".join(rest), TEXT_LIMIT)})
    return [{"type": "context", "elements": elements}]


def _link_target(url: str) -> str:
    # Inside <…|…> a "|" or ">" would end the link early; the core's URLs have neither, but
    # the renderer does not rely on it.
    return escape(url).replace("|", "%7C")


def _footer(reply: Reply) -> list[Block]:
    return [_context(reply.footer)] if reply.footer else []


def _marked(buttons: tuple[Button, ...]) -> list[Block]:
    # Slack has no disabled buttons: those no longer pressable go, and the one they pointed
    # out (a closed question's right answer) stays on view as text.
    # A label is shown as it is, so it travels as plain text (escaped, never markup).
    marked = [join(" ", ["✅", user_text(b.label)]) for b in buttons if b.disabled and b.marked]
    return [_context(join(" · ", marked))] if marked else []


def _actions(buttons: tuple[Button, ...]) -> list[Block]:
    shown = buttons[: BUTTONS_PER_BLOCK * MAX_ACTION_BLOCKS]
    return [
        {
            "type": "actions",
            "elements": [
                _button(index, button)
                for index, button in enumerate(
                    shown[start : start + BUTTONS_PER_BLOCK], start=start
                )
            ],
        }
        for start in range(0, len(shown), BUTTONS_PER_BLOCK)
    ]


def _button(index: int, button: Button) -> Block:
    element: Block = {
        "type": "button",
        "action_id": f"{ACTION_ID_PREFIX}{index}",
        "text": _plain(button.label, BUTTON_LABEL_LIMIT),
        "value": button.action,
    }
    # Slack has two styles; the default look is the neutral one.
    if button.style in ("primary", "success"):
        element["style"] = "primary"
    elif button.style == "danger":
        element["style"] = "danger"
    return element
