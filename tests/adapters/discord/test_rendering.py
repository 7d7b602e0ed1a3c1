"""Replies as embed and component JSON: Discord's limits kept by shortening, rows packed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.discord.rendering import (
    BUTTON_PREFIX,
    LIMITS,
    button_rows,
    components_json,
    embed_json,
)
from bot.core.post_keys import find_post_key, post_marker
from bot.core.replies import MAX_BUTTON_ACTION_LENGTH, Button, Field, Reply, SourceLink


def embed_size(embed: dict) -> int:  # type: ignore[type-arg]
    fields = embed.get("fields", [])
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
        + len(embed.get("footer", {}).get("text", ""))
    )


def test_a_small_reply_keeps_every_part_and_sources_are_masked_links() -> None:
    reply = Reply(
        title="Yalta",
        body="Roosevelt, Churchill and Stalin meet.",
        fields=(Field("Date", "4–11 February 1945", True),),
        sources=(
            SourceLink("Office of the [Historian]", "https://history.state.gov/x"),
            SourceLink("not a link", "javascript:alert(1)"),
        ),
        footer="ID: yalta",
    )
    embed = embed_json(reply, "en")
    assert embed["title"] == "Yalta" and embed["description"].startswith("Roosevelt")
    assert embed["fields"][0] == {"name": "Date", "value": "4–11 February 1945", "inline": True}
    assert embed["fields"][-1] == {
        "name": "Sources",
        "value": "[Office of the (Historian)](https://history.state.gov/x)",
        "inline": False,
    }
    assert embed["footer"] == {"text": "ID: yalta"}
    assert embed_json(reply, "ja")["fields"][-1]["name"] == "出典"


def test_oversized_parts_are_shortened_to_discords_limits() -> None:
    words = "word " * 3000
    reply = Reply(
        title=words,
        body=words,
        fields=tuple(Field(words, words) for _ in range(40)),
        sources=(SourceLink("s", "https://example.org/s"),),
        footer=words,
    )
    embed = embed_json(reply, "en", post_marker("alliance-daily-12"))
    assert len(embed["title"]) <= LIMITS.title and embed["title"].endswith("…")
    assert len(embed["description"]) <= LIMITS.description
    assert len(embed["fields"]) <= LIMITS.fields
    assert embed["fields"][-1]["name"] == "Sources"  # kept when other fields give way
    assert all(len(f["name"]) <= LIMITS.field_name for f in embed["fields"])
    assert all(0 < len(f["value"]) <= LIMITS.field_value for f in embed["fields"])
    assert embed_size(embed) <= LIMITS.total
    # The marker survives whole at the very end of a shortened footer.
    assert len(embed["footer"]["text"]) <= LIMITS.footer
    assert find_post_key(embed["footer"]["text"]) == "alliance-daily-12"


@given(
    title=st.text(max_size=400),
    body=st.text(max_size=7000),
    fields=st.lists(st.tuples(st.text(max_size=300), st.text(max_size=1500)), max_size=30),
    footer=st.none() | st.text(max_size=2500),
)
def test_any_reply_fits(
    title: str, body: str, fields: list[tuple[str, str]], footer: str | None
) -> None:
    reply = Reply(
        title=title or None,
        body=body,
        fields=tuple(Field(n, v) for n, v in fields),
        footer=footer,
    )
    embed = embed_json(reply, "en", post_marker("quiz-7-q1"))
    assert embed_size(embed) <= LIMITS.total
    assert len(embed.get("fields", [])) <= LIMITS.fields
    assert all(f["name"] and f["value"] for f in embed.get("fields", []))
    assert find_post_key(embed["footer"]["text"]) == "quiz-7-q1"


def test_beyond_twenty_five_fields_the_rest_are_left_out_but_the_sources_stay() -> None:
    reply = Reply(
        body="short",
        fields=tuple(Field(f"n{i}", "v" * 50) for i in range(40)),
        sources=(SourceLink("s", "https://example.org/s"),),
    )
    fields = embed_json(reply, "en")["fields"]
    assert len(fields) == LIMITS.fields
    assert [f["name"] for f in fields[:3]] == ["n0", "n1", "n2"]
    assert fields[-2]["name"] == "n23" and fields[-1]["name"] == "Sources"


def test_buttons_pack_into_rows_of_five_and_at_most_twenty_five() -> None:
    buttons = tuple(Button(f"b{i}", f"fact {i}") for i in range(28))
    rows = button_rows(buttons)
    assert [len(row) for row in rows] == [5, 5, 5, 5, 5]
    assert [len(row) for row in button_rows(buttons[:7])] == [5, 2]
    assert button_rows(()) == []
    components = components_json(buttons[:6])
    assert [c["type"] for c in components] == [1, 1]
    first = components[0]["components"][0]
    assert first == {
        "type": 2,
        "style": 2,
        "label": "b0",
        "custom_id": BUTTON_PREFIX + "fact 0",
        "disabled": False,
    }


def test_disabled_buttons_stay_and_the_marked_one_carries_a_check_mark() -> None:
    buttons = (
        Button("A. Yes", "quiz answer 1 0 0", "success", disabled=True, marked=True),
        Button("B. No", "quiz answer 1 0 1", disabled=True),
    )
    right, wrong = components_json(buttons)[0]["components"]
    assert right["disabled"] and wrong["disabled"]
    assert right["label"] == "✅ A. Yes" and right["style"] == 3
    assert wrong["label"] == "B. No" and wrong["style"] == 2


def test_the_longest_action_still_fits_a_custom_id() -> None:
    longest = Button("x", "a" * MAX_BUTTON_ACTION_LENGTH, "primary")
    custom_id = components_json((longest,))[0]["components"][0]["custom_id"]
    assert len(custom_id) <= LIMITS.custom_id


def test_a_field_name_that_takes_the_last_of_the_budget_leaves_room_for_its_value() -> None:
    # 4096 + (256 + 1024) + (256 + 268) leaves 100 characters: the third field's name would
    # take them all, and the blank its value then needs would make the embed 6001 long, which
    # Discord refuses ("embed size exceeds maximum size of 6000").
    reply = Reply(
        body="b" * LIMITS.description,
        fields=(
            Field("n" * 256, "v" * 1024),
            Field("n" * 256, "v" * 268),
            Field("日本" * 100, "値" * 300),
        ),
    )
    embed = embed_json(reply, "ja")
    assert embed_size(embed) <= LIMITS.total
    assert all(f["name"] and f["value"] for f in embed["fields"])
