"""Slack's request signing (v0), written from its published scheme, for HTTP-mode tests."""

from __future__ import annotations

import hashlib
import hmac
import time


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}`` keyed with the signing secret."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: float | None = None) -> dict[str, str]:
    """The headers Slack sends with ``body``, signed with ``secret`` at ``timestamp`` (now)."""
    stamp = str(int(time.time() if timestamp is None else timestamp))
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
    }
