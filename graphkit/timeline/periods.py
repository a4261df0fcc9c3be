"""Periods of time: keys for dates, ``--since``/``--until`` bounds, and date filters.

A digest's date is its weekly page date (``schema:datePublished``, ``YYYY-MM-DD``). An article
with no valid date is never put in a period: the functions here keep it apart so that callers
can count it and say so.

Period keys sort in time order as strings:

========  =============  ======================================================
unit      key            meaning
========  =============  ======================================================
week      ``2024-W05``   ISO 8601 week (Monday–Sunday; weekly pages are Sundays,
                         so a page falls in the week it closes)
month     ``2024-02``    calendar month
quarter   ``2024-Q1``    calendar quarter (Q1 = January–March)
year      ``2024``       calendar year
========  =============  ======================================================

Examples
--------
>>> period_key("2024-06-30", "quarter"), period_key("2024-06-30", "week")
('2024-Q2', '2024-W26')
>>> parse_bound("2024-Q3"), parse_bound("2024-Q3", end=True)
(datetime.date(2024, 7, 1), datetime.date(2024, 9, 30))
>>> period_range("2024-Q3", "2025-Q1", "quarter")
['2024-Q3', '2024-Q4', '2025-Q1']
"""

from __future__ import annotations

import datetime as dt
import re

#: Period units, finest first.
UNITS = ("week", "month", "quarter", "year")
#: The accepted forms of a period or date, for error messages.
FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www (e.g. 2024, 2024-03, 2024-03-31, 2024-Q1, 2024-W13)"

_SPEC = re.compile(r"^(?P<y>\d{4})(?:-(?:(?P<m>\d{2})(?:-(?P<d>\d{2}))?|[Qq](?P<q>\d)|[Ww](?P<w>\d{2})))?$")


def parse_date(value) -> dt.date | None:
    """A ``YYYY-MM-DD`` date (an ``xsd:date`` lexical form), or None when there is none or it is invalid.

    >>> parse_date("2024-02-29"), parse_date("2023-02-29"), parse_date(None), parse_date("5632.0")
    (datetime.date(2024, 2, 29), None, None, None)
    """
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def period_key(date, unit: str) -> str:
    """The key of the period of ``unit`` holding ``date`` (a ``datetime.date`` or ``YYYY-MM-DD``).

    >>> [period_key("2025-01-05", u) for u in UNITS]
    ['2025-W01', '2025-01', '2025-Q1', '2025']
    >>> period_key("2024-12-30", "week")   # ISO week 1 of 2025 starts on Monday 30 December 2024
    '2025-W01'
    """
    d = parse_date(date)
    if d is None:
        raise ValueError(f"not a date: {date!r}")
    if unit == "week":
        year, week, _ = d.isocalendar()
        return f"{year}-W{week:02d}"
    if unit == "month":
        return f"{d.year}-{d.month:02d}"
    if unit == "quarter":
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    if unit == "year":
        return str(d.year)
    raise ValueError(f"unknown period {unit!r}; use one of {', '.join(UNITS)}")


def spec_bounds(text: str) -> tuple[dt.date, dt.date, str]:
    """First day, last day and unit (``day``, ``week``, ``month``, ``quarter``, ``year``) of a
    period written in one of :data:`FORMS`.

    Raises ``ValueError`` naming the accepted forms when ``text`` is none of them.

    >>> spec_bounds("2024-W01")
    (datetime.date(2024, 1, 1), datetime.date(2024, 1, 7), 'week')
    >>> spec_bounds("2024-02")[1]
    datetime.date(2024, 2, 29)
    """
    m = _SPEC.match(text.strip()) if isinstance(text, str) else None
    try:
        if not m:
            raise ValueError
        y = int(m["y"])
        if m["d"]:
            d = dt.date(y, int(m["m"]), int(m["d"]))
            return d, d, "day"
        if m["m"]:
            start = dt.date(y, int(m["m"]), 1)
            return start, _add_months(start, 1) - dt.timedelta(days=1), "month"
        if m["q"]:
            q = int(m["q"])
            if not 1 <= q <= 4:
                raise ValueError
            start = dt.date(y, 3 * q - 2, 1)
            return start, _add_months(start, 3) - dt.timedelta(days=1), "quarter"
        if m["w"]:
            start = dt.date.fromisocalendar(y, int(m["w"]), 1)
            return start, start + dt.timedelta(days=6), "week"
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    except ValueError:
        raise ValueError(f"{text!r} is not a date or period; use {FORMS}") from None


def parse_bound(text: str, *, end: bool = False) -> dt.date:
    """A ``--since`` bound (the first day of the period given) or, with ``end``, an ``--until``
    bound (its last day, inclusive): ``--until 2024`` means up to 31 December 2024.

    >>> parse_bound("2024"), parse_bound("2024", end=True)
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    >>> parse_bound("2024-13")
    Traceback (most recent call last):
    ...
    ValueError: '2024-13' is not a date or period; use YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn or YYYY-Www (e.g. 2024, 2024-03, 2024-03-31, 2024-Q1, 2024-W13)
    """
    start, last, _ = spec_bounds(text)
    return last if end else start


def period_start(key: str, unit: str) -> dt.date:
    """First day of the period ``key`` of ``unit``.

    >>> period_start("2024-Q2", "quarter"), period_start("2024-W10", "week")
    (datetime.date(2024, 4, 1), datetime.date(2024, 3, 4))
    """
    start, _, kind = spec_bounds(key)
    if kind != unit:
        raise ValueError(f"{key!r} is not a {unit} key")
    return start


def next_period(key: str, unit: str) -> str:
    """The period after ``key``.

    >>> next_period("2024-12", "month"), next_period("2020-W53", "week"), next_period("2024-Q4", "quarter")
    ('2025-01', '2021-W01', '2025-Q1')
    """
    start = period_start(key, unit)
    if unit == "week":
        nxt = start + dt.timedelta(days=7)
    elif unit == "month":
        nxt = _add_months(start, 1)
    elif unit == "quarter":
        nxt = _add_months(start, 3)
    else:
        nxt = dt.date(start.year + 1, 1, 1)
    return period_key(nxt, unit)


def period_range(first: str, last: str, unit: str) -> list[str]:
    """Every period from ``first`` to ``last`` inclusive, empty ones included (so that the gaps
    between periods are real time).

    >>> period_range("2024-11", "2025-02", "month")
    ['2024-11', '2024-12', '2025-01', '2025-02']
    >>> period_range("2025", "2024", "year")
    []
    """
    out = []
    key = first
    while key <= last:
        out.append(key)
        key = next_period(key, unit)
    return out


def within(date, since: dt.date | None = None, until: dt.date | None = None) -> bool:
    """Whether a date is inside ``[since, until]`` (either may be None: unbounded). An undated
    item is never within a range.

    >>> within("2024-06-30", dt.date(2024, 1, 1)), within(None), within("2024-06-30", until=dt.date(2024, 6, 1))
    (True, False, False)
    """
    d = parse_date(date)
    if d is None:
        return False
    return (since is None or d >= since) and (until is None or d <= until)


def describe_range(since: dt.date | None, until: dt.date | None) -> str:
    """Human words for a date range.

    >>> describe_range(dt.date(2024, 1, 1), None), describe_range(None, None)
    ('from 2024-01-01', 'all dates')
    """
    if since and until:
        return f"{since} to {until}"
    if since:
        return f"from {since}"
    if until:
        return f"up to {until}"
    return "all dates"


def restrict_projection(
    data: dict, since: dt.date | None, until: dt.date | None, *, rows: bool = True
) -> tuple[dict, dict]:
    """The projection (see :mod:`graphkit.network.project`) restricted to the articles dated within
    ``[since, until]`` and the nodes they link to (their concepts and, unless ``rows`` is false,
    their table rows: centrality and communities are computed without them).

    Returns ``(projection, info)`` with ``info = {"articles": kept, "undated": n, "outside": n}``:
    undated articles cannot be placed in a range and are counted apart.

    >>> data = {"nodes": [["a1", "article", "A1", "2024-01-07", None], ["a2", "article", "A2", None, None],
    ...                   ["a3", "article", "A3", "2023-05-07", None], ["t", "theme", "T", None, None],
    ...                   ["u", "theme", "U", None, None]],
    ...         "edges": [["a1", "t", 1.0], ["a2", "u", 1.0], ["a3", "u", 1.0]]}
    >>> sub, info = restrict_projection(data, dt.date(2024, 1, 1), None)
    >>> [n[0] for n in sub["nodes"]], sub["edges"], info
    (['a1', 't'], [['a1', 't', 1.0]], {'articles': 1, 'undated': 1, 'outside': 1})
    """
    from graphkit.network.project import FINDING_TYPES

    types = {n[0]: n[1] for n in data["nodes"]}
    skip = set() if rows else set(FINDING_TYPES)
    keep, undated, outside = set(), 0, 0
    for iri, type_, _, date, _ in data["nodes"]:
        if type_ != "article":
            continue
        if parse_date(date) is None:
            undated += 1
        elif within(date, since, until):
            keep.add(iri)
        else:
            outside += 1
    nodes = set(keep)
    edges = []
    for a, b, w in data["edges"]:
        ta, tb = types[a], types[b]
        if ta == "article" and tb == "article":
            if a in keep and b in keep:
                edges.append([a, b, w])
        elif ta in skip or tb in skip:
            continue
        elif (ta == "article" and a in keep) or (tb == "article" and b in keep):
            nodes.update((a, b))
            edges.append([a, b, w])
    return (
        {"nodes": [n for n in data["nodes"] if n[0] in nodes], "edges": edges},
        {"articles": len(keep), "undated": undated, "outside": outside},
    )


def projection_within(kg, since: dt.date | None, until: dt.date | None, *, rows: bool = True) -> tuple[dict, dict]:
    """:func:`restrict_projection` of a built graph, assembled from the build's per-digest cache
    (``network.json``) for the articles in range only — several times faster than assembling
    the whole projection first on a large corpus. Falls back to the whole projection (or SPARQL)
    when there is no cache.

    Parameters
    ----------
    kg : KnowledgeGraph
    """
    from graphkit.network.project import assemble

    cache = kg.network_cache()
    if cache is None:
        return restrict_projection(kg.projection(), since, until, rows=rows)
    fragments, concepts, links = cache
    keep, undated, outside = [], 0, 0
    for frag in fragments.values():
        dates = [v[2] for v in frag["nodes"].values() if v[0] == "article"]
        date = dates[0] if dates else None
        if parse_date(date) is None:
            undated += 1
        elif within(date, since, until):
            keep.append(frag)
        else:
            outside += 1
    projection = assemble(keep, {c: (v[0], v[1]) for c, v in concepts.items()}, links)
    sub, info = restrict_projection(projection, since, until, rows=rows)
    return sub, {"articles": info["articles"], "undated": undated, "outside": outside}


def analyse_projection(sub: dict, *, measures: tuple[str, ...] = ("pagerank",), communities: bool = False) -> dict:
    """Centrality (and optionally communities) of a (restricted) projection, with the same pure
    functions as the build (:mod:`graphkit.network.centrality`, :mod:`graphkit.network.communities`) on the same
    core (no table rows).

    Returns the keys of :func:`graphkit.network.analysis.analyse` that were asked for: ``nodes``,
    ``scores`` (always ``degree``, plus ``measures``, plus ``pagerank`` with ``communities``) and,
    with ``communities``, ``communities`` and ``modularity``.

    >>> sub = {"nodes": [["a1", "article", "A1", "2024-01-07", None], ["t", "theme", "T", None, None],
    ...                  ["u", "theme", "U", None, None]], "edges": [["a1", "t", 1.0], ["a1", "u", 1.0]]}
    >>> res = analyse_projection(sub, measures=("betweenness",))
    >>> res["scores"]["degree"], res["scores"]["betweenness"]["a1"]
    ({'a1': 2, 't': 1, 'u': 1}, 1.0)
    """
    from graphkit.network import centrality
    from graphkit.network import communities as comm
    from graphkit.network.analysis import core
    from graphkit.network.engine import numbered
    from graphkit.network.project import to_networkx

    c = core(to_networkx(sub))
    num = numbered(c)  # numbered once for every measure
    scores = {"degree": centrality.degree(c)}
    if "pagerank" in measures or communities:
        scores["pagerank"] = centrality.pagerank(num)
    if "betweenness" in measures:
        scores["betweenness"] = centrality.betweenness(num)
    out = {"nodes": {n: [t, c.nodes[n].get("label", n)] for n, t in sorted(c.nodes(data="type"))}, "scores": scores}
    if communities:
        parts = comm.louvain(num)
        out["communities"] = [sorted(p) for p in parts]
        out["modularity"] = comm.modularity(num, parts)
    return out


def analyse_range(data: dict, since: dt.date | None, until: dt.date | None, **kwargs) -> tuple[dict, dict]:
    """:func:`analyse_projection` of :func:`restrict_projection`: ``(analysis, info)``.

    >>> data = {"nodes": [["a1", "article", "A1", "2024-01-07", None], ["a2", "article", "A2", "2023-01-01", None],
    ...                   ["t", "theme", "T", None, None], ["u", "theme", "U", None, None]],
    ...         "edges": [["a1", "t", 1.0], ["a1", "u", 1.0], ["a2", "u", 1.0]]}
    >>> res, info = analyse_range(data, dt.date(2024, 1, 1), None)
    >>> res["scores"]["degree"], info["articles"]
    ({'a1': 2, 't': 1, 'u': 1}, 1)
    """
    sub, info = restrict_projection(data, since, until)
    return analyse_projection(sub, **kwargs), info


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
