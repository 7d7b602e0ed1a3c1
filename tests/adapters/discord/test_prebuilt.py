"""Replies rendered once per reply object and sent as prebuilt JSON: the same message as
discord.py builds from an Embed and a view of ActionButtons, never a stale one."""

from __future__ import annotations

import gc

import discord

from bot.adapters.discord.components import view_for
from bot.adapters.discord.prebuilt import PrebuiltButtons, RenderedReplies
from bot.adapters.discord.rendering import embed_json
from bot.core.replies import Button, Reply, SourceLink

SOURCES = (SourceLink("Office of the Historian", "https://history.state.gov/x"),)


def fact(title: str = "Yalta") -> Reply:
    return Reply(
        title=title,
        body="Roosevelt, Churchill and Stalin meet.",
        sources=SOURCES,
        buttons=(Button("Another fact", "fact"), Button("Quiz", "quiz start", "primary")),
        footer="ID: yalta",
    )


def test_the_prebuilt_message_is_what_discord_py_builds() -> None:
    reply = fact()
    rendered = RenderedReplies().rendered(reply, "ja")
    assert (
        rendered.embed_object().to_dict()
        == discord.Embed.from_dict(embed_json(reply, "ja")).to_dict()
    )
    view = rendered.view()
    built = view_for(reply.buttons)
    assert view is not None and built is not None
    assert view.to_components() == built.to_components()
    assert RenderedReplies().rendered(Reply(body="no buttons"), "en").view() is None


def test_a_reply_is_rendered_once_per_language_and_each_send_gets_a_fresh_view() -> None:
    replies = RenderedReplies()
    reply = fact()
    english = replies.rendered(reply, "en")
    assert replies.rendered(reply, "en") is english
    japanese = replies.rendered(reply, "ja")
    assert japanese.embed["fields"][-1]["name"] == "出典"
    assert english.embed["fields"][-1]["name"] == "Sources"
    first, second = english.view(), english.view()
    assert first is not None and second is not None and first is not second
    # discord.py tracks nothing for it: presses route by the ActionButton dynamic item.
    assert isinstance(first, PrebuiltButtons) and first.is_finished()


def test_an_equal_reply_object_gets_its_own_rendering_and_a_gone_one_is_forgotten() -> None:
    replies = RenderedReplies()
    kept = fact()
    replies.rendered(kept, "en")
    other = fact("Tehran")
    assert replies.rendered(other, "en").embed["title"] == "Tehran"
    assert len(replies) == 2
    del other
    gc.collect()
    assert len(replies) == 1
    # A new reply in the freed place is rendered afresh, never given the old rendering.
    for n in range(50):
        assert replies.rendered(fact(f"Title {n}"), "en").embed["title"] == f"Title {n}"
    gc.collect()
    assert len(replies) == 1
    assert replies.rendered(kept, "en").embed["title"] == "Yalta"
