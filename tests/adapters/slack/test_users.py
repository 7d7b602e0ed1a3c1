"""users.info behind a brief, bounded cache (a clock set by hand: no waiting)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.users import UserDirectory
from tests.slack_fake import FakeSlack, FakeUser


class HandClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_lookup_is_remembered_briefly_and_for_few_users(fake_slack: FakeSlack) -> None:
    for n in range(3):
        fake_slack.add_user(FakeUser(f"U{n}", f"user{n}", locale="ja-JP", is_admin=n == 0))
    clock = HandClock()
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    users = UserDirectory(client, ttl=600, size=2, clock=clock)
    first = await users.lookup("U0")
    assert (first.name, first.locale, first.is_admin) == ("user0", "ja-JP", True)
    clock.now = 599
    await users.lookup("U0")
    assert len(fake_slack.calls_to("users.info")) == 1
    clock.now = 601  # expired: asked again, so a demoted admin loses rights within minutes
    fake_slack.add_user(FakeUser("U0", "user0", locale="en-US"))
    again = await users.lookup("U0")
    assert not again.is_admin and again.locale == "en-US"
    assert len(fake_slack.calls_to("users.info")) == 2
    # Bounded: a third user pushes out the least recently used.
    await users.lookup("U1")
    await users.lookup("U2")
    await users.lookup("U0")
    assert len(fake_slack.calls_to("users.info")) == 5


async def test_an_unknown_user_has_no_rights_and_keeps_the_name_given(
    fake_slack: FakeSlack,
) -> None:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    nobody = await UserDirectory(client).lookup("U404", "ghost")
    assert (nobody.name, nobody.locale, nobody.is_admin) == ("ghost", None, False)
