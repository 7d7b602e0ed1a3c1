"""Daily posts through the Discord port: the channel endpoint, once, with the key as nonce
and marker; 403 pauses the subscription; 429 is waited out; a post is found after a crash."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.context import ChannelKey
from bot.core.daily.model import Subscription
from bot.core.ports import (
    DeliveryProblem,
    PermanentDeliveryError,
    PostTarget,
    TransientDeliveryError,
)
from bot.core.post_keys import find_post_key
from bot.core.replies import Reply
from tests.adapters.discord.conftest import World
from tests.discord_fake import FakeChannel


def due_now(key: ChannelKey) -> Subscription:
    now = datetime.now(UTC)
    due = now - timedelta(minutes=1)
    return Subscription(
        key, "general", due.hour, due.minute, "UTC", "en", False, now - timedelta(hours=1), None
    )


def channel_key(world: World, channel: FakeChannel) -> ChannelKey:
    return ChannelKey("discord", str(world.guild.id), str(channel.id))


async def subscribe(world: World, channel: FakeChannel) -> ChannelKey:
    key = channel_key(world, channel)
    await world.core.subscriptions.upsert(
        due_now(key), "admin", datetime.now(UTC) - timedelta(hours=1)
    )
    return key


def posts_to(world: World, channel: FakeChannel) -> list[int]:
    return [r.status for r in world.fake.requests_to("POST", rf"/channels/{channel.id}/messages")]


async def test_a_due_post_arrives_once_at_the_channel_endpoint(world: World) -> None:
    await subscribe(world, world.channel)
    await world.fake.wait_until(lambda: posts_to(world, world.channel))
    await asyncio.sleep(1.0)  # several more polls: nothing is posted twice
    assert posts_to(world, world.channel) == [200]
    request = world.fake.requests_to("POST", rf"/channels/{world.channel.id}/messages")[0]
    nonce = request.body["nonce"]
    assert nonce.startswith("alliance-daily-") and request.body["enforce_nonce"] is True
    assert find_post_key(request.body["embeds"][0]["footer"]["text"]) == nonce
    assert request.body["allowed_mentions"] == {"parse": []}


async def test_missing_access_pauses_the_subscription_and_stops_knocking(world: World) -> None:
    world.fake.fail("POST", rf"/channels/{world.channel.id}/messages", 403)
    key = await subscribe(world, world.channel)

    async def paused() -> str | None:
        subscription = await world.core.subscriptions.get(key)
        return subscription.paused_reason if subscription else None

    for _ in range(100):
        if await paused():
            break
        await asyncio.sleep(0.05)
    assert await paused() == DeliveryProblem.NO_ACCESS.value
    await asyncio.sleep(0.8)
    assert posts_to(world, world.channel) == [403]  # not retried against a closed door


async def test_a_rate_limit_is_waited_out_and_the_post_goes_once(world: World) -> None:
    world.fake.fail("POST", rf"/channels/{world.channel.id}/messages", 429, retry_after=0.3)
    await subscribe(world, world.channel)
    await world.fake.wait_until(lambda: 200 in posts_to(world, world.channel))
    await asyncio.sleep(0.6)
    assert posts_to(world, world.channel) == [429, 200]
    assert len(world.fake.channel_history(world.channel.id)) == 1


async def test_port_errors_are_the_cores(world: World) -> None:
    port = world.adapter.port
    target = PostTarget("discord", str(world.guild.id), str(world.channel.id), "general")
    world.fake.fail("POST", rf"/channels/{world.channel.id}/messages", 429, retry_after=45)
    with pytest.raises(TransientDeliveryError) as limited:
        await port.post(target, Reply(body="x"), "alliance-daily-1")
    assert limited.value.retry_after == 45 and limited.value.problem == "rate_limited"
    gone = PostTarget("discord", str(world.guild.id), "123456789012345678", "gone")
    with pytest.raises(PermanentDeliveryError) as unknown:
        await port.post(gone, Reply(body="x"), "alliance-daily-2")
    assert unknown.value.problem == DeliveryProblem.CHANNEL_GONE


async def test_was_posted_finds_the_key_in_recent_history(world: World) -> None:
    port = world.adapter.port
    target = PostTarget("discord", str(world.guild.id), str(world.channel.id), "general")
    assert not await port.was_posted(target, "alliance-daily-7")
    handle = await port.post(target, Reply(title="t", body="b", footer="ID: x"), "alliance-daily-7")
    assert await port.was_posted(target, "alliance-daily-7")
    assert not await port.was_posted(target, "alliance-daily-8")
    # The same key again within Discord's nonce window returns the first message.
    again = await port.post(target, Reply(body="b"), "alliance-daily-7")
    assert again == handle and len(world.fake.channel_history(world.channel.id)) == 1
    await port.edit(handle, Reply(body="edited"))
    assert world.fake.messages[int(handle.message_id)]["embeds"][0]["description"] == "edited"


async def test_a_burst_past_the_global_limit_is_slowed_down_not_lost(world: World) -> None:
    world.fake.global_limit = True
    port = world.adapter.port
    target = PostTarget("discord", str(world.guild.id), str(world.channel.id), "general")
    handles = await asyncio.gather(
        *(port.post(target, Reply(body=f"post {n}"), f"alliance-daily-{n}") for n in range(70))
    )
    assert len({handle.message_id for handle in handles}) == 70
    assert len(world.fake.channel_history(world.channel.id)) == 70
    statuses = posts_to(world, world.channel)
    assert statuses.count(200) == 70 and set(statuses) == {200, 429}  # the limit was hit


async def test_a_post_to_a_thread_goes_to_the_thread_and_is_found_there(world: World) -> None:
    # A Discord thread is a channel of its own: the post goes to its id, not its parent's.
    thread = FakeChannel(world.channel.id + 1, "quiz-thread", world.guild.id, type=11)
    world.fake.channels[thread.id] = thread
    port = world.adapter.port
    target = PostTarget(
        "discord", str(world.guild.id), str(world.channel.id), "quiz-thread", str(thread.id)
    )
    handle = await port.post(target, Reply(body="in the thread"), "quiz-7-q0")
    assert len(world.fake.channel_history(thread.id)) == 1
    assert world.fake.channel_history(world.channel.id) == []
    assert await port.was_posted(target, "quiz-7-q0")
    await port.edit(handle, Reply(body="closed"))
    edited = world.fake.channel_history(thread.id)[0]
    assert edited["embeds"][0]["description"] == "closed"
