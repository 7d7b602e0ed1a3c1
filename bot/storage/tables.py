"""The database schema. Alembic migrations in ``migrations/`` create exactly this."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.core.names import MAX_FOLDED_LENGTH, fold_name

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which stores naive text) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SubscriptionRow(Base):
    """A channel that gets the daily anniversary post."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("platform", "tenant", "channel_id", name="uq_subscription_channel"),
        Index("ix_subscriptions_next_due_at", "platform", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    channel_name: Mapped[str] = mapped_column(String(100))
    post_hour: Mapped[int] = mapped_column(SmallInteger)
    post_minute: Mapped[int] = mapped_column(SmallInteger)
    timezone: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    daily_question: Mapped[bool] = mapped_column(Boolean, default=False)
    post_second: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # Posts due before this moment are not owed (a new or changed subscription starts now).
    active_since: Mapped[datetime] = mapped_column(UTCDateTime())
    paused_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # When the next post not yet claimed or skipped falls due (UTC); NULL while paused. A poll
    # selects only the rows due by now, so an idle poll costs the same at any size.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryRow(Base):
    """One daily post to one channel for one local date: claimed, then sent or failed.

    Keyed by channel, not by subscription, so unsubscribing and subscribing again on the
    same day cannot post twice.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("platform", "tenant", "channel_id", "local_date", name="uq_delivery_day"),
        Index("ix_deliveries_status", "status", "next_attempt_at"),
        Index("ix_deliveries_local_date", "local_date"),
        # Take-overs page through one status by id.
        Index("ix_deliveries_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class QuizGameRow(Base):
    """One quiz played in a channel, with its open question: any process serving the channel
    reads the same game, so an answer or a deadline can be taken by any of them."""

    __tablename__ = "quiz_games"
    __table_args__ = (
        Index("ix_quiz_games_status", "status"),
        # One running game per channel, whichever process starts it.
        Index(
            "uq_quiz_games_running_channel",
            "platform",
            "tenant",
            "channel_id",
            unique=True,
            postgresql_where=text("status = 'running'"),
            sqlite_where=text("status = 'running'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    channel_name: Mapped[str] = mapped_column(String(100))
    # A game in a thread: ``channel_id`` is the thread, this its channel (posts go there).
    parent_channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    started_by: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(64))
    question_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The game's questions as JSON, choices in the order shown: a process that did not pick
    # them (or runs another version of the question bank) plays the same game.
    questions: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The current question; answers count while it is not closed and its deadline (set once
    # its post is out) has not passed. Closing is a claim on (index, closed = false).
    question_index: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    question_closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    quiet_streak: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The owner keeps the game moving; past this moment another process may end it.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The current question's message, to edit at close (buttons off, answer shown).
    message_channel_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    message_thread_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


def _folded_user_name(context: DefaultExecutionContext) -> str:
    # Every insert that names a user stores the name's folded form with it, for look-ups
    # that fold alike on SQLite and PostgreSQL (see bot.core.names).
    parameters: dict[str, object] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return fold_name(str(parameters.get("user_name", "")))


class QuizAnswerRow(Base):
    """One user's answer to one question of a quiz; one per user per question."""

    __tablename__ = "quiz_answers"
    __table_args__ = (
        UniqueConstraint("game_id", "question_index", "user_id", name="uq_quiz_answer"),
        Index("ix_quiz_answers_user", "platform", "tenant", "user_id"),
        Index("ix_quiz_answers_name", "platform", "tenant", "user_name_folded"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    game_id: Mapped[int] = mapped_column(Integer, ForeignKey("quiz_games.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(100))
    user_name_folded: Mapped[str] = mapped_column(
        String(MAX_FOLDED_LENGTH), default=_folded_user_name, server_default=""
    )
    question_index: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(32))
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DailyAnswerRow(Base):
    """A user's answer to a day's daily question; one per user per local date."""

    __tablename__ = "daily_answers"
    __table_args__ = (
        UniqueConstraint("platform", "tenant", "user_id", "local_date", name="uq_daily_answer"),
        Index("ix_daily_answers_name", "platform", "tenant", "user_name_folded"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(100))
    user_name_folded: Mapped[str] = mapped_column(
        String(MAX_FOLDED_LENGTH), default=_folded_user_name, server_default=""
    )
    local_date: Mapped[date] = mapped_column(Date)
    question_id: Mapped[str] = mapped_column(String(100))
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TenantSettingsRow(Base):
    """A server's defaults; a NULL column is not set (the configured default applies)."""

    __tablename__ = "tenant_settings"
    __table_args__ = (UniqueConstraint("platform", "tenant", name="uq_tenant_settings_tenant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    quiz_length: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserSettingsRow(Base):
    """A user's own preferences in one tenant ("" for those made in a DM); a row exists
    only while at least one is set."""

    __tablename__ = "user_settings"
    __table_args__ = (
        UniqueConstraint("platform", "tenant", "user_id", name="uq_user_settings_user"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    tenant: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
