"""Communities of the projected graph (Louvain, fixed seed) and their labels.

Examples
--------
>>> import networkx as nx
>>> g = nx.Graph()
>>> g.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
>>> sorted(sorted(c) for c in louvain(g))
[['a', 'b', 'c'], ['x', 'y', 'z']]
"""

from __future__ import annotations

SEED = 42
#: Node types whose members name a community (most central first).
LABEL_TYPES = ("topic", "theme", "technology")


def louvain(g, *, seed: int = SEED, resolution: float = 1.0, engine: str = "igraph") -> list[set]:
    """Louvain communities, largest first, ties broken by the smallest member IRI.

    Parameters
    ----------
    g : networkx.Graph
        Weighted (``weight`` edge attribute).
    seed : int
        Seeds the random order in which nodes are visited: same graph, same communities.
    resolution : float
    engine : {"igraph", "networkx"}
        igraph's multilevel algorithm (C, 30-40x faster: 0.3 s instead of 11 s on the core of
        10,000 digests) or networkx's, which finds partitions of the same modularity. Nodes are
        handed to igraph in sorted order, so the result does not depend on insertion order.
    """
    if g.number_of_nodes() == 0:
        return []
    if engine == "networkx":
        import networkx as nx

        parts = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    elif engine == "igraph":
        parts = _louvain_igraph(g, seed, resolution)
    else:
        raise ValueError(f"unknown engine {engine!r}: igraph or networkx")
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(map(str, p))))


def _louvain_igraph(g, seed: int, resolution: float) -> list[set]:
    import random

    import igraph

    nodes = sorted(g.nodes(), key=str)
    index = {n: i for i, n in enumerate(nodes)}
    edges = sorted(
        (min(index[u], index[v]), max(index[u], index[v]), float(d.get("weight", 1.0)))
        for u, v, d in g.edges(data=True)
    )
    h = igraph.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in edges], edge_attrs={"weight": [w for *_, w in edges]})
    # igraph draws from a process-wide generator: a private seeded one for this call only.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership = h.community_multilevel(weights="weight", resolution=resolution).membership
    finally:
        igraph.set_random_number_generator(random)
    parts: dict[int, set] = {}
    for n, c in zip(nodes, membership):
        parts.setdefault(c, set()).add(n)
    return list(parts.values())


def modularity(g, communities: list[set]) -> float:
    """Weighted modularity of a partition."""
    import networkx as nx

    if g.number_of_edges() == 0:
        return 0.0
    return nx.community.modularity(g, communities, weight="weight")


def describe(g, communities: list[set], scores: dict, *, top: int = 5) -> list[dict]:
    """Summaries of communities: id, size, members per type, label, top members.

    ``scores`` ranks members (PageRank, usually). The label joins the most central themes and
    technologies; a community with none is labelled by its most central member.
    """
    out = []
    for i, members in enumerate(communities):
        ranked = sorted(members, key=lambda n: (-scores.get(n, 0.0), str(n)))
        by_type: dict[str, int] = {}
        for n in members:
            t = g.nodes[n].get("type", "?")
            by_type[t] = by_type.get(t, 0) + 1
        naming, seen = [], set()
        for n in ranked:  # a theme and a technology may share a name: name it once
            name = g.nodes[n].get("label", str(n))
            if g.nodes[n].get("type") in LABEL_TYPES and name.casefold() not in seen:
                seen.add(name.casefold())
                naming.append(n)
                if len(naming) == 3:
                    break
        naming = naming or ranked[:1]
        out.append(
            {
                "community": i,
                "size": len(members),
                "label": " / ".join(g.nodes[n].get("label", str(n)) for n in naming),
                "types": dict(sorted(by_type.items())),
                "top": [
                    {
                        "iri": n,
                        "label": g.nodes[n].get("label", str(n)),
                        "type": g.nodes[n].get("type"),
                        "score": scores.get(n, 0.0),
                    }
                    for n in ranked[:top]
                ],
            }
        )
    return out
