"""The shell: ``@name`` finds a user the session has spoken as, however it is cased, and
what users type is shown as typed (the terminal formats nothing)."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.test_shell import config, shell

__all__ = ["config"]  # the fixture, shared with the shell's other tests


def test_stats_at_name_and_user_text_shown_as_typed(config: Path) -> None:
    script = "\n".join(
        [
            ":user Élodie",
            "/alliance quiz start questions 1",
            "A",
            ":wait 30",
            ":user **zed**",
            "/alliance stats @élodie",
            "/alliance stats <@U1|x>",
            "/alliance search <!channel> **x**",
        ]
    )
    result = shell(config, script + "\n")
    assert result.returncode == 0, result.stderr
    stats, unknown, search = result.stdout.split("#general **zed**> /alliance")[1:]
    assert "** Quiz stats — Élodie **" in stats and "Games played\n  1" in stats
    assert "<@U1|x> has no quiz results here yet." in unknown
    assert "** Search: <!channel> **x** **" in search
    assert "No fact matches “<!channel> **x**”" in search
