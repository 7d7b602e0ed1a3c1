"""The fake Slack itself, driven by slack-sdk's real client: what the adapter tests rely on."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.slack_fake import FakeSlack, FakeUser, ScriptedFailure
from tests.slack_fake.signing import signature


async def test_messages_keep_their_metadata_for_history(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    posted = await client.chat_postMessage(
        channel="C1",
        text="hello",
        metadata={"event_type": "alliance_post", "event_payload": {"marker": "m"}},
    )
    plain = await client.conversations_history(channel="C1")
    full = await client.conversations_history(channel="C1", include_all_metadata=True)
    assert "metadata" not in plain["messages"][0]
    assert full["messages"][0]["metadata"]["event_payload"] == {"marker": "m"}
    assert full["messages"][0]["ts"] == posted["ts"]


async def test_scripted_failures_come_once_with_retry_after(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    fake_slack.fail("chat.postMessage", ScriptedFailure("ratelimited", 429, retry_after=7))
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="x")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    await client.chat_postMessage(channel="C1", text="x")
    assert len(fake_slack.posted("C1")) == 1


async def test_users_info_tells_locale_only_when_asked_and_refuses_a_wrong_token(
    fake_slack: FakeSlack,
) -> None:
    fake_slack.add_user(FakeUser("U1", "kenji", locale="ja-JP", is_owner=True))
    client = AsyncWebClient(token=fake_slack.bot_token, base_url=fake_slack.api_url)
    with_locale = await client.users_info(user="U1", include_locale=True)
    without = await client.users_info(user="U1")
    assert with_locale["user"]["locale"] == "ja-JP" and with_locale["user"]["is_owner"]
    assert "locale" not in without["user"]
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=fake_slack.api_url)
    with pytest.raises(SlackApiError) as raised:
        await wrong.auth_test()
    assert raised.value.response["error"] == "invalid_auth"


def test_signature_matches_slacks_documented_example() -> None:
    # The worked example in Slack's "Verifying requests from Slack" guide.
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert (
        signature("8f742231b10e8888abcd99yyyzzz85a5", "1531420618", body)
        == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )
