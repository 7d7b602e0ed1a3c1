"""Texts that name a command name it as the caller's platform types it: ``/alliance …`` by
default (Slack, the shell), or whatever form the adapter put on the context (Discord puts
the admin commands under ``/alliance-admin``). The whole core, on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.command_forms import CommandForm, under_prefix, written_line
from bot.core.commands import Command
from bot.core.context import Channel, ChannelKind, CommandContext, User
from bot.core.replies import Reply
from bot.core.rich import render_plain
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    settings = Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}}
    )
    port = FakeChatPort()
    async with running_core(settings, {port.platform: port}, SimulatedClock(NOW)) as built:
        yield built


def club_form(core: Core) -> CommandForm:
    """A made-up platform that, like Discord, types admin commands under a command of their
    own: built from the flags, as an adapter would."""
    admin = {spec.name for spec in core.router.specs() if spec.admin_only}

    def form(path: Sequence[str]) -> str:
        return " ".join(("/club-admin" if path and path[0] in admin else "/club", *path))

    return form


def context(
    form: CommandForm | None = None, kind: ChannelKind = "channel", admin: bool = True
) -> CommandContext:
    tenant = "" if kind == "dm" else "guild-1"
    built = CommandContext(
        User("u1", "alice", is_admin=admin),
        Channel("test", tenant, "c1", "history", kind=kind),
        "en",
        NOW,
        ZoneInfo("UTC"),
    )
    if form is None:
        return built
    return CommandContext(
        built.user, built.channel, built.locale, built.now, built.timezone, command_form=form
    )


def text_of(reply: Reply) -> str:
    parts = [render_plain(part) for part in (reply.title, reply.body, reply.footer) if part]
    parts += [f"{render_plain(f.name)} {render_plain(f.value)}" for f in reply.fields]
    return "\n".join(parts)


def test_the_default_form_is_under_alliance_and_lines_keep_their_arguments() -> None:
    assert under_prefix(("quiz", "start")) == "/alliance quiz start"
    assert context().command_text("subscribe") == "/alliance subscribe"

    def form(path: Sequence[str]) -> str:
        return " ".join(("/ADMIN", *path))

    assert written_line(form, "/alliance subscribe time 08:30") == "/ADMIN subscribe time 08:30"
    assert written_line(form, "subscribe [time HH:MM]") == "/ADMIN subscribe [time HH:MM]"
    assert written_line(form, "quiz start | quiz stop") == "/ADMIN quiz start | quiz stop"
    assert written_line(form, "/alliance") == "/ADMIN"


async def test_help_names_each_command_in_the_platforms_form(core: Core) -> None:
    default = text_of(await core.router.handle(context(), "help"))
    assert "/alliance subscribe [time HH:MM]" in default
    assert "`/alliance server-settings timezone Europe/Moscow quiz-length 10`" in default
    club = text_of(await core.router.handle(context(club_form(core)), "help"))
    assert "/club-admin subscribe [time HH:MM]" in club
    assert "/club-admin unsubscribe" in club and "/club subscription" in club
    assert "`/club-admin server-settings timezone Europe/Moscow quiz-length 10`" in club
    assert "/club today" in club and "/club quiz start" in club
    assert "/alliance" not in club


async def test_usage_and_error_texts_name_the_platforms_form(core: Core) -> None:
    club = context(club_form(core))
    # An option the subscribe parser does not know: its usage.
    bad = text_of(await core.router.handle(club, "subscribe at-dawn"))
    assert "Use `/club-admin subscribe [time HH:MM]" in bad
    assert "e.g. `/club-admin subscribe time 08:30" in bad
    assert "/alliance" not in bad
    # No daily post yet: who can start one, and how.
    none = text_of(await core.router.handle(club, "subscription"))
    assert "`/club-admin subscribe`" in none
    # The server settings' usage line.
    settings = text_of(await core.router.handle(club, "server-settings"))
    assert "/club-admin server-settings [language" in settings
    # A server command in a DM: the router names it.
    dm = context(club_form(core), kind="dm")
    refused = text_of(await core.router.handle(dm, "server-settings"))
    assert "`/club-admin server-settings` works only in a server channel" in refused
    refused = text_of(await core.router.handle(dm, "quiz start"))
    assert "`/club quiz start` works only in a server channel" in refused
    # The default is what Slack and the shell type.
    assert "Use `/alliance subscribe [time" in text_of(
        await core.router.handle(context(), "subscribe at-dawn")
    )


def test_admin_only_belongs_to_a_top_level_command() -> None:
    async def handler(context: CommandContext, args: str, lang: str) -> Reply:
        return Reply(body="ok")

    summary = {"en": "x", "ja": "x"}
    sub = Command("reset", handler, "tool reset", summary, "/alliance tool reset", admin_only=True)
    with pytest.raises(ValueError, match="admin_only"):
        Command("tool", handler, "tool", summary, "/alliance tool", subcommands=(sub,))
    # Under an admin_only command it is what its parent is already.
    Command("tool", handler, "tool", summary, "/alliance tool", subcommands=(sub,), admin_only=True)
