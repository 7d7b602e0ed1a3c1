"""Quiz games, answers and daily-question answers; every query is scoped to one tenant."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import case, delete, distinct, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.context import ChannelKey
from bot.core.quiz.model import (
    GameStatus,
    LeaderboardRow,
    RecordedAnswer,
    RunningGame,
    TopicTally,
    UserStats,
)
from bot.storage.database import Database
from bot.storage.tables import DailyAnswerRow, QuizAnswerRow, QuizGameRow

RUNNING = GameStatus.RUNNING.value


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
        question_count: int,
        now: datetime,
    ) -> int:
        async with self._db.session() as session:
            row = QuizGameRow(
                platform=channel.platform,
                tenant=channel.tenant,
                channel_id=channel.channel_id,
                channel_name=channel_name[:100],
                language=language,
                started_by=started_by[:64],
                owner=owner[:64],
                question_count=question_count,
                status=RUNNING,
                started_at=now,
            )
            session.add(row)
            await session.flush()
            return row.id

    async def end_game(self, game_id: int, status: GameStatus, now: datetime) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(QuizGameRow)
                .where(QuizGameRow.id == game_id, QuizGameRow.status == RUNNING)
                .values(status=status.value, ended_at=now)
            )

    async def record_answer(self, answer: RecordedAnswer) -> bool:
        """Store an answer; False when the user already answered this question."""
        try:
            async with self._db.session() as session:
                session.add(
                    QuizAnswerRow(
                        game_id=answer.game_id,
                        platform=answer.channel.platform,
                        tenant=answer.channel.tenant,
                        user_id=answer.user_id[:64],
                        user_name=answer.user_name[:100],
                        question_index=answer.question_index,
                        question_id=answer.question_id[:100],
                        topic=answer.topic[:32],
                        correct=answer.correct,
                        points=answer.points,
                        answered_at=answer.answered_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def interrupted_games(self, platforms: Collection[str]) -> list[RunningGame]:
        """Games still marked running: at start-up, ones a stopped process left behind."""
        answers = (
            select(QuizAnswerRow.game_id, func.count().label("answers"))
            .group_by(QuizAnswerRow.game_id)
            .subquery()
        )
        async with self._db.session() as session:
            rows = await session.execute(
                select(QuizGameRow, func.coalesce(answers.c.answers, 0))
                .outerjoin(answers, answers.c.game_id == QuizGameRow.id)
                .where(QuizGameRow.status == RUNNING, QuizGameRow.platform.in_(list(platforms)))
            )
            return [
                RunningGame(
                    row.id,
                    ChannelKey(row.platform, row.tenant, row.channel_id),
                    row.channel_name,
                    row.language,
                    int(count),
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
        """A user id from an id or a display name seen in this tenant."""
        async with self._db.session() as session:
            for table in (QuizAnswerRow, DailyAnswerRow):
                found = await session.scalar(
                    select(table.user_id)
                    .where(
                        table.platform == platform,
                        table.tenant == tenant,
                        (table.user_id == who) | (func.lower(table.user_name) == who.lower()),
                    )
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
