"""Forged requests against the real ``/slack/events`` endpoint: every one is refused.

Each body, signed properly, would change something: an admin's slash command subscribes the
channel, a button press starts a quiz, a message event is offered to the core. Each forgery
spoils one thing (the signature, the timestamp, a header, the content type, a byte of the
body) and must get a 4xx with no handler reached: the fake Slack records no Web API call and
no response_url follow-up, and the database holds no subscription and no quiz.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.adapters.slack.rendering import ACTION_ID_PREFIX
from bot.core.context import ChannelKey
from tests.adapters.slack.harness import SIGNING_SECRET, SlackBot
from tests.slack_fake import FakeUser, signed_headers
from tests.slack_fake.signing import signature

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TIMESTAMP = "X-Slack-Request-Timestamp"
SIGNATURE = "X-Slack-Signature"
DAY = 86_400


@dataclass(frozen=True)
class Request:
    """What is actually sent: the body, its content type (None: no header) and headers."""

    body: bytes
    content_type: str | None
    headers: dict[str, str]


def _now() -> str:
    return str(int(time.time()))


def _signed(body: bytes, content_type: str, stamp: str | None = None) -> Request:
    stamp = stamp or _now()
    return Request(
        body, content_type, {TIMESTAMP: stamp, SIGNATURE: signature(SIGNING_SECRET, stamp, body)}
    )


def _with_signature(body: bytes, content_type: str, change: Callable[[str], str]) -> Request:
    signed = _signed(body, content_type)
    return Request(
        body, content_type, {**signed.headers, SIGNATURE: change(signed.headers[SIGNATURE])}
    )


def _at(offset: int) -> Callable[[bytes, str], Request]:
    """Signed correctly, but at ``offset`` seconds from now."""
    return lambda body, kind: _signed(body, kind, str(int(time.time()) + offset))


def _stamped(stamp: str) -> Callable[[bytes, str], Request]:
    """A timestamp header that is no number of seconds; signed over it all the same."""

    def forge(body: bytes, kind: str) -> Request:
        return Request(
            body, kind, {TIMESTAMP: stamp, SIGNATURE: signature(SIGNING_SECRET, stamp, body)}
        )

    return forge


def _without(*names: str) -> Callable[[bytes, str], Request]:
    def forge(body: bytes, kind: str) -> Request:
        signed = _signed(body, kind)
        return Request(body, kind, {k: v for k, v in signed.headers.items() if k not in names})

    return forge


def _replayed(body: bytes, kind: str) -> Request:
    """A body captured ten minutes ago, resent with a fresh timestamp and its old signature."""
    old = signed_headers(SIGNING_SECRET, body, timestamp=time.time() - 600)
    return Request(body, kind, {TIMESTAMP: _now(), SIGNATURE: old[SIGNATURE]})


def _as_type(content_type: str | None) -> Callable[[bytes, str], Request]:
    """Signed properly, but labelled with another content type (or none)."""

    def forge(body: bytes, kind: str) -> Request:
        signed = _signed(body, kind)
        return Request(body, content_type, signed.headers)

    return forge


def _other_type(body: bytes, kind: str) -> Request:
    return _as_type(FORM if kind == JSON else JSON)(body, kind)


def _other_type_with_charset(body: bytes, kind: str) -> Request:
    return _as_type((FORM if kind == JSON else JSON) + "; charset=utf-8")(body, kind)


def _one_byte_changed(body: bytes, kind: str) -> Request:
    signed = _signed(body, kind)
    middle = len(body) // 2
    changed = body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1 :]
    return Request(changed, kind, signed.headers)


def _field_appended(body: bytes, kind: str) -> Request:
    signed = _signed(body, kind)
    if kind == JSON:
        extended = json.dumps({**json.loads(body), "is_admin": True}).encode()
    else:
        extended = body + b"&user_id=U2"
    return Request(extended, kind, signed.headers)


def _signed_for_another_body(body: bytes, kind: str) -> Request:
    stamp = _now()
    return Request(body, kind, {TIMESTAMP: stamp, SIGNATURE: signature(SIGNING_SECRET, stamp, b"")})


def _split(text: str) -> str:
    return text[:35] + " " + text[35:]


FORGERIES: dict[str, Callable[[bytes, str], Request]] = {
    "wrong-secret": lambda body, kind: Request(body, kind, signed_headers("not-the-secret", body)),
    "truncated": lambda body, kind: _with_signature(body, kind, lambda s: s[:-8]),
    "v1-prefix": lambda body, kind: _with_signature(body, kind, lambda s: "v1=" + s[3:]),
    "no-prefix": lambda body, kind: _with_signature(body, kind, lambda s: s[3:]),
    "uppercase-hex": lambda body, kind: _with_signature(
        body, kind, lambda s: "v0=" + s[3:].upper()
    ),
    "empty-signature": lambda body, kind: _with_signature(body, kind, lambda s: ""),
    "space-inside": lambda body, kind: _with_signature(body, kind, _split),
    "space-after-prefix": lambda body, kind: _with_signature(body, kind, lambda s: "v0= " + s[3:]),
    "two-signatures": lambda body, kind: _with_signature(body, kind, lambda s: s + "," + s),
    "zeros": lambda body, kind: _with_signature(body, kind, lambda s: "v0=" + "0" * 64),
    "signed-for-another-body": _signed_for_another_body,
    "stale-301s": _at(-301),
    "future-301s": _at(301),
    "stale-1-day": _at(-DAY),
    "future-1-day": _at(DAY),
    "timestamp-not-a-number": _stamped("yesterday"),
    "timestamp-empty": _stamped(""),
    "timestamp-fraction": _stamped(f"{int(time.time())}.5"),
    "replayed-with-new-timestamp": _replayed,
    "no-signature-header": _without(SIGNATURE),
    "no-timestamp-header": _without(TIMESTAMP),
    "no-headers": _without(SIGNATURE, TIMESTAMP),
    "wrong-content-type": _other_type,
    "text-plain": _as_type("text/plain"),
    "no-content-type": _as_type(None),  # aiohttp then labels it application/octet-stream
    "wrong-content-type-with-charset": _other_type_with_charset,
    "one-byte-changed": _one_byte_changed,
    "field-appended": _field_appended,
}


def _command(bot: SlackBot) -> tuple[bytes, str]:
    return bot.command_body("subscribe time 09:00")[0], FORM


def _action(bot: SlackBot) -> tuple[bytes, str]:
    message = {"ts": "1700000000.000001", "text": "quiz", "blocks": []}
    return bot.action_body(message, f"{ACTION_ID_PREFIX}0", "quiz start", "U1", "C1")[0], FORM


def _event(bot: SlackBot) -> tuple[bytes, str]:
    body = {
        "token": "legacy-verification-token",
        "team_id": bot.fake.team_id,
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": 1700000000,
        "event": {
            "type": "message",
            "channel": "C1",
            "channel_type": "channel",
            "user": "U1",
            "text": "1",
            "ts": "1700000001.000100",
            "team": bot.fake.team_id,
        },
    }
    return json.dumps(body).encode(), JSON


KINDS: dict[str, Callable[[SlackBot], tuple[bytes, str]]] = {
    "command": _command,
    "action": _action,
    "event": _event,
}


async def _post(bot: SlackBot, request: Request) -> int:
    headers = dict(request.headers)
    if request.content_type is not None:
        headers["Content-Type"] = request.content_type
    async with bot.session.post(bot.events_url, data=request.body, headers=headers) as response:
        await response.read()
        return response.status


@pytest.mark.parametrize("forgery", list(FORGERIES), ids=list(FORGERIES))
@pytest.mark.parametrize("kind", list(KINDS), ids=list(KINDS))
async def test_a_forged_request_is_refused_and_reaches_no_handler(
    slack_bot: SlackBot, kind: str, forgery: str
) -> None:
    slack_bot.fake.add_user(FakeUser("U1", "alice", is_admin=True))
    calls_before = list(slack_bot.fake.calls)  # start-up's own calls (auth.test)
    body, content_type = KINDS[kind](slack_bot)
    status = await _post(slack_bot, FORGERIES[forgery](body, content_type))
    assert 400 <= status < 500
    assert slack_bot.fake.calls == calls_before
    assert slack_bot.fake.responses == []
    assert slack_bot.fake.messages == {}
    channel = ChannelKey("slack", slack_bot.fake.team_id, "C1")
    assert await slack_bot.core.subscriptions.get(channel) is None
    assert await slack_bot.core.quiz.running(channel) is None


@pytest.mark.parametrize("kind", list(KINDS), ids=list(KINDS))
async def test_the_same_requests_signed_properly_do_reach_the_bot(
    slack_bot: SlackBot, kind: str
) -> None:
    """The control: without the forgery each body is accepted, so the refusals above are
    the signature check's doing and not a broken body."""
    slack_bot.fake.add_user(FakeUser("U1", "alice", is_admin=True))
    body, content_type = KINDS[kind](slack_bot)
    assert await _post(slack_bot, _signed(body, content_type)) == 200
    channel = ChannelKey("slack", slack_bot.fake.team_id, "C1")
    if kind == "command":
        await slack_bot.fake.wait_until(lambda: bool(slack_bot.fake.responses))
        assert await slack_bot.core.subscriptions.get(channel) is not None
    elif kind == "action":
        await slack_bot.fake.wait_until(lambda: bool(slack_bot.fake.messages.get("C1")))
        assert await slack_bot.core.quiz.running(channel) is not None
    else:
        await slack_bot.fake.wait_until(lambda: bool(slack_bot.fake.calls_to("users.info")))


def test_there_are_at_least_fifty_variants() -> None:
    assert len(FORGERIES) * len(KINDS) >= 50
