"""``subscribe``, ``unsubscribe`` and ``subscription``: admins manage a channel's daily post."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import process

from bot.core.commands import Command, CommandRouter, UsageError
from bot.core.context import CommandContext
from bot.core.daily.model import DeliveryRecord, Subscription
from bot.core.daily.schedule import spread_second
from bot.core.daily.stores import DeliveryStore, SubscriptionStore
from bot.core.dates import FactDate
from bot.core.i18n import LANGUAGES, Lang, describe_problem, parse_language, t, t_rich
from bot.core.language_choices import LANGUAGE_CHOICES
from bot.core.params import Choice, Param
from bot.core.replies import Field, Reply
from bot.core.rich import RichText, user_text

_TIME = re.compile(r"^(\d{1,2})[:h.](\d{2})$")
_OPTION_NAMES = {
    "time": "time", "at": "time", "時刻": "time",
    "timezone": "timezone", "tz": "timezone", "zone": "timezone",
    "language": "language", "lang": "language", "言語": "language",
    "question": "question", "quiz": "question",
}  # fmt: skip


@dataclass(frozen=True)
class SubscribeOptions:
    hour: int
    minute: int
    timezone: str
    language: Lang
    daily_question: bool = False


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name, sorted; read from disk once (it walks the zone database)."""
    return tuple(sorted(available_timezones()))


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in zone_names()}


def find_zone(value: str) -> str | None:
    """The IANA zone named by ``value``, forgiving case (``asia/tokyo``)."""
    name = _zones_by_folded_name().get(value.strip().casefold())
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def suggest_zones(value: str, limit: int = 3) -> list[str]:
    """Zone names close to a misspelt one (``Asia/Tokio`` → ``Asia/Tokyo``)."""
    matches = process.extract(value, zone_names(), limit=limit, score_cutoff=60)
    return [name for name, _score, _index in matches]


def parse_time(value: str) -> tuple[int, int] | None:
    match = _TIME.match(value.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def parse_subscribe_args(
    args: str, defaults: SubscribeOptions, lang: Lang, command: str
) -> SubscribeOptions:
    """Read ``[time HH:MM] [timezone Area/City] [language en|ja] [question on|off]``, any order.

    ``key value``, ``key=value`` and bare values (recognised by their shape) all work. The
    word after a key is its value whatever it says, and ``=`` separates only after a key, so
    a value (``Asia/Tokyo=time=23:00``) cannot set another option. ``command`` is how the
    caller types ``subscribe`` (``CommandContext.command_text``), for the usage in errors.
    """
    hour, minute = defaults.hour, defaults.minute
    zone, language = defaults.timezone, defaults.language
    question = defaults.daily_question
    question_param = next(param for param in subscribe_params() if param.name == "question")
    words = _split_options(args)
    index = 0
    while index < len(words):
        word = words[index]
        option = _OPTION_NAMES.get(word.lower())
        if option is not None:
            if index + 1 >= len(words):
                raise UsageError(
                    t_rich("sub_bad_option", lang, value=user_text(word), command=command)
                )
            value = words[index + 1]
            index += 2
        else:
            value = word
            index += 1
            option = _guess_option(value)
        if option == "time":
            parsed = parse_time(value)
            if parsed is None:
                raise UsageError(t_rich("sub_bad_time", lang, value=user_text(value[:40])))
            hour, minute = parsed
        elif option == "timezone":
            found = find_zone(value)
            if found is None:
                suggestions = suggest_zones(value)
                hint = (
                    t("sub_zone_suggestions", lang, names=", ".join(suggestions))
                    if suggestions
                    else ""
                )
                raise UsageError(
                    t_rich("sub_bad_zone", lang, value=user_text(value[:60]), suggestions=hint)
                )
            zone = found
        elif option == "question":
            question = question_param.read_boolean(value, lang)
        elif option == "language":
            chosen = parse_language(value)
            if chosen is None:
                raise UsageError(t_rich("sub_bad_language", lang, value=user_text(value[:20])))
            language = chosen
        else:
            raise UsageError(
                t_rich("sub_bad_option", lang, value=user_text(value[:40]), command=command)
            )
    return SubscribeOptions(hour, minute, zone, language, question)


def _split_options(args: str) -> list[str]:
    """Words, with ``key=value`` split in two when ``key`` is an option name."""
    words: list[str] = []
    for word in args.split():
        key, equals, value = word.partition("=")
        if equals and key.lower() in _OPTION_NAMES:
            words.extend(part for part in (key, value) if part)
        else:
            words.append(word)
    return words


def subscribe_params() -> tuple[Param, ...]:
    """``subscribe``'s options, as issue 11 names them for Discord."""
    return (
        Param(
            "time",
            "string",
            {
                "en": "Local time of the daily post, HH:MM (24-hour).",
                "ja": "投稿する時刻（24時間制 HH:MM）。",
            },
            style="keyword",
            names={"ja": "時刻"},
        ),
        Param(
            "timezone",
            "string",
            {
                "en": "IANA time zone, e.g. Asia/Tokyo.",
                "ja": "タイムゾーン（IANA名、例: Asia/Tokyo）。",
            },
            style="keyword",
            autocomplete="timezone",
            names={"ja": "タイムゾーン"},
        ),
        Param(
            "language",
            "choice",
            {"en": "Language of the daily post.", "ja": "投稿の言語。"},
            style="keyword",
            choices=LANGUAGE_CHOICES,
            names={"ja": "言語"},
        ),
        Param(
            "question",
            "boolean",
            {"en": "Add a question of the day to the post.", "ja": "投稿に今日の問題を付ける。"},
            style="keyword",
            names={"ja": "今日の問題"},
        ),
    )


def zone_choices() -> tuple[Choice, ...]:
    """Every IANA zone as a choice, for autocomplete."""
    return tuple(Choice(name, dict.fromkeys(LANGUAGES, name)) for name in zone_names())


def _guess_option(value: str) -> str | None:
    if _TIME.match(value) or value[:1].isdigit():
        return "time"
    if "/" in value or value.upper() == "UTC":
        return "timezone"
    if parse_language(value) is not None:
        return "language"
    return None


class SubscriptionCommands:
    """Manage a channel's daily post. Writes are for admins only."""

    def __init__(
        self,
        subscriptions: SubscriptionStore,
        deliveries: DeliveryStore,
        defaults: SubscribeOptions,
        spread_seconds: int = 0,
    ) -> None:
        self._subscriptions = subscriptions
        self._deliveries = deliveries
        self._defaults = defaults
        self._spread_seconds = spread_seconds
        _zones_by_folded_name()  # at start-up, not in the first command that needs a zone

    def register(self, router: CommandRouter) -> None:
        for command in (
            Command(
                "subscribe",
                self.subscribe,
                "subscribe [time HH:MM] [timezone Area/City] [language en|ja] [question on|off]",
                {
                    "en": "(Admins) Post this channel's anniversaries every day at a local time.",
                    "ja": "（管理者）毎日決まった時刻にこのチャンネルへ記念日を投稿。",
                },
                "/alliance subscribe time 08:30 timezone Asia/Tokyo language ja",
                params=subscribe_params(),
                slow=True,
                server_only=True,
                posts_in_channel=True,
                admin_only=True,
                names={"ja": "購読"},
            ),
            Command(
                "unsubscribe",
                self.unsubscribe,
                "unsubscribe",
                {
                    "en": "(Admins) Stop the daily post in this channel.",
                    "ja": "（管理者）このチャンネルへの毎日の投稿を停止。",
                },
                "/alliance unsubscribe",
                slow=True,
                server_only=True,
                admin_only=True,
                names={"ja": "購読解除"},
            ),
            Command(
                "subscription",
                self.subscription,
                "subscription",
                {
                    "en": "This channel's daily-post settings, next post and last delivery.",
                    "ja": "このチャンネルの毎日の投稿の設定・次回・前回の配信を表示。",
                },
                "/alliance subscription",
                slow=True,
                server_only=True,
                names={"ja": "購読設定"},
            ),
        ):
            router.register(command)

    async def subscribe(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if context.channel.kind == "thread":
            return _not_in_thread(lang)
        if not context.user.is_admin:
            return Reply(body=t("sub_admin_only", lang), ephemeral=True, is_error=True)
        current = await self._subscriptions.get(context.channel.key)
        # Re-subscribing changes only what is given; the rest stays as it was.
        defaults = (
            self._defaults
            if current is None
            else SubscribeOptions(
                current.hour,
                current.minute,
                current.timezone,
                current.language,
                current.daily_question,
            )
        )
        options = parse_subscribe_args(args, defaults, lang, context.command_text("subscribe"))
        subscription = Subscription(
            channel=context.channel.key,
            channel_name=context.channel.name,
            hour=options.hour,
            minute=options.minute,
            timezone=options.timezone,
            language=options.language,
            daily_question=options.daily_question,
            active_since=context.now,
            paused_reason=None,
            second=spread_second(repr(context.channel.key), self._spread_seconds),
        )
        saved, created = await self._subscriptions.upsert(
            subscription, context.user.id, context.now
        )
        reply = await self._status(saved, context, lang)
        title = t_rich(
            "sub_created" if created else "sub_updated",
            lang,
            channel=user_text(context.channel.name),
        )
        return Reply(title=title, body=reply.body, fields=reply.fields)

    async def unsubscribe(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if context.channel.kind == "thread":
            return _not_in_thread(lang)
        if not context.user.is_admin:
            return Reply(body=t("sub_admin_only", lang), ephemeral=True, is_error=True)
        if not await self._subscriptions.remove(context.channel.key):
            return Reply(
                body=_no_subscription(context, lang),
                ephemeral=True,
            )
        return Reply(body=t_rich("sub_removed", lang, channel=user_text(context.channel.name)))

    async def subscription(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if context.channel.kind == "thread":
            return _not_in_thread(lang)
        current = await self._subscriptions.get(context.channel.key)
        if current is None:
            return Reply(
                body=_no_subscription(context, lang),
                ephemeral=True,
            )
        return await self._status(current, context, lang)

    async def _status(
        self, subscription: Subscription, context: CommandContext, lang: Lang
    ) -> Reply:
        now = context.now
        zone = subscription.post_time.zone
        next_post = subscription.post_time.next_after(now).astimezone(zone)
        last = await self._deliveries.last_for(subscription.channel)
        fields = [
            Field(
                t("sub_field_time", lang),
                f"{subscription.hour:02d}:{subscription.minute:02d} ({subscription.timezone})",
                True,
            ),
            Field(t("sub_field_language", lang), subscription.language, True),
            Field(
                t("sub_field_question", lang),
                t("switch_on" if subscription.daily_question else "switch_off", lang),
                True,
            ),
            Field(
                t("sub_field_next", lang), f"{next_post:%Y-%m-%d %H:%M} {next_post.tzname()}", True
            ),
            Field(t("sub_field_last", lang), _describe_delivery(last, lang), False),
        ]
        body = ""
        if subscription.paused_reason:
            problem = describe_problem(subscription.paused_reason, lang)
            body = t("sub_paused", lang, reason=problem, command=context.command_text("subscribe"))
            fields.append(Field(t("sub_field_problem", lang), problem, False))
        elif last is not None and last.error:
            fields.append(
                Field(t("sub_field_problem", lang), describe_problem(last.error, lang), False)
            )
        return Reply(
            title=t_rich("sub_title", lang, channel=user_text(subscription.channel_name)),
            body=body,
            fields=tuple(fields),
        )


def _no_subscription(context: CommandContext, lang: Lang) -> RichText:
    return t_rich(
        "sub_none",
        lang,
        channel=user_text(context.channel.name),
        command=context.command_text("subscribe"),
    )


def _not_in_thread(lang: Lang) -> Reply:
    # A thread is a conversation that ends; the daily post belongs to its channel, so a
    # subscription made in a thread would quietly keep posting where nobody looks.
    return Reply(body=t("sub_not_in_thread", lang), ephemeral=True, is_error=True)


def _describe_delivery(record: DeliveryRecord | None, lang: Lang) -> str:
    if record is None:
        return t("sub_never", lang)
    day = FactDate(record.local_date.year, record.local_date.month, record.local_date.day)
    return f"{day.display(lang)} · {t('delivery_' + record.status, lang)}"
