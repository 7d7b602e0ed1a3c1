"""Pytest fixtures that start the fake Slack on a free loopback port (import them in a
conftest to use them)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.slack_fake.server import FakeSlack


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A started fake workspace; closed after the test."""
    fake = FakeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
