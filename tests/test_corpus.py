"""The parser against every real digest of the shared corpus.

Every count is recomputed here from the raw markdown with plain line logic, independently of
graphkit.ingest.parse, and compared with what the parser returns.

The corpus is ``../shared/corpus/futures`` beside the repository (``$GRAPHKIT_CORPUS`` overrides
it). A missing corpus is a failure, never a skip: a skipped test counts as missing in CI.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from pathlib import Path

import pytest

from graphkit.ingest.parse import parse_file

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "futures"
CORPUS = Path(os.environ["GRAPHKIT_CORPUS"]) if os.environ.get("GRAPHKIT_CORPUS") else DEFAULT_CORPUS
# The digests the Closest lists of futures/ point to: 78 more real digests of the same corpus.
NEIGHBOURS = CORPUS.parent / "closest" if not os.environ.get("GRAPHKIT_CORPUS") else None
MISSING = (
    f"real corpus not found: {CORPUS} is not a folder of .md digests. Put shared/corpus/futures "
    f"(and shared/corpus/closest) beside the repository, or set GRAPHKIT_CORPUS to the folder of digests."
)
FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
NEIGHBOUR_FILES = sorted(NEIGHBOURS.glob("*.md")) if NEIGHBOURS is not None and NEIGHBOURS.is_dir() else []

# One build date for the whole module: the parser and the expected dates agree even at midnight.
TODAY = dt.date.today()
EARLIEST = dt.date(1990, 1, 1)

TABLES = {
    "signals": "Signals",
    "concerns": "Concerns",
    "behaviors": "Behaviors",
    "technologies": "Technologies",
    "issues": "Issues",
}
EXPECTED_WARNINGS = ("page id", "split one character per bullet", "unclosed code fence", "one-character keyword")

# A missing corpus still yields one test per check, which fails with MISSING (an empty
# parametrisation would be reported as skipped).
PARAMS = [pytest.param(f, id=f.name) for f in FILES + NEIGHBOUR_FILES] or [pytest.param(None, id="corpus-missing")]


def test_corpus_folder_is_present():
    assert FILES, MISSING
    assert NEIGHBOURS is None or NEIGHBOUR_FILES, (
        f"{NEIGHBOURS} holds no digest; put shared/corpus/closest beside the repository"
    )


def test_wrapped_cell_of_an_old_table_joins_the_row_above():
    """An old 4-column table continues a cell on a line whose first cell is empty: nothing is lost."""
    path = next((f for f in NEIGHBOUR_FILES if f.name == "0c58d382a0cacf288605a136bbcf69a3.md"), None)
    assert path is not None, "the real digest with a wrapped cell is missing from shared/corpus/closest"
    d = parse_file(path, today=TODAY)
    first = d.rows("signals")[0]
    assert first.name == "Conversion of forests to agriculture"
    assert first.change == "Shift from deforestation to sustainable agriculture"
    assert [r.line for r in d.rows("signals")] == [34, 36, 37, 38, 39, 40]
    assert not d.problems


# -- independent reading of the raw file ------------------------------------------------------


@functools.cache
def raw_lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def section_bodies(path: Path) -> dict[str, list[tuple[int, str]]]:
    """``## Name`` → the (line number, line) pairs after it, up to the next ``## `` heading."""
    out: dict[str, list[tuple[int, str]]] = {}
    current = None
    for no, line in enumerate(raw_lines(path), start=1):
        if line.startswith("## "):
            current = out.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append((no, line))
    return out


def expected_items(path: Path, heading: str) -> list[str]:
    """Distinct items of a bullet list, after undoing the one-character-per-bullet split."""
    items = []
    for _, line in section_bodies(path).get(heading, []):
        if line.startswith("* "):
            items.append(line[2:])
        elif line.rstrip() == "*":
            items.append(" ")
    if len(items) > 1 and all(len(i) == 1 for i in items):
        items = "".join(items).split(",")
    out = []
    for item in (i.strip() for i in items):
        if len(item) > 1 and item not in out:
            out.append(item)
    return out


def expected_row_lines(path: Path, heading: str) -> list[int]:
    """Line numbers of a table's data rows: its `|` lines minus the header and the separator,
    and minus continuation lines (first cell empty, a wrapped cell of the row above)."""
    rows = [(no, line) for no, line in section_bodies(path).get(heading, []) if line.lstrip().startswith("|")]
    return [no for no, line in rows[2:] if line.strip().strip("|").split("|")[0].strip()]


def expected_closest(path: Path) -> list[str]:
    targets = []
    for _, line in section_bodies(path).get("Closest", []):
        m = re.match(r"\* \[.*\]\((.*)\)\s*$", line)
        if m and m[1].strip() != path.stem:
            targets.append(m[1].strip())
    return targets


def plausible_page_date(page_id: str, today: dt.date) -> dt.date | None:
    """The rule: YYYYMMDD with an optional letter, a real date from 1990-01-01 to today."""
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})[a-zA-Z]?", page_id)
    if not m:
        return None
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return day if EARLIEST <= day <= today else None


def raw_page_id(path: Path) -> str:
    """The page id of the title line: the text of its last ``[…](`` link."""
    links = re.findall(r"\[([^\]]*)\]\(", raw_lines(path)[0])
    assert links, f"{path.name}: no page link on the first line"
    return links[-1].strip()


@functools.cache
def parsed(path: Path):
    return parse_file(path, today=TODAY)


def each_digest(test):
    """Run ``test(digest_path)`` once per corpus file; with no corpus, once, failing with MISSING."""

    @functools.wraps(test)
    def run(digest_path):
        if digest_path is None:
            pytest.fail(MISSING)
        return test(digest_path)

    return pytest.mark.parametrize("digest_path", PARAMS)(run)


# -- tests ---------------------------------------------------------------------------------------


@each_digest
def test_parses(digest_path):
    d = parse_file(digest_path, today=TODAY)  # raises DigestError on failure
    assert d.id == digest_path.stem
    assert all(p.level == "warning" for p in d.problems)


@each_digest
def test_keyword_and_theme_counts(digest_path):
    d = parsed(digest_path)
    for heading, got in (("Keywords", d.keywords), ("Themes", d.themes)):
        expected = expected_items(digest_path, heading)
        assert len(got) == len(expected), f"{heading}: {got} != {expected}"
        assert got == expected


@each_digest
def test_table_row_counts(digest_path):
    d = parsed(digest_path)
    for kind, heading in TABLES.items():
        expected = expected_row_lines(digest_path, heading)
        got = [r.line for r in d.rows(kind)]
        assert len(got) == len(expected), f"{heading}: {len(got)} rows parsed, {len(expected)} in the file"
        assert got == expected, f"{heading}: row line numbers"


@each_digest
def test_closest_links(digest_path):
    d = parsed(digest_path)
    expected = expected_closest(digest_path)
    assert len(d.closest) == len(expected)
    assert [link.target for link in d.closest] == expected
    assert all(link.target != digest_path.stem for link in d.closest)


@each_digest
def test_header(digest_path):
    d = parsed(digest_path)
    first = raw_lines(digest_path)[0]
    assert d.title and d.title.strip()
    assert d.page_id, "every real digest has a page id"
    assert d.page_id == raw_page_id(digest_path)
    assert d.page_date == plausible_page_date(d.page_id, TODAY)
    if d.page_date is not None:
        assert d.page_date.strftime("%Y%m%d") == d.page_id[:8]
    if "(from page [" in first:
        assert d.format == "new"
    elif "from ([" in first:
        assert d.format == "old"
    else:
        pytest.fail(f"{digest_path.name}: first line has neither 'from ([' nor '(from page ['")


@each_digest
def test_items_and_rows(digest_path):
    d = parsed(digest_path)
    for item in d.keywords + d.themes:
        assert len(item) > 1, f"one-character item {item!r}"
    for kind, rows in d.tables.items():
        for row in rows:
            assert row.name or row.description, f"{kind} row at line {row.line} has no name and no description"
            assert row.relevancy is None or 1 <= row.relevancy <= 5, f"{kind} row at line {row.line}"


@each_digest
def test_only_expected_warnings(digest_path):
    d = parsed(digest_path)
    lines = raw_lines(digest_path)
    for p in d.problems:
        assert any(kind in p.message for kind in EXPECTED_WARNINGS), f"unexpected warning: {p}"
        if "page id" in p.message:
            assert p.line == 1
        if "unclosed code fence" in p.message:
            assert p.line and "```" in lines[p.line - 1], f"fence warning points at line {p.line}"
        if "split one character per bullet" in p.message:
            assert p.line and lines[p.line - 1].startswith("## ")


def test_implausible_page_ids_of_the_corpus():
    """The rule above, on the date the corpus was checked in, rejects exactly these four ids."""
    assert FILES, MISSING
    rejected = {raw_page_id(f) for f in FILES if plausible_page_date(raw_page_id(f), dt.date(2026, 11, 27)) is None}
    assert rejected == {"20290911", "20290830", "5632.0", "3364.0"}
