"""Who is asking: the Slack locale picks the language, workspace admins and owners may change
the daily post, and a failed lookup grants nothing."""

from __future__ import annotations

from bot.core.context import ChannelKey
from bot.core.i18n import t
from tests.adapters.slack.harness import SlackBot, all_text
from tests.slack_fake import FakeUser, ScriptedFailure


def channel(bot: SlackBot, channel_id: str = "C1") -> ChannelKey:
    return ChannelKey("slack", bot.fake.team_id, channel_id)


async def test_a_japanese_locale_is_answered_in_japanese(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "kenji", locale="ja-JP"))
    reply = await slack_bot.command("today")
    assert reply["blocks"][0]["text"]["text"].startswith("今日は何の日")
    english = slack_bot.fake.add_user(FakeUser("U2", "alice", locale="en-GB"))
    reply = await slack_bot.command("today", user=english.id)
    assert not reply["blocks"][0]["text"]["text"].startswith("今日は何の日")


async def test_a_member_who_is_not_an_admin_is_refused(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    reply = await slack_bot.command("subscribe time 09:00")
    assert reply["response_type"] == "ephemeral"
    assert t("sub_admin_only", "en") in all_text(reply)
    assert await slack_bot.core.subscriptions.get(channel(slack_bot)) is None


async def test_admins_and_owners_may_subscribe(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "root", is_owner=True))
    slack_bot.fake.add_user(FakeUser("U2", "admin", is_admin=True))
    await slack_bot.command("subscribe time 09:00")
    await slack_bot.command("subscribe time 10:00", user="U2", channel="C2")
    first = await slack_bot.core.subscriptions.get(channel(slack_bot))
    second = await slack_bot.core.subscriptions.get(channel(slack_bot, "C2"))
    assert first is not None and (first.hour, first.minute) == (9, 0)
    assert second is not None and (second.hour, second.minute) == (10, 0)


async def test_an_admin_of_another_workspace_in_a_shared_channel_is_refused(
    slack_bot: SlackBot,
) -> None:
    # Slack Connect: users.info describes an external member, admin of their own workspace.
    slack_bot.fake.add_user(FakeUser("UEXT", "outsider", is_owner=True, team_id="T0OTHER"))
    reply = await slack_bot.command("subscribe time 09:00", user="UEXT")
    assert t("sub_admin_only", "en") in all_text(reply)
    assert await slack_bot.core.subscriptions.get(channel(slack_bot)) is None


async def test_a_failed_lookup_refuses_rather_than_grants_and_is_asked_again(
    slack_bot: SlackBot,
) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "root", is_owner=True, locale="ja-JP"))
    slack_bot.fake.fail("users.info", ScriptedFailure("internal_error", 500))
    reply = await slack_bot.command("subscribe time 09:00")
    # No rights, and the configured default language (English) for lack of a locale.
    assert t("sub_admin_only", "en") in all_text(reply)
    assert await slack_bot.core.subscriptions.get(channel(slack_bot)) is None
    # The failure was not remembered: the next command asks Slack again, and is allowed.
    await slack_bot.command("subscribe time 09:00")
    assert await slack_bot.core.subscriptions.get(channel(slack_bot)) is not None


async def test_lookups_are_cached(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    await slack_bot.command("today")
    await slack_bot.command("help")
    assert len(slack_bot.fake.calls_to("users.info")) == 1
    assert slack_bot.fake.calls_to("users.info")[0].args["include_locale"] in ("1", "true")


async def test_nobody_is_an_admin_in_a_direct_message(slack_bot: SlackBot) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "root", is_owner=True))
    reply = await slack_bot.command("subscribe", channel="D123", channel_name="directmessage")
    assert reply["response_type"] == "ephemeral"
    assert await slack_bot.core.subscriptions.get(ChannelKey("slack", "", "D123")) is None
    assert await slack_bot.core.subscriptions.get(channel(slack_bot, "D123")) is None


async def test_help_names_every_command_under_alliance(slack_bot: SlackBot) -> None:
    # Slack has one slash command: the admin commands are typed under it too (Discord's
    # /alliance-admin is Discord's own).
    slack_bot.fake.add_user(FakeUser("U1", "alice"))
    text = all_text(await slack_bot.command("help"))
    assert "/alliance subscribe [time HH:MM]" in text and "/alliance server-settings" in text
    assert "/alliance-admin" not in text


async def test_a_stored_language_labels_the_sources_too_whatever_the_locale(
    slack_bot: SlackBot,
) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice", locale="en-US"))
    await slack_bot.command("settings language ja")
    reply = await slack_bot.command("fact yalta-conference")
    context = [block for block in reply["blocks"] if block["type"] == "context"]
    labels = [block["elements"][0]["text"] for block in context]
    assert t("source_label", "ja") in labels and t("source_label", "en") not in labels
