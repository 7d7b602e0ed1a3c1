"""State in a real database through SQLAlchemy: subscriptions, deliveries, quiz scores.

SQLite (aiosqlite) is the embedded default; PostgreSQL (asyncpg) is what several bot
processes share. Every row is keyed by platform and tenant so tenants never see each other.
"""

from bot.storage.database import Database

__all__ = ["Database"]
