"""Text → command → reply: the one entry point every adapter calls.

Handlers never see raw platform input: the router normalises it (Unicode NFKC, control
characters removed, length bounded), picks the subcommand, and turns any unexpected
exception into a polite reply, so nothing a user types can crash an adapter.

Each command declares its typed parameters and flags (:mod:`bot.core.params`); adapters read
them through :meth:`CommandRouter.specs` to build a platform's own command tree, turn typed
options back into the core's text line with :meth:`CommandRouter.command_line`, and ask
:meth:`CommandRouter.command_for` whether a reply is private or a command may be slow before
running it. The text line stays the one way into a handler.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from bot.core.command_forms import COMMAND_PREFIX
from bot.core.completion import CompletionSource, rank_choices
from bot.core.context import CommandContext
from bot.core.cooldowns import Cooldowns
from bot.core.errors import UsageError
from bot.core.i18n import LANGUAGES, Lang, t, t_rich
from bot.core.params import (
    MAX_DESCRIPTION,
    AutocompleteSource,
    Choice,
    Param,
    check_localized_names,
    check_name,
    check_unique_names,
    switch_word,
)
from bot.core.preferences import PreferenceResolver, Resolved
from bot.core.replies import Reply, shorten
from bot.core.rich import RichText, user_text

__all__ = [
    "COMMAND_PREFIX",
    "COMMAND_PREFIX_NAMES",
    "MAX_INPUT_LENGTH",
    "Command",
    "CommandRouter",
    "CommandSpec",
    "Handler",
    "Listener",
    "UsageError",
    "error_reply",
    "internal_error_reply",
    "normalize_input",
    "strip_prefix",
]

log = logging.getLogger(__name__)

MAX_INPUT_LENGTH = 500
# The top-level group's name for clients in other languages (Discord's localised names).
COMMAND_PREFIX_NAMES: dict[Lang, str] = {"ja": "米ソ同盟"}
# Discord's limits on the options of one command and the subcommands of one group.
MAX_PARAMS = 25
MAX_SUBCOMMANDS = 25
# Discord shows at most this many autocomplete suggestions.
MAX_SUGGESTIONS = 25

Handler = Callable[[CommandContext, str, Lang], Awaitable[Reply]]
# Hears plain chat messages (not commands); returns a reply only when the message was for it.
# It gets the caller's language, but not their zone (``context.zone`` is unresolved): a chat
# message is about a running game, not a date.
Listener = Callable[[CommandContext, str, Lang], Awaitable[Reply | None]]
OptionValue = str | int | bool


@dataclass(frozen=True)
class Command:
    """A subcommand of ``/alliance``: its handler, its line in the help, its typed
    parameters and what an adapter must know before running it.

    ``subcommands`` (``quiz start``, ``quiz stop``) get the words after their name; a line
    whose next word names none of them goes to this command's own handler (the quiz's
    button actions). ``private``: the reply is always ephemeral. ``slow``: the handler may
    touch the database, so Discord must defer first. ``server_only``: refused in a DM (by
    the router). ``posts_in_channel``: the command makes the bot post in the channel later
    (quiz questions, daily posts), so the router refuses it where the bot cannot post
    (:attr:`~bot.core.context.CommandContext.bot_can_post`). ``admin_only``: a platform
    may hide it from non-admins (Discord's default member permissions, which is why only a
    top-level command carries the flag); the handler still checks the caller's rights.
    ``dated``: the handler reads the caller's zone (``context.zone``, for "today"); when
    False the router skips resolving it, which saves a read of the channel's subscription
    on every run (an undated handler that reads the zone anyway raises, so a wrong flag
    cannot go unseen). ``names``: what a platform shows a client in another language
    instead of ``name`` (Discord's localised command names); the text grammar reads
    ``name`` and ``aliases`` only.
    """

    name: str
    handler: Handler
    usage: str
    summary: dict[Lang, str]
    example: str
    aliases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    subcommands: tuple[Command, ...] = ()
    private: bool = False
    slow: bool = False
    server_only: bool = False
    posts_in_channel: bool = False
    admin_only: bool = False
    dated: bool = True
    names: dict[Lang, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_name(self.name, "command")
        check_localized_names(self.names, f"command {self.name!r}")
        for alias in self.aliases:
            check_name(alias, "alias")
        _check_params(self.name, self.params)
        if self.subcommands:
            if self.params:
                raise ValueError(f"command {self.name!r} has subcommands, so no parameters")
            if len(self.subcommands) > MAX_SUBCOMMANDS:
                raise ValueError(f"command {self.name!r} has more than {MAX_SUBCOMMANDS}")
            names = [sub.name for sub in self.subcommands]
            if len(set(names)) != len(names):
                raise ValueError(f"command {self.name!r} has a subcommand name twice")
            check_unique_names(
                [(sub.name, sub.names) for sub in self.subcommands],
                f"command {self.name!r}'s subcommands",
            )
            for sub in self.subcommands:
                # Discord nests /alliance → group → subcommand, and no deeper.
                if sub.subcommands:
                    raise ValueError(f"subcommand {self.name} {sub.name} has subcommands")
                if sub.aliases:
                    raise ValueError(f"subcommand {self.name} {sub.name} has aliases")
                # Platforms place a command by its top-level name (Discord's default
                # permissions hold for a whole top-level command, never one subcommand).
                if sub.admin_only and not self.admin_only:
                    raise ValueError(
                        f"subcommand {self.name} {sub.name} is admin_only: flag {self.name}"
                    )

    def subcommand(self, name: str) -> Command | None:
        """The subcommand called ``name`` (any case), or None."""
        wanted = name.lower()
        return next((sub for sub in self.subcommands if sub.name == wanted), None)

    def name_in(self, lang: Lang) -> str:
        """The name a client in ``lang`` sees (English where none is declared)."""
        return self.names.get(lang, self.name)

    def param(self, name: str) -> Param | None:
        """The parameter called ``name``, or None."""
        return next((param for param in self.params if param.name == name), None)

    @property
    def spec(self) -> CommandSpec:
        """The platform-neutral view of this command, without its handler."""
        return CommandSpec(
            name=self.name,
            usage=self.usage,
            summary=dict(self.summary),
            description={lang: shorten(self.summary[lang], MAX_DESCRIPTION) for lang in LANGUAGES},
            example=self.example,
            aliases=self.aliases,
            params=self.params,
            subcommands=tuple(sub.spec for sub in self.subcommands),
            private=self.private,
            slow=self.slow,
            server_only=self.server_only,
            admin_only=self.admin_only,
            names=dict(self.names),
        )


@dataclass(frozen=True)
class CommandSpec:
    """What an adapter builds a platform's command tree from: a command's name, help,
    parameters and flags, but not its handler (every run goes through the router).

    ``summary`` is the help's full sentence; ``description`` the same shortened to the 100
    characters Discord allows a command description. ``names``: the command's name in
    other languages, for a platform's localised command tree.
    """

    name: str
    usage: str
    summary: dict[Lang, str]
    description: dict[Lang, str]
    example: str
    aliases: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    subcommands: tuple[CommandSpec, ...] = ()
    private: bool = False
    slow: bool = False
    server_only: bool = False
    admin_only: bool = False
    names: dict[Lang, str] = field(default_factory=dict)

    def name_in(self, lang: Lang) -> str:
        """The name a client in ``lang`` sees (English where none is declared)."""
        return self.names.get(lang, self.name)


def _check_params(command: str, params: tuple[Param, ...]) -> None:
    where = f"command {command!r}"
    if len(params) > MAX_PARAMS:
        raise ValueError(f"{where} has more than {MAX_PARAMS} parameters")
    names = [param.name for param in params]
    if len(set(names)) != len(names):
        raise ValueError(f"{where} has a parameter name twice")
    check_unique_names([(param.name, param.names) for param in params], f"{where}'s parameters")
    seen_optional = False
    for index, param in enumerate(params):
        if param.required and seen_optional:
            raise ValueError(f"{where}: required parameter {param.name!r} after an optional one")
        seen_optional = seen_optional or not param.required
        if param.style == "rest" and index != len(params) - 1:
            # The rest of the line can only be last, or it would swallow what follows.
            raise ValueError(f"{where}: rest parameter {param.name!r} must be the last")


def error_reply(message: RichText, lang: Lang) -> Reply:
    """The reply to input the bot could not use: what was expected, seen only by the sender."""
    return Reply(title=t("err_title", lang), body=message, ephemeral=True, is_error=True)


def internal_error_reply(lang: Lang) -> Reply:
    """The reply when the bot itself failed: not the sender's mistake, so not titled as one."""
    return Reply(
        title=t("err_internal_title", lang),
        body=t("err_internal", lang),
        ephemeral=True,
        is_error=True,
    )


def normalize_input(text: str) -> str:
    """NFKC, control and format characters dropped, whitespace collapsed."""
    if text.isascii() and text.isprintable():
        # Printable ASCII (what nearly every command line is) is its own NFKC form and
        # holds no control, format or whitespace character but the space: only the spaces
        # need collapsing. Twice per command (the adapter asks for the command first).
        return " ".join(text.split())
    text = unicodedata.normalize("NFKC", text)
    text = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    return re.sub(r"\s+", " ", text).strip()


def strip_prefix(text: str) -> str:
    """``/alliance today`` → ``today``; a bare subcommand stays as it is."""
    lowered = text.lower()
    for prefix in (COMMAND_PREFIX, COMMAND_PREFIX[1:]):
        if lowered == prefix:
            return ""
        if lowered.startswith(prefix + " "):
            return text[len(prefix) + 1 :].strip()
    return text


@dataclass(frozen=True)
class _Resolved:
    """A command line split into the command it runs and that command's arguments."""

    path: tuple[str, ...]
    command: Command
    args: str


class CommandRouter:
    """Dispatches ``/alliance <subcommand> <args>`` to registered commands.

    ``cooldowns``: per-user and per-channel limits checked before each command (None: no
    limits, as in most tests). ``resolver``: the caller's language and zone from the stored
    settings, resolved before every handler (None: the locale, then the defaults and UTC,
    as in tests of single commands).
    """

    def __init__(
        self,
        default_language: Lang,
        cooldowns: Cooldowns | None = None,
        *,
        resolver: PreferenceResolver | None = None,
    ) -> None:
        self._resolver = resolver or PreferenceResolver(default_language, ZoneInfo("UTC"))
        self._cooldowns = cooldowns
        self._commands: dict[str, Command] = {}
        self._ordered: list[Command] = []
        # (listener, whether it hears DMs too)
        self._listeners: list[tuple[Listener, bool]] = []
        self._completions: dict[AutocompleteSource, CompletionSource] = {}

    def register(self, command: Command) -> None:
        """Add a subcommand; names and aliases must be unique."""
        names = (command.name, *command.aliases)
        for name in names:
            if name in self._commands or names.count(name) > 1:
                raise ValueError(f"command name '{name}' registered twice")
        # Clients in another language see the localised names: those must be unique too.
        check_unique_names(
            [(known.name, known.names) for known in (*self._ordered, command)],
            "the command list",
        )
        for name in names:
            self._commands[name] = command
        self._ordered.append(command)

    def add_listener(self, listener: Listener, *, in_direct: bool = False) -> None:
        """Offer every plain chat message to ``listener`` (e.g. typed quiz answers); those
        sent in a DM only if ``in_direct``."""
        self._listeners.append((listener, in_direct))

    def add_completion(self, source: AutocompleteSource, candidates: CompletionSource) -> None:
        """Let parameters whose ``autocomplete`` is ``source`` suggest from ``candidates``
        (called by the composition root, so the router knows no store)."""
        if source in self._completions:
            raise ValueError(f"completion source '{source}' registered twice")
        self._completions[source] = candidates

    async def handle_message(self, context: CommandContext, text: str) -> Reply | None:
        """A plain chat message; a reply only if a listener took it. Never raises."""
        lang = self.language(context)
        line = normalize_input(text[: MAX_INPUT_LENGTH * 4])
        if not line or len(line) > MAX_INPUT_LENGTH:
            return None
        direct = context.channel.is_direct
        listeners = [listener for listener, hears_dm in self._listeners if hears_dm or not direct]
        if not listeners:  # nothing to ask: no settings to read either
            return None
        try:
            resolved = await self._resolver.resolve(context, zone=False)
            lang = resolved.language
            for listener in listeners:
                if (reply := await listener(resolved.context, line, lang)) is not None:
                    return reply
        except Exception:
            log.exception("message listener failed")
            return internal_error_reply(lang)
        return None

    @property
    def commands(self) -> Sequence[Command]:
        """Registered commands in registration order (the order of the help)."""
        return tuple(self._ordered)

    def specs(self) -> Sequence[CommandSpec]:
        """Every command's name, help, parameters and flags, in the order of the help:
        what an adapter generates its command tree and help from."""
        return tuple(command.spec for command in self._ordered)

    def command_for(self, path: Sequence[str]) -> Command | None:
        """The command at ``path`` (``["fact"]``, ``["quiz", "start"]``), or None."""
        if not path or len(path) > 2:
            return None
        command = self._commands.get(path[0].lower())
        if command is None or len(path) == 1:
            return command
        return command.subcommand(path[1])

    def command_for_line(self, text: str) -> Command | None:
        """The command a text line (typed, or a button's action) would run, or None; for
        asking its flags (``private``, ``slow``, ``server_only``) before running it."""
        resolved = self._resolve(strip_prefix(normalize_input(text[: MAX_INPUT_LENGTH * 4])))
        return None if resolved is None else resolved.command

    def command_line(self, path: Sequence[str], options: Mapping[str, OptionValue]) -> str:
        """The core's text line for a command given typed options (Discord's by name), so
        ``handle(context, command_line(path, options))`` is the same as typing it.

        A value cannot smuggle in another option: one-token parameters (positional and
        keyword) have every run of whitespace replaced by ``_`` (which topic and time-zone
        names read as a space), and the parsers take the word after a keyword as its value
        whatever it says; only the last parameter may take the rest of the line. A value the
        command cannot use still reaches its parser, which answers what it expects.

        Raises:
            ValueError: ``path`` names no command that runs, or an option is not one of its
                parameters (an adapter's bug, not a user's).
        """
        command = self.command_for(path)
        if command is None or command.subcommands:
            raise ValueError(f"no runnable command at {' '.join(path)!r}")
        unknown = set(options) - {param.name for param in command.params}
        if unknown:
            raise ValueError(f"{' '.join(path)!r} has no parameter {sorted(unknown)}")
        words = [self._commands[path[0].lower()].name]
        if len(path) == 2:
            words.append(command.name)
        for param in command.params:
            if param.name not in options:
                continue
            text = _option_text(param, options[param.name])
            if not text:
                continue
            words.append(f"{param.name} {text}" if param.style == "keyword" else text)
        return " ".join(words)

    async def complete(
        self, context: CommandContext, path: Sequence[str], param: str, partial: str
    ) -> list[Choice]:
        """Autocomplete suggestions for ``param`` of the command at ``path``: at most 25,
        best first (prefix, then word start, then substring, then near misses), matched
        with case and accents folded against the value and the label in the caller's
        language. Unknown commands and parameters suggest nothing. Never raises."""
        command = self.command_for(path)
        declared = command.param(param) if command is not None else None
        if declared is None:
            return []
        if declared.kind == "choice":
            candidates: Sequence[Choice] = declared.choices
        elif declared.autocomplete is not None and declared.autocomplete in self._completions:
            try:
                candidates = self._completions[declared.autocomplete]()
            except Exception:
                log.exception("completion source %r failed", declared.autocomplete)
                return []
        else:
            return []
        query = normalize_input(partial[: MAX_INPUT_LENGTH * 4])[:MAX_INPUT_LENGTH]
        return rank_choices(candidates, query, self.language(context), MAX_SUGGESTIONS)

    def language(self, context: CommandContext) -> Lang:
        """The reply language for this caller without reading their stored settings (the
        locale, then the default): for autocomplete, and for replies when resolving them
        failed."""
        return self._resolver.fallback_language(context)

    async def resolve(self, context: CommandContext) -> Resolved:
        """The caller's language and zone from their settings, the platform and the config."""
        return await self._resolver.resolve(context)

    async def handle(self, context: CommandContext, text: str) -> Reply:
        """Run a command line and always return a reply; never raises."""
        lang = self.language(context)
        try:
            return await self.dispatch(context, text)
        except Exception:
            # Only the command name: what people type in their channels stays out of logs.
            log.exception("command %r failed", self._command_name(text))
            return internal_error_reply(lang)

    def _command_name(self, text: str) -> str:
        """The registered name of the command ``text`` runs, or ``?``; never the user's words."""
        name = strip_prefix(normalize_input(text[: MAX_INPUT_LENGTH * 4])).partition(" ")[0]
        command = self._commands.get(name.lower())
        return command.name if command is not None else "?"

    def _resolve(self, line: str) -> _Resolved | None:
        name, _, args = line.partition(" ")
        command = self._commands.get(name.lower())
        if command is None:
            return None
        args = args.strip()
        sub_name, _, sub_args = args.partition(" ")
        sub = command.subcommand(sub_name) if sub_name else None
        if sub is not None:
            return _Resolved((command.name, sub.name), sub, sub_args.strip())
        return _Resolved((command.name,), command, args)

    async def dispatch(self, context: CommandContext, text: str) -> Reply:
        """Run a command line; bad input becomes a friendly reply, bugs propagate."""
        too_long = len(text) > MAX_INPUT_LENGTH * 4
        line = "" if too_long else strip_prefix(normalize_input(text))
        resolved = self._resolve(line) if line and len(line) <= MAX_INPUT_LENGTH else None
        # The caller's zone only for a command that reads it (an error reply needs none).
        dated = resolved is not None and resolved.command.dated
        resolved_caller = await self._resolver.resolve(context, zone=dated)
        context, lang = resolved_caller.context, resolved_caller.language
        if too_long:
            return error_reply(
                t("err_too_long", lang, length=len(text), limit=MAX_INPUT_LENGTH), lang
            )
        if len(line) > MAX_INPUT_LENGTH:
            return error_reply(
                t("err_too_long", lang, length=len(line), limit=MAX_INPUT_LENGTH), lang
            )
        if not line:
            return error_reply(t("err_empty", lang), lang)
        if resolved is None:
            name = line.partition(" ")[0]
            return error_reply(t_rich("err_unknown_command", lang, name=user_text(name[:40])), lang)
        command = resolved.command
        if command.server_only and context.channel.is_direct:
            typed = context.command_text(*resolved.path)
            return error_reply(t("err_server_only", lang, command=typed), lang)
        if command.posts_in_channel and not context.bot_can_post:
            typed = context.command_text(*resolved.path)
            return error_reply(t("err_bot_not_here", lang, command=typed), lang)
        # Only what a person runs counts against the limits: a command's own actions (the
        # quiz's answer buttons, which its parent handler takes) are the game, not spam.
        if self._cooldowns is not None and not command.subcommands:
            notice = self._cooldowns.admit(context, resolved.path, lang)
            if notice is not None:
                return notice
        try:
            reply = await command.handler(context, resolved.args, lang)
        except UsageError as error:
            return error_reply(error.message, lang)
        if self._cooldowns is not None:
            self._cooldowns.charge(context, resolved.path, reply)
        # Declared before the handler runs, so an adapter could defer privately: keep it.
        return replace(reply, ephemeral=True) if command.private else reply


def _option_text(param: Param, value: OptionValue) -> str:
    """One typed option value as it is written in the command line ("" when empty)."""
    if isinstance(value, bool):
        text = switch_word(value) if param.kind == "boolean" else str(value).lower()
    elif isinstance(value, int):
        text = str(value)
    else:
        text = normalize_input(value[: MAX_INPUT_LENGTH * 4])
    if param.style == "rest":
        return text
    return re.sub(r"\s+", "_", text)
