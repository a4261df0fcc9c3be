"""Named SPARQL queries shipped in ``graphkit/store/queries/*.rq``.

Each file starts with ``# title:``, ``# description:`` and ``# param: NAME — text`` comment lines.
A parameter is a SPARQL variable that is bound at run time through SPARQL substitutions (a
literal value, never pasted into the query text), so digest text cannot inject SPARQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources

_META_RE = re.compile(r"^#\s*(title|description|param)\s*:\s*(.*)$")
_PARAM_RE = re.compile(r"^(\w+)\s*[—:-]+\s*(.*)$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    title: str = ""
    description: str = ""
    params: dict[str, str] = field(default_factory=dict)  # name -> help


def _parse(name: str, text: str) -> NamedQuery:
    meta: dict[str, str] = {}
    params: dict[str, str] = {}
    for line in text.splitlines():
        m = _META_RE.match(line.strip())
        if not m:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        if m[1] == "param":
            pm = _PARAM_RE.match(m[2].strip())
            if pm:
                params[pm[1]] = pm[2]
        else:
            meta[m[1]] = m[2].strip()
    return NamedQuery(name, text, meta.get("title", name), meta.get("description", ""), params)


def named_queries() -> dict[str, NamedQuery]:
    """Every shipped named query, by name (the file name without ``.rq``)."""
    folder = resources.files("graphkit.store").joinpath("queries")
    out = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            out[name] = _parse(name, entry.read_text("utf-8"))
    return dict(sorted(out.items()))


def get_query(name: str) -> NamedQuery:
    """A named query; ``KeyError`` with the known names when there is none."""
    queries = named_queries()
    if name not in queries:
        raise KeyError(f"no named query {name!r}; known: {', '.join(queries)}")
    return queries[name]
