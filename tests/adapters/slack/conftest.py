"""The fake Slack's fixtures for every Slack adapter test."""

from tests.slack_fake.fixtures import fake_slack

__all__ = ["fake_slack"]
