"""Dates written in a text, and the facts those dates point at.

A question gives away another question's answer when its prompt or explanation dates the
other's event ("on the evening of 22 June 1941, hours after the invasion…"); a generated
question must not offer as a wrong answer a year or month its own fact's text names. Both
need the dates a text names, in English ("22 June 1941", "June 1941", "22 June … 1941") and
in Japanese ("1941年6月22日", "1941年6月", "6月22日").
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.facts import Fact

_MONTH_NAMES = "|".join(calendar.month_name[1:])
_MONTH_NUMBER = {calendar.month_name[m]: m for m in range(1, 13)}
_YEAR = re.compile(r"(?<!\d)(19\d\d)(?!\d)")
_EN_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}}) ({_MONTH_NAMES})\b(?:,? (19\d\d)(?!\d))?")
# A month with its year but no day before it ("in June 1941", not "22 June 1941").
_EN_MONTH_YEAR = re.compile(rf"(?<!\d )\b({_MONTH_NAMES}),? (19\d\d)(?!\d)")
_EN_MONTH = re.compile(rf"\b({_MONTH_NAMES})\b(?:,? (19\d\d)(?!\d))?")
_JA_DAY_MONTH = re.compile(r"(?:(19\d\d)年)?(?<!\d)(\d{1,2})月(\d{1,2})日")
_JA_MONTH_YEAR = re.compile(r"(19\d\d)年(\d{1,2})月(?!\d{1,2}日)")
_JA_MONTH = re.compile(r"(?:(19\d\d)年)?(?<!\d)(\d{1,2})月")


def _normal(text: str) -> str:
    # Full-width digits ("１９４１年") read as the ASCII ones.
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class DatesInText:
    """The days, month-years and years a text names.

    ``days`` are (year, month, day); a day written without its year ("on 2 February") is
    taken in every year the text names.
    """

    years: frozenset[int]
    month_years: frozenset[tuple[int, int]]
    days: frozenset[tuple[int, int, int]]

    @classmethod
    def read(cls, texts: Iterable[str]) -> DatesInText:
        text = _normal("\n".join(texts))
        years = frozenset(int(y) for y in _YEAR.findall(text))
        month_years = {(int(y), _MONTH_NUMBER[m]) for m, y in _EN_MONTH_YEAR.findall(text)}
        month_years |= {(int(y), int(m)) for y, m in _JA_MONTH_YEAR.findall(text)}
        written = [(y, _MONTH_NUMBER[m], d) for d, m, y in _EN_DAY_MONTH.findall(text)]
        written += [(y, int(m), d) for y, m, d in _JA_DAY_MONTH.findall(text)]
        days = {
            (year, month, int(day))
            for named_year, month, day in written
            for year in ([int(named_year)] if named_year else years)
        }
        return cls(years, frozenset(month_years), frozenset(days))


def years_named(texts: Iterable[str]) -> frozenset[int]:
    """Every year (19xx) the texts name."""
    return DatesInText.read(texts).years


def months_named(texts: Iterable[str], year: int) -> frozenset[int]:
    """The months the texts name that may fall in ``year``: with that year or with none."""
    text = _normal("\n".join(texts))
    months = {
        _MONTH_NUMBER[name]
        for name, named_year in _EN_MONTH.findall(text)
        if not named_year or int(named_year) == year
    }
    months |= {
        int(month)
        for named_year, month in _JA_MONTH.findall(text)
        if not named_year or int(named_year) == year
    }
    return frozenset(month for month in months if 1 <= month <= 12)


class FactsByDate:
    """Which facts a text points at by naming their date.

    A day names a fact when it is the fact's date with its year, or without one when the
    text names the fact's year elsewhere (the day alone is too weak a link: "2 February" is
    in many years); a month with its year names every fact that starts or ends in it. Both
    the start and the end of a range count.
    """

    def __init__(self, facts: Iterable[Fact]) -> None:
        by_day: defaultdict[tuple[int, int, int], set[str]] = defaultdict(set)
        by_month: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
        for fact in facts:
            for date in (fact.date, fact.end_date):
                if date is None or date.month is None:
                    continue
                by_month[(date.year, date.month)].add(fact.id)
                if date.day is not None:
                    by_day[(date.year, date.month, date.day)].add(fact.id)
        self._by_day = dict(by_day)
        self._by_month = dict(by_month)

    def named_in(self, texts: Iterable[str]) -> frozenset[str]:
        """Ids of the facts whose dates the texts name."""
        dates = DatesInText.read(texts)
        named: set[str] = set()
        for day in dates.days:
            named |= self._by_day.get(day, set())
        for year, month in dates.month_years:
            named |= self._by_month.get((year, month), set())
        return frozenset(named)
