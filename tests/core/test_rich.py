"""Safe text: what users type never becomes markup, mentions or links on any platform, while
the bot's own neutral markup comes out as each platform's."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.i18n import t_rich
from bot.core.rich import (
    Link,
    Text,
    bold,
    code,
    fill,
    join,
    render_discord,
    render_plain,
    render_slack,
    user_text,
)

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<@U123>",
    "<@U123|boss>",
    "<@123>",
    "<@!123>",
    "<@&456>",
    "<#789>",
    "<t:0:R>",
    "@everyone",
    "@here look",
    "**x**",
    "*x*",
    "_x_",
    "~~x~~",
    "~x~",
    "&amp;",
    "a & b",
    "`code`",
    "```block```",
    "|| spoiler ||",
    "[click](https://evil.example)",
    "<https://evil.example|click>",
    "> quoted",
    "# heading",
    "-# small",
    "- item",
    "1. item",
    "back\\slash*",
]

ZERO_WIDTH = "\u200b\u200d"
# Characters Discord reads as markup wherever they stand.
DISCORD_MARKS = set("\\*_~`|<>[]")


def discord_unescaped(rendered: str) -> str:
    """What is left of Discord output once its backslash escapes are taken out."""
    return re.sub(r"\\[!-/:-@\[-`{-~]", "", rendered)


def discord_shown(rendered: str) -> str:
    """The text a Discord reader sees: escapes resolved, zero-width characters gone."""
    shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", rendered)
    return "".join(ch for ch in shown if ch not in ZERO_WIDTH)


def slack_shown(rendered: str) -> str:
    return "".join(ch for ch in html.unescape(rendered) if ch not in ZERO_WIDTH)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_discord_user_text_never_becomes_markup(hostile: str) -> None:
    rendered = render_discord(user_text(hostile))
    bare = discord_unescaped(rendered)
    assert not DISCORD_MARKS & set(bare), rendered
    assert not re.search(r"^\s*(#|-|\d+\.)", rendered, re.MULTILINE), rendered
    assert not re.search(r"@(everyone|here)", rendered), rendered
    assert discord_shown(rendered) == hostile  # the reader sees exactly what was typed


@pytest.mark.parametrize("hostile", HOSTILE)
def test_slack_user_text_never_becomes_markup(hostile: str) -> None:
    rendered = render_slack(user_text(hostile))
    assert "<" not in rendered and ">" not in rendered, rendered
    assert not re.search(r"&(?!amp;|lt;|gt;)", rendered), rendered
    # mrkdwn marks count only at word boundaries: each one is fenced by zero-width spaces.
    for match in re.finditer(r"[*_~`]", rendered):
        before, after = rendered[match.start() - 1 : match.start()], rendered[match.end() :][:1]
        assert before == "\u200b" and after == "\u200b", rendered
    assert not re.search(r"^\s*&gt;", rendered, re.MULTILINE), rendered  # no block quote
    assert not re.search(r"@(everyone|here|channel)", rendered), rendered
    assert slack_shown(rendered) == hostile


@pytest.mark.parametrize("hostile", HOSTILE)
def test_plain_shows_user_text_as_typed(hostile: str) -> None:
    assert render_plain(user_text(hostile)) == hostile


def test_the_bots_own_bold_becomes_each_platforms_bold() -> None:
    text = fill("**{n}.** {name} scored **{points}**", n=1, name=user_text("**me**"), points=900)
    assert render_discord(text) == r"**1.** \*\*me\*\* scored **900**"
    assert (
        render_slack(text)
        == "*1.* \u200b*\u200b\u200b*\u200bme\u200b*\u200b\u200b*\u200b scored *900*"
    )
    assert render_plain(text) == "**1.** **me** scored **900**"


def test_a_plain_str_is_the_bots_markup() -> None:
    assert render_discord("**A.** Yalta") == "**A.** Yalta"
    assert render_slack("**A.** Yalta & Potsdam <1945>") == "*A.* Yalta &amp; Potsdam &lt;1945&gt;"
    assert render_plain("**A.** Yalta") == "**A.** Yalta"


def test_bold_around_user_text_keeps_it_escaped() -> None:
    text = bold(user_text("<@U1> *x*"))
    assert render_discord(text) == r"**\<@U1\> \*x\***"
    assert render_slack(text) == "*&lt;@U1&gt; \u200b*\u200bx\u200b*\u200b*"
    assert render_plain(text) == "**<@U1> *x***"


def test_code_is_literal_and_cannot_be_closed_early() -> None:
    text = code("a`b<c>")
    assert render_discord(text).count("`") == 2
    assert render_slack(text) == "`aˋb&lt;c&gt;`"
    assert render_plain(code("hopkins-1945")) == "`hopkins-1945`"


def test_links_only_for_web_urls_with_their_label_escaped() -> None:
    link = Text((Link("a]b|c", "https://history.state.gov/x y)|z"),))
    assert render_discord(link) == r"[a\]b\|c](<https://history.state.gov/x%20y%29%7Cz>)"
    assert render_slack(link) == "<https://history.state.gov/x%20y%29%7Cz|a]b|c>"
    assert render_plain(link) == "a]b|c <https://history.state.gov/x y)|z>"
    hostile = Text((Link("click", "javascript:alert(1)"),))
    for render in (render_discord, render_slack, render_plain):
        assert render(hostile) == "click"


def test_text_refuses_to_be_flattened_into_the_bots_markup() -> None:
    with pytest.raises(TypeError):
        _ = f"{user_text('x')}"
    with pytest.raises(TypeError):
        "{}".format(user_text("x"))
    with pytest.raises(TypeError):
        str(user_text("x"))


def test_composition_keeps_the_spans() -> None:
    joined = join(", ", [user_text("a*"), "b", user_text("<c>")])
    assert render_discord("Right: " + joined + "!") == r"Right: a\*, b, \<c\>!"
    assert not user_text("") and not Text() and user_text(" x")
    assert fill("no user text {n}", n=2) == "no user text 2"  # stays a plain str


def test_i18n_strings_embed_user_text_safely() -> None:
    rendered = render_slack(t_rich("stats_none", "en", user=user_text("<!channel>")))
    assert "&lt;!channel&gt;" in rendered and "<!channel>" not in rendered


safe_characters = st.characters(blacklist_categories=("Cs",), blacklist_characters=ZERO_WIDTH)


@given(st.text(safe_characters, max_size=80))
def test_slack_plain_text_never_has_a_raw_control_character(value: str) -> None:
    rendered = render_slack(user_text(value))
    assert "<" not in rendered and ">" not in rendered
    assert not re.search(r"&(?!amp;|lt;|gt;)", rendered)
    assert slack_shown(rendered) == value


@given(st.text(safe_characters, max_size=80))
def test_discord_plain_text_never_has_an_unescaped_mark(value: str) -> None:
    rendered = render_discord(user_text(value))
    assert not DISCORD_MARKS & set(discord_unescaped(rendered))
    assert not re.search(r"^\s*(#|-|\d+\.)", rendered, re.MULTILINE)
    assert not re.search(r"@(everyone|here)", rendered, re.IGNORECASE)
    assert discord_shown(rendered) == value


@given(st.lists(st.text(safe_characters, max_size=20), max_size=5), st.text(max_size=10))
def test_user_text_between_the_bots_words_stays_escaped(users: list[str], own: str) -> None:
    own = own.replace("<", "").replace(">", "").replace("&", "")
    text = join(own, [user_text(u) for u in users])
    rendered = render_slack(text)
    assert "<" not in rendered and ">" not in rendered
    assert not re.search(r"&(?!amp;|lt;|gt;)", rendered)
