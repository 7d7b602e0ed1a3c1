"""The render cache: a reply the core hands out again is rendered once, and only the very
same reply object (in the same language) gets the kept message."""

from __future__ import annotations

from bot.adapters.slack.render_cache import RenderCache
from bot.adapters.slack.rendering import render
from bot.core.replies import Button, Field, Reply, SourceLink
from tests.adapters.slack.harness import SlackBot
from tests.slack_fake import FakeUser


def a_reply(title: str = "The Yalta Conference") -> Reply:
    return Reply(
        title=title,
        body="Roosevelt, Churchill and Stalin meet at Yalta.",
        fields=(Field("Date", "4–11 February 1945", True),),
        sources=(SourceLink("Office of the Historian", "https://history.state.gov/"),),
        buttons=(Button("Another", "fact"),),
        footer="ID: yalta-conference",
    )


def test_the_same_reply_is_rendered_once_and_as_render_would() -> None:
    cache = RenderCache()
    reply = a_reply()
    first = cache.render(reply, "en")
    assert first == render(reply, "en")
    assert cache.render(reply, "en") is first
    assert len(cache) == 1


def test_each_language_has_its_own_render() -> None:
    cache = RenderCache()
    reply = a_reply()
    english, japanese = cache.render(reply, "en"), cache.render(reply, "ja")
    assert english == render(reply, "en") and japanese == render(reply, "ja")
    assert english != japanese  # the sources' label is in the caller's language


def test_another_reply_object_is_rendered_for_itself() -> None:
    cache = RenderCache()
    cache.render(a_reply("First"), "en")
    other = a_reply("Second")
    assert cache.render(other, "en") == render(other, "en")


def test_the_oldest_renders_make_room_and_are_rendered_again() -> None:
    cache = RenderCache(size=2)
    replies = [a_reply(f"Fact {n}") for n in range(3)]
    kept = [cache.render(reply, "en") for reply in replies]
    assert len(cache) == 2
    assert cache.render(replies[2], "en") is kept[2]
    again = cache.render(replies[0], "en")
    assert again == kept[0] and again is not kept[0]


async def test_a_fact_asked_again_gets_the_same_answer_in_the_ack(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    slack_bot.fake.add_user(FakeUser("U2", "kenji", locale="ja-JP"))
    first = await slack_bot.command("fact yalta-conference")
    again = await slack_bot.command("fact yalta-conference", channel="C2")
    japanese = await slack_bot.command("fact yalta-conference", user="U2", channel="C3")
    assert first == again
    assert first["response_type"] == "in_channel" and first["blocks"][0]["type"] == "header"
    assert japanese["blocks"][0]["text"]["text"] == "ヤルタ会談"
    assert japanese["blocks"][1:] != first["blocks"][1:]
