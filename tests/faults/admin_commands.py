"""What the authorization tests throw at each platform: every admin command, found from the
core's command specs, bare and with its help example's options; and every row of the
database, to show nothing changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.core.commands import CommandRouter, CommandSpec, OptionValue
from bot.storage.database import Database
from bot.storage.tables import Base

# Starter-or-admin: not flagged admin_only (any member may stop the quiz they started).
GUARDED_BY_STARTER = (("quiz", "stop"),)
# The start of each refusal, in English (see bot/core/i18n.py).
REFUSALS = ("Only server admins", "Only the person who started the quiz")

Rows = dict[str, list[tuple[object, ...]]]


@dataclass(frozen=True)
class AdminCommand:
    """One attempt: the core's command path and typed options (Discord's), and the text
    line the same options make (Slack's, and a button's action)."""

    path: tuple[str, ...]
    options: dict[str, OptionValue]
    line: str


def _example_options(spec: CommandSpec, path: tuple[str, ...]) -> dict[str, OptionValue]:
    """The keyword options of ``spec``'s help example, typed as its parameters say, and
    its switches on."""
    words = spec.example.split()
    rest = words[words.index(path[-1]) + 1 :] if path[-1] in words else []
    params = {param.name: param for param in spec.params}
    options: dict[str, OptionValue] = {}
    for name, value in zip(rest[::2], rest[1::2], strict=False):
        param = params.get(name)
        if param is None:
            continue
        if param.kind == "integer":
            options[name] = int(value)
        elif param.kind == "boolean":
            options[name] = value in ("on", "true", "yes")
        else:
            options[name] = value
    # A switch the example leaves out is turned on, so every kind of option is tried.
    for param in spec.params:
        if param.kind == "boolean":
            options.setdefault(param.name, True)
    return options


def admin_commands(router: CommandRouter) -> list[AdminCommand]:
    """Every admin command, bare and with its example's options; and the quiz's stop."""
    leaves: list[tuple[tuple[str, ...], CommandSpec]] = []
    for spec in router.specs():
        if spec.subcommands:
            leaves += [
                ((spec.name, sub.name), sub)
                for sub in spec.subcommands
                if sub.admin_only or spec.admin_only or (spec.name, sub.name) in GUARDED_BY_STARTER
            ]
        elif spec.admin_only:
            leaves.append(((spec.name,), spec))
    assert len(leaves) > len(GUARDED_BY_STARTER), "no command is flagged admin_only"
    attempts: dict[str, AdminCommand] = {}
    for path, spec in leaves:
        for options in ({}, _example_options(spec, path)):
            line = router.command_line(path, options)
            attempts.setdefault(line, AdminCommand(path, options, line))
    return list(attempts.values())


def refused(text: str) -> bool:
    return any(refusal in text for refusal in REFUSALS)


async def every_row(database: Database) -> Rows:
    """Every row of every table, sorted, to compare before and after."""
    dump: Rows = {}
    async with database.session() as session:
        for name, table in sorted(Base.metadata.tables.items()):
            result = await session.execute(select(table))
            dump[name] = sorted((tuple(row) for row in result.all()), key=repr)
    return dump
