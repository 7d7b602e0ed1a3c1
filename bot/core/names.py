"""How a person's name is compared: one folding, the same on every database.

SQLite's ``lower()`` folds ASCII only, so a look-up by ``lower(name)`` finds "elodie" but not
"Élodie" there, while PostgreSQL folds by its collation. Storage keeps each name's folded
form in a column of its own, written with every name and indexed, and compares that.
"""

from __future__ import annotations

import unicodedata

# The longest name the stores keep, and the room its folded form may need ("ß" folds to
# "ss", a ligature to several letters).
MAX_NAME_LENGTH = 100
MAX_FOLDED_LENGTH = 200


def fold_name(name: str) -> str:
    """``name`` as names are compared: NFKC, case folded, NFKC again (case folding may
    leave a decomposed form), surrounding spaces and a leading ``@`` ignored, cut to
    :data:`MAX_FOLDED_LENGTH`."""
    name = unicodedata.normalize("NFKC", name[:MAX_NAME_LENGTH]).strip().removeprefix("@")
    folded = unicodedata.normalize("NFKC", name.strip().casefold())
    return folded[:MAX_FOLDED_LENGTH]
