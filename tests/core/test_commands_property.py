"""Whatever a user types, the router answers with something and raises nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.commands import CommandRouter
from tests.conftest import ContextFactory

WORDS = st.sampled_from(
    [
        "/alliance",
        "fact",
        "today",
        "on",
        "search",
        "help",
        "06-22",
        "June",
        "ヤルタ",
        "lend-lease",
        "31",
        "02-29",
        "--",
        "`",
        "\u200b",
        "🙂",
        "\x00",
        "yalta-conference",
    ]
)
LINES = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=8).map(" ".join),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    line=LINES,
    locale=st.sampled_from(["en", "ja", "fr", None, ""]),
    moment=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ),
)
def test_random_command_lines_get_a_reply_and_never_raise(
    router: CommandRouter,
    make_context: ContextFactory,
    line: str,
    locale: str | None,
    moment: datetime,
) -> None:
    # dispatch, not handle: handle would hide a crash behind its polite fallback.
    reply = asyncio.run(router.dispatch(make_context(now=moment, locale=locale), line))
    assert reply.title or reply.body or reply.fields
    assert all(field.name and field.value for field in reply.fields)
