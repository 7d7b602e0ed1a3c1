"""Quiz games, answers and daily-question answers; every query is scoped to one tenant."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, delete, distinct, func, insert, literal, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.context import ChannelKey
from bot.core.facts import Localized
from bot.core.i18n import parse_language
from bot.core.names import fold_name
from bot.core.ports import MessageHandle
from bot.core.quiz.game import AnswerOutcome, Player, QuizGame
from bot.core.quiz.model import (
    ClosedQuestion,
    GameStatus,
    LeaderboardRow,
    RecordedAnswer,
    RunningGame,
    TopicTally,
    UserStats,
)
from bot.core.quiz.question import QuizQuestion
from bot.core.replies import SourceLink
from bot.storage.database import Database
from bot.storage.tables import DailyAnswerRow, QuizAnswerRow, QuizGameRow

RUNNING = GameStatus.RUNNING.value


def _changed(result: Any) -> int:
    return int(result.rowcount or 0)


def _localized(text: Localized) -> dict[str, str]:
    return {"en": text.en, "ja": text.ja}


def encode_questions(questions: Sequence[QuizQuestion]) -> str:
    """A game's questions as JSON: what playing them needs, choices in the order shown."""
    return json.dumps(
        [
            {
                "id": q.id,
                "fact": q.fact_id,
                "difficulty": q.difficulty,
                "topics": list(q.topics),
                "prompt": _localized(q.prompt),
                "choices": [_localized(c) for c in q.choices],
                "correct": q.correct,
                "explanation": _localized(q.explanation),
                "sources": [{"title": s.title, "url": s.url} for s in q.sources],
                "kind": q.kind,
            }
            for q in questions
        ],
        ensure_ascii=False,
    )


def decode_questions(text: str) -> tuple[QuizQuestion, ...]:
    return tuple(
        QuizQuestion(
            id=q["id"],
            fact_id=q["fact"],
            difficulty=q["difficulty"],
            topics=tuple(q["topics"]),
            prompt=Localized(**q["prompt"]),
            choices=tuple(Localized(**c) for c in q["choices"]),
            correct=q["correct"],
            explanation=Localized(**q["explanation"]),
            sources=tuple(SourceLink(s["title"], s["url"]) for s in q["sources"]),
            kind=q["kind"],
        )
        for q in json.loads(text)
    )


def _recorded(row: QuizAnswerRow, channel: ChannelKey) -> RecordedAnswer:
    return RecordedAnswer(
        row.game_id,
        channel,
        row.user_id,
        row.user_name,
        row.question_index,
        row.question_id,
        row.topic,
        row.correct,
        row.points,
        row.answered_at,
    )


def _stored_handle(
    platform: str, channel_id: str | None, message_id: str | None, thread_id: str | None
) -> MessageHandle | None:
    """The question message's handle as stored (channel and message set), or None."""
    if channel_id is None or message_id is None:
        return None
    return MessageHandle(platform, channel_id, message_id, thread_id)


class QuizRepository:
    """Reads and writes quiz results."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create_game(
        self,
        channel: ChannelKey,
        channel_name: str,
        language: str,
        started_by: str,
        owner: str,
        questions: Sequence[QuizQuestion],
        lease_until: datetime,
        now: datetime,
        parent_id: str | None = None,
    ) -> int | None:
        """Store a running game; None when the channel has one (the unique index decides,
        so two processes starting at once cannot both win)."""
        try:
            async with self._db.session() as session:
                row = QuizGameRow(
                    platform=channel.platform,
                    tenant=channel.tenant,
                    channel_id=channel.channel_id,
                    channel_name=channel_name[:100],
                    parent_channel_id=parent_id[:64] if parent_id else None,
                    language=language,
                    started_by=started_by[:64],
                    owner=owner[:64],
                    question_count=len(questions),
                    status=RUNNING,
                    started_at=now,
                    questions=encode_questions(questions),
                    question_index=0,
                    question_closed=False,
                    quiet_streak=0,
                    lease_until=lease_until,
                )
                session.add(row)
                await session.flush()
                return row.id
        except IntegrityError:
            return None

    async def running_game(self, channel: ChannelKey) -> QuizGame | None:
        async with self._db.session() as session:
            row = await session.scalar(
                select(QuizGameRow).where(
                    QuizGameRow.platform == channel.platform,
                    QuizGameRow.tenant == channel.tenant,
                    QuizGameRow.channel_id == channel.channel_id,
                    QuizGameRow.status == RUNNING,
                )
            )
            if row is None or row.questions is None:  # none, or one from before revision 0004
                return None
            message = _stored_handle(
                row.platform, row.message_channel_id, row.message_id, row.message_thread_id
            )
            return QuizGame(
                game_id=row.id,
                channel=channel,
                channel_name=row.channel_name,
                starter_id=row.started_by,
                language=parse_language(row.language) or "en",
                questions=decode_questions(row.questions),
                index=row.question_index,
                closed=row.question_closed,
                opened_at=row.opened_at,
                deadline=row.deadline,
                quiet_streak=row.quiet_streak,
                owner=row.owner,
                lease_until=row.lease_until,
                message=message,
                parent_id=row.parent_channel_id,
            )

    async def open_question(
        self,
        game_id: int,
        index: int,
        opened_at: datetime,
        deadline: datetime,
        message: MessageHandle | None,
        owner: str,
        lease_until: datetime,
    ) -> bool:
        async with self._db.session() as session:
            result = await session.execute(
                update(QuizGameRow)
                .where(
                    QuizGameRow.id == game_id,
                    QuizGameRow.status == RUNNING,
                    QuizGameRow.question_index == index,
                    QuizGameRow.question_closed.is_(False),
                    QuizGameRow.deadline.is_(None),
                )
                .values(
                    opened_at=opened_at,
                    deadline=deadline,
                    message_channel_id=message.channel_id[:64] if message else None,
                    message_id=message.message_id[:64] if message else None,
                    message_thread_id=(
                        message.thread_id[:64] if message and message.thread_id else None
                    ),
                    owner=owner[:64],
                    lease_until=lease_until,
                )
            )
            return _changed(result) == 1

    async def record_answer(self, answer: RecordedAnswer) -> AnswerOutcome:
        """Store an answer if its question is open at ``answer.answered_at``.

        One statement inserts the answer only if the game row still shows the question
        open; on PostgreSQL it also share-locks that row, so a close waits for answers being
        stored and then sees them all (SQLite runs one writer at a time anyway).
        """
        values = {
            "game_id": answer.game_id,
            "platform": answer.channel.platform,
            "tenant": answer.channel.tenant,
            "user_id": answer.user_id[:64],
            "user_name": answer.user_name[:100],
            "user_name_folded": fold_name(answer.user_name),
            "question_index": answer.question_index,
            "question_id": answer.question_id[:100],
            "topic": answer.topic[:32],
            "correct": answer.correct,
            "points": answer.points,
            "answered_at": answer.answered_at,
        }
        columns = QuizAnswerRow.__table__.c
        source = (
            select(*(literal(value, columns[name].type) for name, value in values.items()))
            .where(
                QuizGameRow.id == answer.game_id,
                QuizGameRow.status == RUNNING,
                QuizGameRow.question_index == answer.question_index,
                QuizGameRow.question_closed.is_(False),
                QuizGameRow.deadline > answer.answered_at,
            )
            .with_for_update(read=True)
        )
        try:
            async with self._db.session() as session:
                result = await session.execute(
                    insert(QuizAnswerRow).from_select(list(values), source)
                )
        except IntegrityError:
            return AnswerOutcome.ALREADY_ANSWERED
        return AnswerOutcome.ACCEPTED if _changed(result) == 1 else AnswerOutcome.CLOSED

    async def close_question(
        self, game_id: int, index: int, owner: str, lease_until: datetime
    ) -> ClosedQuestion | None:
        async with self._db.session() as session:
            claimed = (
                await session.execute(
                    update(QuizGameRow)
                    .where(
                        QuizGameRow.id == game_id,
                        QuizGameRow.status == RUNNING,
                        QuizGameRow.question_index == index,
                        QuizGameRow.question_closed.is_(False),
                    )
                    .values(question_closed=True, owner=owner[:64], lease_until=lease_until)
                    .returning(
                        QuizGameRow.platform,
                        QuizGameRow.tenant,
                        QuizGameRow.channel_id,
                        QuizGameRow.quiet_streak,
                        QuizGameRow.message_channel_id,
                        QuizGameRow.message_id,
                        QuizGameRow.message_thread_id,
                    )
                )
            ).first()
            if claimed is None:
                return None
            platform, tenant, channel_id, streak, message_channel, message_id, thread = claimed
            channel = ChannelKey(platform, tenant, channel_id)
            rows = (
                await session.scalars(
                    select(QuizAnswerRow)
                    .where(QuizAnswerRow.game_id == game_id, QuizAnswerRow.question_index == index)
                    .order_by(QuizAnswerRow.answered_at, QuizAnswerRow.id)
                )
            ).all()
            answers = tuple(_recorded(row, channel) for row in rows)
            streak = 0 if answers else streak + 1
            await session.execute(
                update(QuizGameRow).where(QuizGameRow.id == game_id).values(quiet_streak=streak)
            )
        message = _stored_handle(platform, message_channel, message_id, thread)
        return ClosedQuestion(answers, streak, message)

    async def next_question(self, game_id: int, index: int) -> bool:
        async with self._db.session() as session:
            result = await session.execute(
                update(QuizGameRow)
                .where(
                    QuizGameRow.id == game_id,
                    QuizGameRow.status == RUNNING,
                    QuizGameRow.question_index == index,
                    QuizGameRow.question_closed.is_(True),
                )
                .values(
                    question_index=index + 1,
                    question_closed=False,
                    opened_at=None,
                    deadline=None,
                    message_channel_id=None,
                    message_id=None,
                    message_thread_id=None,
                )
            )
            return _changed(result) == 1

    async def scoreboard(self, game_id: int) -> list[Player]:
        """The players of one game with their totals (from the stored answers, so a player
        who asked to be forgotten is gone from it too)."""
        correct = func.sum(case((QuizAnswerRow.correct, 1), else_=0))
        async with self._db.session() as session:
            rows = await session.execute(
                select(
                    QuizAnswerRow.user_id,
                    func.max(QuizAnswerRow.user_name),
                    func.sum(QuizAnswerRow.points),
                    correct,
                    func.count(),
                )
                .where(QuizAnswerRow.game_id == game_id)
                .group_by(QuizAnswerRow.user_id)
            )
            return [
                Player(user_id, name, int(points or 0), int(right or 0), int(answered))
                for user_id, name, points, right, answered in rows
            ]

    async def end_game(self, game_id: int, status: GameStatus, now: datetime) -> bool:
        async with self._db.session() as session:
            result = await session.execute(
                update(QuizGameRow)
                .where(QuizGameRow.id == game_id, QuizGameRow.status == RUNNING)
                .values(status=status.value, ended_at=now)
            )
            return _changed(result) == 1

    async def interrupted_games(
        self, platforms: Collection[str], now: datetime
    ) -> list[RunningGame]:
        """Running games whose owner's lease ran out: left by a process that stopped or
        died (a NULL lease: a game from before leases existed)."""
        answers = (
            select(QuizAnswerRow.game_id, func.count().label("answers"))
            .group_by(QuizAnswerRow.game_id)
            .subquery()
        )
        async with self._db.session() as session:
            rows = await session.execute(
                select(QuizGameRow, func.coalesce(answers.c.answers, 0))
                .outerjoin(answers, answers.c.game_id == QuizGameRow.id)
                .where(
                    QuizGameRow.status == RUNNING,
                    QuizGameRow.platform.in_(list(platforms)),
                    or_(QuizGameRow.lease_until.is_(None), QuizGameRow.lease_until < now),
                )
            )
            return [
                RunningGame(
                    row.id,
                    ChannelKey(row.platform, row.tenant, row.channel_id),
                    row.channel_name,
                    row.language,
                    int(count),
                    row.parent_channel_id,
                )
                for row, count in rows
            ]

    async def leaderboard(
        self, platform: str, tenant: str, offset: int, limit: int
    ) -> tuple[list[LeaderboardRow], int]:
        """Players of a tenant by total score, with the number of players in all."""
        scoped = (QuizAnswerRow.platform == platform, QuizAnswerRow.tenant == tenant)
        correct = func.sum(case((QuizAnswerRow.correct, 1), else_=0))
        points = func.sum(QuizAnswerRow.points)
        async with self._db.session() as session:
            total = await session.scalar(
                select(func.count(distinct(QuizAnswerRow.user_id))).where(*scoped)
            )
            rows = await session.execute(
                select(
                    QuizAnswerRow.user_id,
                    func.max(QuizAnswerRow.user_name),
                    points,
                    func.count(distinct(QuizAnswerRow.game_id)),
                    func.count(),
                    correct,
                )
                .where(*scoped)
                .group_by(QuizAnswerRow.user_id)
                .order_by(points.desc(), correct.desc(), QuizAnswerRow.user_id)
                .offset(offset)
                .limit(limit)
            )
            board = [
                LeaderboardRow(u, n, int(p or 0), int(g), int(a), int(c or 0))
                for u, n, p, g, a, c in rows
            ]
            return board, int(total or 0)

    async def find_user(self, platform: str, tenant: str, who: str) -> str | None:
        """A user id from an id or a display name seen in this tenant; names compare
        folded (:func:`bot.core.names.fold_name`), alike on SQLite and PostgreSQL."""
        folded = fold_name(who)
        async with self._db.session() as session:
            # Ids first: a name that happens to equal someone's id must not win over them.
            for by_name in (False, True):
                for table in (QuizAnswerRow, DailyAnswerRow):
                    match = (
                        table.user_name_folded == folded if by_name else table.user_id == who[:64]
                    )
                    found = await session.scalar(
                        select(table.user_id)
                        .where(table.platform == platform, table.tenant == tenant, match)
                        .limit(1)
                    )
                    if found:
                        return str(found)
        return None

    async def user_stats(self, platform: str, tenant: str, user_id: str) -> UserStats | None:
        scoped = (
            QuizAnswerRow.platform == platform,
            QuizAnswerRow.tenant == tenant,
            QuizAnswerRow.user_id == user_id,
        )
        correct = func.sum(case((QuizAnswerRow.correct, 1), else_=0))
        async with self._db.session() as session:
            totals = (
                await session.execute(
                    select(
                        func.max(QuizAnswerRow.user_name),
                        func.sum(QuizAnswerRow.points),
                        func.count(distinct(QuizAnswerRow.game_id)),
                        func.count(),
                        correct,
                    ).where(*scoped)
                )
            ).one()
            topics = await session.execute(
                select(QuizAnswerRow.topic, func.count(), correct)
                .where(*scoped)
                .group_by(QuizAnswerRow.topic)
            )
            daily = await session.execute(
                select(DailyAnswerRow.local_date, DailyAnswerRow.user_name)
                .where(
                    DailyAnswerRow.platform == platform,
                    DailyAnswerRow.tenant == tenant,
                    DailyAnswerRow.user_id == user_id,
                )
                .order_by(DailyAnswerRow.local_date)
            )
            daily_rows = daily.all()
        name, points, games, answered, right = totals
        if not answered and not daily_rows:
            return None
        return UserStats(
            user_id=user_id,
            user_name=name or (daily_rows[-1][1] if daily_rows else user_id),
            points=int(points or 0),
            games=int(games or 0),
            answered=int(answered or 0),
            correct=int(right or 0),
            topics=tuple(TopicTally(t, int(a), int(c or 0)) for t, a, c in topics),
            daily_dates=tuple(d for d, _ in daily_rows),
        )

    async def record_daily_answer(
        self,
        channel: ChannelKey,
        user_id: str,
        user_name: str,
        local_date: date,
        question_id: str,
        correct: bool,
        now: datetime,
    ) -> bool:
        """Store the day's answer; False when the user already answered that day."""
        try:
            async with self._db.session() as session:
                session.add(
                    DailyAnswerRow(
                        platform=channel.platform,
                        tenant=channel.tenant,
                        user_id=user_id[:64],
                        user_name=user_name[:100],
                        user_name_folded=fold_name(user_name),
                        local_date=local_date,
                        question_id=question_id[:100],
                        correct=correct,
                        answered_at=now,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def prune(self, ended_before: datetime) -> int:
        """Delete games that ended before ``ended_before``, with their answers (the foreign
        key cascades), a few thousand at a time; returns how many games went."""
        deleted = 0
        while True:
            async with self._db.session() as session:
                ids = (
                    await session.scalars(
                        select(QuizGameRow.id)
                        .where(QuizGameRow.status != RUNNING, QuizGameRow.ended_at < ended_before)
                        .limit(2000)
                    )
                ).all()
                if not ids:
                    return deleted
                await session.execute(
                    delete(QuizAnswerRow).where(QuizAnswerRow.game_id.in_(ids)),
                    execution_options={"synchronize_session": False},
                )
                await session.execute(
                    delete(QuizGameRow).where(QuizGameRow.id.in_(ids)),
                    execution_options={"synchronize_session": False},
                )
                deleted += len(ids)

    async def forget(self, platform: str, tenant: str, user_id: str) -> int:
        """Delete a user's quiz data in one tenant; returns how many rows went."""
        async with self._db.session() as session:
            answers = await session.execute(
                delete(QuizAnswerRow).where(
                    QuizAnswerRow.platform == platform,
                    QuizAnswerRow.tenant == tenant,
                    QuizAnswerRow.user_id == user_id,
                )
            )
            daily = await session.execute(
                delete(DailyAnswerRow).where(
                    DailyAnswerRow.platform == platform,
                    DailyAnswerRow.tenant == tenant,
                    DailyAnswerRow.user_id == user_id,
                )
            )
            return int(answers.rowcount or 0) + int(daily.rowcount or 0)  # type: ignore[attr-defined]
