"""Typed records produced by the parser: one :class:`Digest` per markdown file.

These are plain dataclasses with no RDF in them, so the parser can be tested (and reused) without
the mapping or the store.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

#: Table sections the default mapping knows, in the order they are mapped.
TABLE_KINDS = ("signals", "concerns", "behaviors", "technologies", "issues")


@dataclass(frozen=True)
class Problem:
    """Something wrong in an input file, with where it is and what to do about it."""

    path: str
    line: int | None
    message: str
    hint: str = ""
    level: str = "warning"  # "warning": the file was still read; "error": it was skipped

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.level}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "level": self.level,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass
class Row:
    """One row of a digest table (a signal, concern, behaviour, technology or issue)."""

    line: int
    name: str | None = None
    description: str | None = None
    change: str | None = None
    horizon: str | None = None
    driving_force: str | None = None
    relevancy: int | None = None
    source: str | None = None


@dataclass
class Link:
    """A `## Closest` link of an old-format digest to another digest."""

    line: int
    title: str
    target: str  # the other digest's id (its file name stem)


@dataclass
class Digest:
    """Everything graphkit reads from one digest file."""

    id: str  # file name stem, unique in a build
    path: str  # path relative to the build root, with forward slashes
    sha256: str
    title: str
    format: str  # "old" (from ([id](url).)) or "new" ((from page [id](url).))
    page_id: str | None = None
    page_url: str | None = None
    page_date: _dt.date | None = None
    future_date: _dt.date | None = None  # a page date rejected only because it is after the build date
    source_url: str | None = None
    keywords: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    category: str | None = None
    type: str | None = None
    summary: str | None = None
    tables: dict[str, list[Row]] = field(default_factory=dict)
    closest: list[Link] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def rows(self, kind: str) -> list[Row]:
        """Rows of one table kind (``"signals"``, ``"technologies"``, …), empty if absent."""
        return self.tables.get(kind, [])
