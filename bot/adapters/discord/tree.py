"""The ``/alliance`` and ``/alliance-admin`` app-command groups, generated from the core's
command specs.

Each core command (``CommandRouter.specs()``) becomes a subcommand, or a subcommand group,
whose options are the core's typed parameters (names, kinds, bounds, choices,
autocomplete); nothing is declared a second time here.
Names, descriptions and choice labels carry the core's Japanese text for
:class:`CoreTranslator`, which discord.py asks for every locale when it syncs the tree.
Interactions from every client still name commands and options in English, so routing
never sees a localised name.

Discord applies default member permissions, install types and contexts to top-level
commands only (discord.py: "does not work on subcommands"). So the commands the core flags
``admin_only`` go into ``/alliance-admin``, which Discord shows only to members with Manage
Server (a server's admins may grant it to others in its Integrations settings), in servers
only; everything else is in ``/alliance``, installable by guilds and users and usable in DMs.
The core still checks rights at run time (Manage Server or Manage Channels), and refuses a
server-only command in a DM. :func:`command_form` tells the core's texts which group a
command is typed under.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, Protocol

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.core.command_forms import CommandForm
from bot.core.commands import COMMAND_PREFIX, COMMAND_PREFIX_NAMES, CommandSpec
from bot.core.i18n import Lang, language_for
from bot.core.params import Param
from bot.core.replies import shorten

GROUP_NAME = COMMAND_PREFIX.lstrip("/")
GROUP_DESCRIPTION: dict[Lang, str] = {
    "en": "The U.S.–Soviet alliance, 1941–1945: facts, anniversaries, quizzes",
    "ja": "米ソ同盟 1941〜1945：出来事・記念日・クイズ",
}
ADMIN_GROUP_NAME = f"{GROUP_NAME}-admin"
ADMIN_GROUP_NAMES: dict[Lang, str] = {"ja": "米ソ同盟-管理"}
ADMIN_GROUP_DESCRIPTION: dict[Lang, str] = {
    "en": "For server admins: this server's daily posts and settings",
    "ja": "サーバー管理者向け：このサーバーの毎日の投稿と設定",
}
# Discord's limits on descriptions and choice names.
DESCRIPTION_LIMIT = 100
CHOICE_NAME_LIMIT = 100
MAX_CHOICES = 25


class CommandCalls(Protocol):
    """What the generated callbacks call: the adapter's interaction handler."""

    async def run_command(
        self,
        interaction: discord.Interaction[Any],
        spec: CommandSpec,
        path: Sequence[str],
        options: Mapping[str, Any],
    ) -> None: ...

    async def complete(
        self,
        interaction: discord.Interaction[Any],
        path: Sequence[str],
        param: Param,
        partial: str,
    ) -> list[app_commands.Choice[str]]: ...


def localised(text: Mapping[Lang, str], limit: int = DESCRIPTION_LIMIT) -> locale_str:
    """English text for Discord, with the core's Japanese as an extra for the translator."""
    english = shorten(text.get("en") or next(iter(text.values()), "…"), limit) or "…"
    extras = {lang: shorten(value, limit) for lang, value in text.items() if lang != "en"}
    return locale_str(english, **extras)


def localised_name(name: str, names: Mapping[Lang, str]) -> locale_str:
    """A command's or option's English name, with the core's names in other languages as
    extras for the translator (already checked against Discord's rule by the core, so never
    shortened here: a cut name could collide with another)."""
    return locale_str(name, **{lang: value for lang, value in names.items() if lang != "en"})


# Where discord.py asks for a name rather than a description or a choice label.
_NAME_LOCATIONS = frozenset(
    {
        app_commands.TranslationContextLocation.command_name,
        app_commands.TranslationContextLocation.group_name,
        app_commands.TranslationContextLocation.parameter_name,
    }
)


class CoreTranslator(app_commands.Translator):
    """Gives Japanese clients the core's Japanese names, descriptions and choice labels.

    A string without text in the client's language gets None, so Discord shows the English.
    """

    async def translate(
        self,
        string: locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = language_for(locale.value, "en")
        if lang == "en":
            return None
        text = string.extras.get(lang)
        if not text:
            return None
        if context.location in _NAME_LOCATIONS:
            # Names go to Discord exactly as the core declared (and checked) them: a
            # shortened or re-cased name could collide with a sibling's.
            return str(text)
        return str(text).strip() or None


def _annotation(param: Param) -> Any:
    if param.kind == "integer":
        if param.min_value is not None or param.max_value is not None:
            return app_commands.Range[int, param.min_value, param.max_value]
        return int
    if param.kind == "boolean":
        return bool
    if param.kind == "user":
        # Discord's user picker; discord.py hands over a Member in a server, else a User.
        return discord.User
    return str


def _option_value(value: Any) -> Any:
    # A picked person goes into the core's command line in the mention form the core's
    # MentionResolver reads (DiscordMentions).
    if isinstance(value, (discord.User, discord.Member)):
        return value.mention
    return value


def _callback(
    calls: CommandCalls, spec: CommandSpec, path: tuple[str, ...]
) -> Callable[..., Coroutine[Any, Any, None]]:
    # Python names o0, o1… renamed to the core's names: a core name need not be an identifier.
    names = {f"o{i}": param for i, param in enumerate(spec.params)}

    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        options = {
            names[key].name: _option_value(value)
            for key, value in values.items()
            if value is not None
        }
        await calls.run_command(interaction, spec, path, options)

    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for key, param in names.items():
        default = inspect.Parameter.empty if param.required else None
        parameters.append(
            inspect.Parameter(
                key, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=_annotation(param)
            )
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    if names:
        app_commands.rename(**{k: localised_name(p.name, p.names) for k, p in names.items()})(
            callback
        )
        app_commands.describe(**{k: localised(p.description) for k, p in names.items()})(callback)
    choices = {
        key: [
            app_commands.Choice(name=localised(c.label, CHOICE_NAME_LIMIT), value=c.value)
            for c in param.choices[:MAX_CHOICES]
        ]
        for key, param in names.items()
        if param.choices
    }
    if choices:
        app_commands.choices(**choices)(callback)
    completions = {
        key: _completer(calls, path, param)
        for key, param in names.items()
        if param.autocomplete and not param.choices
    }
    if completions:
        app_commands.autocomplete(**completions)(callback)
    return callback


def _completer(
    calls: CommandCalls, path: tuple[str, ...], param: Param
) -> Callable[[discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]]:
    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return await calls.complete(interaction, path, param, current)

    return complete


def _add(
    calls: CommandCalls, spec: CommandSpec, parent: app_commands.Group, path: tuple[str, ...]
) -> None:
    if spec.subcommands:
        group = app_commands.Group(
            name=localised_name(spec.name, spec.names),
            description=localised(spec.description),
            parent=parent,
        )
        for sub in spec.subcommands:
            _add(calls, sub, group, (*path, sub.name))
        return
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=localised_name(spec.name, spec.names),
        description=localised(spec.description),
        callback=_callback(calls, spec, path),
        parent=parent,
    )
    parent.add_command(command)


def command_form(specs: Sequence[CommandSpec]) -> CommandForm:
    """How a command is typed on Discord: under ``/alliance-admin`` if the core flags it
    ``admin_only`` (the same flag :func:`build_groups` places it by), else ``/alliance``."""
    admin = frozenset(spec.name for spec in specs if spec.admin_only)

    def form(path: Sequence[str]) -> str:
        group = ADMIN_GROUP_NAME if path and path[0] in admin else GROUP_NAME
        return " ".join((f"/{group}", *path))

    return form


def build_groups(calls: CommandCalls, specs: Sequence[CommandSpec]) -> list[app_commands.Group]:
    """``/alliance`` with one subcommand (or subcommand group) per core command anyone may
    use, and ``/alliance-admin`` with the ``admin_only`` ones (left out when there are none:
    Discord refuses a group without subcommands)."""
    public = app_commands.Group(
        name=localised_name(GROUP_NAME, COMMAND_PREFIX_NAMES),
        description=localised(GROUP_DESCRIPTION),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        ),
    )
    admin = app_commands.Group(
        name=localised_name(ADMIN_GROUP_NAME, ADMIN_GROUP_NAMES),
        description=localised(ADMIN_GROUP_DESCRIPTION),
        # Discord shows /alliance-admin only to members with Manage Server.
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,  # the deprecated dm_permission, said the same as the contexts
        # A server's settings and its channels' daily posts: nothing to set in a DM, and a
        # user install puts no bot in the server to post them.
        allowed_installs=app_commands.AppInstallationType(guild=True),
        allowed_contexts=app_commands.AppCommandContext(guild=True),
    )
    for spec in specs:
        _add(calls, spec, admin if spec.admin_only else public, (spec.name,))
    return [group for group in (public, admin) if group.commands]
