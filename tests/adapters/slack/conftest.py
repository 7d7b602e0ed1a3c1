"""Fixtures for the Slack adapter tests: the fake Slack, and a running bot against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.adapters.slack.harness import SlackBot, running_slack_bot
from tests.slack_fake import FakeSlack
from tests.slack_fake.fixtures import fake_slack

__all__ = ["fake_slack"]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture
async def slack_bot(
    fake_slack: FakeSlack, tmp_path: Path, sqlite_url: str
) -> AsyncIterator[SlackBot]:
    """The bot in HTTP mode on an SQLite file."""
    async with running_slack_bot(fake_slack, tmp_path, sqlite_url) as bot:
        yield bot
