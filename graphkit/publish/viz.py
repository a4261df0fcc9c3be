"""An interactive HTML view of the graph: one self-contained page that works offline.

The page draws the network projection (:mod:`graphkit.network.project`) with vis-network: nodes coloured
by type or community and sized by PageRank, weighted edges, a tooltip on hover, a details panel
on click, a search box and type filters. vis-network's JavaScript and CSS come from the copy
bundled with pyvis and are inlined; the page loads nothing from any host, and a
Content-Security-Policy forbids it to.

Three steps, each usable on its own:

* :func:`select_subgraph` — which nodes and edges to show (filters, neighbourhood, cap), from
  plain data: the projection and the analysis of :class:`~graphkit.graph.KnowledgeGraph`;
* :func:`node_details` — facts fetched with SPARQL for the nodes shown (an article's source link;
  a signal's description, change, 10-year horizon, driving force and relevancy);
* :func:`page_data` and :func:`render_html` — the page itself; :func:`write_html` does it all.

Digest text is untrusted. It reaches the page only as JSON inside a
``<script type="application/json">`` block, with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped,
and the page's script renders it with ``textContent`` and DOM elements, never as HTML.

Example
-------
::

    from graphkit.graph import KnowledgeGraph
    from graphkit.publish.viz import write_html

    summary = write_html(KnowledgeGraph("kg"), "graph.html", top=300)
    summary["nodes"], summary["total_nodes"]      # (300, 2600)
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import html
import json
import math
import re
from collections import defaultdict
from pathlib import Path
from string import Template

from graphkit.core.normalize import label_key
from graphkit.network.project import FINDING_TYPES

#: Colour of each node type (Tableau 10); a type not listed here gets :data:`FALLBACK_COLOR`.
TYPE_COLORS = {
    "article": "#4e79a7",
    "theme": "#f28e2b",
    "technology": "#59a14f",
    "keyword": "#bab0ac",
    "signal": "#e15759",
    "concern": "#b07aa1",
    "behavior": "#76b7b2",
    "issue": "#edc948",
    "actor": "#ff9da7",
    "topic": "#9467bd",
}
FALLBACK_COLOR = "#9c755f"
#: Colours of communities, by rank (largest first); nodes outside any community are grey.
COMMUNITY_COLORS = [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#1f77b4",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
    "#17becf",
]
NO_COMMUNITY_COLOR = "#c8c8c8"
#: Merged concepts: their facts are their label and links; nothing more is fetched for them.
CONCEPT_TYPES = ("theme", "keyword", "technology", "topic")
DEFAULT_TOP = 300
#: The default view of a large corpus: its topic landscape, nodes sized by their articles.
LANDSCAPE_TYPES = ("topic", "technology", "actor")
#: From this many articles, ``view="auto"`` draws the landscape instead of the whole network.
LANDSCAPE_MIN_ARTICLES = 200
#: Articles listed in a landscape node's details panel (most central first).
LANDSCAPE_ARTICLES = 12


def auto_max_links(n_nodes: int) -> int:
    """Links kept per node by default: fewer on large pages, whose drawing cost grows with the
    number of edges (a redraw of 2,000 nodes with 19,000 edges took 220 ms in headless Chromium,
    with 6,000 edges 65 ms).

    >>> auto_max_links(300), auto_max_links(1000), auto_max_links(2000)
    (10, 5, 3)
    """
    return 10 if n_nodes <= 500 else 5 if n_nodes <= 1000 else 3


#: vis.js layout seed: the same page lays out the same way in every browser session.
LAYOUT_SEED = 42
TITLE = "graphkit — knowledge graph"

_TEMPLATES = Path(__file__).parent / "templates"
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_PAGERANK_SHARE = 0.85  # PageRank's damping: the share of a node's rank passed to its neighbours


class VizError(ValueError):
    """A request the page cannot be made for (unknown node, bad date, unknown type); the message
    says what to do."""


# -- selection ------------------------------------------------------------------------------------


def date_bound(text, *, end: bool = False) -> str:
    """The first (or, with ``end``, last) day of a period: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``,
    ``YYYY-Qn`` or ``YYYY-Www`` (the forms of :func:`graphkit.timeline.periods.parse_bound`), as ISO text.

    Examples
    --------
    >>> date_bound("2024"), date_bound("2024-02", end=True), date_bound("2024-Q3", end=True)
    ('2024-01-01', '2024-02-29', '2024-09-30')
    """
    import datetime as dt

    from graphkit.timeline.periods import parse_bound

    if isinstance(text, dt.date):
        return text.isoformat()
    try:
        return parse_bound(text, end=end).isoformat()
    except ValueError as exc:
        raise VizError(str(exc)) from None


def _scores(nodes: dict, adj: dict, analysis: dict | None) -> tuple[dict, dict]:
    """PageRank and community of every node.

    The build computes them on the projection's core (articles and concepts). A node outside it
    (a table row) gets the rank its neighbours pass it, ``0.85 × PR(n) × w / W(n)`` summed over
    its ranked neighbours ``n`` (``W`` = weighted degree) plus the teleport share, and the
    community of the neighbour that passes it the most.
    """
    pagerank = dict((analysis or {}).get("scores", {}).get("pagerank", {}))
    member = {n: i for i, part in enumerate((analysis or {}).get("communities", [])) for n in part}
    teleport = (1 - _PAGERANK_SHARE) / max(1, len(pagerank) or len(nodes))
    wdeg: dict[str, float] = {}
    score: dict[str, float] = {}
    community: dict[str, int] = {}
    for iri in nodes:
        if iri in pagerank:
            score[iri] = pagerank[iri]
            community[iri] = member.get(iri, -1)
            continue
        total, best, best_key = teleport, -1, None
        for nb, w in adj[iri].items():
            if nb not in pagerank:
                continue
            if nb not in wdeg:
                wdeg[nb] = sum(adj[nb].values())
            share = _PAGERANK_SHARE * pagerank[nb] * w / wdeg[nb]
            total += share
            if nb in member and (best_key is None or (-share, nb) < best_key):
                best, best_key = member[nb], (-share, nb)
        score[iri] = total
        community[iri] = best
    return score, community


def _resolve(name: str, nodes: dict, alive) -> str:
    """The node ``name`` designates among ``alive``: an IRI, a label (normalised), or the only
    label containing it; ``TYPE:NAME`` (e.g. ``actor:NHS England``) looks among that type only."""
    if name in nodes:
        if name not in alive:
            raise VizError(f"<{name}> is filtered out by --types, --since/--until or --min-relevancy; relax them")
        return name
    prefix, _, rest = name.partition(":")
    if rest.strip() and prefix.strip().lower() in {row[1] for row in nodes.values()}:
        wanted = prefix.strip().lower()
        alive = {n for n in alive if nodes[n][1] == wanted}
        name = rest.strip()
    key = label_key(name)
    exact = sorted(n for n in alive if key and label_key(nodes[n][2]) == key)
    if len(exact) == 1:
        return exact[0]
    if not exact:
        needle = name.casefold().strip()
        exact = sorted(n for n in alive if needle and needle in nodes[n][2].casefold())
        if len(exact) == 1:
            return exact[0]
    if not exact:
        raise VizError(
            f"no node named {name!r} in the graph (after filters); find names with "
            f"'graphkit related \"{name}\"' or 'graphkit rank', or pass an IRI"
        )
    shown = "; ".join(f"{nodes[n][1]} {nodes[n][2]!r} <{n}>" for n in exact[:8])
    more = f" and {len(exact) - 8} more" if len(exact) > 8 else ""
    example = f"{nodes[exact[0]][1]}:{name}"
    raise VizError(
        f"{name!r} matches {len(exact)} nodes: {shown}{more}. Pass one IRI, or the type too: --around {example!r}"
    )


def _links(chosen, adj: dict, articles) -> dict[tuple[str, str], tuple[float, int]]:
    """Edges among ``chosen``: ``{(a, b): (weight, shared)}`` with a < b.

    Direct edges of the projection have ``shared = 0``. Two chosen nodes that are not linked
    directly but share articles that are not shown (capped out, or filtered out by type) are
    linked with ``shared`` = how many, and weight = the sum over those articles of the weaker
    of the two links: a view without the articles still shows what goes together.
    """
    chosen_set = set(chosen)
    out: dict[tuple[str, str], tuple[float, int]] = {}
    hidden = set()
    for a in chosen:
        for b, w in adj[a].items():
            if b in chosen_set:
                if a < b:
                    out[a, b] = (w, 0)
            elif b in articles:
                hidden.add(b)
    shared: dict[tuple[str, str], list] = {}
    for art in sorted(hidden):
        members = sorted((m, w) for m, w in adj[art].items() if m in chosen_set)
        for i, (a, wa) in enumerate(members):
            for b, wb in members[i + 1 :]:
                if (a, b) in out:
                    continue
                acc = shared.setdefault((a, b), [0.0, 0])
                acc[0] += min(wa, wb)
                acc[1] += 1
    out.update((k, (w, n)) for k, (w, n) in shared.items())
    return out


def select_subgraph(
    projection: dict,
    analysis: dict | None = None,
    *,
    around: str | None = None,
    depth: int = 1,
    types=None,
    top: int | None = DEFAULT_TOP,
    min_relevancy: int | None = None,
    since: str | None = None,
    until: str | None = None,
    max_links: int | None = None,
) -> dict:
    """Choose the nodes and edges to draw.

    Parameters
    ----------
    projection : dict
        ``KnowledgeGraph.projection()``: ``{"nodes": [[iri, type, label, date, relevancy], ...],
        "edges": [[a, b, weight], ...]}``.
    analysis : dict, optional
        ``KnowledgeGraph.analysis()``: PageRank (sizes, ranking) and communities.
    around : str, optional
        An IRI or a name (``TYPE:NAME`` to pick among nodes of one type): show this node's
        neighbourhood only.
    depth : int
        Hops around ``around``.
    types : iterable of str, optional
        Node types to keep. Without ``article``, ``around`` walks through shared articles.
    top : int or None
        Keep at most this many nodes: the highest PageRank, or with ``around`` the nearest, then
        highest PageRank. ``None`` or 0: no cap.
    min_relevancy : int, optional
        Drop table rows (signals, concerns, …) whose relevancy is lower or missing.
    since, until : str or datetime.date, optional
        ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``YYYY-Qn`` or ``YYYY-Www``: keep articles dated
        from the start of ``since`` to the end of ``until`` (undated articles go), and the nodes
        still linked to one of them.
    max_links : int or None
        Each node keeps its ``max_links`` strongest edges (an edge stays if either end keeps it);
        ``None``: :func:`auto_max_links` of the number of nodes shown; 0: every edge.

    Returns
    -------
    dict
        ``nodes`` (dicts: ``iri``, ``type``, ``label``, ``date``, ``relevancy``, ``score``,
        ``community``, ``degree``, ``neighbours`` — counts by type in the whole graph), in the
        order chosen; ``edges`` (``[a, b, weight, shared]``, sorted; ``shared`` > 0 for two
        nodes linked through that many articles not shown, see :func:`_links`); ``total_nodes`` (after filters,
        before the cap), ``candidate_edges`` (edges among the chosen nodes before
        ``max_links``), ``graph_nodes``, ``capped``, ``center``, ``cooccurrence``, the
        ``filters`` applied and the ``types`` present in the graph.

    Every chosen node keeps its ``max_links`` strongest links; nodes that share articles left out
    of the view are linked through them (:func:`_links`), so a view of the most central themes
    of a large corpus, or ``types=["theme", "technology"]``, shows what goes together.

    Examples
    --------
    >>> proj = {"nodes": [["a", "article", "A", "2024-05-01", None], ["t", "theme", "T", None, None],
    ...                   ["s", "signal", "S", None, 4]],
    ...         "edges": [["a", "s", 1.0], ["a", "t", 1.0]]}
    >>> view = select_subgraph(proj, {"scores": {"pagerank": {"a": 0.6, "t": 0.4}}, "communities": [["a", "t"]]})
    >>> [n["iri"] for n in view["nodes"]], view["edges"]
    (['a', 't', 's'], [['a', 's', 1.0, 0], ['a', 't', 1.0, 0]])
    >>> [n["iri"] for n in select_subgraph(proj, since="2025")["nodes"]]
    []
    """
    nodes = {row[0]: row for row in projection["nodes"]}  # iri -> [iri, type, label, date, relevancy, ...]
    adj: dict[str, dict[str, float]] = defaultdict(dict)
    for a, b, w, *_ in projection["edges"]:
        adj[a][b] = adj[b][a] = float(w)
    present = sorted({row[1] for row in nodes.values()})
    filters: dict = {}
    alive = set(nodes)

    if since or until:
        import datetime as dt

        from graphkit.timeline.periods import within

        lo = date_bound(since) if since else "0001-01-01"
        hi = date_bound(until, end=True) if until else "9999-12-31"
        if lo > hi:
            raise VizError(f"--since {since} is after --until {until}")
        first, last = dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)
        live = {n for n in alive if nodes[n][1] == "article" and within(nodes[n][3], first, last)}
        alive = live | {n for n in alive if nodes[n][1] != "article" and any(nb in live for nb in adj[n])}
        filters.update(since=lo, until=hi)
    if min_relevancy is not None:

        def low(n):
            rel = nodes[n][4]
            return rel < min_relevancy if rel is not None else nodes[n][1] in FINDING_TYPES

        alive = {n for n in alive if not low(n)}
        filters["min_relevancy"] = min_relevancy

    if types:
        types = sorted(set(types))
        unknown = [t for t in types if t not in present]
        if unknown:
            raise VizError(f"no node of type {unknown[0]!r} in this graph; types: {', '.join(present)}")
        filters["types"] = types
        keep = {n for n in alive if nodes[n][1] in types}
    else:
        keep = alive
    articles = {n for n in alive if nodes[n][1] == "article"}
    # Without articles on show, nodes are neighbours when they share one.
    cooccurrence = bool(types) and "article" not in types

    score, community = _scores(nodes, adj, analysis)
    center = None
    dist = None
    if around:
        center = _resolve(around, nodes, keep)
        dist = {center: 0}
        frontier = [center]
        for d in range(1, depth + 1):
            nxt = []
            for n in frontier:
                near = [nb for nb in adj[n] if nb in keep]
                if cooccurrence:
                    near += [m for art in adj[n] if art in articles for m in adj[art] if m in keep]
                for nb in near:
                    if nb not in dist:
                        dist[nb] = d
                        nxt.append(nb)
            frontier = nxt
        order = sorted(dist, key=lambda n: (dist[n], -score[n], n))
        filters.update(around=center, depth=depth)
    elif top and len(keep) > top:
        order = heapq.nsmallest(top, keep, key=lambda n: (-score[n], n))
    else:
        order = sorted(keep, key=lambda n: (-score[n], n))
    total_nodes = len(dist) if dist is not None else len(keep)
    capped = top is not None and top > 0 and total_nodes > top
    chosen = order[:top] if capped else order
    links = _links(chosen, adj, articles)
    kept = set(links)
    if max_links is None:
        max_links = auto_max_links(len(chosen))
    if max_links:
        around_me: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for (a, b), (w, _) in links.items():
            around_me[a].append((b, w))
            around_me[b].append((a, w))
        kept = set()
        for a, neighbours in around_me.items():
            neighbours.sort(key=lambda bw: (-bw[1], -score[bw[0]], bw[0]))
            kept.update((a, b) if a < b else (b, a) for b, _ in neighbours[:max_links])
        if dist is not None:  # a neighbourhood stays connected: each node keeps a link towards the centre
            for n, neighbours in around_me.items():
                parent = next((b for b, _ in neighbours if dist[b] == dist[n] - 1), None)
                if parent is not None:
                    kept.add((n, parent) if n < parent else (parent, n))
    edges = [[a, b, round(links[a, b][0], 6), links[a, b][1]] for a, b in sorted(kept)]

    out_nodes = []
    for n in chosen:
        iri, type_, label, date, rel = nodes[n][:5]
        counts: dict[str, int] = defaultdict(int)
        for nb in adj[n]:
            counts[nodes[nb][1]] += 1
        node = {
            "iri": iri,
            "type": type_,
            "label": label,
            "date": date,
            "relevancy": rel,
            "score": score[n],
            "community": community[n],
            "degree": len(adj[n]),
            "neighbours": dict(sorted(counts.items())),
        }
        if cooccurrence:
            # Articles are not drawn: list the most central ones in the node's details instead.
            arts = sorted((nb for nb in adj[n] if nb in articles), key=lambda a: (-score[a], a))
            node["articles"] = [
                {"iri": a, "label": nodes[a][2], "date": nodes[a][3]} for a in arts[:LANDSCAPE_ARTICLES]
            ]
        out_nodes.append(node)
    return {
        "nodes": out_nodes,
        "edges": edges,
        "total_nodes": total_nodes,
        "candidate_edges": len(links),
        "graph_nodes": len(nodes),
        "capped": capped,
        "top": top or None,
        "center": center,
        "cooccurrence": cooccurrence,
        "filters": filters,
        "types": present,
    }


# -- facts from the store -------------------------------------------------------------------------

#: Facts fetched for articles, table rows and any other non-concept node: key -> property.
DETAIL_PROPERTIES = {
    "url": "schema:url",
    "description": "gk:description",
    "change": "gk:change",
    "horizon": "gk:horizon",
    "driving_force": "gk:drivingForce",
}
_DETAIL_VALUES = " ".join(f'("{k}" {p})' for k, p in DETAIL_PROPERTIES.items())
_DETAILS_QUERY = f"SELECT ?n ?key ?value WHERE {{ VALUES (?key ?p) {{ {_DETAIL_VALUES} }} ?n ?p ?value }}"


def node_details(kg, iris) -> dict[str, dict[str, str]]:
    """Facts of the given nodes read from the graph: ``{iri: {"url": …, "description": …}}``.

    One SPARQL query per node with the node bound as a parameter (never pasted into the query).
    Where a property has several values, the smallest is kept, so the output is deterministic.
    """
    from pyoxigraph import NamedNode, Variable

    from graphkit.core.namespaces import PREFIXES
    from graphkit.graph import term_value

    out: dict[str, dict[str, str]] = {}
    for iri in iris:
        facts: dict[str, str] = {}
        solutions = kg.store.query(
            _DETAILS_QUERY,
            use_default_graph_as_union=True,
            prefixes=PREFIXES,
            substitutions={Variable("n"): NamedNode(iri)},
        )
        for sol in solutions:
            key, value = term_value(sol["key"]), term_value(sol["value"])
            if value is not None and (key not in facts or str(value) < facts[key]):
                facts[key] = str(value)
        if facts:
            out[iri] = facts
    return out


# -- the page -------------------------------------------------------------------------------------


def _color_of_type(type_: str) -> str:
    return TYPE_COLORS.get(type_, FALLBACK_COLOR)


def _round(x: float, digits: int = 4) -> float:
    return float(f"{x:.{digits}g}")


def vis_options(n_nodes: int) -> dict:
    """vis-network options for a page of ``n_nodes`` nodes.

    pyvis provides the force-directed physics model (ForceAtlas2); graphkit bounds the
    stabilisation (fewer iterations on large pages), fixes the layout seed, and the page turns
    physics off once stabilised so a large graph stays responsive.
    """
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.force_atlas_2based(
        gravity=-50, central_gravity=0.01, spring_length=100, spring_strength=0.08, damping=0.4, overlap=0
    )
    net.toggle_stabilization(True)
    net.toggle_hide_edges_on_drag(n_nodes > 1000)
    options = json.loads(net.options.to_json())
    options["interaction"]["hideEdgesOnZoom"] = n_nodes > 1000
    large = n_nodes > 500
    options["physics"]["enabled"] = n_nodes > 1
    options["physics"]["stabilization"].update(
        iterations=1000 if n_nodes <= 300 else max(100, 300_000 // n_nodes), updateInterval=25, fit=True
    )
    options["physics"]["minVelocity"] = 0.75
    options["layout"] = {"randomSeed": LAYOUT_SEED, "improvedLayout": n_nodes <= 150}
    options["interaction"].update(
        hover=True, tooltipDelay=120, navigationButtons=False, keyboard=False, multiselect=False
    )
    options["nodes"] = {
        "shape": "dot",
        "borderWidth": 1,
        "scaling": {
            "min": 6,
            "max": 40,
            "label": {"enabled": True, "min": 10, "max": 22, "drawThreshold": 5, "maxVisible": 30},
        },
        "font": {"size": 12, "face": "system-ui, sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"},
    }
    options["edges"] = {
        "color": {"color": "#b9bec7", "highlight": "#3b4252", "hover": "#5e6779", "inherit": False, "opacity": 0.7},
        "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
        "scaling": {"min": 0.5, "max": 5},
        "selectionWidth": 2,
    }
    return options


def page_data(
    view: dict,
    *,
    details: dict | None = None,
    analysis: dict | None = None,
    color_by: str = "type",
    sparql_url: str | None = None,
) -> dict:
    """Everything the page shows, as JSON-able data (what :func:`render_html` embeds).

    Nodes get an index ``id``, a colour (by type or community), a ``value`` for vis.js sizing
    (square root of PageRank relative to the largest shown, so small scores stay visible) and
    their facts; edges are ``[from index, to index, weight, shared articles not shown]``.
    """
    if color_by not in ("type", "community"):
        raise VizError(f"--color-by {color_by!r}: use type or community")
    if sparql_url is not None and not re.fullmatch(r"https?://[^\s\"<>]+", sparql_url):
        raise VizError(
            f"--sparql-url {sparql_url!r}: give an http(s) URL, e.g. http://127.0.0.1:7878/ (graphkit serve)"
        )
    details = details or {}
    labels = (analysis or {}).get("labels", {})
    # The landscape sizes nodes by their articles; the network view by PageRank.
    by_articles = bool(view.get("landscape"))

    def size(n: dict) -> float:
        return float(n["neighbours"].get("article", 0)) if by_articles else max(n["score"], 0.0)

    top_score = max((size(n) for n in view["nodes"]), default=1.0) or 1.0
    index = {n["iri"]: i for i, n in enumerate(view["nodes"])}
    nodes = []
    type_count: dict[str, int] = defaultdict(int)
    comm_count: dict[int, int] = defaultdict(int)
    for i, n in enumerate(view["nodes"]):
        c = n["community"]
        type_count[n["type"]] += 1
        comm_count[c] += 1
        color = (
            _color_of_type(n["type"])
            if color_by == "type"
            else (COMMUNITY_COLORS[c % len(COMMUNITY_COLORS)] if c >= 0 else NO_COMMUNITY_COLOR)
        )
        item = {
            "id": i,
            "iri": n["iri"],
            "type": n["type"],
            "label": n["label"],
            "color": color,
            "value": _round(math.sqrt(size(n) / top_score)),
            "pagerank": _round(n["score"]),
            "community": c,
            "degree": n["degree"],
            "neighbours": n["neighbours"],
        }
        if n.get("date"):
            item["date"] = str(n["date"])[:10]
        if n.get("relevancy") is not None:
            item["relevancy"] = n["relevancy"]
        facts = details.get(n["iri"])
        if facts:
            item["facts"] = facts
        if "articles" in n:
            item["articles"] = [{k: v for k, v in a.items() if v is not None} for a in n["articles"]]
        nodes.append(item)
    edges = [[index[a], index[b], w, k] for a, b, w, k in view["edges"]]
    legend_types = [{"type": t, "color": _color_of_type(t), "count": type_count[t]} for t in sorted(type_count)]
    communities = [
        {
            "id": c,
            "label": labels.get(str(c), "no community" if c < 0 else f"community {c}"),
            "color": COMMUNITY_COLORS[c % len(COMMUNITY_COLORS)] if c >= 0 else NO_COMMUNITY_COLOR,
            "count": k,
        }
        for c, k in sorted(comm_count.items(), key=lambda ck: (-ck[1], ck[0]))
    ]
    return {
        "meta": {
            "title": TITLE,
            "colorBy": color_by,
            "notice": _notice(view),
            "shown": len(nodes),
            "edges": len(edges),
            "total": view["total_nodes"],
            "graphNodes": view["graph_nodes"],
            "capped": view["capped"],
            "center": index.get(view["center"]) if view["center"] else None,
            "sparql": sparql_url,
        },
        "types": legend_types,
        "communities": communities,
        "nodes": nodes,
        "edges": edges,
        "options": vis_options(len(nodes)),
    }


def _notice(view: dict) -> list[str]:
    """Plain-text lines above the graph: what is shown, what was filtered, how to see more."""
    shown, total, f = len(view["nodes"]), view["total_nodes"], view["filters"]
    lines = []
    links = f"{len(view['edges']):,} of {view['candidate_edges']:,} links"
    if not shown:
        lines.append("No node matches these filters. Relax --types, --since/--until or --min-relevancy.")
    elif view["capped"]:
        how = "nearest to the centre, then most central (PageRank)" if view["center"] else "most central by PageRank"
        lines.append(f"Showing {shown:,} of {total:,} nodes, the {how}, and their strongest links ({links}).")
    else:
        lines.append(
            f"Showing all {shown:,} nodes"
            + (f" of {total:,}" if total != shown else "")
            + f" and their strongest links ({links})."
        )
    parts = []
    if "types" in f:
        parts.append("types " + ", ".join(f["types"]))
    if "since" in f:
        parts.append(f"articles dated {f['since']} to {f['until']}")
    if "min_relevancy" in f:
        parts.append(f"rows of relevancy ≥ {f['min_relevancy']}")
    if view["center"]:
        label = next((n["label"] for n in view["nodes"] if n["iri"] == view["center"]), view["center"])
        parts.append(f"within {f['depth']} hop{'s' if f['depth'] != 1 else ''} of {label}")
    if parts:
        lines.append("Filters: " + "; ".join(parts) + f" ({view['graph_nodes']:,} nodes in the whole graph).")
    shared = sum(1 for e in view["edges"] if e[3])
    if shared:
        lines.append(f"Dashed links ({shared:,}) join nodes that share articles not shown; hover one for how many.")
    if view["capped"]:
        hints = [f"graphkit viz --top {min(total, max(1000, 2 * shown))}"]
        if not view["center"]:
            hints.append("one node's neighbourhood: --around NAME --depth 2")
        if "types" not in f:
            hints.append("fewer kinds: --types theme,technology")
        if "since" not in f:
            hints.append("a period: --since 2024 --until 2024-06")
        lines.append("Show more: " + "; ".join(hints) + ".")
    return lines


def _script_json(data) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>``, ``&``, U+2028, U+2029.

    >>> _script_json({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for ch, esc in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def vis_assets() -> tuple[str, str]:
    """(JavaScript, CSS) of vis-network as bundled with pyvis, read without importing pyvis."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise VizError("pyvis is not installed: pip install pyvis")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib"

    def version(p: Path):
        return tuple(int(x) for x in re.findall(r"\d+", p.name))

    folders = sorted((p for p in lib.glob("vis-*") if (p / "vis-network.min.js").is_file()), key=version)
    if not folders:
        raise VizError(f"vis-network not found in {lib}; reinstall pyvis")
    return (folders[-1] / "vis-network.min.js").read_text("utf-8"), (folders[-1] / "vis-network.css").read_text("utf-8")


def _inline(text: str, kind: str) -> str:
    """Text that can sit inside a ``<script>``/``<style>`` element without ending it early."""
    if re.search(rf"</{kind}|<!--", text, re.IGNORECASE):
        raise VizError(f"an inlined {kind} contains '</{kind}' or '<!--'; it cannot be inlined as is")
    return text


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(data: dict) -> str:
    """The page for :func:`page_data`'s output, as one self-contained HTML string.

    vis-network and the page's own script and CSS are inlined; the Content-Security-Policy lets
    only those two scripts run (by hash) and forbids every request (``default-src 'none'``).

    Examples
    --------
    >>> page = render_html(page_data(select_subgraph({"nodes": [], "edges": []})))
    >>> page.startswith("<!DOCTYPE html>"), "https://" in page.split("<script", 1)[0]
    (True, False)
    """
    vis_js, vis_css = vis_assets()
    app_js = _inline((_TEMPLATES / "viz.js").read_text("utf-8"), "script")
    app_css = _inline((_TEMPLATES / "viz.css").read_text("utf-8"), "style")
    vis_js, vis_css = _inline(vis_js, "script"), _inline(vis_css, "style")
    csp = (
        f"default-src 'none'; script-src {_sha256(vis_js)} {_sha256(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = Template((_TEMPLATES / "viz.html").read_text("utf-8"))
    return template.substitute(
        csp=html.escape(csp, quote=True),
        title=html.escape(data["meta"]["title"]),
        vis_css=vis_css,
        app_css=app_css,
        data=_script_json(data),
        vis_js=vis_js,
        app_js=app_js,
    )


def write_html(
    kg,
    output,
    *,
    around: str | None = None,
    depth: int = 1,
    types=None,
    top: int | None = DEFAULT_TOP,
    min_relevancy: int | None = None,
    since: str | None = None,
    until: str | None = None,
    color_by: str = "type",
    max_links: int | None = None,
    sparql_url: str | None = None,
    view_mode: str = "auto",
) -> dict:
    """Select, fetch facts, render and write the page atomically (temporary file + rename).

    Parameters are those of :func:`select_subgraph` plus ``color_by`` (``"type"`` or
    ``"community"``), ``sparql_url``, a SPARQL endpoint's page the header links to (the one
    ``graphkit serve`` prints), and ``view_mode``: ``"landscape"`` draws topics, technologies and
    actors sized by their articles (each node lists its articles on demand, in its details),
    ``"network"`` every type sized by PageRank, ``"auto"`` the landscape from
    :data:`LANDSCAPE_MIN_ARTICLES` articles unless ``types`` or ``around`` is given. Returns a
    summary: ``output``, ``bytes``, ``nodes``, ``edges``, ``total_nodes``, ``graph_nodes``,
    ``capped``, ``center``, ``view``.
    """
    from graphkit.store.folder import atomic_write

    if view_mode not in ("auto", "landscape", "network"):
        raise VizError(f"--view {view_mode!r}: use auto, landscape or network")
    analysis = kg.analysis()
    projection = kg.projection()
    if view_mode == "auto":
        articles = sum(1 for row in projection["nodes"] if row[1] == "article")
        large = articles >= LANDSCAPE_MIN_ARTICLES and types is None and around is None
        view_mode = "landscape" if large else "network"
    if view_mode == "landscape" and not types:
        present = {row[1] for row in projection["nodes"]}
        types = [t for t in LANDSCAPE_TYPES if t in present]
    view = select_subgraph(
        projection,
        analysis,
        around=around,
        depth=depth,
        types=types,
        top=top,
        min_relevancy=min_relevancy,
        since=since,
        until=until,
        max_links=max_links,
    )
    view["landscape"] = view_mode == "landscape"
    wanted = [n["iri"] for n in view["nodes"] if n["type"] not in CONCEPT_TYPES]
    data = page_data(
        view, details=node_details(kg, wanted), analysis=analysis, color_by=color_by, sparql_url=sparql_url
    )
    page = render_html(data).encode("utf-8")
    atomic_write(Path(output), page)
    return {
        "output": str(output),
        "bytes": len(page),
        "nodes": len(view["nodes"]),
        "edges": len(view["edges"]),
        "total_nodes": view["total_nodes"],
        "graph_nodes": view["graph_nodes"],
        "capped": view["capped"],
        "center": view["center"],
        "view": view_mode,
    }
