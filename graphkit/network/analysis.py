"""Whole-graph analysis computed once per build: centrality, communities, and their RDF write-back.

Everything is computed on the projection's *core* — articles and the concepts they share
(themes, keywords, technologies), without the table rows — because rows are leaves hanging off
one article: their degree is 1 and their betweenness 0 by definition, they cannot bridge
communities, and they are four fifths of the nodes. A row belongs to its article's community
(``?row gk:extractedFrom ?a . ?a gk:community ?c`` in SPARQL). Results are cached in the generation folder (``analysis.json``) and written into the
store's ``gkd:graph/analysis`` graph, so SPARQL can filter on them.
"""

from __future__ import annotations

from graphkit.core.namespaces import GK, GKD, RDF, RDFS
from graphkit.core.ntriples import Triple, double_lit, int_lit, iri, lit
from graphkit.network import centrality, communities
from graphkit.network.engine import Numbered, from_edges, numbered
from graphkit.network.project import FINDING_TYPES


def core(g):
    """The projection without table rows (signals, concerns, behaviours, issues); ``g`` itself
    when it has none (a graph made by :func:`core_projection`)."""
    keep = [n for n, t in g.nodes(data="type") if t not in FINDING_TYPES]
    if len(keep) == g.number_of_nodes():
        return g
    return g.subgraph(keep).copy()


def core_projection(data: dict) -> dict:
    """The projection's data without table rows, for :func:`analyse`: building the core graph
    directly costs a fraction of building the whole graph and copying its core (10 s at 10,000
    digests).

    >>> core_projection({"nodes": [["a", "article", "A", None, None], ["s", "signal", "S", None, 3]],
    ...                  "edges": [["a", "s", 1.0]]})
    {'nodes': [['a', 'article', 'A', None, None]], 'edges': []}
    """
    keep = {n[0] for n in data["nodes"] if n[1] not in FINDING_TYPES}
    return {
        "nodes": [n for n in data["nodes"] if n[0] in keep],
        "edges": [e for e in data["edges"] if e[0] in keep and e[1] in keep],
    }


def analyse(g, *, betweenness_k: int | None = None, engine: str = "igraph") -> dict:
    """Scores and communities of the projection's core, as plain JSON-able data.

    Returns ``{"nodes": {iri: [type, label]}, "scores": {measure: {iri: score}}, "communities":
    [[iri, ...], ...], "labels": {"0": label, ...}, "modularity": float, "betweenness": {"exact":
    bool, "k": int | None, "nodes": int, "searched": int, "budget": int, "engine": str}}``,
    communities largest first. ``betweenness`` is how it was computed
    (:func:`graphkit.network.centrality.betweenness_plan`): ``k`` sampled sources or exact, on
    ``searched`` nodes once leaves are folded, within ``budget``. ``engine`` runs every measure in
    igraph (C, the default) or networkx; both give the same scores on a graph computed exactly.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> nx.set_node_attributes(g, "theme", "type")
    >>> analyse(g)["scores"]["betweenness"]
    {'a': 0.0, 'b': 1.0, 'c': 0.0}
    """
    c = core(g)
    attrs = {n: (t, c.nodes[n].get("label", n)) for n, t in c.nodes(data="type")}
    return _analyse(numbered(c), attrs, betweenness_k, engine)


def analyse_projection(data: dict, *, betweenness_k: int | None = None, engine: str = "igraph") -> dict:
    """:func:`analyse` of :func:`core_projection` ``(data)``, without building a networkx graph
    (what the build does: at 10,000 digests that graph costs 1 s and is not needed).

    >>> analyse_projection({"nodes": [["a", "article", "A", None, None], ["t", "theme", "T", None, None]],
    ...                     "edges": [["a", "t", 1.0]]})["communities"]
    [['a', 't']]
    """
    c = core_projection(data)
    attrs = {n[0]: (n[1], n[2]) for n in c["nodes"]}
    return _analyse(from_edges(attrs, c["edges"]), attrs, betweenness_k, engine)


class _Nodes:
    """``nodes[n]`` as a dict of ``type`` and ``label``: what :func:`communities.describe` reads."""

    def __init__(self, attrs: dict[str, tuple[str, str]]):
        self.nodes = {n: {"type": t, "label": label} for n, (t, label) in attrs.items()}


def _analyse(num: Numbered, attrs: dict, betweenness_k: int | None, engine: str) -> dict:
    plan = centrality.betweenness_plan(num, betweenness_k, engine=engine)
    between = centrality.betweenness(num, betweenness_k, engine=engine)
    parts = communities.louvain(num, engine=engine)
    pagerank = centrality.pagerank(num, engine=engine)
    described = communities.describe(_Nodes(attrs), parts, pagerank, top=0)
    degree = {v: len(a) for v, a in zip(num.nodes, num.adj, strict=True)}
    return {
        "nodes": {n: [t, label] for n, (t, label) in sorted(attrs.items())},
        "scores": {"degree": degree, "pagerank": pagerank, "betweenness": between},
        "communities": [sorted(p) for p in parts],
        "labels": {str(d["community"]): d["label"] for d in described},
        "modularity": communities.modularity(num, parts, engine=engine),
        "betweenness": {
            "exact": plan["exact"],
            "k": plan["k"],
            "nodes": len(num.nodes),
            "searched": plan["searched"],
            "budget": plan["budget"],
            "engine": engine,
        },
    }


def analysis_triples(result: dict, base: str = GKD) -> list[Triple]:
    """Write-back: ``gk:degree``, ``gk:pagerank``, ``gk:betweenness``, ``gk:community`` per node,
    and each community as a ``gk:Community`` with a label. Sorted, so builds are reproducible."""
    out: list[Triple] = []
    scores = result["scores"]
    deg, pr, bt = iri(GK.degree), iri(GK.pagerank), iri(GK.betweenness)
    for n in sorted(scores["pagerank"]):
        s = iri(n)
        out.append((s, deg, int_lit(scores["degree"].get(n, 0))))
        out.append((s, pr, double_lit(scores["pagerank"][n])))
        out.append((s, bt, double_lit(scores["betweenness"].get(n, 0.0))))
    has, a, label, rank = iri(GK.community), iri(RDF.type), iri(RDFS.label), iri(GK.communityRank)
    types = {n: t for n, (t, _) in result.get("nodes", {}).items()}
    for i, members in enumerate(result["communities"]):
        c = iri(f"{base}community/{i}")
        out.append((c, a, iri(GK.Community)))
        out.append((c, label, lit(result.get("labels", {}).get(str(i), f"community {i}"))))
        out.extend((iri(n), has, c) for n in members)
        # Rank themes and technologies here: doing it in SPARQL is quadratic per community.
        named = sorted(
            (n for n in members if types.get(n) in communities.LABEL_TYPES),
            key=lambda n: (-scores["pagerank"].get(n, 0.0), n),
        )
        out.extend((iri(n), rank, int_lit(r)) for r, n in enumerate(named, start=1))
    return out
