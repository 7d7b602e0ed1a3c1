"""The shipped command tree as an adapter sees it (specs, flags, command_for), built by the
composition root on a real SQLite file, and the router's refusal of server commands in DMs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Core, running_core
from bot.config import Settings
from bot.core.clock import SimulatedClock
from bot.core.commands import CommandSpec
from bot.core.context import Channel, ChannelKind, CommandContext, User
from bot.core.i18n import LANGUAGES
from bot.core.params import NAME_PATTERN
from tests.conftest import FIXTURE_FACTS
from tests.fakes import FakeChatPort

NOW = datetime(2026, 6, 22, 10, 0, tzinfo=UTC)

# The option names issue 11 gives for the Discord commands, subcommand by subcommand.
ISSUE_11_OPTIONS = {
    ("fact",): ["topic"],
    ("today",): [],
    ("on",): ["date"],
    ("search",): ["query"],
    ("help",): [],
    ("quiz", "start"): ["questions", "topic", "difficulty"],
    ("quiz", "stop"): [],
    ("leaderboard",): ["page"],
    ("stats",): ["user"],
    ("forget-me",): [],
    ("subscribe",): ["time", "timezone", "language", "question"],
    ("unsubscribe",): [],
    ("subscription",): [],
    # Issue 10's settings commands.
    ("settings",): ["language", "timezone"],
    ("server-settings",): ["language", "timezone", "quiz-length"],
}
# Issue 11: these work in DMs; quizzes and subscriptions (and what reads a server's scores)
# are for servers only.
WORK_IN_DMS = {("fact",), ("today",), ("on",), ("search",), ("help",), ("settings",)}
ADMIN_ONLY = {("subscribe",), ("unsubscribe",), ("server-settings",)}
# Everything that reads or writes the database may be slow; the fact commands read memory.
IN_MEMORY = WORK_IN_DMS - {("settings",)}


def settings_for(tmp_path: Path, **sections: object) -> Settings:
    return Settings.model_validate(
        {"bot": {"facts_dir": str(FIXTURE_FACTS), "data_dir": str(tmp_path)}, **sections}
    )


@pytest.fixture
async def core(tmp_path: Path) -> AsyncIterator[Core]:
    port = FakeChatPort()
    settings = settings_for(tmp_path)
    async with running_core(settings, {port.platform: port}, SimulatedClock(NOW)) as built:
        yield built


def context(
    kind: ChannelKind = "channel", locale: str = "en", user: str = "u1", admin: bool = False
) -> CommandContext:
    tenant = "" if kind == "dm" else "guild-1"
    return CommandContext(
        User(user, user, is_admin=admin),
        Channel("test", tenant, "c1", "history", kind=kind),
        locale,
        NOW,
        ZoneInfo("UTC"),
    )


def leaves(specs: Sequence[CommandSpec]) -> Iterator[tuple[tuple[str, ...], CommandSpec]]:
    for spec in specs:
        if spec.subcommands:
            for sub in spec.subcommands:
                yield (spec.name, sub.name), sub
        else:
            yield (spec.name,), spec


def test_every_command_has_the_options_issue_11_names(core: Core) -> None:
    found = {path: [p.name for p in spec.params] for path, spec in leaves(core.router.specs())}
    assert found == ISSUE_11_OPTIONS


def test_every_name_and_description_fits_discord(core: Core) -> None:
    specs = list(core.router.specs())
    every = [*specs, *(sub for spec in specs for sub in spec.subcommands)]
    for spec in every:
        assert NAME_PATTERN.fullmatch(spec.name)
        for lang in LANGUAGES:
            assert 1 <= len(spec.description[lang]) <= 100, (spec.name, lang)
            # The help keeps the whole sentence; the description is its start.
            assert spec.summary[lang].startswith(spec.description[lang].rstrip("…"))
        for param in spec.params:
            assert all(1 <= len(param.description[lang]) <= 100 for lang in LANGUAGES)


def test_flags_say_before_running_what_an_adapter_must_know(core: Core) -> None:
    for path, spec in leaves(core.router.specs()):
        assert spec.server_only == (path not in WORK_IN_DMS), path
        assert spec.admin_only == (path in ADMIN_ONLY), path
        assert spec.slow == (path not in IN_MEMORY), path
    help_command = core.router.command_for(["help"])
    forget = core.router.command_for(["forget-me"])
    assert help_command is not None and help_command.private
    assert forget is not None and forget.private


def test_command_for_finds_commands_and_subcommands_in_any_case(core: Core) -> None:
    router = core.router
    start = router.command_for(["QUIZ", "Start"])
    assert start is not None and start.name == "start" and start.slow
    assert router.command_for(["quiz", "answer"]) is None
    assert router.command_for(["nope"]) is None
    assert router.command_for([]) is None
    assert router.command_for(["quiz", "start", "now"]) is None


@pytest.mark.parametrize(
    ("line", "name", "private", "slow", "server_only"),
    [
        ("/alliance quiz answer 1 2 3", "quiz", False, True, True),  # an answer button
        ("quiz start questions 3", "start", False, True, True),
        ("forget-me confirm", "forget-me", True, True, True),  # the confirm button
        ("leaderboard 2", "leaderboard", False, True, True),  # a page button
        ("fact lend-lease", "fact", False, False, False),  # "another on this topic"
        ("/alliance   HELP", "help", True, False, False),
    ],
)
def test_command_for_line_reads_button_actions_and_typed_lines(
    core: Core, line: str, name: str, private: bool, slow: bool, server_only: bool
) -> None:
    command = core.router.command_for_line(line)
    assert command is not None and command.name == name
    assert (command.private, command.slow, command.server_only) == (private, slow, server_only)


def test_command_for_line_of_nothing_known(core: Core) -> None:
    assert core.router.command_for_line("dance") is None
    assert core.router.command_for_line("") is None


@pytest.mark.parametrize(
    "line",
    [
        "quiz start",
        "quiz stop",
        "quiz answer 1 0 1",
        "leaderboard",
        "stats",
        "forget-me",
        "subscribe time 09:00",
        "unsubscribe",
        "subscription",
    ],
)
async def test_server_commands_in_a_dm_get_a_private_refusal(core: Core, line: str) -> None:
    reply = await core.router.handle(context("dm", admin=True), line)
    assert reply.ephemeral and reply.is_error
    assert "only in a server channel" in reply.body
    japanese = await core.router.handle(context("dm", locale="ja"), line)
    assert "サーバーのチャンネルでのみ" in japanese.body
    assert not await core.subscriptions.active(["test"])


@pytest.mark.parametrize("line", ["quiz start", "subscribe time 09:00"])
async def test_commands_that_post_later_are_refused_where_the_bot_cannot_post(
    core: Core, line: str
) -> None:
    # A platform's user install in a server without the bot: only the answer reaches it.
    elsewhere = replace(context(admin=True), bot_can_post=False)
    reply = await core.router.handle(elsewhere, line)
    assert reply.ephemeral and reply.is_error
    assert "add the bot to this server" in reply.body
    japanese = await core.router.handle(replace(elsewhere, locale="ja"), line)
    assert "このサーバーへ追加" in japanese.body
    assert not await core.subscriptions.active(["test"])
    # What only answers still works there.
    assert not (await core.router.handle(elsewhere, "stats")).is_error


@pytest.mark.parametrize("line", ["fact", "today", "on 22 June", "search Yalta", "help"])
async def test_fact_commands_work_in_a_dm(core: Core, line: str) -> None:
    reply = await core.router.handle(context("dm"), line)
    assert not reply.is_error, reply.body


async def test_a_private_command_is_always_ephemeral(core: Core) -> None:
    # help builds an ephemeral reply itself; the router guarantees it whatever the handler did.
    for line in ("help", "forget-me", "forget-me confirm"):
        assert (await core.router.handle(context(), line)).ephemeral


@pytest.mark.parametrize("locale", ["en", "ja"])
async def test_help_lists_the_specs_with_their_usage(core: Core, locale: str) -> None:
    reply = await core.router.handle(context(locale=locale), "help")
    listed = [field.name for field in reply.fields]
    assert listed == [f"/alliance {spec.usage}" for spec in core.router.specs()]
    lang = "ja" if locale == "ja" else "en"
    assert all(
        spec.summary[lang] in field.value
        for spec, field in zip(core.router.specs(), reply.fields, strict=True)
    )
