"""The command line and composition root: load settings once, build the core, run an adapter."""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from bot.config import ConfigError, Settings, load_settings, shipped_facts_dir
from bot.core.dates import parse_month_day
from bot.core.fact_files import FactDataError
from bot.core.i18n import LANGUAGES
from bot.core.topics import TOPICS
from bot.log_redaction import redact_handlers

log = logging.getLogger("bot")

EXIT_OK = 0
EXIT_BAD_DATA = 1
EXIT_USAGE = 2
EXIT_NO_DATABASE = 3
EXIT_PLATFORM_REFUSED = 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance-bot",
        description="Alliance Bot: the U.S.–Soviet alliance, 1941–1945, for Discord and Slack.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    shell = commands.add_parser("shell", help="run the bot in this terminal (no tokens needed)")
    shell.add_argument("--config", type=Path, help="configuration file (TOML)")
    shell.add_argument("--now", help="start the simulated clock here (ISO 8601)")
    shell.add_argument("--lang", choices=LANGUAGES, help="reply language")
    shell.add_argument("--user", default="you", help="your user name (default: you)")
    shell.add_argument("--channel", default="general", help="starting channel (default: general)")

    run = commands.add_parser("run", help="start the configured Discord/Slack adapters")
    run.add_argument("--config", type=Path, help="configuration file (TOML)")

    discord_parser = commands.add_parser("discord", help="set the bot up on Discord")
    discord_commands = discord_parser.add_subparsers(
        dest="discord_command", required=True, metavar="ACTION"
    )
    sync = discord_commands.add_parser(
        "sync",
        help="register /alliance and /alliance-admin (one guild for development, else global)",
    )
    sync.add_argument("--config", type=Path, help="configuration file (TOML)")
    sync.add_argument("--guild", type=int, metavar="ID", help="register in this guild only")
    invite = discord_commands.add_parser("invite-url", help="print the install URLs")
    invite.add_argument("--config", type=Path, help="configuration file (TOML)")
    invite.add_argument(
        "--application-id", type=int, metavar="ID", help="skip asking Discord for it"
    )

    health = commands.add_parser("health", help="exit 0 if a running bot's heartbeat is fresh")
    health.add_argument("--config", type=Path, help="configuration file (TOML)")

    database = commands.add_parser("db", help="database maintenance")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = database_commands.add_parser("upgrade", help="apply pending migrations")
    upgrade.add_argument("--config", type=Path, help="configuration file (TOML)")

    facts = commands.add_parser("facts", help="check and list the fact files")
    fact_commands = facts.add_subparsers(dest="facts_command", required=True, metavar="ACTION")
    validate = fact_commands.add_parser("validate", help="check every fact file")
    validate.add_argument("--facts-dir", type=Path, help="directory of fact files")
    listing = fact_commands.add_parser("list", help="list facts")
    listing.add_argument("--facts-dir", type=Path, help="directory of fact files")
    listing.add_argument("--on", metavar="MM-DD", help="only anniversaries of this day")
    listing.add_argument("--tag", choices=sorted(TOPICS), help="only facts with this topic")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def _print_problems(error: FactDataError) -> None:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    print(f"{len(error.problems)} problem(s) found.", file=sys.stderr)


def _facts_validate(directory: Path) -> int:
    from bot.core.fact_loading import load_fact_store  # the parser: only for these commands

    try:
        store = load_fact_store(directory)
    except FactDataError as error:
        _print_problems(error)
        return EXIT_BAD_DATA
    print(
        f"{len(store.facts)} facts, {len(store.people)} people, "
        f"{len(store.questions)} curated questions, "
        f"{len(store.month_days())} distinct month-days: all valid."
    )
    return EXIT_OK


def _facts_list(directory: Path, on: str | None, tag: str | None, as_json: bool) -> int:
    from bot.core.fact_loading import load_fact_store

    try:
        store = load_fact_store(directory)
    except FactDataError as error:
        _print_problems(error)
        return EXIT_BAD_DATA
    facts = store.facts
    if on is not None:
        month_day = parse_month_day(on)
        if month_day is None:
            print(f"--on: '{on}' is not a month-day; use MM-DD such as 06-22", file=sys.stderr)
            return EXIT_USAGE
        facts = store.on(*month_day)
    if tag is not None:
        facts = tuple(fact for fact in facts if tag in fact.tags)
    for fact in facts:
        if as_json:
            print(json.dumps(fact.json_record(), ensure_ascii=False))
        else:
            print(f"{fact.date.iso():<10}  {fact.id:<40}  {fact.title.en}")
    return EXIT_OK


def _load(config: Path | None) -> Settings:
    return load_settings(config, os.environ)


def _shell(args: argparse.Namespace) -> int:
    from bot.adapters.shell import ShellAdapter, ShellTerminal, default_speaker, parse_moment
    from bot.app import running_core
    from bot.core.clock import ClockRangeError, SimulatedClock
    from bot.runtime import running_runtime

    settings = _load(args.config)
    # One terminal is no burst: posts fall due on the minute the user asked for.
    daily = settings.daily.model_copy(update={"spread_seconds": 0})
    settings = settings.model_copy(update={"daily": daily})
    try:
        start = parse_moment(args.now) if args.now else datetime.now(UTC)
    except ClockRangeError as error:
        print(f"--now: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError:
        print(
            f"--now: '{args.now}' is not an ISO 8601 time, e.g. 2026-06-22T10:00:00+00:00",
            file=sys.stderr,
        )
        return EXIT_USAGE
    speaker = default_speaker(args.user, args.channel, args.lang or settings.bot.language)
    # Bytes that are not valid text become U+FFFD instead of ending the session.
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    terminal = ShellTerminal(sys.stdout, speaker.lang)

    async def session() -> int:
        clock = SimulatedClock(start)
        async with (
            running_core(settings, {terminal.platform: terminal}, clock) as core,
            running_runtime(core, clock, poll="timers") as runtime,
        ):
            shell = ShellAdapter(core, runtime, clock, terminal, speaker)
            return await shell.run(sys.stdin, interactive=sys.stdin.isatty())

    return asyncio.run(session())


def _run(args: argparse.Namespace) -> int:
    from bot.platforms import chosen_adapters
    from bot.runtime import FatalPlatformError
    from bot.serve import serve

    settings = _load(args.config)
    _configure_logging(settings)
    adapters = chosen_adapters(settings)
    if not adapters:
        print(
            "No platform to start. Set DISCORD_TOKEN for Discord and/or SLACK_BOT_TOKEN (with "
            'SLACK_APP_TOKEN for Socket Mode, or SLACK_SIGNING_SECRET for [slack] mode = "http") '
            "for Slack in the environment; see config.example.toml.\n"
            "To try the bot without any token: alliance-bot shell",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        asyncio.run(serve(settings, adapters))
    except FatalPlatformError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_PLATFORM_REFUSED
    return EXIT_OK


def _configure_logging(settings: Settings) -> None:
    # What runs, what connects, what stops: worth seeing in a service's log, so the bot's
    # own loggers default to INFO while the libraries stay at WARNING; DEBUG opens both.
    level = logging.getLevelNamesMapping()[settings.bot.log_level]
    logging.getLogger("bot").setLevel(level)
    if level <= logging.DEBUG:
        logging.getLogger().setLevel(level)


def _discord_token(settings: Settings) -> SecretStr:
    token = settings.secrets.discord_token
    if token is None:
        raise ConfigError("DISCORD_TOKEN is not set in the environment")
    return token


def _discord_sync(args: argparse.Namespace) -> int:
    from bot.adapters.discord.setup import sync_commands
    from bot.app import running_core
    from bot.core.clock import AsyncioClock

    settings = _load(args.config)
    token = _discord_token(settings)

    async def sync() -> list[str]:
        # The core's router, with no platform to post to: only its commands are read.
        async with running_core(settings, {}, AsyncioClock()) as core:
            return await sync_commands(settings.discord, token, core, args.guild)

    for line in asyncio.run(sync()):
        print(line)
    return EXIT_OK


def _discord_invite(args: argparse.Namespace) -> int:
    from bot.adapters.discord.setup import application_id, invite_urls

    settings = _load(args.config)
    app_id = args.application_id
    if app_id is None:
        app_id = asyncio.run(application_id(settings.discord, _discord_token(settings)))
    urls = invite_urls(app_id)
    print(f"Add the bot to a server (you need Manage Server there):\n  {urls['server']}")
    print(f"Or install it for yourself (its commands in any server or DM):\n  {urls['user']}")
    return EXIT_OK


def _db_upgrade(args: argparse.Namespace) -> int:
    from bot.storage.database import run_upgrade

    settings = _load(args.config)
    run_upgrade(settings.database_url, settings.database.connect_timeout_seconds)
    print("database is up to date")
    return EXIT_OK


def _health(args: argparse.Namespace) -> int:
    from bot.health import health_problem, heartbeat_path

    problem = health_problem(heartbeat_path(_load(args.config).bot.data_dir))
    if problem is None:
        return EXIT_OK
    print(f"unhealthy: {problem}", file=sys.stderr)
    return EXIT_BAD_DATA


def _needing_database(
    command: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    # Imported here so that the fact commands start without loading SQLAlchemy.
    from bot.storage.database import DatabaseUnavailable

    try:
        return command(args)
    except DatabaseUnavailable as error:
        print(error, file=sys.stderr)
        return EXIT_NO_DATABASE


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``alliance-bot`` and ``python -m bot``."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    redact_handlers(logging.getLogger())
    args = _parser().parse_args(argv)
    try:
        if args.command == "facts":
            directory = args.facts_dir or shipped_facts_dir()
            if args.facts_command == "validate":
                return _facts_validate(directory)
            return _facts_list(directory, args.on, args.tag, args.json)
        if args.command == "shell":
            return _needing_database(_shell, args)
        if args.command == "health":
            return _health(args)
        if args.command == "db":
            return _needing_database(_db_upgrade, args)
        if args.command == "discord":
            if args.discord_command == "sync":
                return _needing_database(_discord_sync, args)
            return _discord_invite(args)
        return _needing_database(_run, args)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except FactDataError as error:
        _print_problems(error)
        print("The bot will not start on bad fact data; fix the lines above.", file=sys.stderr)
        return EXIT_BAD_DATA
    except KeyboardInterrupt:
        return EXIT_OK
