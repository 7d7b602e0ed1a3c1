"""Keeps short-lived platform credentials out of the log.

The four bot secrets never reach a log line (tested), but at DEBUG the libraries log what
passes through them: discord.py logs every gateway event (an interaction's ``token``) and
every request URL (``/interactions/<id>/<token>/callback``, ``/webhooks/<app>/<token>``);
Slack Bolt logs the whole body of a request whose signature fails (its ``response_url`` and
verification ``token``). Each of those lets whoever reads the log answer as the bot for
15 minutes or more, so a filter on the log handlers masks them whatever logger wrote them.
"""

from __future__ import annotations

import logging
import re

MASK = "<redacted>"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Interaction callbacks and webhook follow-ups carry the token in the path.
    (re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s'\"?]+"), rf"\1{MASK}"),
    # "token": "...", 'response_url': '...' in JSON or in a Python dict's repr.
    (
        re.compile(r"""(['"](?:token|response_url)['"]\s*:\s*['"])[^'"]*"""),
        rf"\1{MASK}",
    ),
    # token=... and response_url=... in a form body or a query string.
    (re.compile(r"(?<![\w-])((?:token|response_url)=)[^&\s'\"]*"), rf"\1{MASK}"),
    # Slack's own token shapes, wherever they turn up.
    (re.compile(r"\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+"), MASK),
)


def redact(text: str) -> str:
    """The text with every credential the patterns know masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """A handler filter: rewrites each record's message before it is formatted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_text is None:
            # Tracebacks can quote a URL too; format it once here and mask that.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def redact_handlers(logger: logging.Logger) -> None:
    """Put the filter on every handler of the logger (the root's, for every library)."""
    for handler in logger.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
