"""The adapter's view of the core's commands: what the app-command tree is built from.

The core describes its commands with typed parameters (``bot.core.params``: ``Param``,
``Choice``, and ``Command.params/subcommands/private/slow/server_only/admin_only``, listed by
``router.specs()``); :func:`specs_of` reads them into these small frozen records, so the
tree builder and the interaction handler depend on one shape. A router without typed
parameters (an older core) gives each command one free-text ``options`` option instead, and
``options`` is its command line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.core.commands import CommandRouter

ParamKind = Literal["string", "integer", "boolean", "choice"]
Completion = Literal["topic", "fact", "timezone"]
FREE_TEXT_OPTION = "options"
# An older core's commands that make sense outside a server (a DM, a user install).
_DIRECT_COMMANDS = frozenset({"fact", "today", "on", "search", "help"})


@dataclass(frozen=True)
class ChoiceSpec:
    value: str
    label: Mapping[str, str]


@dataclass(frozen=True)
class ParamSpec:
    name: str
    kind: ParamKind
    description: Mapping[str, str]
    required: bool = False
    choices: tuple[ChoiceSpec, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    autocomplete: Completion | None = None


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: Mapping[str, str]
    params: tuple[ParamSpec, ...] = ()
    subcommands: tuple[CommandSpec, ...] = ()
    private: bool = False
    slow: bool = False
    server_only: bool = False
    admin_only: bool = False

    def find(self, path: Sequence[str]) -> CommandSpec | None:
        """The subcommand at ``path`` below this one (empty: this one)."""
        if not path:
            return self
        for sub in self.subcommands:
            if sub.name == path[0]:
                return sub.find(path[1:])
        return None


def _text(value: Any) -> Mapping[str, str]:
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    return {"en": str(value)}


def _choice(choice: Any) -> ChoiceSpec:
    return ChoiceSpec(str(choice.value), _text(choice.label))


def _param(param: Any) -> ParamSpec:
    return ParamSpec(
        name=param.name,
        kind=param.kind,
        description=_text(param.description),
        required=bool(getattr(param, "required", False)),
        choices=tuple(_choice(c) for c in getattr(param, "choices", ()) or ()),
        min_value=getattr(param, "min_value", None),
        max_value=getattr(param, "max_value", None),
        autocomplete=getattr(param, "autocomplete", None),
    )


def typed_spec(command: Any) -> CommandSpec:
    """A core ``Command`` with typed parameters as a :class:`CommandSpec`."""
    summary = getattr(command, "summary", None) or getattr(command, "description", None)
    return CommandSpec(
        name=command.name,
        description=_text(summary or command.name),
        params=tuple(_param(p) for p in getattr(command, "params", ()) or ()),
        subcommands=tuple(typed_spec(s) for s in getattr(command, "subcommands", ()) or ()),
        private=bool(getattr(command, "private", False)),
        slow=bool(getattr(command, "slow", False)),
        server_only=bool(getattr(command, "server_only", False)),
        admin_only=bool(getattr(command, "admin_only", False)),
    )


def _free_text_spec(command: Any) -> CommandSpec:
    usage = command.usage.partition(" ")[2]
    params: tuple[ParamSpec, ...] = ()
    if usage:
        description = {"en": usage, "ja": usage}
        params = (ParamSpec(FREE_TEXT_OPTION, "string", description),)
    return CommandSpec(
        name=command.name,
        description=_text(command.summary),
        params=params,
        server_only=command.name not in _DIRECT_COMMANDS,
    )


def has_typed_params(router: CommandRouter) -> bool:
    return callable(getattr(router, "specs", None)) and callable(
        getattr(router, "command_line", None)
    )


def specs_of(router: CommandRouter) -> tuple[CommandSpec, ...]:
    """Every command of ``router`` in help order, as the tree is built from it."""
    if has_typed_params(router):
        return tuple(typed_spec(c) for c in router.specs())  # type: ignore[attr-defined]
    return tuple(_free_text_spec(c) for c in router.commands)


def command_line(router: CommandRouter, path: Sequence[str], options: Mapping[str, Any]) -> str:
    """The core's command line for a slash command at ``path`` with ``options``."""
    if has_typed_params(router):
        line: str = router.command_line(list(path), dict(options))  # type: ignore[attr-defined]
        return line
    extra = str(options.get(FREE_TEXT_OPTION, "") or "")
    return " ".join([*path, extra]).strip()
