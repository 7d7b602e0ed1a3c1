"""The fakes' seeded failures: the same per key whatever the order, and capped when asked."""

from __future__ import annotations

from tests.flaky_fates import Fate, FlakyRule


def rule(**changes: object) -> FlakyRule:
    values: dict[str, object] = {
        "target": "POST /x",
        "share_429": 0.3,
        "share_500": 0.3,
        "retry_after": 0.1,
        "seed": 5,
        "ambiguous_share": 0.5,
    }
    values.update(changes)
    return FlakyRule(**values)  # type: ignore[arg-type]


def test_each_key_sees_the_same_fates_whatever_the_interleaving() -> None:
    first, second = rule(), rule()
    keys = [f"k{n}" for n in range(50)]
    for _ in range(4):
        for key in keys:
            first.fate(key)
        for key in reversed(keys):
            second.fate(key)
    assert first.fates == second.fates
    assert {Fate.ANSWER, Fate.RATE_LIMITED, Fate.FAIL, Fate.FAIL_AFTER} <= set(first.answered)


def test_a_cap_on_failures_in_a_row_forces_an_answer() -> None:
    always_failing = rule(share_429=0.5, share_500=0.5, most_failures_in_a_row=4)
    fates = [always_failing.fate("k") for _ in range(10)]
    assert fates[4] is Fate.ANSWER and fates[9] is Fate.ANSWER
    assert Fate.ANSWER not in fates[:4] and Fate.ANSWER not in fates[5:9]
