"""A fake Slack on loopback: the Web API, response URLs and a Socket Mode websocket.

Not a test module (pytest collects ``test_*.py`` only): the Slack adapter's tests start it
with the fixtures in :mod:`tests.slack_fake.fixtures` and point slack-sdk's real clients at
it, so every request the bot makes goes through slack-sdk's own HTTP and websocket code.
"""

from tests.flaky_fates import Fate, FlakyRule
from tests.slack_fake.server import (
    ApiCall,
    FakeSlack,
    FakeUser,
    ScriptedFailure,
    SocketAck,
)
from tests.slack_fake.signing import signed_headers

__all__ = [
    "ApiCall",
    "FakeSlack",
    "FakeUser",
    "Fate",
    "FlakyRule",
    "ScriptedFailure",
    "SocketAck",
    "signed_headers",
]
