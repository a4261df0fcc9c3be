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


def louvain(g, *, seed: int = SEED, resolution: float = 1.0) -> list[set]:
    """Louvain communities, largest first, ties broken by the smallest member IRI.

    networkx's Louvain visits nodes in a seeded random order; with a fixed seed and a graph built
    in sorted order, the partition is identical run to run.
    """
    import networkx as nx

    if g.number_of_nodes() == 0:
        return []
    parts = nx.community.louvain_communities(g, weight="weight", resolution=resolution, seed=seed)
    return sorted((set(p) for p in parts), key=lambda p: (-len(p), min(map(str, p))))


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
