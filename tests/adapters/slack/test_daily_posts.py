"""The Slack chat port under the real daily poster: posts once, keys in metadata, Slack's
errors retried or pausing the subscription."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.slack.rendering import mrkdwn
from bot.core.context import ChannelKey
from bot.core.i18n import describe_problem, t
from bot.core.ports import DeliveryProblem, PostTarget
from bot.core.post_keys import find_post_key
from bot.core.replies import Reply
from tests.adapters.slack.harness import START, SlackBot, all_text
from tests.slack_fake import FakeUser, ScriptedFailure


async def subscribe_at_nine(bot: SlackBot, channel: str = "C1") -> ChannelKey:
    bot.fake.add_user(FakeUser("UADMIN", "admin", is_admin=True))
    reply = await bot.command("subscribe time 09:00 timezone UTC", user="UADMIN", channel=channel)
    key = ChannelKey("slack", bot.fake.team_id, channel)
    assert await bot.core.subscriptions.get(key) is not None, reply
    return key


def daily_posts(bot: SlackBot, channel: str = "C1") -> list[str]:
    """The delivery keys of the daily posts in ``channel``, read from their metadata."""
    keys = []
    for message in bot.fake.posted(channel):
        key = find_post_key(message["metadata"]["event_payload"]["marker"])
        if key and key.startswith("alliance-daily-"):
            keys.append(key)
    return keys


async def test_a_daily_post_goes_out_exactly_once(slack_bot: SlackBot) -> None:
    await subscribe_at_nine(slack_bot)
    await slack_bot.clock.advance_to(START.replace(hour=9, minute=1))
    await slack_bot.fake.wait_until(lambda: len(daily_posts(slack_bot)) == 1)
    await slack_bot.clock.advance_to(START.replace(hour=23))
    await slack_bot.runtime.subscriptions_changed()
    assert len(daily_posts(slack_bot)) == 1
    assert len(slack_bot.fake.calls_to("chat.postMessage")) == 1
    message = slack_bot.fake.posted("C1")[0]
    assert message["text"] and message["blocks"][0]["type"] == "header"
    # The next day brings the next post, under a key of its own.
    await slack_bot.clock.advance_to(START.replace(hour=9, minute=1) + timedelta(days=1))
    await slack_bot.fake.wait_until(lambda: len(daily_posts(slack_bot)) == 2)
    assert len(set(daily_posts(slack_bot))) == 2


async def test_ratelimited_is_retried_after_its_retry_after(slack_bot: SlackBot) -> None:
    await subscribe_at_nine(slack_bot)
    slack_bot.fake.fail(
        "chat.postMessage", ScriptedFailure("ratelimited", 429, retry_after=90, channel="C1")
    )
    await slack_bot.clock.advance_to(START.replace(hour=9, minute=0, second=1))
    await slack_bot.fake.wait_until(lambda: len(slack_bot.fake.calls_to("chat.postMessage")) == 1)
    # The poster's own first backoff is 30 s: Slack asked for 90, so nothing before that.
    await slack_bot.clock.advance(60)
    assert daily_posts(slack_bot) == []
    await slack_bot.clock.advance(60)
    await slack_bot.fake.wait_until(lambda: len(daily_posts(slack_bot)) == 1)
    # Before posting again the port looked for the post in the channel's history.
    history = slack_bot.fake.calls_to("conversations.history")
    assert history and history[0].args["include_all_metadata"] in ("1", "true")
    await slack_bot.clock.advance(3600)
    assert len(daily_posts(slack_bot)) == 1


async def test_a_server_error_is_retried(slack_bot: SlackBot) -> None:
    await subscribe_at_nine(slack_bot)
    slack_bot.fake.fail("chat.postMessage", ScriptedFailure("internal_error", 500))
    await slack_bot.clock.advance_to(START.replace(hour=9, minute=0, second=1))
    await slack_bot.fake.wait_until(lambda: len(slack_bot.fake.calls_to("chat.postMessage")) == 1)
    await slack_bot.clock.advance(120)
    await slack_bot.fake.wait_until(lambda: len(daily_posts(slack_bot)) == 1)


async def test_channel_not_found_pauses_the_subscription(slack_bot: SlackBot) -> None:
    key = await subscribe_at_nine(slack_bot)
    slack_bot.fake.fail("chat.postMessage", ScriptedFailure("channel_not_found", channel="C1"))
    await slack_bot.clock.advance_to(START.replace(hour=9, minute=1))
    await slack_bot.fake.wait_until(lambda: len(slack_bot.fake.calls_to("chat.postMessage")) == 1)
    subscription = await slack_bot.core.subscriptions.get(key)
    assert subscription is not None
    assert subscription.paused_reason == DeliveryProblem.CHANNEL_GONE
    # Paused: the next day sends nothing, and Slack is not asked again.
    await slack_bot.clock.advance(86400)
    assert len(slack_bot.fake.calls_to("chat.postMessage")) == 1
    # /alliance subscription tells the channel what happened.
    status = await slack_bot.command("subscription", user="UADMIN")
    reason = describe_problem(DeliveryProblem.CHANNEL_GONE, "en")
    # It names the command as Slack types it.
    paused = t("sub_paused", "en", reason=reason, command="/alliance subscribe")
    assert mrkdwn(paused) in all_text(status)


async def test_a_post_found_in_history_is_not_posted_again(slack_bot: SlackBot) -> None:
    port = slack_bot.adapter.port
    target = PostTarget("slack", slack_bot.fake.team_id, "C9", "general")
    assert not await port.was_posted(target, "alliance-daily-7")
    await port.post(target, Reply(body="hello"), "alliance-daily-7")
    assert await port.was_posted(target, "alliance-daily-7")
    assert not await port.was_posted(target, "alliance-daily-8")
    assert port.serves(slack_bot.fake.team_id) and not port.serves("T0OTHER")


async def test_a_post_at_the_end_of_a_long_thread_is_found_there(slack_bot: SlackBot) -> None:
    # conversations.replies answers oldest first: a post after 300 replies is on a later
    # page, and not finding it would post it a second time after a crash.
    port = slack_bot.adapter.port
    parent = "1700000000.000001"
    target = PostTarget("slack", slack_bot.fake.team_id, "C9", "general", parent)
    chatter = [
        {"type": "message", "ts": f"1700000001.{n:06d}", "user": "U1", "thread_ts": parent}
        for n in range(300)
    ]
    slack_bot.fake.messages["C9"] = [{"type": "message", "ts": parent, "user": "U1"}, *chatter]
    await port.post(target, Reply(body="late in the thread"), "quiz-7-q9")
    assert await port.was_posted(target, "quiz-7-q9")
    assert not await port.was_posted(target, "quiz-7-q8")


async def test_a_post_in_a_thread_goes_there_and_is_found_there(slack_bot: SlackBot) -> None:
    port = slack_bot.adapter.port
    target = PostTarget("slack", slack_bot.fake.team_id, "C9", "general", "1700000000.000001")
    handle = await port.post(target, Reply(body="in the thread"), "quiz-7-q0")
    assert handle.thread_id == "1700000000.000001"
    assert slack_bot.fake.posted("C9")[0]["thread_ts"] == "1700000000.000001"
    assert await port.was_posted(target, "quiz-7-q0")
    assert slack_bot.fake.calls_to("conversations.replies")


async def test_web_api_calls_share_one_kept_alive_connection(slack_bot: SlackBot) -> None:
    # Made one after another, the calls of start-up, of a subscribe and of the daily post go
    # over one connection: slack-sdk left alone opens one per call (a TLS handshake each,
    # against the real Slack).
    await subscribe_at_nine(slack_bot)
    await slack_bot.clock.advance_to(START.replace(hour=9, minute=1))
    await slack_bot.fake.wait_until(lambda: len(daily_posts(slack_bot)) == 1)
    calls = slack_bot.fake.calls
    assert {"auth.test", "chat.postMessage"} <= {call.method for call in calls}
    peers = {call.peer for call in calls}
    assert None not in peers
    assert len(peers) == 1, [(call.method, call.peer) for call in calls]
