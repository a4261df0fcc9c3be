"""The parser on bad and edge inputs, each written into tmp_path by the test.

Fixtures ``parse_text``, ``write_file`` and ``today`` (2026-11-27) come from conftest.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from graphkit.ingest.mapping import MappingError, load_mapping
from graphkit.ingest.parse import DigestError, parse_file

HEADER = "# __A digest__, (from page [20240107](https://kghosh.substack.com/p/20240107).)\n"
OLD_HEADER = "# __A digest__, from ([20240107](https://kghosh.substack.com/p/20240107).)\n"


def problems(d, fragment: str) -> list:
    """The problems of a digest whose message (or hint) contains ``fragment``."""
    return [p for p in d.problems if fragment in str(p)]


def line_of(text: str, fragment: str) -> int:
    """1-based number of the first line of ``text`` containing ``fragment`` (lines end at \\n only)."""
    for no, line in enumerate(text.split("\n"), start=1):
        if fragment in line:
            return no
    raise AssertionError(f"{fragment!r} not in the test input")


def fails(parse_text, content) -> DigestError:
    with pytest.raises(DigestError) as info:
        parse_text(content)
    assert info.value.problem.level == "error"
    return info.value


# -- files that are not digests at all ----------------------------------------------------------


def test_not_utf8_names_encoding_and_line(parse_text):
    data = HEADER.encode() + b"\n## Keywords\n\n* caf\xe9 cr\xe8me\n* tea\n"
    err = fails(parse_text, data)
    assert "UTF-8" in err.problem.message
    assert err.problem.line == 5
    assert err.problem.path == "digest.md"
    assert "digest.md:5" in str(err)


def test_not_utf8_on_the_title_line(parse_text):
    err = fails(parse_text, b"# __Caf\xe9__, (from page [20240107](u).)\n## Keywords\n* tea\n")
    assert "UTF-8" in err.problem.message
    assert err.problem.line == 1


def test_not_utf8_on_a_last_line_without_newline(parse_text):
    err = fails(parse_text, HEADER.encode() + b"## Keywords\n* tea\n* \xff")
    assert err.problem.line == 4


def test_binary_file(parse_text):
    err = fails(parse_text, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert "binary" in err.problem.message


def test_nul_byte_in_otherwise_valid_text(parse_text):
    err = fails(parse_text, HEADER.encode() + b"## Keywords\n* a\x00b\n")
    assert "binary" in err.problem.message


def test_empty_file(parse_text):
    err = fails(parse_text, b"")
    assert "empty" in err.problem.message


@pytest.mark.parametrize("content", [" ", "\n", "\n\n  \n\t\n", "\r\n \r\n"], ids=repr)
def test_whitespace_only_file(parse_text, content):
    err = fails(parse_text, content)
    assert "empty" in err.problem.message


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("Some text first\n\n## Keywords\n* ai\n", 1),
        ("## Keywords\n* ai\n* ml\n", 1),
        ("#No space after the hash\n## Keywords\n* ai\n", 1),
        ("\n\nA paragraph\n# __Title__, (from page [20240107](u).)\n## Keywords\n* ai\n", 3),
        ("* a bullet\n", 1),
    ],
    ids=["text", "level-2-heading", "no-space", "after-blank-lines", "bullet"],
)
def test_no_title_line(parse_text, content, line):
    err = fails(parse_text, content)
    assert "no title" in err.problem.message
    assert err.problem.line == line


def test_title_line_with_only_a_page_link(parse_text):
    err = fails(parse_text, "# (from page [20240107](https://x/p/20240107).)\n## Keywords\n* ai\n")
    assert "no title" in err.problem.message
    assert err.problem.line == 1


def test_readme_like_file_is_not_a_digest(parse_text):
    readme = (
        "# My project\n\nA tool that does things, see [the docs](https://example.org).\n\n"
        "## Installation\n\n```\npip install my-project\n```\n\n## Usage\n\n* run it\n"
    )
    err = fails(parse_text, readme)
    assert "not a digest" in err.problem.message
    assert err.problem.line == 1


def test_unreadable_path_is_a_digest_error(tmp_path):
    with pytest.raises(DigestError) as info:
        parse_file(tmp_path / "missing.md")
    assert "cannot read" in info.value.problem.message


# -- header ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page_id", "page_date", "future_date", "warned"),
    [
        ("20250323d", dt.date(2025, 3, 23), None, False),
        ("20240107", dt.date(2024, 1, 7), None, False),
        ("20261127", dt.date(2026, 11, 27), None, False),  # the build date itself is plausible
        ("20290911", None, dt.date(2029, 9, 11), True),
        ("20261128", None, dt.date(2026, 11, 28), True),
        ("5632.0", None, None, True),
        ("3364.0", None, None, True),
        ("19891231", None, None, True),
        ("20250230", None, None, True),
    ],
)
def test_page_ids(parse_text, page_id, page_date, future_date, warned):
    d = parse_text(f"# __T__, (from page [{page_id}](https://k.substack.com/p/{page_id}).)\n## Keywords\n* ai\n")
    assert d.page_id == page_id  # the raw id is always kept
    assert d.page_url == f"https://k.substack.com/p/{page_id}"
    assert d.page_date == page_date
    assert d.future_date == future_date
    warnings = problems(d, "page id")
    if warned:
        assert len(warnings) == 1 and warnings[0].line == 1
        assert page_id in warnings[0].message
    else:
        assert not warnings


def test_page_date_follows_source_date_epoch(write_file, monkeypatch):
    path = write_file("# __T__, (from page [20290911](https://k/p/20290911).)\n## Keywords\n* ai\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 11, 27, tzinfo=dt.UTC).timestamp())))
    assert parse_file(path).page_date is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp())))
    assert parse_file(path).page_date == dt.date(2029, 9, 11)


@pytest.mark.parametrize(
    ("line", "title", "fmt"),
    [
        ("# __Hello, world: a, b__, (from page [20240107](https://k/p/20240107).)", "Hello, world: a, b", "new"),
        ("# __Hello, world: a, b__, from ([20240107](https://k/p/20240107).)", "Hello, world: a, b", "old"),
        (
            "# __Lessons from history, again__, (from page [20240107](https://k/p/20240107).)",
            "Lessons from history, again",
            "new",
        ),
        (
            "# __Python's __init__, explained__, from ([20240107](https://k/p/20240107).)",
            "Python's __init__, explained",
            "old",
        ),
        ("# Plain title, (from page [20240107](https://k/p/20240107).)", "Plain title", "new"),
        ('# __He said \\"no\\"__, (from page [20240107](https://k/p/20240107).)', 'He said "no"', "new"),
        (
            "# __L’IA « générale », “vraiment”__, (from page [20240107](https://k/p/20240107).)",
            "L’IA « générale », “vraiment”",
            "new",
        ),
    ],
    ids=["new", "old", "from-in-title", "inner-underscores", "no-emphasis", "escaped-quote", "curly-quotes"],
)
def test_title_forms(parse_text, line, title, fmt):
    d = parse_text(line + "\n\n## Keywords\n\n* ai\n")
    assert d.title == title
    assert d.format == fmt
    assert d.page_id == "20240107"
    assert d.page_date == dt.date(2024, 1, 7)
    assert not d.problems


def test_header_without_page_link_but_with_sections(parse_text):
    text = "\n# __An orphan digest__\n\n## Keywords\n\n* ai\n\n## Themes\n\n* tech\n"
    d = parse_text(text)
    assert d.title == "An orphan digest"
    assert d.page_id is None and d.page_url is None and d.page_date is None
    assert d.keywords == ["ai"] and d.themes == ["tech"]
    (warning,) = problems(d, "no page link")
    assert warning.line == 2


def test_header_with_an_empty_page_id_warns(parse_text):
    # BUG (graphkit/ingest/parse.py, header()/digest()): `[](url)` gives page_id None with no problem at
    # all, while every other header without a usable page id is warned about.
    d = parse_text("# __T__, (from page [](https://k/p/x).)\n## Keywords\n* ai\n")
    assert d.page_id is None and d.page_date is None
    assert [p.line for p in d.problems] == [1]


def test_title_ending_with_a_hash_keeps_it(parse_text):
    # BUG (graphkit/ingest/parse.py, HEADING_RE): a closing '#' sequence is only one after a space
    # (CommonMark); "# Learn C#" loses its '#'.
    d = parse_text("# Learn C#\n\n## Keywords\n\n* ai\n")
    assert d.title == "Learn C#"


def test_source_url_from_the_external_link(parse_text):
    d = parse_text(HEADER + "\n__[External link](https://example.org/a?b=1)__\n\n## Keywords\n\n* ai\n")
    assert d.source_url == "https://example.org/a?b=1"


def test_utf8_bom_and_crlf(parse_text):
    text = "\ufeff" + (
        HEADER + "\n## Keywords\n\n* ai\n* ml\n\n## Signals\n\n| name | description |\n|:--|:--|\n| A | B |\n"
    )
    d = parse_text(text.replace("\n", "\r\n"))
    assert d.title == "A digest"
    assert d.keywords == ["ai", "ml"]
    assert [(r.line, r.name, r.description) for r in d.rows("signals")] == [(line_of(text, "| A |"), "A", "B")]
    assert not d.problems


@pytest.mark.parametrize("char", ["\u2028", "\x85", "\x0c"], ids=["U+2028", "NEL", "FF"])
def test_unicode_line_separators_inside_a_line(parse_text, char):
    # BUG (graphkit/ingest/parse.py, _Reader.digest: `lines = text.splitlines()`): str.splitlines() also
    # breaks on U+2028/U+2029/NEL/FF/…, which markdown does not treat as line ends. A cell holding
    # one is cut (rest of the row silently lost) and every later line number is off by one.
    text = HEADER + f"## Summary\nBefore{char}after.\n" + SIGNALS_HEADER + f"| X | a{char}b | 3 |\n| Y | c | 2 |\n"
    d = parse_text(text)
    assert [(r.line, r.name, r.description, r.relevancy) for r in d.rows("signals")] == [
        (line_of(text, "| X |"), "X", f"a{char}b", 3),
        (line_of(text, "| Y |"), "Y", "c", 2),
    ]


# -- lists ------------------------------------------------------------------------------------


def test_one_character_per_bullet_is_repaired(parse_text):
    chars = "quota de vol, sondage, Jean-Marc"
    bullets = "".join(f"* {c}\n" for c in chars)
    text = HEADER + "\n## Keywords\n\n" + bullets + "\n## Themes\n\n" + "".join(f"* {c}\n" for c in "AI, web3;energy")
    d = parse_text(text)
    assert d.keywords == ["quota de vol", "sondage", "Jean-Marc"]
    assert d.themes == ["AI", "web3", "energy"]
    assert [(p.line, "keywords" in p.message) for p in problems(d, "one character per bullet")] == [
        (line_of(text, "## Keywords"), True),
        (line_of(text, "## Themes"), False),
    ]


def test_one_character_per_bullet_with_stripped_space_bullets(parse_text):
    # An editor that strips trailing spaces turns the "* " + " " bullets into a bare "*".
    bullets = "".join("*\n" if c == " " else f"* {c}\n" for c in "open data, ai")
    d = parse_text(HEADER + "## Keywords\n" + bullets)
    assert d.keywords == ["open data", "ai"]


def test_exact_repeats_are_dropped_other_variants_kept(parse_text):
    d = parse_text(HEADER + "## Keywords\n* AI\n* ai\n* AI\n* AI \n* __AI__\n* open data\n* open data\n")
    assert d.keywords == ["AI", "ai", "open data"]
    assert not d.problems


def test_one_character_item_is_dropped_with_its_line(parse_text):
    text = HEADER + "## Keywords\n* ai\n* x\n* ml\n* energy\n"
    d = parse_text(text)
    assert d.keywords == ["ai", "ml", "energy"]
    (warning,) = problems(d, "one-character")
    assert warning.line == line_of(text, "* x")


def test_keyword_list_as_a_comma_separated_line(parse_text):
    # BUG (graphkit/ingest/parse.py, _Reader.bullets): the comment says "Some digests put a
    # comma-separated line instead of bullets", but the line is kept as ONE keyword
    # "ai, web, cloud" instead of being split into three.
    d = parse_text(HEADER + "## Keywords\n\nai, web, cloud\n\n## Themes\n\n* tech\n")
    assert d.keywords == ["ai", "web", "cloud"]


def test_second_list_section_is_merged_with_a_warning(parse_text):
    text = HEADER + "## Keywords\n* ai\n## Themes\n* tech\n## Keywords\n* ai\n* ml\n"
    d = parse_text(text)
    assert d.keywords == ["ai", "ml"]
    (warning,) = d.problems
    assert "second" in warning.message and warning.line == 6


def test_other_section_fields(parse_text):
    text = HEADER + "## Other\n\n* Category: science\n* **Type**: blog post\n* Mood: happy\n"
    d = parse_text(text)
    assert (d.category, d.type) == ("science", "blog post")
    (warning,) = problems(d, "unknown field")
    assert warning.line == line_of(text, "Mood")


# -- sections ---------------------------------------------------------------------------------


def test_summary_before_keywords(parse_text):
    d = parse_text(
        OLD_HEADER
        + "\n## Summary\n\nFirst paragraph\ncontinued.\n\nSecond.\n\n## Keywords\n\n* ai\n\n## Themes\n\n* tech\n"
    )
    assert d.format == "old"
    assert d.summary == "First paragraph continued.\n\nSecond."
    assert d.keywords == ["ai"] and d.themes == ["tech"]
    assert not d.problems


def test_unknown_section_warns_and_is_ignored(parse_text):
    text = HEADER + "## Keywords\n* ai\n\n## Random notes\n* not a keyword\n\n## Themes\n* tech\n"
    d = parse_text(text)
    assert d.keywords == ["ai"] and d.themes == ["tech"]
    (warning,) = problems(d, "Random notes")
    assert warning.line == line_of(text, "## Random notes")
    assert "mapping" in str(warning)


def test_unclosed_code_fence_in_the_summary(parse_text):
    text = (
        HEADER + "\n## Summary\n\nSome text about code.\n```python\nprint('hi')\n\n"
        "## Keywords\n\n* ai\n* ml\n\n## Signals\n\n| name | description | relevancy |\n|:--|:--|--:|\n| A | B | 3 |\n"
    )
    d = parse_text(text)
    assert d.keywords == ["ai", "ml"]
    assert [(r.name, r.relevancy) for r in d.rows("signals")] == [("A", 3)]
    assert "Some text about code." in d.summary and "```" not in d.summary
    (warning,) = problems(d, "unclosed code fence")
    assert warning.line == line_of(text, "```python")


def test_unclosed_code_fence_at_the_end(parse_text):
    text = HEADER + "## Keywords\n* ai\n## Summary\nText ```\nmore"
    d = parse_text(text)
    assert d.keywords == ["ai"]
    (warning,) = problems(d, "unclosed code fence")
    assert warning.line == line_of(text, "Text ```")


def test_closed_code_fence_does_not_warn(parse_text):
    d = parse_text(HEADER + "## Summary\n\n```\n## Not a heading\n```\n\nAfter.\n\n## Keywords\n* ai\n")
    assert d.keywords == ["ai"]
    assert not d.problems


@pytest.mark.parametrize(
    ("tail", "check"),
    [
        ("## Keywords\n\n* ai\n* ml", lambda d: d.keywords == ["ai", "ml"]),
        ("## Themes\n\n* tech", lambda d: d.themes == ["tech"]),
        ("## Summary\n\nLast words.", lambda d: d.summary == "Last words."),
        (
            "## Signals\n\n| name | description |\n|:--|:--|\n| A | B |\n| C | D |",
            lambda d: [r.name for r in d.rows("signals")] == ["A", "C"],
        ),
        ("## Closest\n\n* [Other](abc)", lambda d: [link.target for link in d.closest] == ["abc"]),
    ],
    ids=["keywords", "themes", "summary", "table", "closest"],
)
def test_no_final_newline(parse_text, tail, check):
    d = parse_text(HEADER + "\n" + tail)
    assert check(d)
    assert not d.problems


# -- tables -----------------------------------------------------------------------------------


SIGNALS_HEADER = "## Signals\n\n| name | description | relevancy |\n|:-----|:------------|----------:|\n"


def test_row_with_wrong_number_of_cells(parse_text):
    text = HEADER + SIGNALS_HEADER + "| A | a | 3 |\n| B | only two |\n| C | c | x | 4 |\n| D | d | 5 |\n"
    d = parse_text(text)
    assert [(r.name, r.line) for r in d.rows("signals")] == [
        ("A", line_of(text, "| A |")),
        ("D", line_of(text, "| D |")),
    ]
    assert [p.line for p in problems(d, "cells")] == [line_of(text, "| B |"), line_of(text, "| C |")]


@pytest.mark.parametrize(
    ("cell", "relevancy", "warned"),
    [
        ("3", 3, False),
        ("4.0", 4, False),
        ("  5  ", 5, False),
        ("7", None, True),
        ("0", None, True),
        ("high", None, True),
        ("4.5", None, True),
        ("-1", None, True),
        ("", None, False),
    ],
    ids=repr,
)
def test_relevancy_values(parse_text, cell, relevancy, warned):
    text = HEADER + SIGNALS_HEADER + f"| A | a |{cell}|\n| B | b | 2 |\n"
    d = parse_text(text)
    rows = d.rows("signals")
    assert [(r.name, r.relevancy) for r in rows] == [("A", relevancy), ("B", 2)]  # row kept either way
    warnings = problems(d, "relevancy")
    assert [p.line for p in warnings] == ([line_of(text, "| A |")] if warned else [])


def test_escaped_pipe_and_quote_in_cells(parse_text):
    text = HEADER + SIGNALS_HEADER + '| A \\| B | the \\"best\\" \\| worst | 4 |\n| C | plain | 2 |\n'
    d = parse_text(text)
    assert [(r.name, r.description, r.relevancy) for r in d.rows("signals")] == [
        ("A | B", 'the "best" | worst', 4),
        ("C", "plain", 2),
    ]
    assert not d.problems


def test_escaped_quotes_in_lists_and_summary(parse_text):
    d = parse_text(HEADER + '## Keywords\n* \\"smart\\" cities\n## Summary\nThe \\"new\\" deal.\n')
    assert d.keywords == ['"smart" cities']
    assert d.summary == 'The "new" deal.'


def test_curly_quotes_are_preserved(parse_text):
    text = (
        HEADER
        + "## Keywords\n* “smart” cities\n* l’IA\n## Summary\nIt’s “the” ‘best’ « idée ».\n"
        + SIGNALS_HEADER
        + "| Companies’ “AI” | don’t | 3 |\n"
    )
    d = parse_text(text)
    assert d.keywords == ["“smart” cities", "l’IA"]
    assert d.summary == "It’s “the” ‘best’ « idée »."
    assert [(r.name, r.description) for r in d.rows("signals")] == [("Companies’ “AI”", "don’t")]


def test_old_signals_table(parse_text):
    text = OLD_HEADER + (
        "## Signals\n\n| Signal | Change | 10y horizon | Driving force |\n|:--|:--|:--|:--|\n"
        "| Heat pumps | Adoption | Most homes | Energy prices |\n"
    )
    d = parse_text(text)
    (row,) = d.rows("signals")
    assert (row.name, row.change, row.horizon, row.driving_force, row.relevancy) == (
        "Heat pumps",
        "Adoption",
        "Most homes",
        "Energy prices",
        None,
    )
    assert row.line == line_of(text, "| Heat pumps")


def test_new_signals_table_all_columns(parse_text):
    text = HEADER + (
        "## Signals\n\n| name | description | change | 10-year | driving-force | relevancy |\n"
        "|:--|:--|:--|:--|:--|--:|\n| N | D | C | H | F | 5 |\n"
    )
    (row,) = parse_text(text).rows("signals")
    assert (row.name, row.description, row.change, row.horizon, row.driving_force, row.relevancy) == (
        "N",
        "D",
        "C",
        "H",
        "F",
        5,
    )


def test_technologies_table_without_name_column(parse_text):
    text = HEADER + (
        "## Technologies\n\n| description | relevancy | src |\n|:--|--:|:--|\n"
        "| A gene-editing tool. | 5 | 8d266d2f06675aa84c1c32cc25412f2b |\n"
        "| De-extinction. | 4 | 8d266d2f06675aa84c1c32cc25412f2b |\n"
    )
    d = parse_text(text)
    rows = d.rows("technologies")
    assert [(r.name, r.description, r.relevancy, r.source) for r in rows] == [
        (None, "A gene-editing tool.", 5, "8d266d2f06675aa84c1c32cc25412f2b"),
        (None, "De-extinction.", 4, "8d266d2f06675aa84c1c32cc25412f2b"),
    ]
    assert [r.line for r in rows] == [line_of(text, "gene-editing"), line_of(text, "De-extinction")]
    assert not d.problems


def test_table_without_name_or_description_column_is_skipped(parse_text):
    text = HEADER + "## Concerns\n\n| change | relevancy |\n|:--|--:|\n| C | 3 |\n"
    d = parse_text(text)
    assert d.rows("concerns") == []
    (warning,) = problems(d, "neither")
    assert warning.line == line_of(text, "| change |")


def test_wrapped_cells_continue_the_row_above(parse_text):
    text = HEADER + (
        "## Signals\n\n| Signal | Change | 10y horizon | Driving force |\n|---|---|---|---|\n"
        "| Forest farming | Shift from logging to | More canopy | Demand |\n"
        "|  | agroforestry |  | for timber |\n"
        "| Fungi food | Plant-based diets | Protein | Climate |\n"
    )
    d = parse_text(text)
    rows = d.rows("signals")
    assert [(r.name, r.change, r.horizon, r.driving_force) for r in rows] == [
        ("Forest farming", "Shift from logging to agroforestry", "More canopy", "Demand for timber"),
        ("Fungi food", "Plant-based diets", "Protein", "Climate"),
    ]
    assert [r.line for r in rows] == [line_of(text, "Forest farming"), line_of(text, "Fungi food")]
    assert not d.problems


def test_continuation_with_no_row_above_is_skipped_with_a_warning(parse_text):
    text = HEADER + "## Signals\n\n| Signal | Change |\n|---|---|\n|  | orphan cell |\n| S | C |\n"
    d = parse_text(text)
    assert [(r.name, r.change) for r in d.rows("signals")] == [("S", "C")]
    (warning,) = problems(d, "no name and no description")
    assert warning.line == line_of(text, "orphan cell")


def test_unmapped_column_is_ignored_with_a_warning(parse_text):
    text = HEADER + "## Issues\n\n| name | colour | relevancy |\n|:--|:--|--:|\n| I | red | 2 |\n"
    d = parse_text(text)
    assert [(r.name, r.relevancy) for r in d.rows("issues")] == [("I", 2)]
    (warning,) = problems(d, "colour")
    assert warning.line == line_of(text, "| name | colour")


def test_all_five_tables(parse_text):
    body = "".join(
        f"## {heading}\n\n| name | description | relevancy |\n|:--|:--|--:|\n| {heading} 1 | d | 1 |\n| {heading} 2 | d | 2 |\n\n"
        for heading in ("Signals", "Concerns", "Behaviors", "Technologies", "Issues")
    )
    d = parse_text(HEADER + body)
    for kind in ("signals", "concerns", "behaviors", "technologies", "issues"):
        assert [r.relevancy for r in d.rows(kind)] == [1, 2], kind
        assert d.rows(kind)[0].name == f"{kind.capitalize()} 1"
    assert not d.problems


# -- closest ----------------------------------------------------------------------------------


def test_closest_links(parse_text):
    own = "0123456789abcdef0123456789abcdef"
    text = HEADER + (
        "## Closest\n\n"
        f"* [Myself]({own})\n"
        "* [Plain id](aaaa1111)\n"
        "* [With suffix](bbbb2222.md)\n"
        "* [With path](../docs/cccc3333.md)\n"
        "* [Full URL](https://github.com/kelu124/Futures/blob/main/docs/dddd4444.md#top)\n"
        f"* [Myself again](./{own}.md)\n"
    )
    d = parse_text(text, name=f"{own}.md")
    assert d.id == own
    assert [(link.title, link.target) for link in d.closest] == [
        ("Plain id", "aaaa1111"),
        ("With suffix", "bbbb2222"),
        ("With path", "cccc3333"),
        ("Full URL", "dddd4444"),
    ]
    assert [link.line for link in d.closest] == [
        line_of(text, "Plain id"),
        line_of(text, "With suffix"),
        line_of(text, "With path"),
        line_of(text, "Full URL"),
    ]


def test_closest_link_whose_title_has_brackets(parse_text):
    # BUG (graphkit/ingest/parse.py, LINK_RE used by _Reader.links): a title with brackets, e.g.
    # "[Podcast] The future", makes the link regex fail and the link is dropped without a warning.
    text = HEADER + "## Closest\n\n* [[Podcast] The future](abc123)\n* [Plain](def456)\n"
    d = parse_text(text)
    assert [(link.line, link.target) for link in d.closest] == [
        (line_of(text, "Podcast"), "abc123"),
        (line_of(text, "Plain"), "def456"),
    ]
    assert "Podcast" in d.closest[0].title


# -- mapping ----------------------------------------------------------------------------------


CUSTOM_MAPPING = """\
sections:
  keywords:
    aliases: [Mots-clés, Étiquettes]
  themes:
    kind: list
    aliases: [Sujets]
  summary:
    aliases: [Résumé]
  signals:
    kind: table
    aliases: [Signaux, Signaux faibles]
columns:
  name: [Nom]
  description: [Détails]
  driving_force: [Driver, Facteur]
  relevancy: [Pertinence]
"""

CUSTOM_DIGEST = (
    HEADER
    + """
## Étiquettes

* énergie
* climat

## Sujets

* transition

## Résumé

Un texte.

## Signaux faibles

| Nom | Détails | Driver | Pertinence |
|:----|:--------|:-------|-----------:|
| Pompes à chaleur | Adoption | Prix | 4 |

## Keywords

* ignored
"""
)


def test_custom_mapping_renames_sections_and_columns(parse_text, write_file):
    mapping = load_mapping(write_file(CUSTOM_MAPPING, "mapping.yaml"))
    d = parse_text(CUSTOM_DIGEST, mapping=mapping)
    assert d.keywords == ["énergie", "climat"]
    assert d.themes == ["transition"]
    assert d.summary == "Un texte."
    (row,) = d.rows("signals")
    assert (row.name, row.description, row.driving_force, row.relevancy) == ("Pompes à chaleur", "Adoption", "Prix", 4)
    assert row.line == line_of(CUSTOM_DIGEST, "| Pompes")
    # A custom mapping replaces the default one: '## Keywords' is no longer known.
    (warning,) = d.problems
    assert "Keywords" in warning.message and warning.line == line_of(CUSTOM_DIGEST, "## Keywords")


def test_custom_names_are_unknown_to_the_default_mapping(parse_text):
    d = parse_text(CUSTOM_DIGEST)
    assert d.keywords == ["ignored"] and d.themes == [] and d.rows("signals") == []
    assert {p.line for p in problems(d, "unknown section")} == {
        line_of(CUSTOM_DIGEST, h) for h in ("## Étiquettes", "## Sujets", "## Signaux faibles")
    }


def test_mapping_aliases_ignore_case_accents_and_punctuation(parse_text, write_file):
    mapping = load_mapping(write_file(CUSTOM_MAPPING, "mapping.yaml"))
    text = HEADER + "## MOTS CLES\n* ai\n## signaux\n| NOM | facteur |\n|--|--|\n| S | F |\n"
    d = parse_text(text, mapping=mapping)
    assert d.keywords == ["ai"]
    assert [(r.name, r.driving_force) for r in d.rows("signals")] == [("S", "F")]
    assert not d.problems


@pytest.mark.parametrize(
    ("yaml_text", "named"),
    [
        ("sections:\n  tags:\n    aliases: [Tags]\n", "tags"),
        ("sections:\n  keywords:\n    aliases: [Tags]\n  weak_signals:\n    kind: table\n", "weak_signals"),
        ("columns:\n  colour: [Colour]\n", "colour"),
        ("fields:\n  author: [Author]\n", "author"),
        ("sections:\n  keywords:\n    kind: table\n", "keywords"),
        ("sections:\n  keywords:\n    aliases: Tags\n", "keywords"),
        ("sections:\n  keywords: [Tags]\n", "keywords"),
        ("columns:\n  name: Nom\n", "name"),
    ],
    ids=[
        "unknown-section",
        "unknown-section-after-good",
        "unknown-column",
        "unknown-field",
        "wrong-kind",
        "aliases-not-list",
        "section-not-mapping",
        "column-not-list",
    ],
)
def test_malformed_mapping(write_file, yaml_text, named):
    with pytest.raises(MappingError) as info:
        load_mapping(write_file(yaml_text, "bad.yaml"))
    assert named in str(info.value)
    assert "bad.yaml" in str(info.value)


@pytest.mark.parametrize(
    "yaml_text", ["sections: [\n", "- a list\n- not a mapping\n"], ids=["invalid-yaml", "not-a-mapping"]
)
def test_unusable_mapping_file(write_file, yaml_text):
    with pytest.raises(MappingError, match="bad.yaml"):
        load_mapping(write_file(yaml_text, "bad.yaml"))


def test_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "nope.yaml")


def _rglob_discover(paths) -> list:
    """Discovery as first written, with ``Path.rglob`` and a check per entry: the reference."""
    from pathlib import Path

    found: dict = {}
    for p in map(Path, paths):
        if p.is_dir():
            for f in p.rglob("*"):
                rel = f.relative_to(p)
                if (
                    f.is_file()
                    and f.suffix.lower() in (".md", ".markdown")
                    and not any(part.startswith(".") for part in rel.parts)
                ):
                    found.setdefault(f, p)
        else:
            found.setdefault(p, p.parent)
    return sorted(found.items(), key=lambda fr: (fr[0].relative_to(fr[1]).as_posix(), str(fr[1])))


def test_discovery_finds_what_rglob_finds(tmp_path):
    """Hidden files and folders are skipped, linked folders are not entered, a linked file counts
    when it leads to a file, suffixes match in any case, and a file under two given roots keeps
    the first; the same list as the rglob version, on a crafted tree and on the real corpus."""
    import os

    from graphkit.ingest.discover import discover
    from graphkit_testutil import corpus_path

    root, other = tmp_path / "watch", tmp_path / "other"
    for rel in ("a.md", "sub/b.MD", "sub/deep/c.markdown", "sub/notes.txt", ".d.md", ".git/e.md", "sub/.f/g.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("# x\n", "utf-8")
    (other / "deep").mkdir(parents=True)
    (other / "deep" / "h.md").write_text("# h\n", "utf-8")
    (root / "folder.md").mkdir()
    os.symlink(other, root / "linked")
    os.symlink(other / "deep" / "h.md", root / "sub" / "linked.md")
    os.symlink(tmp_path / "nowhere.md", root / "broken.md")
    cases = [[root], [root / "sub", root], [root, root / "a.md"], [corpus_path(), corpus_path().parent / "closest"]]
    for paths in cases:
        assert discover(paths) == _rglob_discover(paths), paths
    names = [f.relative_to(r).as_posix() for f, r in discover([root])]
    assert names == ["a.md", "sub/b.MD", "sub/deep/c.markdown", "sub/linked.md"]
    assert len(discover(cases[-1])) > 150
