"""How a command is written where the caller types it.

The core names commands in its own texts (the help, usage lines, errors). Everywhere the bot
runs today a command is typed under ``/alliance``, but a platform may place some elsewhere:
Discord lists the admin commands under a top-level command of their own, because only a
top-level command can carry default member permissions. So the adapter that builds a
:class:`~bot.core.context.CommandContext` gives it the platform's form, and the core asks
the context rather than writing ``/alliance`` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

__all__ = ["COMMAND_PREFIX", "CommandForm", "under_prefix", "written_line"]

COMMAND_PREFIX = "/alliance"

# A command's path (``("subscribe",)``, ``("quiz", "start")``) → what the caller types.
CommandForm = Callable[[Sequence[str]], str]


def under_prefix(path: Sequence[str]) -> str:
    """``("quiz", "start")`` → ``/alliance quiz start``: the form on every platform that
    supplies no other."""
    return " ".join((COMMAND_PREFIX, *path))


def written_line(form: CommandForm, line: str) -> str:
    """A core command line (``/alliance subscribe time 08:30``, or a usage line without the
    prefix such as ``subscribe [time HH:MM]``) as the caller types it with ``form``.

    Its first word names the command; the rest (arguments, or a subcommand and its
    arguments) is kept as written: platforms place commands by their top-level name.
    """
    lowered = line.lower()
    if lowered == COMMAND_PREFIX or lowered.startswith(COMMAND_PREFIX + " "):
        line = line[len(COMMAND_PREFIX) :].strip()
    name, _, rest = line.partition(" ")
    if not name:
        return form(())
    typed = form((name,))
    return f"{typed} {rest}" if rest else typed
