"""When the bot itself fails: a reply that says so, and a log line without the user's words."""

from __future__ import annotations

import logging

import pytest

from bot.core.commands import Command, CommandRouter
from bot.core.i18n import t
from bot.core.replies import Reply
from tests.conftest import ContextFactory


async def broken(*_: object) -> Reply:
    raise RuntimeError("boom")


async def test_an_internal_error_is_not_titled_as_the_senders_mistake(
    make_context: ContextFactory,
) -> None:
    router = CommandRouter("en")
    router.register(Command("today", broken, "today", {"en": "", "ja": ""}, ""))
    router.add_listener(broken)
    for reply in (
        await router.handle(make_context(), "today"),
        await router.handle_message(make_context(), "hello"),
        await router.handle(make_context(locale="ja"), "today"),
    ):
        assert reply is not None and reply.is_error
        assert reply.title not in {t("err_title", "en"), t("err_title", "ja")}
        assert reply.title in {"Something went wrong", t("err_internal_title", "ja")}


async def test_a_failed_command_logs_its_name_only(
    make_context: ContextFactory, caplog: pytest.LogCaptureFixture
) -> None:
    router = CommandRouter("en")
    router.register(Command("stats", broken, "stats [user]", {"en": "", "ja": ""}, ""))
    with caplog.at_level(logging.ERROR, logger="bot.core.commands"):
        reply = await router.handle(make_context(), "/alliance STATS Zebedee Quux")
    assert "went wrong" in reply.body
    assert [record.getMessage() for record in caplog.records] == ["command 'stats' failed"]
    assert "Zeb" not in caplog.text
