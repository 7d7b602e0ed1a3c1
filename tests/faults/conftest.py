"""Fixtures for the fault suite's Slack tests: the fake Slack and the bot in HTTP mode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.adapters.slack.harness import SlackBot, running_slack_bot
from tests.slack_fake import FakeSlack
from tests.slack_fake.fixtures import fake_slack

__all__ = ["fake_slack"]


@pytest.fixture
async def slack_bot(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackBot]:
    """The bot in HTTP mode on an SQLite file, answering on a loopback port."""
    async with running_slack_bot(fake_slack, tmp_path, f"sqlite:///{tmp_path / 'bot.db'}") as bot:
        yield bot
