"""``quiz``, ``leaderboard``, ``stats`` and ``forget-me``."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date

from bot.core.commands import Command, CommandRouter, UsageError
from bot.core.context import ChannelKey, CommandContext
from bot.core.daily.model import Subscription
from bot.core.facts import Difficulty
from bot.core.i18n import Lang, t, t_rich
from bot.core.params import Choice, Param
from bot.core.quiz.daily_question import DailyQuestion, day_out_now, names_question
from bot.core.quiz.manager import QuizManager
from bot.core.quiz.store import QuizStore
from bot.core.quiz.streaks import streaks
from bot.core.replies import Button, Field, Reply
from bot.core.rich import fill, user_text
from bot.core.settings import SettingsStore
from bot.core.topics import TOPICS, find_topic, topic_label

PAGE_SIZE = 10
_DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")

# The channel's daily-post subscription (SubscriptionRepository.get).
SubscriptionLookup = Callable[[ChannelKey], Awaitable[Subscription | None]]


def is_small_number(text: str) -> bool:
    """ASCII digits only, and few of them: safe for int() and for an SQL integer."""
    return text.isascii() and text.isdecimal() and len(text) <= 9


def quiz_start_params(maximum: int) -> tuple[Param, ...]:
    """``quiz start``'s options, as issue 11 names them for Discord."""
    return (
        Param(
            "questions",
            "integer",
            {"en": "How many questions.", "ja": "問題の数。"},
            style="keyword",
            min_value=1,
            max_value=maximum,
            names={"ja": "問題数"},
        ),
        Param(
            "topic",
            "string",
            {"en": "Only questions on this topic.", "ja": "このトピックの問題だけを出題。"},
            style="keyword",
            autocomplete="topic",
            names={"ja": "テーマ"},
        ),
        Param(
            "difficulty",
            "choice",
            {"en": "How hard the questions are.", "ja": "問題の難易度。"},
            style="keyword",
            names={"ja": "難易度"},
            choices=(
                Choice("easy", {"en": "Easy", "ja": "やさしい"}),
                Choice("medium", {"en": "Medium", "ja": "ふつう"}),
                Choice("hard", {"en": "Hard", "ja": "むずかしい"}),
            ),
        ),
    )


def parse_quiz_options(
    args: list[str], default: int | None, maximum: int, lang: Lang
) -> tuple[int | None, str | None, Difficulty | None]:
    """``[questions N] [topic] [difficulty]`` in any order (N is ``default`` when none is
    given); a bare number is N, and each may be named (``topic lend-lease``, ``difficulty
    easy``), as the typed options' command line writes them: the word after a name is that
    option's value, whatever it says."""
    questions, _topic, difficulties = quiz_start_params(maximum)

    def refused(value: str) -> UsageError:
        topics = ", ".join(TOPICS)
        return UsageError(
            t_rich("quiz_bad_args", lang, max=maximum, topics=topics, value=user_text(value[:40]))
        )

    count, topic, difficulty = default, None, None
    words = list(args)
    while words:
        word = words.pop(0)
        lowered = word.lower()
        if lowered in {"questions", "question", "q", "n"} and words:
            count = questions.read_integer(words.pop(0), lang)
        elif lowered == "topic" and words:
            value = words.pop(0)
            if (found := find_topic(value)) is None:
                raise refused(value)
            topic = found
        elif lowered == "difficulty" and words:
            chosen = difficulties.read_choice(words.pop(0), lang)
            difficulty = next(level for level in _DIFFICULTIES if level == chosen)
        elif is_small_number(lowered) and 1 <= int(lowered) <= maximum:
            count = int(lowered)
        elif lowered in _DIFFICULTIES:
            difficulty = _DIFFICULTIES[_DIFFICULTIES.index(lowered)]
        elif (found := find_topic(word)) is not None:
            topic = found
        else:
            raise refused(word)
    return count, topic, difficulty


class QuizCommands:
    """Chat commands of the quiz, and the listener for typed answers."""

    def __init__(
        self,
        manager: QuizManager,
        repository: QuizStore,
        daily: DailyQuestion,
        subscription_of: SubscriptionLookup,
        settings: SettingsStore | None = None,
    ) -> None:
        self._manager = manager
        self._repository = repository
        self._daily = daily
        self._subscription_of = subscription_of
        # The server's quiz length, when a start names none.
        self._settings = settings

    def register(self, router: CommandRouter) -> None:
        settings = self._manager.settings
        for command in (
            Command(
                "quiz",
                self.quiz,
                "quiz start [questions N] [topic] [difficulty] | quiz stop",
                {
                    "en": f"A quiz in this channel with answer buttons (default "
                    f"{settings.default_questions} questions, at most "
                    f"{settings.max_questions}). Right answers score 500–1000 points: "
                    "the faster, the more.",
                    "ja": f"このチャンネルでボタン式のクイズ（既定{settings.default_questions}問、"
                    f"最大{settings.max_questions}問）。正解は500〜1000点、早いほど高得点。",
                },
                "/alliance quiz start questions 10 lend-lease easy",
                subcommands=(
                    Command(
                        "start",
                        self.quiz_start,
                        "quiz start [questions N] [topic] [difficulty]",
                        {
                            "en": "Start a quiz in this channel.",
                            "ja": "このチャンネルでクイズを開始。",
                        },
                        "/alliance quiz start questions 10 lend-lease easy",
                        params=quiz_start_params(settings.max_questions),
                        slow=True,
                        server_only=True,
                        posts_in_channel=True,
                        names={"ja": "開始"},
                    ),
                    Command(
                        "stop",
                        self.quiz_stop,
                        "quiz stop",
                        {
                            "en": "(The starter or an admin) End the quiz and show the scores.",
                            "ja": "（開始した人か管理者）クイズを終了して結果を表示。",
                        },
                        "/alliance quiz stop",
                        slow=True,
                        server_only=True,
                        names={"ja": "終了"},
                    ),
                ),
                # Its own handler takes the answer buttons' actions (``quiz answer …``).
                slow=True,
                server_only=True,
                names={"ja": "クイズ"},
            ),
            Command(
                "leaderboard",
                self.leaderboard,
                "leaderboard [page]",
                {
                    "en": "This server's players by total score, with games and accuracy.",
                    "ja": "このサーバーの合計得点ランキング（ゲーム数・正答率つき）。",
                },
                "/alliance leaderboard",
                params=(
                    Param(
                        "page",
                        "integer",
                        {"en": "Which page (10 players each).", "ja": "ページ（1ページ10人）。"},
                        min_value=1,
                        names={"ja": "ページ"},
                    ),
                ),
                slow=True,
                server_only=True,
                names={"ja": "ランキング"},
            ),
            Command(
                "stats",
                self.stats,
                "stats [user]",
                {
                    "en": "Quiz totals, accuracy, best topic and daily streak.",
                    "ja": "クイズの合計・正答率・得意トピック・連続回答日数。",
                },
                "/alliance stats",
                params=(
                    Param(
                        "user",
                        "user",
                        {
                            "en": "Whose stats (a mention or a name); yours if empty.",
                            "ja": "誰の成績か（メンションまたは名前）。空欄なら自分。",
                        },
                        style="rest",
                        names={"ja": "ユーザー"},
                    ),
                ),
                slow=True,
                server_only=True,
                names={"ja": "成績"},
            ),
            Command(
                "forget-me",
                self.forget_me,
                "forget-me",
                {
                    "en": "Delete your quiz data in this server (asks to confirm).",
                    "ja": "このサーバーでのあなたのクイズのデータを削除（確認あり）。",
                },
                "/alliance forget-me",
                private=True,
                slow=True,
                server_only=True,
                names={"ja": "データ削除"},
            ),
        ):
            router.register(command)
        router.add_listener(self.on_message)

    async def quiz_start(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        settings = self._manager.settings
        count, topic, difficulty = parse_quiz_options(
            args.split(), None, settings.max_questions, lang
        )
        if count is None:
            count = await self._server_quiz_length(context)
        return await self._manager.start(context, count, topic, difficulty, lang)

    async def quiz_stop(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if args:
            raise UsageError(t("quiz_usage", lang))
        return await self._manager.stop(context, lang)

    async def quiz(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        """``quiz answer …`` and ``quiz daily …`` (button actions); ``start`` and ``stop``
        are subcommands the router sends to their own handlers."""
        words = args.split()
        action = words[0].lower() if words else ""
        if action == "answer" and len(words) == 4 and all(is_small_number(w) for w in words[1:]):
            game_id, index, choice = (int(w) for w in words[1:])
            return await self._manager.answer(context, game_id, index, choice, lang)
        if action == "daily" and len(words) == 4 and is_small_number(words[3]):
            return await self._daily_answer(context, words[1], words[2], int(words[3]), lang)
        raise UsageError(t("quiz_usage", lang))

    async def _server_quiz_length(self, context: CommandContext) -> int:
        settings = self._manager.settings
        stored = None
        if self._settings is not None:
            channel = context.channel
            stored = (
                await self._settings.tenant_settings(channel.platform, channel.tenant)
            ).quiz_length
        # A length stored under a higher maximum than today's still starts a quiz.
        return min(stored or settings.default_questions, settings.max_questions)

    async def on_message(self, context: CommandContext, text: str, lang: Lang) -> Reply | None:
        reply = await self._manager.typed(context, text, lang)
        # A typed answer is a plain message, which Discord cannot answer privately: the
        # channel sees only an acknowledgement, and the note goes where a private one can.
        return None if reply is None else replace(reply, kind="acknowledged")

    async def _daily_answer(
        self, context: CommandContext, day_text: str, token: str, choice: int, lang: Lang
    ) -> Reply:
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            raise UsageError(t("quiz_usage", lang)) from None
        key = context.channel.key
        # Only the question of this channel's latest daily post counts: not another day's
        # (no streak in advance or in arrears, no peek at tomorrow's answer), not elsewhere.
        out_now = day_out_now(await self._subscription_of(key), context.now)
        await self._daily.ready()
        question = self._daily.question_for(day) if day == out_now else None
        if question is None or not names_question(token, question.id):
            return Reply(body=t("quiz_closed", lang), ephemeral=True)
        correct = choice == question.correct
        stored = await self._repository.record_daily_answer(
            key, context.user.id, context.user.name, day, question.id, correct, context.now
        )
        if not stored:
            return Reply(body=t("daily_already", lang), ephemeral=True)
        stats = await self._repository.user_stats(key.platform, key.tenant, context.user.id)
        current = streaks(stats.daily_dates, day)[0] if stats is not None else 0
        message = "daily_right" if correct else "daily_wrong"
        return Reply(
            body=t(message, lang, answer=question.answer_text(lang), streak=current), ephemeral=True
        )

    async def leaderboard(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        page = 1
        if args:
            if not is_small_number(args) or int(args) < 1:
                raise UsageError(t_rich("leaderboard_bad_page", lang, value=user_text(args[:20])))
            page = int(args)
        key = context.channel.key
        rows, total = await self._repository.leaderboard(
            key.platform, key.tenant, (page - 1) * PAGE_SIZE, PAGE_SIZE
        )
        if total == 0:
            return Reply(body=t("leaderboard_empty", lang))
        pages = max(1, math.ceil(total / PAGE_SIZE))
        fields = tuple(
            Field(
                fill(
                    "{rank}. {name}",
                    rank=(page - 1) * PAGE_SIZE + rank,
                    name=user_text(row.user_name),
                ),
                t(
                    "leaderboard_line",
                    lang,
                    points=row.points,
                    games=row.games,
                    accuracy=round(row.accuracy * 100),
                ),
            )
            for rank, row in enumerate(rows, start=1)
        )
        buttons: list[Button] = []
        if page > 1:
            previous = min(page - 1, pages)
            buttons.append(Button(f"← {previous}/{pages}", f"leaderboard {previous}"))
        if page < pages:
            buttons.append(Button(f"{page + 1}/{pages} →", f"leaderboard {page + 1}"))
        # Paging turns the page in place rather than stacking pages in the channel.
        return Reply(
            title=t("leaderboard_title", lang, page=min(page, pages), pages=pages),
            body="",
            fields=fields,
            buttons=tuple(buttons),
            replaces_original=True,
        )

    async def stats(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        key = context.channel.key
        who = args.strip()
        user_id: str | None = context.user.id
        name = context.user.name
        if who.removeprefix("@"):
            # A mention names its person by id (the adapter resolves it); other text is
            # an id or a name seen in this server, compared folded.
            mentioned = await context.mentions.resolve(who) if context.mentions else None
            if mentioned is not None:
                user_id, name = mentioned.id, mentioned.name or who
            else:
                found = await self._repository.find_user(
                    key.platform, key.tenant, who.removeprefix("@")
                )
                user_id, name = found, who
        stats = (
            await self._repository.user_stats(key.platform, key.tenant, user_id)
            if user_id
            else None
        )
        if stats is None:
            return Reply(body=t_rich("stats_none", lang, user=user_text(name[:60])), ephemeral=True)
        accuracy = round(100 * stats.correct / stats.answered) if stats.answered else 0
        ranked = sorted(stats.topics, key=lambda tally: (-tally.correct, -tally.answered))
        best = topic_label(ranked[0].topic, lang) if ranked and ranked[0].topic in TOPICS else "—"
        today = context.now.astimezone(context.zone).date()
        current, longest = streaks(stats.daily_dates, today)
        return Reply(
            title=t_rich("stats_title", lang, user=user_text(stats.user_name)),
            body="",
            fields=(
                Field(t("stats_points", lang), str(stats.points), True),
                Field(t("stats_games", lang), str(stats.games), True),
                Field(
                    t("stats_accuracy", lang),
                    f"{accuracy}% ({stats.correct}/{stats.answered})",
                    True,
                ),
                Field(t("stats_best_topic", lang), best, True),
                Field(
                    t("stats_streak", lang),
                    t("stats_streak_value", lang, current=current, best=longest),
                    True,
                ),
            ),
        )

    async def forget_me(self, context: CommandContext, args: str, lang: Lang) -> Reply:
        if args.lower() != "confirm":
            return Reply(
                body=t("forget_confirm", lang),
                ephemeral=True,
                buttons=(Button(t("forget_button", lang), "forget-me confirm", "danger"),),
            )
        key = context.channel.key
        deleted = await self._repository.forget(key.platform, key.tenant, context.user.id)
        return Reply(body=t("forget_done", lang, n=deleted), ephemeral=True)
