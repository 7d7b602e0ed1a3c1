"""The log filter masks the short-lived credentials the libraries write at DEBUG."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.log_redaction import MASK, RedactingFilter, redact, redact_handlers

TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTpSZWFsbHlTZWNyZXQ"
HOOK = "https://hooks.slack.com/commands/T0001/123456/AbCdEfGhIjKlMnOp"


@pytest.mark.parametrize(
    "line",
    [
        # discord.py's request lines
        f"POST https://discord.com/api/v10/interactions/1234567890/{TOKEN}/callback with "
        "{'type': 4} has returned 204",
        f"PATCH https://discord.com/api/v10/webhooks/99887766/{TOKEN}/messages/@original",
        # discord.py's gateway event (a dict's repr) and a JSON body
        f"WebSocket Event: {{'t': 'INTERACTION_CREATE', 'd': {{'token': '{TOKEN}', 'id': '1'}}}}",
        f'{{"type": 2, "token": "{TOKEN}"}}',
    ],
)
def test_an_interaction_token_is_masked(line: str) -> None:
    masked = redact(line)
    assert TOKEN not in masked
    assert MASK in masked


def test_a_refused_slack_body_keeps_its_shape_without_its_credentials() -> None:
    body = (
        "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&command=%2Falliance&text=fact"
        "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0001%2F1%2FAbCd&trigger_id=1.2"
    )
    masked = redact(f"Invalid request signature detected (body: {body})")
    assert "gIkuvaNzQIHg97ATvDxqgjtO" not in masked and "AbCd" not in masked
    # What helps an operator debug stays.
    assert "team_id=T0001" in masked and "text=fact" in masked and "trigger_id=1.2" in masked


def test_a_socket_mode_envelope_loses_its_response_url() -> None:
    masked = redact(f'Received: {{"payload": {{"response_url": "{HOOK}", "text": "x"}}}}')
    assert HOOK not in masked and '"text": "x"' in masked


def test_slack_token_shapes_are_masked_anywhere() -> None:
    line = "client with xoxb-1234-5678-abcdEFGH and xapp-1-A01-999-ffff and xoxp-1-2"
    masked = redact(line)
    assert "xox" not in masked and "xapp" not in masked


def test_words_that_merely_contain_token_are_left_alone() -> None:
    line = "next_token=abc tokens=3 csrf-token=x"
    assert redact(line) == line


def test_the_filter_masks_a_record_with_arguments_and_its_traceback() -> None:
    record = logging.LogRecord(
        "discord.http", logging.DEBUG, __file__, 1, "%s %s has returned %s", None, None
    )
    record.args = ("POST", f"/api/v10/interactions/1/{TOKEN}/callback", 204)
    try:
        raise RuntimeError(f"lost /webhooks/5/{TOKEN}")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted
    assert "has returned 204" in formatted and "RuntimeError" in formatted


def test_redact_handlers_covers_every_logger_through_the_root_handler() -> None:
    root = logging.Logger("root-under-test")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    root.addHandler(Keep())
    redact_handlers(root)
    redact_handlers(root)  # twice: one filter, not two
    assert len(root.handlers[0].filters) == 1
    child = logging.Logger("slack_bolt.App")
    child.parent = root
    child.warning("body: %s", f"token={TOKEN}")
    assert records == [f"body: token={MASK}"]
