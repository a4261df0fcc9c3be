"""Parse one markdown digest into a :class:`~graphkit.ingest.model.Digest`.

The parser is lenient by design: digests come from an LLM pipeline whose format drifted over the
years, so anything it can read it keeps, and anything odd becomes a :class:`Problem` with the file
and line. Only a file it cannot read at all (not UTF-8, binary, empty, no title) raises
:class:`DigestError`; the build skips that file and goes on.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import re
from pathlib import Path

from graphkit.ingest.mapping import Mapping, load_mapping
from graphkit.ingest.model import Digest, Link, Problem, Row


class DigestError(Exception):
    """A file that cannot be read as a digest; carries the :class:`Problem` to report."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
# The page link closes the title line in both generations:
#   old: `# __Title__, from ([20240630](https://…/p/20240630).)`
#   new: `# __Title__, (from page [20240630](https://…).)`
PAGE_RE = re.compile(
    r"[\s,;:]*\(?\s*from\s+(?P<page>page\s+)?\(?\s*\[(?P<pid>[^\]]*)\]\((?P<url>[^)\s]*)\)"
    r"[\s.)]*$",
    re.IGNORECASE,
)
BULLET_RE = re.compile(r"^\s*[*+\-]\s(.*)$")
LINK_RE = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")
EXTERNAL_RE = re.compile(r"\[\s*external link\s*\]\(([^)\s]+)\)", re.IGNORECASE)
FIELD_RE = re.compile(r"^\s*[*+\-]\s+\**([^:*]+?)\**\s*:\s*(.*)$")
SEPARATOR_RE = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
CELL_SPLIT_RE = re.compile(r"(?<!\\)\|")
UNESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!\"'|<>~])")
PAGE_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})[a-z]?$", re.IGNORECASE)
FENCE = "```"

#: Earliest page date considered plausible; later than the build date is not plausible either.
EARLIEST_DATE = _dt.date(1990, 1, 1)


def reference_date() -> _dt.date:
    """The build date used to reject future page dates.

    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) overrides today's date, so two
    builds of the same corpus on different days can be made to give identical triples.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).date()
    return _dt.date.today()


def parse_page_date(page_id: str, today: _dt.date) -> tuple[_dt.date | None, str | None]:
    """Return the page's date, or None and the reason it is not a plausible date.

    >>> parse_page_date("20250323d", _dt.date(2026, 1, 1))
    (datetime.date(2025, 3, 23), None)
    >>> parse_page_date("5632.0", _dt.date(2026, 1, 1))[0] is None
    True
    """
    m = PAGE_DATE_RE.match(page_id.strip())
    if not m:
        return None, f"page id {page_id!r} is not a date (expected YYYYMMDD)"
    try:
        day = _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None, f"page id {page_id!r} is not a calendar date"
    if day < EARLIEST_DATE or day > today:
        return (
            None,
            f"page id {page_id!r} is not a plausible date ({day.isoformat()} is outside {EARLIEST_DATE.year}..{today.isoformat()})",
        )
    return day, None


def unescape(text: str) -> str:
    """Drop markdown backslash escapes (``\\"`` → ``"``, ``\\|`` → ``|``)."""
    return UNESCAPE_RE.sub(r"\1", text) if "\\" in text else text


def _strip_emphasis(text: str) -> str:
    text = text.strip()
    for mark in ("__", "**", "*", "_", "`"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            text = text[len(mark) : -len(mark)].strip()
    return text


class _Reader:
    """Parses one file's text; collects problems as it goes."""

    def __init__(self, path: str, mapping: Mapping, today: _dt.date):
        self.path = path
        self.mapping = mapping
        self.today = today
        self.problems: list[Problem] = []

    def warn(self, line: int | None, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.path, line, message, hint))

    def fail(self, line: int | None, message: str, hint: str = "") -> DigestError:
        return DigestError(Problem(self.path, line, message, hint, level="error"))

    # -- header ---------------------------------------------------------------------------------

    def header(self, lines: list[str]) -> tuple[int, dict]:
        for i, raw in enumerate(lines):  # noqa: B007 - i and raw are read after the loop
            if raw.strip():
                break
        else:
            raise self.fail(None, "empty file", "a digest starts with a '# Title' line")
        m = HEADING_RE.match(raw.strip())
        if not m or len(m[1]) != 1:
            raise self.fail(
                i + 1,
                "no title line: the first line is not a '# ' heading",
                "a digest starts with '# __Title__, (from page [YYYYMMDD](url).)'",
            )
        text = m[2]
        info: dict = {"format": "new"}
        pm = PAGE_RE.search(text)
        if pm:
            text = text[: pm.start()]
            info["page_id"] = pm["pid"].strip() or None
            info["page_url"] = pm["url"].strip() or None
            info["format"] = "new" if pm["page"] else "old"
        title = unescape(_strip_emphasis(text.rstrip(" ,;:(")))
        if not title:
            raise self.fail(i + 1, "the title line has no title", "write the title after '# '")
        info["title"] = title
        return i, info

    # -- sections -------------------------------------------------------------------------------

    def split_sections(self, lines: list[str], start: int) -> tuple[list, list]:
        """Return the preamble lines and a list of (key, kind, heading line no, body lines)."""
        preamble: list[tuple[int, str]] = []
        sections: list = []
        current = preamble
        in_fence = False
        fence_line = 0
        for no in range(start + 1, len(lines)):
            line = lines[no]
            stripped = line.strip()
            if stripped.startswith("#"):
                m = HEADING_RE.match(stripped)
                if m and len(m[1]) == 2:
                    known = self.mapping.section(m[2])
                    # A known section heading ends an unclosed code fence: an LLM that forgot to
                    # close one must not swallow the rest of the digest.
                    if in_fence and known:
                        self.warn(fence_line, "unclosed code fence", "close it with ``` on its own line")
                        in_fence = False
                    if not in_fence:
                        if known:
                            current = []
                            sections.append((known[0], known[1], no + 1, current))
                        else:
                            self.warn(
                                no + 1,
                                f"unknown section {m[2]!r} ignored",
                                "add its name to a section's aliases in a mapping file (--mapping)",
                            )
                            current = []
                        continue
            # Count fences on the line; an odd count toggles the state.
            if FENCE in stripped and stripped.count(FENCE) % 2 == 1:
                in_fence = not in_fence
                fence_line = no + 1
            current.append((no + 1, line))
        if in_fence:
            self.warn(fence_line, "unclosed code fence", "close it with ``` on its own line")
        return preamble, sections

    def bullets(self, body: list[tuple[int, str]], what: str, heading_line: int) -> list[str]:
        raw = []
        for no, line in body:
            m = BULLET_RE.match(line)
            if m:
                raw.append((no, m[1]))
            elif line.strip() and not line.lstrip().startswith(("*", "-", "+")):
                # Some digests put a comma-separated line instead of bullets.
                raw.extend((no, part) for part in line.split(",") if part.strip())
            elif line.strip() in ("*", "-", "+"):
                raw.append((no, " "))  # a bullet whose item is a lone space
        if not raw:
            return []
        single = sum(1 for _, item in raw if len(item) == 1)
        if len(raw) >= 4 and single >= 0.8 * len(raw):
            # The pipeline once iterated over a string instead of a list: one character per
            # bullet. Joining them back gives the original comma-separated list.
            joined = "".join(item for _, item in raw)
            items = [p.strip() for p in re.split(r"[,;]", joined)]
            items = [p for p in items if p]
            self.warn(
                heading_line,
                f"{what} were split one character per bullet; repaired into {len(items)} {what}",
                "regenerate this digest to fix it at the source",
            )
            raw = [(heading_line, p) for p in items]
        out: list[str] = []
        seen = set()
        for no, item in raw:
            item = unescape(_strip_emphasis(item))
            if not item:
                continue
            if len(item) < 2:
                self.warn(no, f"one-character {what[:-1]} {item!r} dropped")
                continue
            if item not in seen:
                seen.add(item)
                out.append(item)
        return out

    def fields(self, body, out: dict) -> None:
        for no, line in body:
            m = FIELD_RE.match(line)
            if not m:
                continue
            key = self.mapping.field(m[1])
            value = unescape(_strip_emphasis(m[2]))
            if key and value:
                out[key] = value
            elif not key:
                self.warn(no, f"unknown field {m[1].strip()!r} ignored", "map it under 'fields' in a mapping file")

    def text(self, body) -> str | None:
        paras: list[str] = []
        buf: list[str] = []
        for _, line in body:
            s = line.strip()
            if s.startswith(FENCE) and " " not in s.strip("`").strip():
                continue  # a fence line, possibly with a language tag
            s = s.replace(FENCE, "").strip()
            if s:
                buf.append(s)
            elif buf:
                paras.append(" ".join(buf))
                buf = []
        if buf:
            paras.append(" ".join(buf))
        return unescape("\n\n".join(paras)) if paras else None

    def links(self, body, own_id: str) -> list[Link]:
        out = []
        for no, line in body:
            m = BULLET_RE.match(line)
            if not m:
                continue
            lm = LINK_RE.search(m[1])
            if not lm:
                continue
            target = lm[2].split("#")[0].split("?")[0].rstrip("/")
            target = target.rsplit("/", 1)[-1]
            if target.endswith(".md"):
                target = target[:-3]
            if target and target != own_id:  # old digests often list themselves
                out.append(Link(no, unescape(lm[1].strip()), target))
        return out

    def table(self, body, section: str) -> list[Row]:
        lines = [(no, line.strip()) for no, line in body if line.strip().startswith("|")]
        if not lines:
            return []
        header_no, header = lines[0]
        columns = [self.mapping.column(unescape(c.strip())) for c in _cells(header)]
        for c, raw in zip(columns, _cells(header)):
            if c is None and raw.strip():
                self.warn(
                    header_no,
                    f"column {raw.strip()!r} of {section} is not mapped and is ignored",
                    "add it under 'columns' in a mapping file",
                )
        if "name" not in columns and "description" not in columns:
            self.warn(header_no, f"the {section} table has neither a name nor a description column; skipped")
            return []
        rows: list[Row] = []
        for no, line in lines[1:]:
            if SEPARATOR_RE.match(line):
                continue
            cells = _cells(line)
            if len(cells) != len(columns):
                self.warn(
                    no,
                    f"{section} row has {len(cells)} cells but the header has {len(columns)}; row skipped",
                    "escape a '|' inside a cell as '\\|'",
                )
                continue
            values = {col: unescape(cell.strip()) for col, cell in zip(columns, cells) if col is not None}
            values = {col: value for col, value in values.items() if value}
            if not values.get("name") and not values.get("description"):
                if values and rows:
                    # A wrapped cell: the generator continued the row above on a line of its own,
                    # with the first cells empty ("|  | sustainable agriculture |  |  |").
                    self._continue_row(rows[-1], values, no, section)
                elif values or any(c.strip() for c in cells):
                    self.warn(no, f"{section} row has no name and no description; row skipped")
                continue
            row = Row(line=no)
            for col, value in values.items():
                if col == "relevancy":
                    row.relevancy = self.relevancy(no, value, section)
                else:
                    setattr(row, col, value)
            rows.append(row)
        return rows

    def _continue_row(self, row: Row, values: dict[str, str], no: int, section: str) -> None:
        """Join a continuation line's cells to the row above, each to the end of its own column."""
        for col, value in values.items():
            if col == "relevancy":
                if row.relevancy is None:
                    row.relevancy = self.relevancy(no, value, section)
                continue
            before = getattr(row, col)
            setattr(row, col, f"{before} {value}" if before else value)

    def relevancy(self, no: int, value: str, section: str) -> int | None:
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None and number.is_integer() and 1 <= number <= 5:
            return int(number)
        self.warn(
            no,
            f"relevancy {value!r} in {section} is not an integer from 1 to 5; row kept without it",
            "relevancy is 1 (low) to 5 (high)",
        )
        return None

    # -- whole file -----------------------------------------------------------------------------

    def digest(self, text: str, digest_id: str, sha: str) -> Digest:
        # Only \n ends a line in markdown; str.splitlines() would also split on U+2028, NEL, FF.
        lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
        start, info = self.header(lines)
        preamble, sections = self.split_sections(lines, start)
        d = Digest(id=digest_id, path=self.path, sha256=sha, title=info["title"], format=info["format"])
        d.page_id = info.get("page_id")
        d.page_url = info.get("page_url")
        if "page_id" not in info:
            if not sections:
                raise self.fail(
                    start + 1,
                    "not a digest: no page link in the title and no known section",
                    "digests have a '## Keywords' or '## Signals' section; see docs/data-model.md",
                )
            self.warn(
                start + 1,
                "the title line has no page link; the article gets no page and no date",
                "end the title with ', (from page [YYYYMMDD](url).)'",
            )
        elif not d.page_id:
            self.warn(
                start + 1,
                "the page link has an empty page id; the article gets no page and no date",
                "write the page id, e.g. [20240630](url)",
            )
        else:
            d.page_date, why = parse_page_date(d.page_id, self.today)
            if why and (m := PAGE_DATE_RE.match(d.page_id.strip())):
                with contextlib.suppress(ValueError):
                    day = _dt.date(int(m[1]), int(m[2]), int(m[3]))
                    d.future_date = day if day > self.today else None
            if why:
                self.warn(start + 1, why + "; kept as a raw page id, no date", "page ids are YYYYMMDD")
        for _no, line in preamble:
            m = EXTERNAL_RE.search(line) or LINK_RE.search(line)
            if m:
                d.source_url = m[1] if m.re is EXTERNAL_RE else m[2]
                break
        seen_sections = set()
        other: dict = {}
        for key, kind, heading_no, body in sections:
            if key in seen_sections and kind != "table":
                self.warn(heading_no, f"second {key!r} section; its content is added to the first")
            seen_sections.add(key)
            if kind == "list":
                items = self.bullets(body, key, heading_no)
                target = d.keywords if key == "keywords" else d.themes
                target.extend(i for i in items if i not in target)
            elif kind == "fields":
                self.fields(body, other)
            elif kind == "text":
                value = self.text(body)
                if value:
                    d.summary = f"{d.summary}\n\n{value}" if d.summary else value
            elif kind == "links":
                d.closest.extend(self.links(body, digest_id))
            elif kind == "table":
                d.tables.setdefault(key, []).extend(self.table(body, key))
        d.category = other.get("category")
        d.type = other.get("type")
        d.problems = self.problems
        return d


def _cells(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return CELL_SPLIT_RE.split(line)


def digest_id_for(path: Path) -> str:
    """The digest id: its file name without the ``.md`` suffix."""
    return path.stem if path.suffix.lower() in (".md", ".markdown") else path.name


def parse_bytes(
    data: bytes,
    path: str,
    *,
    digest_id: str | None = None,
    mapping: Mapping | None = None,
    today: _dt.date | None = None,
) -> Digest:
    """Parse a digest from its raw bytes.

    ``path`` is only used in messages and provenance. Raises :class:`DigestError` for a file that
    is not a digest at all; every lesser problem is in ``Digest.problems``.

    >>> d = parse_bytes(b"# __T__, (from page [20240107](https://x/p/20240107).)\\n## Themes\\n* ai\\n", "x.md")
    >>> (d.title, d.page_date.isoformat(), d.themes)
    ('T', '2024-01-07', ['ai'])
    """
    mapping = mapping or load_mapping()
    today = today or reference_date()
    digest_id = digest_id or digest_id_for(Path(path))
    if b"\x00" in data[:8192]:
        raise DigestError(
            Problem(path, None, "binary file, not a markdown digest", "only .md text files are read", "error")
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DigestError(
            Problem(
                path,
                line,
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                "re-save the file as UTF-8",
                "error",
            )
        ) from None
    sha = hashlib.sha256(data).hexdigest()
    return _Reader(path, mapping, today).digest(text, digest_id, sha)


def parse_file(
    path: str | Path,
    *,
    root: str | Path | None = None,
    digest_id: str | None = None,
    mapping: Mapping | None = None,
    today: _dt.date | None = None,
) -> Digest:
    """Read and parse one digest file.

    ``root`` makes the recorded path relative (``Digest.path``), so that the same corpus gives the
    same triples wherever it is checked out.
    """
    path = Path(path)
    rel = path.name
    if root is not None:
        try:
            rel = path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            rel = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DigestError(
            Problem(rel, None, f"cannot read file: {exc.strerror}", "check the path and permissions", "error")
        ) from None
    return parse_bytes(data, rel, digest_id=digest_id, mapping=mapping, today=today)
