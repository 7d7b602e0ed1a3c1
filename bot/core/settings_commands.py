"""``settings`` (the caller's own language and zone) and ``server-settings`` (admins: the
server's defaults, quiz length included)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from bot.core.commands import Command, CommandRouter, UsageError
from bot.core.context import CommandContext
from bot.core.daily.commands import find_zone, suggest_zones
from bot.core.i18n import Lang, parse_language, t
from bot.core.language_choices import LANGUAGE_CHOICES
from bot.core.params import Choice, Param
from bot.core.preferences import PreferenceResolver
from bot.core.replies import Field, Reply
from bot.core.settings import DIRECT_TENANT, SettingsStore, TenantSettings

Option = Literal["language", "timezone", "quiz_length"]
_OPTION_NAMES: dict[str, Option] = {
    "language": "language", "lang": "language", "言語": "language",
    "timezone": "timezone", "tz": "timezone", "zone": "timezone", "タイムゾーン": "timezone",
    "quiz-length": "quiz_length", "quiz_length": "quiz_length", "length": "quiz_length",
    "questions": "quiz_length", "問題数": "quiz_length",
}  # fmt: skip
# "auto" hands the choice back to the next source: the platform, the server, the config.
_AUTO = {"auto", "default", "none", "自動"}
USER_OPTIONS: frozenset[Option] = frozenset({"language", "timezone"})
SERVER_OPTIONS: frozenset[Option] = frozenset({"language", "timezone", "quiz_length"})


@dataclass(frozen=True)
class SettingChanges:
    """What a settings command asked for; None in a field means "auto" (unset it), a field
    not in ``given`` stays as it was."""

    given: frozenset[Option]
    language: Lang | None = None
    timezone: str | None = None
    quiz_length: int | None = None


def parse_setting_args(
    args: str, allowed: frozenset[Option], max_quiz_length: int, lang: Lang, usage: str
) -> SettingChanges:
    """``[language en|ja|auto] [timezone Area/City|auto] [quiz-length N|auto]`` in any order;
    ``key value``, ``key=value`` and bare values recognised by their shape all work."""
    words = args.replace("=", " ").split()
    given: set[Option] = set()
    values: dict[Option, object] = {}
    index = 0
    while index < len(words):
        word = words[index]
        option = _OPTION_NAMES.get(word.lower())
        if option is not None:
            if index + 1 >= len(words):
                raise UsageError(t("settings_missing_value", lang, option=word[:20], usage=usage))
            value = words[index + 1]
            index += 2
        else:
            value = word
            index += 1
            option = _guess_option(value)
        if option is None or option not in allowed:
            raise UsageError(t("settings_bad_option", lang, value=word[:40], usage=usage))
        given.add(option)
        values[option] = _parse_value(option, value, max_quiz_length, lang)
    return SettingChanges(
        frozenset(given),
        language=_as_language(values.get("language")),
        timezone=_as_text(values.get("timezone")),
        quiz_length=_as_int(values.get("quiz_length")),
    )


def _as_language(value: object) -> Lang | None:
    return parse_language(value) if isinstance(value, str) else None


def _as_text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _guess_option(value: str) -> Option | None:
    if parse_language(value) is not None:
        return "language"
    if "/" in value or value.upper() == "UTC":
        return "timezone"
    if value.isascii() and value.isdecimal():
        return "quiz_length"
    return None


def _parse_value(option: Option, value: str, max_quiz_length: int, lang: Lang) -> object:
    """The stored form of ``value`` for ``option``; None for "auto"."""
    if value.casefold() in _AUTO:
        return None
    if option == "language":
        chosen = parse_language(value)
        if chosen is None:
            raise UsageError(t("settings_bad_language", lang, value=value[:20]))
        return chosen
    if option == "timezone":
        found = find_zone(value)
        if found is None:
            suggestions = suggest_zones(value)
            hint = (
                t("sub_zone_suggestions", lang, names=", ".join(suggestions)) if suggestions else ""
            )
            raise UsageError(t("settings_bad_zone", lang, value=value[:60], suggestions=hint))
        return found
    # ASCII digits only and few of them: safe for int() and for an SQL integer.
    if value.isascii() and value.isdecimal() and len(value) <= 9:
        count = int(value)
        if 1 <= count <= max_quiz_length:
            return count
    raise UsageError(t("settings_bad_length", lang, value=value[:20], max=max_quiz_length))


def setting_params(server: bool) -> tuple[Param, ...]:
    """The options of ``settings`` (and, with ``server``, of ``server-settings``)."""
    whose = "the server's" if server else "your"
    params = (
        Param(
            "language",
            "choice",
            {
                "en": f"Reply language ({whose}); auto: decided by the next setting.",
                "ja": "返信の言語。auto で次の設定に従う。",
            },
            style="keyword",
            names={"ja": "言語"},
            choices=(*LANGUAGE_CHOICES, Choice("auto", {"en": "Automatic", "ja": "自動"})),
        ),
        Param(
            "timezone",
            "string",
            {
                "en": f"Time zone for today ({whose}), e.g. Asia/Tokyo; or auto.",
                "ja": "today のタイムゾーン（例: Asia/Tokyo）。auto で次の設定に従う。",
            },
            style="keyword",
            autocomplete="timezone",
            names={"ja": "タイムゾーン"},
        ),
    )
    if not server:
        return params
    # A string, not an integer: "auto" must be sayable on every platform.
    length = Param(
        "quiz-length",
        "string",
        {
            "en": "Questions in a quiz started without a count (a number, or auto).",
            "ja": "問題数を指定せずに始めたクイズの問題数（数字または auto）。",
        },
        style="keyword",
        names={"ja": "問題数"},
    )
    return (*params, length)


class SettingsCommands:
    """The caller's own settings, and the server's (admins)."""

    def __init__(
        self,
        store: SettingsStore,
        resolver: PreferenceResolver,
        default_quiz_length: int,
        max_quiz_length: int,
    ) -> None:
        self._store = store
        self._resolver = resolver
        self._default_quiz_length = default_quiz_length
        self._max_quiz_length = max_quiz_length

    def register(self, router: CommandRouter) -> None:
        router.register(
            Command(
                "settings",
                self.settings,
                "settings [language en|ja|auto] [timezone Area/City|auto]",
                {
                    "en": "Your own reply language and time zone (auto: the platform's or "
                    "the server's). Works in DMs.",
                    "ja": "自分の返信言語とタイムゾーン（auto でプラットフォームや"
                    "サーバーの設定に従う）。DMでも使えます。",
                },
                "/alliance settings language ja timezone Asia/Tokyo",
                params=setting_params(server=False),
                names={"ja": "個人設定"},
                private=True,
                slow=True,
            )
        )
        router.register(
            Command(
                "server-settings",
                self.server_settings,
                "server-settings [language en|ja|auto] [timezone Area/City|auto] "
                "[quiz-length N|auto]",
                {
                    "en": "(Admins) This server's default language, time zone and quiz length.",
                    "ja": "（管理者）このサーバーの既定の言語・タイムゾーン・クイズの問題数。",
                },
                "/alliance server-settings timezone Europe/Moscow quiz-length 10",
                params=setting_params(server=True),
                names={"ja": "サーバー設定"},
                private=True,
                slow=True,
                server_only=True,
                admin_only=True,
            )
        )

    # -- the caller's own --------------------------------------------------------------

    async def settings(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        platform = context.channel.platform
        tenant = DIRECT_TENANT if context.channel.is_direct else context.channel.tenant
        current = await self._store.user_settings(platform, tenant, context.user.id)
        title = "settings_title"
        if args:
            changes = parse_setting_args(
                args, USER_OPTIONS, self._max_quiz_length, lang, t("settings_usage", lang)
            )
            current = replace(
                current,
                language=changes.language if "language" in changes.given else current.language,
                timezone=changes.timezone if "timezone" in changes.given else current.timezone,
            )
            await self._store.save_user_settings(current, context.now)
            title = "settings_saved"
        # Resolved again, so the answer already speaks the language just chosen.
        resolved = await self._resolver.resolve(context)
        lang = resolved.language
        fields = (
            Field(
                t("settings_field_language", lang),
                self._value(current.language, resolved.language, lang),
                True,
            ),
            Field(
                t("settings_field_timezone", lang),
                self._value(current.timezone, resolved.context.zone.key, lang),
                True,
            ),
        )
        where = "settings_where_dm" if context.channel.is_direct else "settings_where_server"
        return Reply(
            title=t(title, lang),
            body=t(where, lang),
            fields=fields,
            footer=t("settings_usage", lang),
            ephemeral=True,
        )

    def _value(self, stored: str | None, effective: str, lang: Lang) -> str:
        if stored is not None:
            return t("settings_yours", lang, value=stored)
        return t("settings_auto", lang, value=effective)

    # -- the server's ------------------------------------------------------------------

    async def server_settings(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if not context.user.is_admin:
            return Reply(body=t("server_settings_admin_only", lang), ephemeral=True, is_error=True)
        channel = context.channel
        current = await self._store.tenant_settings(channel.platform, channel.tenant)
        title = "server_settings_title"
        if args:
            changes = parse_setting_args(
                args,
                SERVER_OPTIONS,
                self._max_quiz_length,
                lang,
                t("server_settings_usage", lang, command=context.command_text("server-settings")),
            )
            current = _changed(current, changes)
            await self._store.save_tenant_settings(current, context.user.id, context.now)
            title = "server_settings_saved"
        defaults = self._resolver
        fields = (
            Field(
                t("settings_field_language", lang),
                self._default(current.language, defaults.default_language, lang),
                True,
            ),
            Field(
                t("settings_field_timezone", lang),
                self._default(current.timezone, defaults.default_zone.key, lang),
                True,
            ),
            Field(
                t("settings_field_quiz_length", lang),
                self._default(
                    None if current.quiz_length is None else str(current.quiz_length),
                    str(self._default_quiz_length),
                    lang,
                ),
                True,
            ),
        )
        return Reply(
            title=t(title, lang),
            body=t("server_settings_order", lang),
            fields=fields,
            footer=t(
                "server_settings_usage", lang, command=context.command_text("server-settings")
            ),
            ephemeral=True,
        )

    def _default(self, stored: str | None, configured: str, lang: Lang) -> str:
        if stored is not None:
            return stored
        return t("server_settings_unset", lang, value=configured)


def _changed(current: TenantSettings, changes: SettingChanges) -> TenantSettings:
    return replace(
        current,
        language=changes.language if "language" in changes.given else current.language,
        timezone=changes.timezone if "timezone" in changes.given else current.timezone,
        quiz_length=changes.quiz_length if "quiz_length" in changes.given else current.quiz_length,
    )
