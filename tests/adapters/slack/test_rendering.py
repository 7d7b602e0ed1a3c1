"""Block Kit rendering: Slack's limits met by shortening, echoed text escaped."""

from __future__ import annotations

import json

from bot.adapters.slack.rendering import (
    ACTION_ID_PREFIX,
    action_index,
    escape,
    mrkdwn,
    render,
)
from bot.core.replies import Button, Field, Reply, SourceLink


def texts(blocks: list[dict[str, object]]) -> list[str]:
    """Every text object's text, wherever it sits in the blocks."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def test_mentions_cannot_be_smuggled_through_echoed_text() -> None:
    hostile = "<!channel> <!here> <@U123> & <https://evil.example|click>"
    reply = Reply(
        title=hostile,
        body=f"Search: {hostile}",
        fields=(Field(hostile, hostile),),
        sources=(SourceLink(hostile, "https://example.org/a?b=1&c=2"),),
        footer=hostile,
    )
    message = render(reply, "en")
    rendered = json.dumps(message.blocks) + message.text
    assert "<!channel>" not in rendered and "<!here>" not in rendered and "<@U123>" not in rendered
    assert "&lt;!channel&gt;" in message.text
    # The only "<" left in mrkdwn is the source link the renderer itself builds.
    mrkdwn_texts = [
        text for block in message.blocks for text in texts([block]) if block["type"] != "header"
    ]
    links = [text for text in mrkdwn_texts if text.startswith("<https://example.org")]
    assert links == [
        "<https://example.org/a?b=1&amp;c=2|&lt;!channel&gt; &lt;!here&gt; "
        "&lt;@U123&gt; &amp; &lt;https://evil.example¦click&gt;>"
    ]


def test_escape_and_bold() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert mrkdwn("**B.** Yalta & <Tehran>") == "*B.* Yalta &amp; &lt;Tehran&gt;"


def test_slack_limits_are_met_by_shortening() -> None:
    reply = Reply(
        title="T" * 400,
        body="word " * 1000,
        fields=tuple(Field(f"field {n}", "v " * 1500) for n in range(80)),
        sources=tuple(SourceLink(f"source {n}", f"https://example.org/{n}") for n in range(15)),
        buttons=tuple(
            Button(f"button {n} " + "x" * 100, f"quiz answer 1 0 {n}") for n in range(140)
        ),
        footer="f" * 4000,
    )
    message = render(reply, "en")
    blocks = message.blocks
    assert len(blocks) <= 50
    header = blocks[0]
    assert header["type"] == "header" and len(header["text"]["text"]) <= 150
    assert all(len(text) <= 3000 for text in texts(blocks))
    actions = [block for block in blocks if block["type"] == "actions"]
    assert len(actions) == 5 and all(len(block["elements"]) <= 25 for block in actions)
    assert all(len(e["text"]["text"]) <= 75 for block in actions for e in block["elements"])
    assert all(len(block["elements"]) <= 10 for block in blocks if block["type"] == "context")
    assert all(len(block.get("fields", [])) <= 10 for block in blocks)
    assert 0 < len(message.text) <= 3000
    # The buttons and sources stay: the body's fields are what gave way.
    assert blocks[-1]["type"] == "actions"


def test_buttons_carry_the_core_action_and_an_indexed_action_id() -> None:
    reply = Reply(
        body="Which came first?",
        buttons=(Button("A", "quiz answer 3 0 0", "primary"), Button("B", "quiz answer 3 0 1")),
    )
    elements = render(reply, "en").blocks[-1]["elements"]
    assert [(e["action_id"], e["value"]) for e in elements] == [
        (f"{ACTION_ID_PREFIX}0", "quiz answer 3 0 0"),
        (f"{ACTION_ID_PREFIX}1", "quiz answer 3 0 1"),
    ]
    assert elements[0]["style"] == "primary" and "style" not in elements[1]
    assert action_index(elements[1]["action_id"]) == 1
    assert action_index("some-older-button") is None


def test_errors_and_private_notes_are_ephemeral_and_every_message_has_text() -> None:
    assert render(Reply(body="no", is_error=True), "en").ephemeral
    assert render(Reply(body="psst", ephemeral=True), "en").ephemeral
    public = render(Reply(body="", fields=(Field("Score", "10"),)), "en")
    assert not public.ephemeral and public.text == "Score: 10"


def test_inline_fields_share_a_section() -> None:
    reply = Reply(
        body="",
        fields=(
            Field("a", "1", True),
            Field("b", "2", True),
            Field("c", "3"),
            Field("d", "4", True),
        ),
    )
    sections = render(reply, "en").blocks
    assert [len(block.get("fields", [])) for block in sections] == [2, 0, 1]
    assert sections[1]["text"]["text"] == "*c*\n3"


def test_sources_are_labelled_in_the_reply_language() -> None:
    reply = Reply(body="x", sources=(SourceLink("FRUS", "https://history.state.gov/"),))
    context = render(reply, "ja").blocks[-1]
    assert context["elements"][0]["text"] == "出典:"
    assert context["elements"][1]["text"] == "<https://history.state.gov/|FRUS>"


def test_disabled_buttons_become_the_marked_answer_as_text() -> None:
    # Slack has no disabled buttons: no actions block, the marked one shown as (escaped) text.
    reply = Reply(
        body="Closed.",
        buttons=(
            Button("A. <War> & peace", "quiz answer 1 0 0", "success", disabled=True, marked=True),
            Button("B. No", "quiz answer 1 0 1", disabled=True),
        ),
    )
    blocks = render(reply, "en").blocks
    assert not [block for block in blocks if block["type"] == "actions"]
    shown = texts(blocks)
    assert "✅ A. &lt;War&gt; &amp; peace" in shown
    assert not any("B. No" in text for text in shown)
