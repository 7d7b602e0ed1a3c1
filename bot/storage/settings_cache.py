"""A bounded read-through cache of the settings every command reads, kept correct by
evicting on every write that can change a cached result.

Keys are ``(platform, tenant, user_id)`` as :meth:`SettingsRepository.preferences` is asked.
What a write changes, in eviction terms (:func:`Change`):

- a tenant's settings: every cached caller of that tenant (``user`` is ``None``);
- a user's settings in a tenant: that user there;
- a user's DM settings (tenant :data:`DIRECT_TENANT`): that user in *every* tenant, since
  reads in a server fall back to them.

Race rule: every eviction bumps :attr:`PreferencesCache.generation`; a read remembers the
generation before it goes to the database and stores its result only if it is unchanged,
so a read that raced a write cannot store the old value after the write's eviction.

Memory: about 650 bytes an entry with Discord-sized ids (measured with tracemalloc), so a
full cache of :data:`DEFAULT_CACHE_ENTRIES` holds some 32 MiB; it fills only as that many
distinct callers use the bot.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from bot.core.settings import DIRECT_TENANT, StoredPreferences

DEFAULT_CACHE_ENTRIES = 50_000

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Change:
    """What one write may have changed: a tenant's settings (``user`` None) or a user's."""

    platform: str
    tenant: str
    user: str | None

    def covers(self, key: Key) -> bool:
        platform, tenant, user = key
        if platform != self.platform:
            return False
        if self.user is None:
            return tenant == self.tenant
        return user == self.user and (self.tenant == DIRECT_TENANT or tenant == self.tenant)


class PreferencesCache:
    """LRU of preference reads. While not :attr:`usable` (a server's invalidation listener
    is not connected) nothing is served or stored."""

    def __init__(self, max_entries: int = DEFAULT_CACHE_ENTRIES, usable: bool = True) -> None:
        self._entries: OrderedDict[Key, StoredPreferences] = OrderedDict()
        self._max_entries = max_entries
        self.usable = usable
        self.generation = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> StoredPreferences | None:
        if not self.usable:
            return None
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def store(self, key: Key, value: StoredPreferences, generation: int) -> None:
        """Keep ``value``, read when the generation was ``generation``, unless an eviction
        happened since (its value may be older than the write that caused it)."""
        if not self.usable or generation != self.generation:
            return
        self._entries[key] = value
        self._entries.move_to_end(key)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def evict(self, change: Change) -> None:
        self.generation += 1
        if change.user is None or change.tenant == DIRECT_TENANT:
            # Writes are rare next to reads: a scan beats keeping indexes on every store.
            for key in [key for key in self._entries if change.covers(key)]:
                del self._entries[key]
        else:
            self._entries.pop((change.platform, change.tenant, change.user), None)

    def clear(self) -> None:
        self.generation += 1
        self._entries.clear()

    def suspend(self) -> None:
        """Stop serving and storing (notifications may be missed from now on)."""
        self.usable = False
        self.clear()

    def resume(self) -> None:
        """Serve again from empty: nothing missed while suspended can be in it."""
        self.clear()
        self.usable = True
