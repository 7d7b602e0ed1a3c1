"""The fact commands: ``fact``, ``today``, ``on``, ``search`` and ``help``."""

from __future__ import annotations

import random
from collections import OrderedDict
from datetime import date

from bot.core.anniversary_replies import AnniversaryReplies, sources_of
from bot.core.command_forms import written_line
from bot.core.commands import Command, CommandRouter, UsageError
from bot.core.context import CommandContext
from bot.core.dates import display_range, parse_month_day
from bot.core.fact_store import FactStore
from bot.core.facts import Fact
from bot.core.i18n import LANGUAGES, Lang, t, t_rich
from bot.core.params import MAX_CHOICE_TEXT, Choice, Param
from bot.core.replies import Button, Field, Reply, shorten
from bot.core.rich import user_text
from bot.core.topics import TOPICS, find_topic, topic_choices, topic_label

SEARCH_LIMIT = 5
BUTTON_LABEL_LIMIT = 60
# Fact replies kept built: the shipped corpus in both languages, several times over.
FACT_REPLIES_KEPT = 4096


class FactCommands:
    """Commands that read the fact store. ``rng`` is injected so tests can fix it."""

    def __init__(self, store: FactStore, rng: random.Random) -> None:
        self._store = store
        self._rng = rng
        self._days = AnniversaryReplies(store)
        # A fact's reply depends only on the fact, the language and the topic asked for, all
        # from fixed sets (the loaded corpus, the catalogs, the topic list), so each one is
        # built once: the busiest command then costs a dict look-up instead of a rebuild.
        # Bounded, least recently used first out: a corpus 100 times the shipped one would
        # otherwise keep every fact in every language and topic (2-3 kB each, and the
        # adapters' renderings of them) for the life of the process.
        self._replies: OrderedDict[tuple[str, Lang, str | None], Reply] = OrderedDict()

    def register(self, router: CommandRouter) -> None:
        """Add these commands to ``router``."""
        self._router = router
        for command in (
            Command(
                "fact",
                self.fact,
                "fact [topic|id]",
                {
                    "en": "A random fact, optionally on a topic, or the fact with that id.",
                    "ja": "ランダムな出来事を一つ（トピックやIDの指定も可）。",
                },
                "/alliance fact lend-lease",
                params=(
                    Param(
                        "topic",
                        "string",
                        {
                            "en": "A topic, or a fact's id (leave empty for any fact).",
                            "ja": "トピック、または出来事のID（空欄ならランダム）。",
                        },
                        style="rest",
                        autocomplete="fact",
                        names={"ja": "テーマ"},
                    ),
                ),
                dated=False,  # any fact, whatever the day: no zone to resolve
                names={"ja": "出来事"},
            ),
            Command(
                "today",
                self.today,
                "today",
                {
                    "en": "Every anniversary that falls today, with how many years ago.",
                    "ja": "今日が記念日の出来事と、何年前かを表示。",
                },
                "/alliance today",
                names={"ja": "今日"},
            ),
            Command(
                "on",
                self.on,
                "on <date>",
                {"en": "The anniversaries of a given day.", "ja": "指定した日の出来事を表示。"},
                "/alliance on June 22",
                params=(
                    Param(
                        "date",
                        "string",
                        {
                            "en": "A month and day: 06-22, June 22, 22 June or 6月22日.",
                            "ja": "月と日（06-22、June 22、6月22日 など）。",
                        },
                        style="rest",
                        required=True,
                        names={"ja": "日付"},
                    ),
                ),
                names={"ja": "日付"},
            ),
            Command(
                "search",
                self.search,
                "search <words>",
                {
                    "en": f"The best {SEARCH_LIMIT} matches for some words, with dates and ids.",
                    "ja": f"言葉で検索し、上位{SEARCH_LIMIT}件を日付とID付きで表示。",
                },
                "/alliance search Hopkins Moscow",
                params=(
                    Param(
                        "query",
                        "string",
                        {
                            "en": "Words to look for, in English or Japanese.",
                            "ja": "検索する言葉（英語または日本語）。",
                        },
                        style="rest",
                        required=True,
                        names={"ja": "検索語"},
                    ),
                ),
                names={"ja": "検索"},
            ),
            Command(
                "help",
                self.help,
                "help",
                {"en": "This list.", "ja": "この一覧を表示。"},
                "/alliance help",
                private=True,
                names={"ja": "ヘルプ"},
            ),
        ):
            router.register(command)

    def completions(self) -> tuple[Choice, ...]:
        """What ``fact`` accepts, for autocomplete: every topic, then every fact (its id,
        shown with its title and year), in the store's order."""
        facts = tuple(
            Choice(
                fact.id,
                {
                    lang: shorten(f"{fact.title.get(lang)} ({fact.date.year})", MAX_CHOICE_TEXT)
                    for lang in LANGUAGES
                },
            )
            for fact in self._store.facts
            if len(fact.id) <= MAX_CHOICE_TEXT
        )
        return topic_choices() + facts

    # -- fact ------------------------------------------------------------------------------

    async def fact(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if not args:
            return self.fact_reply(self._rng.choice(self._store.facts), lang, topic=None)
        if (fact := self._store.get(args.lower())) is not None:
            return self.fact_reply(fact, lang, topic=None)
        if (topic := find_topic(args)) is not None:
            candidates = self._store.with_tag(topic)
            if candidates:
                return self.fact_reply(self._rng.choice(candidates), lang, topic=topic)
        topics = ", ".join(TOPICS)
        raise UsageError(
            t_rich("err_fact_arg", lang, arg=user_text(shorten(args, 40)), topics=topics)
        )

    def fact_reply(self, fact: Fact, lang: Lang, topic: str | None) -> Reply:
        """One fact in full, with a button for another."""
        key = (fact.id, lang, topic)
        reply = self._replies.get(key)
        if reply is None:
            reply = self._replies[key] = self._build_fact_reply(fact, lang, topic)
            if len(self._replies) > FACT_REPLIES_KEPT:
                self._replies.popitem(last=False)
        else:
            self._replies.move_to_end(key)
        return reply

    def _build_fact_reply(self, fact: Fact, lang: Lang, topic: str | None) -> Reply:
        fields = [
            Field(t("field_date", lang), display_range(fact.date, fact.end_date, lang), True),
            Field(
                t("field_topics", lang),
                ", ".join(topic_label(tag, lang) for tag in fact.tags),
                True,
            ),
        ]
        if fact.place is not None:
            fields.append(Field(t("field_place", lang), fact.place.get(lang), True))
        if fact.people:
            names = ", ".join(self._store.person(p).name.get(lang) for p in fact.people)
            fields.append(Field(t("field_people", lang), names, False))
        if topic is None:
            button = Button(t("button_another", lang), "fact")
        else:
            label = t("button_another_topic", lang, topic=topic_label(topic, lang))
            button = Button(label, f"fact {topic}")
        return Reply(
            title=fact.title.get(lang),
            body=fact.text.get(lang),
            fields=tuple(fields),
            sources=sources_of([fact]),
            buttons=(button,),
            footer=f"{t('field_id', lang)}: {fact.id}",
            lang=lang,
        )

    # -- today / on --------------------------------------------------------------------

    async def today(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if args:
            raise UsageError(t("err_extra_args", lang, name="today"))
        local_day = context.now.astimezone(context.zone).date()
        return self._days.reply(local_day, lang)

    async def on(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if not args:
            raise UsageError(t("err_date_missing", lang))
        month_day = parse_month_day(args)
        if month_day is None:
            raise UsageError(t_rich("err_date", lang, arg=user_text(shorten(args, 40))))
        month, day = month_day
        # "N years ago" is counted from the caller's current year.
        this_year = context.now.astimezone(context.zone).year
        return self._days.reply_for_month_day(_same_day_in(this_year, month, day), lang)

    # -- search ------------------------------------------------------------------------

    async def search(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if not args:
            raise UsageError(t("err_search_empty", lang))
        shown, total = self._store.best_matches(args, SEARCH_LIMIT)
        query = user_text(shorten(args, 60))
        if not shown:
            return Reply(
                title=t_rich("search_title", lang, query=query),
                body=t_rich("search_none", lang, query=query),
                ephemeral=True,
            )
        fields = tuple(
            Field(
                name=f"{index}. {fact.title.get(lang)}",
                value=f"{display_range(fact.date, fact.end_date, lang)} · `{fact.id}`\n"
                f"{shorten(fact.text.get(lang), 160)}",
            )
            for index, fact in enumerate(shown, start=1)
        )
        buttons = tuple(
            Button(
                shorten(f"{index}. {fact.title.get(lang)}", BUTTON_LABEL_LIMIT), f"fact {fact.id}"
            )
            for index, fact in enumerate(shown, start=1)
        )
        return Reply(
            title=t_rich("search_title", lang, query=query),
            body=t("search_more", lang, shown=len(shown), total=total),
            fields=fields,
            buttons=buttons,
        )

    # -- help --------------------------------------------------------------------------

    async def help(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        # Generated from the same declarations an adapter builds its command tree from, and
        # written as the caller's platform types each command.
        form = context.command_form
        fields = tuple(
            Field(
                written_line(form, spec.usage),
                f"{spec.summary[lang]}\n`{written_line(form, spec.example)}`",
            )
            for spec in self._router.specs()
        )
        topics = ", ".join(TOPICS)
        return Reply(
            title=t("help_title", lang),
            body=f"{t('help_intro', lang)}\n{t('help_topics', lang, topics=topics)}",
            fields=fields,
            ephemeral=True,
        )


def _same_day_in(year: int, month: int, day: int) -> date:
    """``month``/``day`` in ``year``; 29 February falls back to the 28th in a common year."""
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, 28)
