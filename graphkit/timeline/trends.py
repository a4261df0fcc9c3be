"""Trends over time: counts per period, growth, first-seen dates and new items.

Everything here works on plain data. An *article record* is::

    {"iri": str, "date": "YYYY-MM-DD" | None,
     "items": [[type, iri, label, relevancy | None], ...]}   # every node the article links to

built from the build's cached projection fragments (:func:`records_from_cache`, the fastest), the
network projection (:func:`records_from_projection`) or the store (:func:`records_from_store`,
SPARQL); :func:`load_records` picks the first available. :func:`count_items` buckets them by period; :func:`growth_table`,
:func:`new_items` and :func:`trends` summarise the counts.

What is counted, for an item *i* (a theme, keyword, technology, actor… or a table row grouped by
its normalised name) in period *j*:

* **DF** (document frequency) — the number of distinct articles of period *j* that link to *i*.
* **TF** (term frequency, "mentions") — for concepts, each of those articles counts once for the
  item itself plus once for every other concept of the same normalised label it also lists (a
  theme "Open source AI" that is also a keyword counts 2); for rows (signals…), the number of
  rows with that name in the article. Digests list a theme once, so TF is close to DF; with
  ``weight="relevancy"`` each mention is multiplied by relevancy / 3 (a signal's own relevancy;
  for a concept, the mean relevancy of the article's signals), unrated mentions counting 1.

Articles without a valid date are never put in a period: they are returned apart (``undated``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from graphkit.timeline.periods import parse_date, period_key, period_range, period_start, spec_bounds

#: Node types that are table rows: one node per row, grouped across articles by normalised name.
ROW_TYPES = ("signal", "concern", "behavior", "issue")
#: Relevancy that counts as 1 when TF is weighted by relevancy (the middle of the 1–5 scale).
RELEVANCY_UNIT = 3.0
UNDATED_HINT = "list them with: graphkit query --name undated-articles"


# -- article records ------------------------------------------------------------------------------


def records_from_projection(data: dict) -> list[dict]:
    """Article records from the network projection (:meth:`KnowledgeGraph.projection`).

    Parameters
    ----------
    data : dict
        ``{"nodes": [[iri, type, label, date, relevancy], ...], "edges": [[a, b, weight], ...]}``.

    Returns
    -------
    list of dict
        One record per article, sorted by IRI; item lists sorted. Article–article links
        (``gk:closest``) are not items.

    Examples
    --------
    >>> data = {"nodes": [["a", "article", "A", "2024-01-07", None], ["t", "theme", "AI", None, None]],
    ...         "edges": [["a", "t", 1.0]]}
    >>> records_from_projection(data)
    [{'iri': 'a', 'date': '2024-01-07', 'items': [['theme', 't', 'AI', None]]}]
    """
    nodes = {n[0]: n for n in data["nodes"]}
    items: dict[str, list] = {iri: [] for iri, type_, *_ in data["nodes"] if type_ == "article"}
    for a, b, _ in data["edges"]:
        for art, other in ((a, b), (b, a)):
            if art in items and nodes[other][1] != "article":
                _, type_, label, _, rel = nodes[other]
                items[art].append([type_, other, label, rel])
    return [{"iri": iri, "date": nodes[iri][3], "items": sorted(items[iri])} for iri in sorted(items)]


def records_from_cache(kg) -> list[dict] | None:
    """The same records as :func:`records_from_projection`, read straight from the per-digest
    fragments the build caches (``network.json``): no projection is assembled, which is most of
    the cost at 10,000 digests. None when the graph has no such cache.

    Parameters
    ----------
    kg : KnowledgeGraph
    """
    from graphkit.network.project import NODE_TYPES

    cache = kg.network_cache() if hasattr(kg, "network_cache") else None
    if cache is None:
        return None
    fragments, concepts, links = cache
    known = {c: (t, label) for c, (t, label) in concepts.items() if t in NODE_TYPES}
    out = []
    for frag in fragments.values():
        nodes = frag["nodes"]
        for iri, (type_, _label, date, _) in nodes.items():
            if type_ != "article":
                continue
            items = {}
            for a, b, *_ in frag["edges"]:
                other = b if a == iri else a if b == iri else None
                if other is None or other == iri or other in items:
                    continue
                if other in nodes:
                    t, lab, _, rel = nodes[other]
                    lab = lab if lab is not None else other
                elif other in known:
                    (t, lab), rel = known[other], None
                else:
                    continue  # a Closest link to a digest outside the corpus
                if t != "article":
                    items[other] = [t, other, lab, rel]
                    # An article counts once for each topic its themes, keywords or technologies link to.
                    for topic in links.get(other, ()):
                        if topic in known and topic not in items:
                            items[topic] = ["topic", topic, known[topic][1], None]
            out.append({"iri": iri, "date": date, "items": sorted(items.values())})
    out.sort(key=lambda r: r["iri"])
    return out


def load_records(kg) -> list[dict]:
    """Article records of a built graph: from the build's cache when there is one (fastest),
    else from the projection (which falls back to SPARQL)."""
    records = records_from_cache(kg)
    return records if records is not None else records_from_projection(kg.projection())


def records_from_store(kg) -> list[dict]:
    """The same records as :func:`records_from_projection`, read from the store with SPARQL.

    The node types and links are those of :mod:`graphkit.network.project` (``NODE_TYPES``,
    ``EDGE_WEIGHTS``), so a type added to the projection is picked up here too.

    Parameters
    ----------
    kg : KnowledgeGraph
    """
    from graphkit.core.namespaces import SCHEMA
    from graphkit.network.project import EDGE_WEIGHTS, NODE_TYPES

    preds = " ".join(f"<{p}>" for p in EDGE_WEIGHTS)
    classes = " ".join(f'(<{c}> "{t}")' for t, c in NODE_TYPES.items() if t not in ("article", "topic"))
    articles = {}
    for iri, date in kg.query(
        "SELECT ?a (SAMPLE(?d) AS ?date) WHERE { ?a a schema:NewsArticle OPTIONAL { ?a schema:datePublished ?d } } GROUP BY ?a"
    ).rows:
        articles[iri] = {"iri": iri, "date": date, "items": []}
    sparql = (
        "SELECT DISTINCT ?a ?x ?type ?label ?rel WHERE {"
        f" VALUES ?p {{ {preds} }} VALUES (?cls ?type) {{ {classes} }}"
        f" ?a ?p ?x . ?a a <{SCHEMA.NewsArticle}> . ?x a ?cls ."
        " OPTIONAL { ?x skos:prefLabel ?pl } OPTIONAL { ?x rdfs:label ?rl } OPTIONAL { ?x gk:relevancy ?rel }"
        " BIND(COALESCE(?pl, ?rl, STR(?x)) AS ?label) }"
    )
    # Topics: reached through a theme, keyword or technology linked to them (see project.py).
    topics = (
        "SELECT DISTINCT ?a ?x ?label WHERE {"
        f" VALUES ?p {{ {preds} }} VALUES ?rel {{ skos:exactMatch skos:broader }}"
        f" ?a ?p ?c . ?a a <{SCHEMA.NewsArticle}> . ?c ?rel ?x . ?x a gk:Topic ."
        ' ?x skos:prefLabel ?label FILTER(LANG(?label) = "en") FILTER NOT EXISTS { ?c a gk:Topic } }'
    )
    rows = list(kg.query(sparql).rows) + [[a, x, "topic", label, None] for a, x, label in kg.query(topics).rows]
    seen = set()
    for a, x, type_, label, rel in rows:
        if (a, x) not in seen and a in articles:
            seen.add((a, x))
            articles[a]["items"].append([type_, x, label, rel])
    for rec in articles.values():
        rec["items"].sort()
    return [articles[k] for k in sorted(articles)]


# -- counting -------------------------------------------------------------------------------------


def item_types(records: list[dict]) -> list[str]:
    """The item types present in the records, sorted.

    >>> item_types([{"iri": "a", "date": None, "items": [["theme", "t", "T", None], ["signal", "s", "S", 4]]}])
    ['signal', 'theme']
    """
    return sorted({it[0] for r in records for it in r["items"]})


def count_items(
    records: list[dict],
    by: str,
    unit: str,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    weight: str | None = None,
) -> dict:
    """Count items of type ``by`` per period of ``unit``.

    Parameters
    ----------
    records : list of dict
        Article records (see the module docstring).
    by : str
        Item type: ``theme``, ``keyword``, ``technology``, ``actor``, ``signal``…
    unit : {"week", "month", "quarter", "year"}
    since, until : datetime.date, optional
        Keep articles dated within ``[since, until]``. First-seen dates still look at every
        dated article up to ``until``, so an item seen before ``since`` is not "new".
    weight : {None, "relevancy"}
        Multiply TF by relevancy / 3 (see the module docstring).

    Returns
    -------
    dict
        ``unit``; ``periods`` (every period from the first to the last dated article in range,
        empty ones included); ``articles`` (NN_j, articles per period); ``dates`` (sorted dates
        of the articles in range); ``undated`` (IRIs of articles with no valid date);
        ``outside`` (dated articles outside the range); ``items``: ``{id: {"label", "type",
        "df": [...], "tf": [...], "dates": [...], "first_seen", "last_seen"}}`` — ``dates`` are
        the in-range dates of the item's articles, ``first_seen`` its earliest date overall.

    Examples
    --------
    >>> recs = [{"iri": "a1", "date": "2024-01-07", "items": [["theme", "t/ai", "AI", None],
    ...                                                       ["keyword", "k/ai", "AI", None]]},
    ...         {"iri": "a2", "date": "2024-05-05", "items": [["theme", "t/ai", "AI", None]]},
    ...         {"iri": "a3", "date": None, "items": [["theme", "t/ai", "AI", None]]}]
    >>> c = count_items(recs, "theme", "quarter")
    >>> c["periods"], c["articles"], c["undated"]
    (['2024-Q1', '2024-Q2'], [1, 1], ['a3'])
    >>> c["items"]["t/ai"]["df"], c["items"]["t/ai"]["tf"]   # in a1 also a keyword: 2 mentions
    ([1, 1], [2.0, 1.0])
    """
    if weight not in (None, "relevancy"):
        raise ValueError(f"unknown weight {weight!r}; use 'relevancy' or none")
    undated, outside = [], 0
    dated: list[tuple[dt.date, dict]] = []
    first_seen: dict[str, dt.date] = {}
    for rec in records:
        d = parse_date(rec.get("date"))
        if d is None:
            undated.append(rec["iri"])
            continue
        if until is not None and d > until:
            outside += 1
            continue
        if since is not None and d < since:
            outside += 1
            for item_id, _, _ in _mentions(rec, by, None):
                if item_id not in first_seen or d < first_seen[item_id]:
                    first_seen[item_id] = d
            continue
        dated.append((d, rec))
    dated.sort(key=lambda x: (x[0], x[1]["iri"]))
    if not dated:
        return {
            "unit": unit,
            "periods": [],
            "articles": [],
            "dates": [],
            "undated": undated,
            "outside": outside,
            "items": {},
        }
    periods = period_range(period_key(dated[0][0], unit), period_key(dated[-1][0], unit), unit)
    index = {p: j for j, p in enumerate(periods)}
    nn = [0] * len(periods)
    items: dict[str, dict] = {}
    labels: dict[str, Counter] = {}
    for d, rec in dated:
        j = index[period_key(d, unit)]
        nn[j] += 1
        for item_id, label, tf in _mentions(rec, by, weight):
            it = items.get(item_id)
            if it is None:
                it = items[item_id] = {
                    "label": label,
                    "type": by,
                    "df": [0] * len(periods),
                    "tf": [0.0] * len(periods),
                    "dates": [],
                }
                labels[item_id] = Counter()
            labels[item_id][label] += 1
            it["df"][j] += 1
            it["tf"][j] += tf
            it["dates"].append(d.isoformat())
            if item_id not in first_seen or d < first_seen[item_id]:
                first_seen[item_id] = d
    for item_id, it in items.items():
        # rows grouped by name: the most frequent spelling names the group
        it["label"] = min(labels[item_id].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        it["first_seen"] = first_seen[item_id].isoformat()
        it["last_seen"] = it["dates"][-1]
    return {
        "unit": unit,
        "periods": periods,
        "articles": nn,
        "dates": [d.isoformat() for d, _ in dated],
        "undated": undated,
        "outside": outside,
        "items": items,
    }


def _mentions(rec: dict, by: str, weight: str | None):
    """(item id, label, TF) of each item of type ``by`` in one article record."""
    if by in ROW_TYPES:
        from graphkit.core.normalize import label_key

        groups: dict[str, list] = {}
        for type_, _, label, rel in rec["items"]:
            if type_ == by:
                key = label_key(label) or label
                w = rel / RELEVANCY_UNIT if weight and rel is not None else 1.0
                g = groups.setdefault(f"{by}:{key}", [label, 0.0])
                g[1] += w
        return [(k, label, tf) for k, (label, tf) in groups.items()]
    mine = [(iri, label) for type_, iri, label, _ in rec["items"] if type_ == by]
    if not mine:
        return []
    # Same normalised label = same IRI tail (gkd:theme/{key}, gkd:keyword/{key}…).
    keys = Counter(iri.rsplit("/", 1)[-1] for type_, iri, _, _ in rec["items"] if type_ not in ROW_TYPES)
    w = 1.0
    if weight:
        rels = [rel for type_, _, _, rel in rec["items"] if type_ == "signal" and rel is not None]
        if rels:
            w = sum(rels) / len(rels) / RELEVANCY_UNIT
    return [(iri, label, w * keys[iri.rsplit("/", 1)[-1]]) for iri, label in mine]


# -- summaries ------------------------------------------------------------------------------------


def window(periods: list[str], unit: str) -> tuple[dt.date, dt.date]:
    """First and last day covered by a run of consecutive periods.

    >>> window(["2024-Q1", "2024-Q2"], "quarter")
    (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))
    """
    start = period_start(periods[0], unit)
    _, end, _ = spec_bounds(periods[-1])
    return start, end


def halves(periods: list[str], unit: str) -> tuple[dict, dict] | None:
    """The first and second half of a range of periods as two windows.

    With an odd number of periods the middle one belongs to neither half, so both halves span
    the same time. None when there are fewer than two periods.

    Returns
    -------
    tuple of dict or None
        ``({"label", "from", "to"}, {"label", "from", "to"})`` with dates.

    Examples
    --------
    >>> a, b = halves(["2023", "2024", "2025"], "year")
    >>> a["label"], b["label"], str(b["from"])
    ('2023', '2025', '2025-01-01')
    """
    n = len(periods)
    if n < 2:
        return None
    first, second = periods[: n // 2], periods[n - n // 2 :]

    def win(ps):
        start, end = window(ps, unit)
        return {"label": ps[0] if len(ps) == 1 else f"{ps[0]}..{ps[-1]}", "from": start, "to": end}

    return win(first), win(second)


def named_windows(first: str, second: str) -> tuple[dict, dict]:
    """Two windows from period specs (``--compare 2024 2025``); ``ValueError`` on a bad spec.

    >>> a, b = named_windows("2024", "2025-Q1")
    >>> str(a["to"]), str(b["from"]), str(b["to"])
    ('2024-12-31', '2025-01-01', '2025-03-31')
    """
    out = []
    for spec in (first, second):
        start, end, _ = spec_bounds(spec)
        out.append({"label": spec, "from": start, "to": end})
    return out[0], out[1]


def _count_in(dates: list[str], win: dict) -> int:
    lo, hi = win["from"].isoformat(), win["to"].isoformat()
    return sum(1 for d in dates if lo <= d <= hi)


def growth_table(counts: dict, first: dict, second: dict) -> list[dict]:
    """Growth of every item between two windows, as shares of the articles of each window.

    ``share = articles with the item / articles`` in a window; ``change`` is the difference of
    shares (second − first), ``growth`` their relative change (``second / first − 1``; None when
    the item is absent from the first window). Sorted by change, then articles in the second
    window, then label.

    Examples
    --------
    >>> counts = {"dates": ["2023-03-05", "2023-06-04", "2024-03-03", "2024-06-02"],
    ...           "items": {"t": {"label": "T", "type": "theme", "dates": ["2023-03-05", "2024-03-03", "2024-06-02"]}}}
    >>> a, b = named_windows("2023", "2024")
    >>> row = growth_table(counts, a, b)[0]
    >>> row["first"], row["second"], row["share_first"], row["share_second"], row["change"], row["growth"]
    (1, 2, 0.5, 1.0, 0.5, 1.0)
    """
    na, nb = _count_in(counts["dates"], first), _count_in(counts["dates"], second)
    rows = []
    for item_id, it in counts["items"].items():
        a, b = _count_in(it["dates"], first), _count_in(it["dates"], second)
        sa = a / na if na else 0.0
        sb = b / nb if nb else 0.0
        rows.append(
            {
                "id": item_id,
                "label": it["label"],
                "type": it["type"],
                "first": a,
                "second": b,
                "share_first": sa,
                "share_second": sb,
                "change": sb - sa,
                "growth": (sb / sa - 1.0) if sa > 0 else None,
            }
        )
    rows.sort(key=lambda r: (-r["change"], -r["second"], r["label"], r["id"]))
    return rows


def new_items(counts: dict) -> list[dict]:
    """Items first seen in the last period of the range (first-seen over all dated articles up
    to the range's end), most articles first.

    Examples
    --------
    >>> counts = {"unit": "year", "periods": ["2023", "2024"],
    ...           "items": {"old": {"label": "Old", "type": "theme", "df": [1, 1], "first_seen": "2023-05-07"},
    ...                     "new": {"label": "New", "type": "theme", "df": [0, 2], "first_seen": "2024-02-04"}}}
    >>> [r["label"] for r in new_items(counts)]
    ['New']
    """
    if not counts["periods"]:
        return []
    start = period_start(counts["periods"][-1], counts["unit"]).isoformat()
    rows = [
        {"id": k, "label": it["label"], "type": it["type"], "articles": it["df"][-1], "first_seen": it["first_seen"]}
        for k, it in counts["items"].items()
        if it["first_seen"] >= start
    ]
    rows.sort(key=lambda r: (-r["articles"], r["label"], r["id"]))
    return rows


def sparkline(values: list[float]) -> str:
    """A one-line bar chart of counts, one character per period (``·`` for zero).

    >>> sparkline([0, 1, 2, 4])
    '·▂▄█'
    """
    bars = "▁▂▃▄▅▆▇█"
    top = max(values, default=0)
    return "".join("·" if v <= 0 else bars[min(len(bars) - 1, max(0, round(v / top * len(bars)) - 1))] for v in values)


def trends(counts: dict, *, compare: tuple[str, str] | None = None, top: int | None = 20) -> dict:
    """Everything ``graphkit trends`` reports, as JSON-able data.

    Parameters
    ----------
    counts : dict
        From :func:`count_items`.
    compare : (str, str), optional
        Two period specs to compare (default: the first and second half of the range).
    top : int, optional
        How many items and new items to list (None: all).

    Returns
    -------
    dict
        ``range`` (first and last period, number of periods), ``articles_per_period``,
        ``dated``, ``undated`` (count, IRIs, hint), ``outside_range``, ``compare`` (the two
        windows and their articles, or None), ``items`` (per item: articles, mentions,
        per-period counts, first/last seen, and the growth columns), ``new``.

    Examples
    --------
    >>> recs = [{"iri": f"a{i}", "date": d, "items": [["theme", "t", "T", None]] if i else []}
    ...         for i, d in enumerate(["2023-01-01", "2024-01-07", None])]
    >>> out = trends(count_items(recs, "theme", "year"))
    >>> out["dated"], out["undated"]["count"], out["items"][0]["change"], out["new"][0]["label"]
    (2, 1, 1.0, 'T')
    """
    periods = counts["periods"]
    unit = counts["unit"]
    wins: tuple | None
    if compare:
        wins = named_windows(*compare)
    else:
        wins = halves(periods, unit)
    by_id = {r["id"]: r for r in growth_table(counts, *wins)} if wins else {}
    rows = []
    for item_id, it in counts["items"].items():
        row = {
            "id": item_id,
            "label": it["label"],
            "type": it["type"],
            "articles": sum(it["df"]),
            "mentions": round(sum(it["tf"]), 6),
            "first_seen": it["first_seen"],
            "last_seen": it["last_seen"],
            "per_period": dict(zip(periods, it["df"])),
        }
        g = by_id.get(item_id)
        if g:
            row.update({k: g[k] for k in ("first", "second", "share_first", "share_second", "change", "growth")})
        rows.append(row)
    if wins:
        rows.sort(key=lambda r: (-r["change"], -r["second"], -r["articles"], r["label"], r["id"]))
    else:
        rows.sort(key=lambda r: (-r["articles"], r["label"], r["id"]))
    new = new_items(counts)
    return {
        "period": unit,
        "range": {
            "first": periods[0] if periods else None,
            "last": periods[-1] if periods else None,
            "periods": len(periods),
        },
        "articles_per_period": [{"period": p, "articles": n} for p, n in zip(periods, counts["articles"])],
        "dated": len(counts["dates"]),
        "undated": {"count": len(counts["undated"]), "articles": counts["undated"], "hint": UNDATED_HINT},
        "outside_range": counts["outside"],
        "compare": None
        if not wins
        else [
            {
                "label": w["label"],
                "from": w["from"].isoformat(),
                "to": w["to"].isoformat(),
                "articles": _count_in(counts["dates"], w),
            }
            for w in wins
        ],
        "items": rows[:top] if top is not None else rows,
        "items_total": len(rows),
        "new_period": periods[-1] if periods else None,
        "new": new[:top] if top is not None else new,
        "new_total": len(new),
    }
