"""Project the RDF graph onto a weighted, undirected networkx graph for network analysis.

Nodes are keyed by IRI and carry ``type`` (article, theme, keyword, technology, signal, concern,
behavior, issue, actor) and ``label``. Edges, all undirected:

=====================  =========================================  ======
edge                   from                                        weight
=====================  =========================================  ======
article — theme        ``schema:about``                            1.0
article — keyword      ``schema:keywords``                         0.5
article — technology   ``schema:mentions``                         1.0
article — actor        ``schema:mentions``                         1.0
row — actor            ``schema:mentions`` (a row that names one)  1.0
article — row          ``gk:hasSignal`` … ``gk:hasIssue``          1.0
article — article      ``gk:closest`` (old digests' Closest list)  0.5
article — topic        through a theme, keyword or technology      that link's
                       linked to the topic (``skos:exactMatch`` or
                       ``skos:broader``, see extract/topics.py)
=====================  =========================================  ======

Topics are the canonical concept layer: an article reaches a topic through any of its themes,
keywords or technologies linked to it, with the weight of that link (the highest when several).
The topic hierarchy itself (topic — broader topic) is left out: every topic would otherwise hang
off one of the five STEEP top concepts, which would become the hubs of everything.

Keywords weigh half: a digest lists ten of them, often generic, against three to five themes.
Technology *mentions* (table rows) are not nodes: the article links to the merged technology.
Pages, categories and article types are left out: they connect everything published the same
week or in the same broad category, which would drown the topical structure.

The projection is deterministic: nodes and edges are added in sorted order.
"""

from __future__ import annotations

import re

from graphkit.core.namespaces import GK, SCHEMA

#: Node type -> RDF class.
NODE_TYPES = {
    "article": SCHEMA.NewsArticle,
    "theme": GK.Theme,
    "keyword": GK.Keyword,
    "technology": GK.Technology,
    "signal": GK.Signal,
    "concern": GK.Concern,
    "behavior": GK.Behavior,
    "issue": GK.Issue,
    "actor": GK.Actor,
    "topic": GK.Topic,
}
#: Edge property -> weight.
EDGE_WEIGHTS = {
    SCHEMA.about: 1.0,
    SCHEMA.keywords: 0.5,
    SCHEMA.mentions: 1.0,
    GK.hasSignal: 1.0,
    GK.hasConcern: 1.0,
    GK.hasBehavior: 1.0,
    GK.hasIssue: 1.0,
    GK.closest: 0.5,
}
FINDING_TYPES = ("signal", "concern", "behavior", "issue")


def _nodes_query() -> str:
    values = " ".join(f'(<{cls}> "{name}")' for name, cls in NODE_TYPES.items())
    return (
        "SELECT DISTINCT ?n ?type ?label ?date ?rel WHERE {"
        f" VALUES (?cls ?type) {{ {values} }}"
        " ?n a ?cls ."
        ' OPTIONAL { ?n skos:prefLabel ?pl FILTER(LANG(?pl) = "" || LANG(?pl) = "en") }'
        " OPTIONAL { ?n rdfs:label ?rl } OPTIONAL { ?n schema:headline ?hl }"
        " OPTIONAL { ?n schema:datePublished ?date } OPTIONAL { ?n gk:relevancy ?rel }"
        " BIND(COALESCE(?pl, ?hl, ?rl, STR(?n)) AS ?label) }"
    )


def _edges_query() -> str:
    values = " ".join(f"<{p}>" for p in EDGE_WEIGHTS)
    return f"SELECT DISTINCT ?a ?p ?b WHERE {{ VALUES ?p {{ {values} }} ?a ?p ?b }}"


def _topic_links_query() -> str:
    return (
        "SELECT DISTINCT ?c ?t WHERE { VALUES ?rel { skos:exactMatch skos:broader } ?c ?rel ?t . ?t a gk:Topic ."
        " FILTER NOT EXISTS { ?c a gk:Topic } }"
    )


def projection_data(store) -> dict:
    """Read nodes and edges from a pyoxigraph store as plain, sorted lists.

    Returns ``{"nodes": [[iri, type, label, date, relevancy], ...], "edges": [[a, b, weight], ...]}``;
    this is what the build caches next to the store, so analysis commands need no SPARQL.
    """
    nodes = {}
    for row in store.query(_nodes_query(), use_default_graph_as_union=True, prefixes=_PREFIXES):
        iri = row["n"].value
        if iri in nodes:
            continue
        date = row["date"].value if row["date"] is not None else None
        rel = int(row["rel"].value) if row["rel"] is not None else None
        nodes[iri] = [iri, row["type"].value, row["label"].value, date, rel]
    links: dict[str, list[str]] = {}
    for row in store.query(_topic_links_query(), use_default_graph_as_union=True, prefixes=_PREFIXES):
        links.setdefault(row["c"].value, []).append(row["t"].value)
    # As in the build's cache, only topics something links to are nodes (not the whole scheme).
    linked = {t for ts in links.values() for t in ts}
    nodes = {k: v for k, v in nodes.items() if v[1] != "topic" or k in linked}
    links = {c: sorted(ts) for c, ts in links.items()}
    weights: dict[tuple[str, str], float] = {}
    for row in store.query(_edges_query(), use_default_graph_as_union=True):
        a, b = row["a"].value, row["b"].value
        if a == b or a not in nodes or b not in nodes:
            continue  # a Closest link to a digest outside the corpus, or to itself
        _add_edge(weights, a, b, EDGE_WEIGHTS[row["p"].value], nodes, links)
    return {
        "nodes": [nodes[k] for k in sorted(nodes)],
        "edges": [[a, b, w] for (a, b), w in sorted(weights.items())],
    }


def _add_edge(weights: dict, a: str, b: str, w: float, nodes: dict, links: dict[str, list[str]]) -> None:
    """Add an edge (the highest weight wins), and the article's edges to the topics ``b`` links to."""
    key = (a, b) if a < b else (b, a)
    weights[key] = max(weights.get(key, 0.0), w)
    for art, concept in ((a, b), (b, a)):
        for topic in links.get(concept, ()):
            if topic in nodes and nodes[art][1] == "article":
                key = (art, topic) if art < topic else (topic, art)
                weights[key] = max(weights.get(key, 0.0), w)


_TYPE_BY_CLASS = {f"<{cls}>": name for name, cls in NODE_TYPES.items()}
_WEIGHT_BY_PRED = {f"<{p}>": w for p, w in EDGE_WEIGHTS.items()}
_RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABELS = {f"<{p}>" for p in (SCHEMA.headline, "http://www.w3.org/2000/01/rdf-schema#label")}
_DATE = f"<{SCHEMA.datePublished}>"
_RELEVANCY = f"<{GK.relevancy}>"
# Descriptions (rows) and summaries (articles): the text side of `graphkit related`.
_TEXTS = {f"<{GK.description}>", f"<{SCHEMA.abstract}>"}
_NT_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_NT_CHARS = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _literal_value(term: str) -> str:
    """The lexical value of an N-Triples literal (quotes, datatype and escapes removed)."""
    body = term[1 : term.rindex('"')]
    if "\\" not in body:
        return body
    return _NT_ESCAPE.sub(
        lambda m: chr(int(m[1][1:], 16)) if m[1][0] in "uU" and len(m[1]) > 1 else _NT_CHARS.get(m[1], m[1]), body
    )


def fragment(triples) -> dict:
    """The part of the projection one digest contributes, from its mapped triples.

    Computed by the build and cached per digest, so analysis commands need no SPARQL. Concept
    nodes get their type and label from :func:`assemble` (they are shared across digests).
    """
    nodes: dict[str, list] = {}
    edges = []
    for s, p, o in triples:
        if p == _RDF_TYPE:
            t = _TYPE_BY_CLASS.get(o)
            if t:
                nodes.setdefault(s[1:-1], [t, None, None, None])[0] = t
        elif p in _WEIGHT_BY_PRED:
            edges.append([s[1:-1], o[1:-1], _WEIGHT_BY_PRED[p], p[1:-1]])
    text: dict[str, str] = {}
    for s, p, o in triples:
        node = nodes.get(s[1:-1])
        if node is None:
            continue
        if p in _LABELS:
            node[1] = _literal_value(o)
        elif p == _DATE:
            node[2] = _literal_value(o)
        elif p == _RELEVANCY:
            node[3] = int(_literal_value(o))
        elif p in _TEXTS:
            text[s[1:-1]] = _literal_value(o)
    return {"nodes": nodes, "edges": edges, "text": text}


def assemble(fragments, concepts: dict[str, tuple[str, str]], links: dict[str, list[str]] | None = None) -> dict:
    """Join per-digest fragments into :func:`projection_data`'s format.

    ``concepts`` maps a concept IRI to (type, preferred label), topics included; ``links`` maps
    a theme, keyword or technology to the topics it is linked to.
    """
    nodes: dict[str, list] = {}
    for frag in fragments:
        for iri, (type_, label, date, rel) in frag["nodes"].items():
            nodes[iri] = [iri, type_, label if label is not None else iri, date, rel]
    for iri, (type_, label) in concepts.items():
        if type_ in NODE_TYPES:
            nodes[iri] = [iri, type_, label, None, None]
    weights: dict[tuple[str, str], float] = {}
    links = links or {}
    for frag in fragments:
        for a, b, w, _ in frag["edges"]:
            if a == b or a not in nodes or b not in nodes:
                continue
            _add_edge(weights, a, b, w, nodes, links)
    return {
        "nodes": [nodes[k] for k in sorted(nodes)],
        "edges": [[a, b, w] for (a, b), w in sorted(weights.items())],
    }


def to_networkx(data: dict):
    """Build the networkx Graph from :func:`projection_data` output.

    Examples
    --------
    >>> g = to_networkx({"nodes": [["a", "article", "A", None, None], ["t", "theme", "T", None, None]],
    ...                  "edges": [["a", "t", 1.0]]})
    >>> g.nodes["t"]["type"], g["a"]["t"]["weight"]
    ('theme', 1.0)
    """
    import networkx as nx

    g = nx.Graph()
    for iri, type_, label, date, rel in data["nodes"]:
        attrs = {"type": type_, "label": label}
        if date:
            attrs["date"] = date
        if rel is not None:
            attrs["relevancy"] = rel
        g.add_node(iri, **attrs)
    g.add_weighted_edges_from(data["edges"])
    return g


_PREFIXES = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": str(SCHEMA),
    "gk": str(GK),
}
