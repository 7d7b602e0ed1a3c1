"""The mention parsers an adapter may use for its resolver: people only, whole text only."""

from __future__ import annotations

import pytest

from bot.core.user_mentions import MentionedUser, discord_mention, slack_mention


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("<@123456789012345678>", MentionedUser("123456789012345678")),
        ("<@!42>", MentionedUser("42")),
        ("  <@42> ", MentionedUser("42")),
        ("<@&42>", None),  # a role
        ("<#42>", None),  # a channel
        ("<@U42>", None),  # Slack's
        ("@42", None),
        ("<@42> and more", None),
        ("<@123456789012345678901>", None),  # longer than any snowflake
    ],
)
def test_discord_mentions(reference: str, expected: MentionedUser | None) -> None:
    assert discord_mention(reference) == expected


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("<@U024BE7LH>", MentionedUser("U024BE7LH")),
        ("<@W0123ABC|Élodie>", MentionedUser("W0123ABC", "Élodie")),
        ("<@U1|>", MentionedUser("U1")),
        ("<@U1| >", MentionedUser("U1")),
        ("<!channel>", None),
        ("<!subteam^S1>", None),
        ("<#C1|general>", None),
        ("<@42>", None),  # Discord's
        ("<@u1>", None),  # Slack ids are upper case
        ("<@U1|a|b>", None),
    ],
)
def test_slack_mentions(reference: str, expected: MentionedUser | None) -> None:
    assert slack_mention(reference) == expected
